#include "test/e2e/stack_e2e_support.h"

#include <signal.h>

#include <filesystem>

#include "operator/api/codec.h"
#include "operator/api/labels.h"
#include "operator/docker/curl_docker_client.h"

namespace berth::e2e {
namespace fs = std::filesystem;
namespace labels = api::labels;

bool Eventually(const std::function<bool()>& cond, std::chrono::milliseconds limit,
                std::chrono::milliseconds step) {
  auto deadline = std::chrono::steady_clock::now() + limit;
  while (true) {
    if (cond()) return true;
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(step);
  }
}

std::string ManifestPath(const std::string& rel) {
  return std::string(BERTH_SOURCE_DIR) + "/manifests/" + rel;
}

std::string EditManifest(const std::string& yaml, const std::function<void(json& doc)>& edit) {
  auto docs = api::ParseYamlDocuments(yaml);
  if (!docs.ok()) {
    ADD_FAILURE() << "manifest does not parse: " << docs.status().ToString();
    return "";
  }
  std::string out;
  for (api::Document& d : *docs) {
    edit(d.value);
    out += "---\n" + api::ToYaml(d.value);
  }
  return out;
}

// ---- DockerEnv ---------------------------------------------------------------

namespace {
std::string Owner(const std::string& stack) {
  return "Stack/default/" + stack;
}
std::vector<std::string> OwnerLabels(const std::string& stack) {
  return labels::OwnerFilter(api::ObjectRef{"Stack", "default", stack});
}
}  // namespace

DockerEnv::DockerEnv() = default;

DockerEnv::~DockerEnv() {
  if (!client_) return;
  for (const std::string& n : created_networks_) (void)client_->RemoveNetwork(n);
}

std::optional<std::string> DockerEnv::Connect(const std::vector<std::string>& images) {
  auto c = docker::NewCurlDockerClient("unix:///var/run/docker.sock");
  if (!c.ok()) return "no Docker client: " + c.status().ToString();
  client_ = std::move(*c);
  if (Status st = client_->Ping(); !st.ok()) return "no Docker engine answers: " + st.ToString();
  for (const std::string& image : images) {
    if (!client_->InspectImage(image).ok()) {
      return "image " + image + " is missing: run scripts/test-images";
    }
  }
  return std::nullopt;
}

bool DockerEnv::EnsureNetwork(const std::string& name) {
  if (client_->InspectNetwork(name).ok()) return true;
  docker::NetworkSpec spec;
  spec.name = name;
  spec.labels["berth.dev/test"] = "1";
  auto id = client_->CreateNetwork(spec);
  if (!id.ok()) {
    ADD_FAILURE() << "creating network " << name << ": " << id.status().ToString();
    return false;
  }
  created_networks_.push_back(name);
  return true;
}

void DockerEnv::CleanStack(const std::string& stack, const std::vector<std::string>& names) {
  auto filter = OwnerLabels(stack);
  if (auto cs = client_->ListContainers(filter); cs.ok()) {
    for (const auto& c : *cs) (void)client_->RemoveContainer(c.id, true, true);
  }
  for (const std::string& name : names) {
    auto info = client_->InspectContainer(name);
    if (info.ok() && info->labels.count("berth.dev/test") &&
        !info->labels.count(labels::kManagedBy)) {
      (void)client_->RemoveContainer(info->id, true, true);
    }
  }
  if (auto ns = client_->ListNetworks(filter); ns.ok()) {
    for (const auto& n : *ns) (void)client_->RemoveNetwork(n.id);
  }
  if (auto vs = client_->ListVolumes(filter); vs.ok()) {
    for (const auto& v : *vs) (void)client_->RemoveVolume(v.name, true);
  }
}

std::optional<docker::ContainerInfo> DockerEnv::Inspect(const std::string& name_or_id) {
  auto info = client_->InspectContainer(name_or_id);
  if (!info.ok()) return std::nullopt;
  return *info;
}

std::pair<int, std::string> DockerEnv::Exec(const std::string& container,
                                            const std::vector<std::string>& cmd) {
  docker::ExecOptions o;
  o.cmd = cmd;
  o.timeout = std::chrono::seconds(30);
  auto r = client_->Exec(container, o);
  if (!r.ok()) return {-1, r.status().ToString()};
  return {r->exit_code, r->out + r->err};
}

bool DockerEnv::VolumeExists(const std::string& name) {
  return client_->InspectVolume(name).ok();
}

bool DockerEnv::NetworkExists(const std::string& name) {
  return client_->InspectNetwork(name).ok();
}

size_t DockerEnv::OwnedContainers(const std::string& stack) {
  auto cs = client_->ListContainers(OwnerLabels(stack));
  return cs.ok() ? cs->size() : 0;
}

size_t DockerEnv::OwnedNetworks(const std::string& stack) {
  auto ns = client_->ListNetworks(OwnerLabels(stack));
  return ns.ok() ? ns->size() : 0;
}

std::vector<std::string> DockerEnv::OwnedVolumes(const std::string& stack) {
  std::vector<std::string> out;
  if (auto vs = client_->ListVolumes(OwnerLabels(stack)); vs.ok()) {
    for (const auto& v : *vs) out.push_back(v.name);
  }
  return out;
}

// ---- ContainerTimeline ---------------------------------------------------------

ContainerTimeline::ContainerTimeline(docker::DockerClient& client, const std::string& stack)
    : client_(client), owner_(Owner(stack)) {}

ContainerTimeline::~ContainerTimeline() {
  Stop();
}

bool ContainerTimeline::Start() {
  docker::DockerEventStream::Options o;
  o.events.filters = {{"type", {"container"}},
                      {"label", {std::string(labels::kOwner) + "=" + owner_}}};
  stream_ = std::make_unique<docker::DockerEventStream>(
      client_, std::move(o), [this](const docker::Event& e) {
        std::lock_guard lock(mu_);
        Times& t = times_[e.actor_id];
        if (auto s = e.attributes.find(labels::kService); s != e.attributes.end()) {
          t.service = s->second;
        }
        if (e.action == "start") t.start.push_back(e.time_nano);
        if (e.action == "health_status: healthy") t.healthy.push_back(e.time_nano);
        if (e.action == "die") {
          t.die.push_back(e.time_nano);
          auto code = e.attributes.find("exitCode");
          if (code != e.attributes.end() && code->second == "0") t.exit0.push_back(e.time_nano);
        }
        if (!e.action.starts_with("exec_")) {
          lines_.push_back(std::to_string(e.time_nano) + " " + t.service + " " +
                           e.actor_id.substr(0, 12) + " " + e.action);
        }
      });
  stream_->Start();
  return Eventually([this] { return stream_->connections() > 0; }, std::chrono::seconds(10));
}

void ContainerTimeline::Stop() {
  if (stream_) stream_->Stop();
}

std::map<std::string, ContainerTimeline::Times> ContainerTimeline::ByContainer() const {
  std::lock_guard lock(mu_);
  return times_;
}

std::string ContainerTimeline::Dump() const {
  std::lock_guard lock(mu_);
  std::string out;
  for (const std::string& l : lines_) out += l + "\n";
  return out;
}

// ---- StackServer ---------------------------------------------------------------

StackServer::~StackServer() {
  if (proc_) (void)Terminate();
}

std::map<std::string, std::string> StackServer::Env() const {
  std::map<std::string, std::string> env = {
      {"HOME", dir_ + "/home"}, {"PATH", "/usr/bin:/bin:/usr/sbin:/sbin"}, {"LANG", "C.UTF-8"}};
  if (port_ != 0) {
    env["BERTH_SERVER"] = "http://127.0.0.1:" + std::to_string(port_);
    env["BERTH_TOKEN"] = token_;
  }
  return env;
}

std::optional<std::string> StackServer::Start(const Options& options) {
  std::string bin = BerthBinary();
  if (!fs::exists(bin)) return "no berth binary at " + bin;
  fs::create_directories(dir_ + "/home");
  data_dir_ = options.data_dir.empty() ? dir_ + "/data" : options.data_dir;
  port_ = FreePort();
  std::vector<std::string> args = {bin,       "serve",    "--data-dir",
                                   data_dir_, "--listen", "127.0.0.1:" + std::to_string(port_)};
  if (!options.store_url.empty()) {
    args.push_back("--store");
    args.push_back(options.store_url);
  }
  args.insert(args.end(), options.extra_args.begin(), options.extra_args.end());
  std::map<std::string, std::string> env = Env();
  env.erase("BERTH_SERVER");
  env.erase("BERTH_TOKEN");
  proc_ = std::make_unique<Process>(args, env, dir_);
  if (!proc_->started()) return "cannot start " + bin;
  bool up = Eventually(
      [&] {
        return Http(port_, "GET", "/readyz").status == 200 &&
               fs::exists(data_dir_ + "/admin.token");
      },
      std::chrono::seconds(60));
  if (!up) return "berth serve did not become ready:\n" + proc_->err();
  token_ = ReadFile(data_dir_ + "/admin.token");
  while (!token_.empty() && (token_.back() == '\n' || token_.back() == ' ')) token_.pop_back();
  return std::nullopt;
}

bool StackServer::Leading() const {
  return proc_ && proc_->err().find("leading: controllers are running") != std::string::npos;
}

bool StackServer::WaitLeading(std::chrono::seconds limit) {
  return Eventually([this] { return Leading(); }, limit);
}

void StackServer::Kill9() {
  if (proc_) proc_->Kill(SIGKILL);
}

int StackServer::Terminate() {
  if (!proc_) return -1;
  proc_->Signal(SIGTERM);
  int rc = proc_->Wait(std::chrono::seconds(30));
  if (rc == -1) proc_->Kill(SIGKILL);
  return rc;
}

std::string StackServer::log() const {
  return proc_ ? proc_->err() : "";
}

RunResult StackServer::Berth(std::vector<std::string> args, const std::string& stdin_text) {
  args.insert(args.begin(), BerthBinary());
  Process p(args, Env(), dir_, stdin_text);
  RunResult r;
  r.code = p.Wait(std::chrono::seconds(300));
  r.out = p.out();
  r.err = p.err();
  return r;
}

std::unique_ptr<Process> StackServer::Spawn(std::vector<std::string> args) {
  args.insert(args.begin(), BerthBinary());
  return std::make_unique<Process>(args, Env(), dir_);
}

RunResult StackServer::Apply(const std::string& yaml) {
  return Berth({"apply", "-f", "-"}, yaml);
}

json StackServer::Get(const std::string& kind, const std::string& name) {
  RunResult r = Berth({"get", kind, name, "-o", "json"});
  if (r.code != 0) return json();
  json j = json::parse(r.out, nullptr, false);
  return j.is_discarded() ? json() : j;
}

}  // namespace berth::e2e
