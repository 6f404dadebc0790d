#include "test/fault/kill_fault_world.h"

#include <signal.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstring>
#include <thread>

#include "operator/api/labels.h"
#include "test/e2e/instance_e2e_support.h"

namespace berth::fault {
namespace {

namespace labels = api::labels;
using e2e::json;

constexpr const char* kSuitePrefix = "fault-kill-";
constexpr const char* kOtherCluster = "fault-test-another-berth-cluster";
constexpr size_t kMaxLines = 40;

// The pid of the run that made an object with suite value `suite`, or 0.
int PidOf(const std::string& suite) {
  if (!suite.starts_with(kSuitePrefix)) return 0;
  return std::atoi(suite.c_str() + std::strlen(kSuitePrefix));
}

bool Dead(int pid) {
  return pid > 0 && ::kill(pid, 0) != 0 && errno == ESRCH;
}

// "Stack/ns/name" -> {"Stack", "ns", "name"}.
std::vector<std::string> OwnerParts(const std::string& owner) {
  std::vector<std::string> out;
  size_t start = 0;
  for (size_t slash; (slash = owner.find('/', start)) != std::string::npos; start = slash + 1) {
    out.push_back(owner.substr(start, slash - start));
  }
  out.push_back(owner.substr(start));
  return out;
}

std::string Label(const docker::Labels& l, const std::string& key) {
  auto it = l.find(key);
  return it == l.end() ? "" : it->second;
}

// Force-removes containers, a few at a time (a run leaves over a hundred).
void RemoveContainers(docker::DockerClient& docker, const std::vector<std::string>& ids) {
  std::atomic<size_t> next{0};
  std::vector<std::thread> workers;
  for (int i = 0; i < 4; ++i) {
    workers.emplace_back([&] {
      for (size_t k; (k = next++) < ids.size();) (void)docker.RemoveContainer(ids[k], true, true);
    });
  }
  for (auto& t : workers) t.join();
}

void RemoveVolumesOf(docker::DockerClient& docker,
                     const std::function<bool(const std::string&)>& ns) {
  auto vs = docker.ListVolumes(labels::ManagedFilter());
  if (!vs.ok()) return;
  for (const auto& v : *vs) {
    auto parts = OwnerParts(Label(v.labels, labels::kOwner));
    if (parts.size() == 3 && ns(parts[1])) (void)docker.RemoveVolume(v.name, true);
  }
}

// The services (and which are jobs) of the Stack in manifest `rel`.
void ServicesOf(const std::string& rel, std::set<std::string>* services,
                std::set<std::string>* jobs) {
  e2e::EditManifest(e2e::ReadFile(e2e::ManifestPath(rel)), [&](json& d) {
    if (d.value("kind", "") != "Stack") return;
    for (const auto& [name, svc] : d["spec"]["services"].items()) {
      services->insert(name);
      if (jobs && svc.value("kind", "") == "job") jobs->insert(name);
    }
  });
}

std::string Lines(const std::vector<std::string>& why) {
  std::string out;
  for (size_t i = 0; i < why.size() && i < kMaxLines; ++i) out += why[i] + "\n";
  if (why.size() > kMaxLines)
    out += "... and " + std::to_string(why.size() - kMaxLines) + " more\n";
  return out;
}

}  // namespace

std::string KillSuite(int pid) {
  return kSuitePrefix + std::to_string(pid);
}

void RemoveDeadKillLeftovers(docker::DockerClient& docker) {
  docker::LabelFilter f = {"berth.dev/test=1", e2e::kSuiteLabel};
  if (auto cs = docker.ListContainers(f); cs.ok()) {
    std::vector<std::string> ids;
    for (const auto& c : *cs) {
      if (Dead(PidOf(Label(c.labels, e2e::kSuiteLabel)))) ids.push_back(c.id);
    }
    RemoveContainers(docker, ids);
  }
  if (auto ns = docker.ListNetworks(f); ns.ok()) {
    for (const auto& n : *ns) {
      if (Dead(PidOf(Label(n.labels, e2e::kSuiteLabel)))) (void)docker.RemoveNetwork(n.id);
    }
  }
  // Volumes carry berth's labels only: the pid is in the namespace ("kf<pid>-...").
  RemoveVolumesOf(docker, [](const std::string& ns) {
    return ns.starts_with("kf") && Dead(std::atoi(ns.c_str() + 2));
  });
}

void RemoveKillObjects(docker::DockerClient& docker, const std::string& suite,
                       const std::string& ss_ns) {
  docker::LabelFilter f = {"berth.dev/test=1", std::string(e2e::kSuiteLabel) + "=" + suite};
  if (auto cs = docker.ListContainers(f); cs.ok()) {
    std::vector<std::string> ids;
    for (const auto& c : *cs) ids.push_back(c.id);
    RemoveContainers(docker, ids);
  }
  if (auto ns = docker.ListNetworks(f); ns.ok()) {
    for (const auto& n : *ns) (void)docker.RemoveNetwork(n.id);
  }
  if (!ss_ns.empty()) RemoveVolumesOf(docker, [&](const std::string& ns) { return ns == ss_ns; });
}

KillWorld::KillWorld(docker::DockerClient& docker, std::string ns, std::string suite,
                     std::string conf_dir)
    : docker_(docker),
      ns_(std::move(ns)),
      suite_(std::move(suite)),
      conf_dir_(std::move(conf_dir)) {
  ss_ns_ = "kf" + std::to_string(::getpid()) + "-" + ns_.substr(2);
  ServicesOf("test/beaver.yaml", &beaver_services_, nullptr);
  ServicesOf("test/share-stacks.yaml", &share_services_, &share_jobs_);
  e2e::EditManifest(e2e::ReadFile(e2e::ManifestPath("test/share-stacks.yaml")), [&](json& d) {
    if (d.value("kind", "") != "Stack") return;
    for (const auto& [name, svc] : d["spec"]["services"].items()) {
      if (svc.contains("ports")) ports_[name] = e2e::FreePort();
    }
  });
}

bool KillWorld::Plant(const std::string& name, const docker::Labels& l) {
  docker::ContainerSpec spec;
  spec.name = name;
  spec.image = "berth-test/busybox:1";
  spec.cmd = std::vector<std::string>{"sleep", "1000000"};
  spec.labels = l;
  spec.labels["berth.dev/test"] = "1";
  spec.labels[e2e::kSuiteLabel] = suite_;
  auto id = docker_.CreateContainer(spec);
  if (!id.ok()) {
    ADD_FAILURE() << "planting " << name << ": " << id.status().ToString();
    return false;
  }
  if (Status st = docker_.StartContainer(*id); !st.ok()) {
    ADD_FAILURE() << "starting " << name << ": " << st.ToString();
    return false;
  }
  auto info = docker_.InspectContainer(*id);
  if (!info.ok()) return false;
  planted_[name] = {*id, info->state.started_at};
  return true;
}

bool KillWorld::Prepare() {
  docker::NetworkSpec net;
  net.name = ss_ns_ + "-1panel";
  net.labels = {{"berth.dev/test", "1"}, {e2e::kSuiteLabel, suite_}};
  if (auto id = docker_.CreateNetwork(net); !id.ok()) {
    ADD_FAILURE() << "creating " << net.name << ": " << id.status().ToString();
    return false;
  }
  auto managed = [](const std::string& owner, const std::string& service) {
    docker::Labels l = {{labels::kManagedBy, labels::kManagedByValue}, {labels::kOwner, owner}};
    l[labels::kCluster] = kOtherCluster;
    if (!service.empty()) l[labels::kService] = service;
    l[labels::kRole] = service.empty() ? "instance" : "service";
    return l;
  };
  bool ok =
      Plant(ns_ + "-stranger", {{"app", "stranger"}}) &&
      Plant(ns_ + "-othercluster-instance",
            managed("Instance/" + ns_ + "/ghost-user-0123456789", "")) &&
      Plant(ns_ + "-othercluster-authz", managed("Stack/" + ns_ + "/beaver", "authz-service")) &&
      Plant(ss_ns_ + "-othercluster-valkey",
            managed("Stack/" + ss_ns_ + "/share-stacks", "valkey")) &&
      Plant(ss_ns_ + "-othercluster-ghost", managed("Stack/" + ss_ns_ + "/ghost", "app"));
  if (!ok) return false;
  docker::NetworkSpec other;
  other.name = ns_ + "-othercluster-net";
  other.labels = managed("Stack/" + ns_ + "/ghost", "");
  other.labels.erase(labels::kRole);
  other.labels[labels::kNetwork] = "net";
  other.labels["berth.dev/test"] = "1";
  other.labels[e2e::kSuiteLabel] = suite_;
  auto nid = docker_.CreateNetwork(other);
  if (!nid.ok()) {
    ADD_FAILURE() << "creating " << other.name << ": " << nid.status().ToString();
    return false;
  }
  planted_network_ = *nid;
  planted_files_ = {
      {"zz-hand-written.conf", "# written by hand, not by berth: berth must leave it alone\n"},
      {ns_ + "-stranger.conf", "# named like a route of berth's, but berth did not write it\n"}};
  for (const auto& [name, content] : planted_files_)
    e2e::WriteFile(conf_dir_ + "/" + name, content);
  return true;
}

std::string KillWorld::ShareManifest(int generation) const {
  std::string text = e2e::ReadFile(e2e::ManifestPath("test/share-stacks.yaml"));
  return e2e::EditManifest(text, [&](json& d) {
    d["metadata"]["namespace"] = ss_ns_;
    if (d.value("kind", "") != "Stack") return;
    json& spec = d["spec"];
    spec["networks"]["1panel-network"]["name"] = ss_ns_ + "-1panel";
    for (auto& [name, svc] : spec["services"].items()) {
      svc["containerName"] = ss_ns_ + "-" + svc["containerName"].get<std::string>();
      svc["labels"]["berth.dev/test"] = "1";
      svc["labels"][e2e::kSuiteLabel] = suite_;
      if (!svc.contains("ports")) continue;
      json ports = json::array();
      for (const json& p : svc["ports"]) {
        std::string s = p.get<std::string>();  // 127.0.0.1:HOST:CONTAINER
        ports.push_back("127.0.0.1:" + std::to_string(ports_.at(name)) + s.substr(s.rfind(':')));
      }
      svc["ports"] = ports;
    }
    spec["services"]["valkey"]["env"]["FAULT_GENERATION"] = std::to_string(generation);
  });
}

std::string KillWorld::ScratchManifest() const {
  std::string l = "{berth.dev/test: \"1\", " + std::string(e2e::kSuiteLabel) + ": " + suite_ + "}";
  return "apiVersion: berth.dev/v1alpha1\nkind: Stack\n"
         "metadata: {name: scratch, namespace: " +
         ss_ns_ +
         "}\n"
         "spec:\n"
         "  networks:\n"
         "    net: {labels: " +
         l +
         "}\n"
         "  services:\n"
         "    sleeper:\n"
         "      image: berth-test/busybox:1\n"
         "      imagePullPolicy: Never\n"
         "      containerName: " +
         ss_ns_ +
         "-scratch\n"
         "      command: [\"sh\", \"-c\", \"trap 'exit 0' TERM; while true; do sleep 1; done\"]\n"
         "      networks: [net]\n"
         "      labels: " +
         l +
         "\n"
         "      stopGracePeriod: 5s\n";
}

std::string KillWorld::ScratchPath() const {
  return "/apis/berth.dev/v1alpha1/namespaces/" + ss_ns_ + "/stacks/scratch";
}

std::string KillWorld::Divergence(const std::map<std::string, std::string>& want, const Get& get) {
  std::vector<std::string> why;
  e2e::HttpResult r = get("/provision/v1/instances");
  json list = json::parse(r.body, nullptr, false);
  if (r.status != 200 || !list.is_object()) return "provisioning API: " + std::to_string(r.status);
  std::map<std::string, std::string> instances;  // Instance name -> slug
  std::set<std::string> users;
  for (const json& it : list.value("items", json::array())) {
    std::string user = it.value("user", "");
    users.insert(user);
    auto w = want.find(user);
    if (w == want.end()) {
      why.push_back("user " + user + " still has an Instance (" + it.value("phase", "") + ")");
    } else if (w->second != it.value("slug", "")) {
      why.push_back("user " + user + " has slug " + it.value("slug", "") + ", not " + w->second);
    } else if (!it.value("ready", false)) {
      why.push_back("user " + user + " is " + it.value("phase", ""));
    }
    instances[it.value("name", "")] = it.value("slug", "");
  }
  for (const auto& [user, slug] : want) {
    if (!users.count(user)) why.push_back("user " + user + " has no Instance");
  }
  for (const auto& [ns, name] : {std::pair{ns_, std::string("beaver")}, {ss_ns_, "share-stacks"}}) {
    json st = json::parse(get("/apis/berth.dev/v1alpha1/namespaces/" + ns + "/stacks/" + name).body,
                          nullptr, false);
    if (!st.is_object() || !st.contains("status")) {
      why.push_back("Stack " + ns + "/" + name + " has no status");
    } else if (st["status"].value("phase", "") != "Ready" ||
               st["status"].value("observedGeneration", -1) !=
                   st["metadata"].value("generation", -2)) {
      why.push_back("Stack " + ns + "/" + name + " is " + st["status"].value("phase", "") +
                    " (generation " + std::to_string(st["metadata"].value("generation", -2)) +
                    ", observed " + std::to_string(st["status"].value("observedGeneration", -1)) +
                    ")");
    }
  }
  if (int code = get(ScratchPath()).status; code != 404) {
    why.push_back("Stack " + ss_ns_ + "/scratch answers " + std::to_string(code) + ", not 404");
  }
  CheckContainers(instances, &why);
  CheckNetworks(&why);
  CheckConfDir(want, &why);
  return Lines(why);
}

void KillWorld::CheckContainers(const std::map<std::string, std::string>& instances,
                                std::vector<std::string>* why) {
  auto cs = docker_.ListContainers(labels::ManagedFilter());
  if (!cs.ok()) {
    why->push_back("listing containers: " + cs.status().ToString());
    return;
  }
  // Expected: owner[#service] -> a check of the one container that must be there.
  std::map<std::string, std::function<void(const docker::ContainerSummary&)>> expect;
  std::string cluster;
  for (const auto& c : *cs) {
    if (c.name == ns_ + "-router-proxy") cluster = Label(c.labels, labels::kCluster);
  }
  unlabelled_.clear();
  auto common = [this, why, &cluster](const docker::ContainerSummary& c, bool job) {
    if (!job && c.state != "running") why->push_back("container " + c.name + " is " + c.state);
    if (cluster.empty() || Label(c.labels, labels::kCluster) != cluster) {
      unlabelled_.push_back("container " + c.name + " is not labelled with this berth's cluster " +
                            cluster + " (" + labels::kCluster + "=" +
                            Label(c.labels, labels::kCluster) + ")");
    }
  };
  for (const std::string& s : beaver_services_) {
    expect["Stack/" + ns_ + "/beaver#" + s] = [=](const auto& c) { common(c, false); };
  }
  for (const std::string& s : share_services_) {
    bool job = share_jobs_.count(s) > 0;
    std::string fg = ss_ns_ + "-share_valkey";
    expect["Stack/" + ss_ns_ + "/share-stacks#" + s] = [=, this](const auto& c) {
      common(c, job);
      if (c.name != fg) return;
      auto info = docker_.InspectContainer(c.id);
      bool v2 = info.ok() && std::find(info->env.begin(), info->env.end(), "FAULT_GENERATION=2") !=
                                 info->env.end();
      if (!v2) why->push_back("container " + c.name + " does not run share-stacks generation 2");
    };
  }
  for (const auto& [name, slug] : instances) {
    std::string want_name = "berth_" + ns_ + "_" + slug;
    expect["Instance/" + ns_ + "/" + name] = [=](const auto& c) {
      common(c, false);
      if (c.name != want_name) why->push_back("container " + c.name + " is not " + want_name);
    };
  }
  std::map<std::string, std::vector<const docker::ContainerSummary*>> found;
  for (const auto& c : *cs) {
    if (planted_.count(c.name)) continue;
    std::string owner = Label(c.labels, labels::kOwner);
    auto parts = OwnerParts(owner);
    if (parts.size() != 3 || (parts[1] != ns_ && parts[1] != ss_ns_)) continue;
    std::string service = Label(c.labels, labels::kService);
    std::string key = parts[0] == "Instance" || service.empty() ? owner : owner + "#" + service;
    found[key].push_back(&c);
  }
  for (const auto& [key, list] : found) {
    if (!expect.count(key)) {
      for (const auto* c : list) why->push_back("orphan container " + c->name + " of " + key);
    }
  }
  for (const auto& [key, check] : expect) {
    auto it = found.find(key);
    if (it == found.end()) {
      why->push_back("no container for " + key);
    } else if (it->second.size() > 1) {
      std::string names;
      for (const auto* c : it->second) names += " " + c->name;
      why->push_back("duplicate containers for " + key + ":" + names);
    } else {
      check(*it->second.front());
    }
  }
}

void KillWorld::CheckNetworks(std::vector<std::string>* why) {
  auto ns = docker_.ListNetworks(labels::ManagedFilter());
  if (!ns.ok()) {
    why->push_back("listing networks: " + ns.status().ToString());
    return;
  }
  std::string edge = ns_ + "-edge";
  int edges = 0;
  for (const auto& n : *ns) {
    if (n.id == planted_network_) continue;
    auto parts = OwnerParts(Label(n.labels, labels::kOwner));
    if (parts.size() != 3 || (parts[1] != ns_ && parts[1] != ss_ns_)) continue;
    if (n.name == edge && parts[0] == "Stack" && parts[2] == "beaver") {
      ++edges;
    } else {
      why->push_back("orphan network " + n.name + " of " + Label(n.labels, labels::kOwner));
    }
  }
  if (edges != 1) why->push_back(std::to_string(edges) + " networks " + edge + ", not 1");
}

void KillWorld::CheckConfDir(const std::map<std::string, std::string>& want,
                             std::vector<std::string>* why) {
  std::set<std::string> expected = {"00-berth-common.conf"};
  for (const auto& [name, content] : planted_files_) expected.insert(name);
  for (const auto& [user, slug] : want) expected.insert(ns_ + "-" + slug + ".conf");
  std::set<std::string> actual;
  std::error_code ec;
  for (const auto& e : std::filesystem::directory_iterator(conf_dir_, ec)) {
    actual.insert(e.path().filename().string());
  }
  for (const std::string& f : actual) {
    if (!expected.count(f)) why->push_back("orphan file conf.d/" + f);
  }
  for (const std::string& f : expected) {
    if (!actual.count(f)) why->push_back("missing file conf.d/" + f);
  }
}

std::string KillWorld::Unlabelled() const {
  return Lines(unlabelled_);
}

std::string KillWorld::PlantedChanges() {
  std::string out;
  for (const auto& [name, was] : planted_) {
    auto info = docker_.InspectContainer(was.id);
    if (!info.ok()) {
      out += "planted container " + name + " is gone: " + info.status().ToString() + "\n";
    } else if (!info->state.running || info->state.started_at != was.started_at) {
      out += "planted container " + name + " was stopped or restarted (" + info->state.status +
             ", started " + info->state.started_at + ", was " + was.started_at + ")\n";
    }
  }
  if (!docker_.InspectNetwork(planted_network_).ok()) out += "planted network is gone\n";
  for (const auto& [name, content] : planted_files_) {
    if (e2e::ReadFile(conf_dir_ + "/" + name) != content) out += "conf.d/" + name + " changed\n";
  }
  return out;
}

}  // namespace berth::fault
