#include "controllers/stack/validate.h"

#include <cctype>
#include <regex>
#include <set>

#include "controllers/stack/compose.h"
#include "controllers/stack/graph.h"
#include "controllers/stack/naming.h"
#include "operator/common/strings.h"

namespace berth::stack {
namespace {

struct Published {
  std::string ip;  // "" or 0.0.0.0 = all
  int port;
  std::string proto;
  std::string where;  // field path or "Stack ns/name service x"
};

bool Clash(const Published& a, const Published& b) {
  if (a.port != b.port || a.proto != b.proto) return false;
  auto all = [](const std::string& ip) { return ip.empty() || ip == "0.0.0.0" || ip == "::"; };
  return all(a.ip) || all(b.ip) || a.ip == b.ip;
}

std::vector<Published> PublishedPorts(const StackSpec& spec, const std::string& owner,
                                      std::vector<FieldCause>* causes) {
  std::vector<Published> out;
  for (const auto& [name, svc] : spec.services) {
    for (size_t i = 0; i < svc.ports.size(); ++i) {
      std::string path = "spec.services." + name + ".ports[" + std::to_string(i) + "]";
      auto ports = ParsePort(svc.ports[i]);
      if (!ports.ok()) {
        if (causes) causes->push_back({path, ports.status().message()});
        continue;
      }
      for (const PortMapping& p : *ports) {
        if (p.host_port == 0) continue;
        out.push_back({p.host_ip, p.host_port, p.protocol,
                       owner.empty() ? path : owner + " service " + name});
      }
    }
  }
  return out;
}

std::string PortText(const Published& p) {
  return (p.ip.empty() ? "" : p.ip + ":") + std::to_string(p.port) + "/" + p.proto;
}

// Env names that carry a service's own address by design, not an upstream it
// sends requests to: a token issuer or audience, the URL it is reached at,
// where browsers come back to, or the service's own URL named after it
// (SEARXNG_BASE_URL of service searxng). A service naming itself there is
// no loop.
bool NamesItsOwnAddress(const std::string& service, const std::string& key) {
  static const char* const kSelf[] = {"issuer",       "audience", "public_url",
                                      "external_url", "self_url", "site_url",
                                      "callback",     "redirect", "origin"};
  std::string lower = ToLower(key);
  for (const char* s : kSelf) {
    if (lower.find(s) != std::string::npos) return true;
  }
  std::string own;
  for (char c : ToLower(service)) own += std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
  return lower == own + "_url" || lower == own + "_base_url";
}

bool IsLoopback(const std::string& host) {
  std::string h = ToLower(host);
  return h == "localhost" || h.starts_with("127.") || h == "[::1]" || h == "0.0.0.0" ||
         h == "[::]" || h == "[0:0:0:0:0:0:0:1]" || h == "ip6-localhost";
}

void CheckLoops(const api::ObjectRef& ref, const ServiceSpec& svc,
                std::vector<FieldCause>* causes) {
  SelfAddress self = ServiceSelfAddress(ref, svc);
  auto loops = [&](const std::string& text) { return FindSelfLoop(self, text); };
  std::string base = "spec.services." + svc.name;
  for (const auto& [key, src] : svc.env) {
    if (src.type != EnvSource::Type::kLiteral || NamesItsOwnAddress(svc.name, key)) continue;
    if (std::string hit = loops(src.value); !hit.empty()) {
      causes->push_back({base + ".env." + key, "Invalid value: points back at service \"" +
                                                   svc.name + "\" itself (" + hit +
                                                   "): requests would loop through the gateway"});
    }
  }
  for (size_t i = 0; i < svc.config_files.size(); ++i) {
    if (std::string hit = loops(svc.config_files[i].content); !hit.empty()) {
      causes->push_back({base + ".configFiles[" + std::to_string(i) + "].content",
                         "Invalid value: a URL points back at service \"" + svc.name +
                             "\" itself (" + hit + "): requests would loop through the gateway"});
    }
  }
}

}  // namespace

std::vector<std::pair<std::string, int>> FindUrls(const std::string& text) {
  static const std::regex re(
      R"(([A-Za-z][A-Za-z0-9+.-]*)://(\[[^\]]*\]|[A-Za-z0-9._-]+)(:([0-9]{1,5}))?)");
  std::vector<std::pair<std::string, int>> out;
  for (auto it = std::sregex_iterator(text.begin(), text.end(), re); it != std::sregex_iterator();
       ++it) {
    std::string scheme = ToLower((*it)[1].str());
    std::string host = (*it)[2].str();
    int port = 0;
    if ((*it)[4].matched) {
      port = std::stoi((*it)[4].str());
    } else if (scheme == "https" || scheme == "wss") {
      port = 443;
    } else if (scheme == "http" || scheme == "ws") {
      port = 80;
    }
    out.emplace_back(host, port);
  }
  return out;
}

SelfAddress ServiceSelfAddress(const api::ObjectRef& stack, const ServiceSpec& svc) {
  SelfAddress self;
  self.names = {ToLower(svc.name), ToLower(ContainerName(stack, svc))};
  if (!svc.hostname.empty()) self.names.insert(ToLower(svc.hostname));
  for (const std::string& p : svc.ports) {
    auto parsed = ParsePort(p);
    if (!parsed.ok()) continue;
    for (const PortMapping& m : *parsed) {
      self.ports.insert(m.container_port);
      if (m.host_port != 0) self.host_ports.insert(m.host_port);
    }
  }
  return self;
}

std::string FindSelfLoop(const SelfAddress& self, const std::string& text) {
  for (const auto& [host, port] : FindUrls(text)) {
    std::string h = ToLower(host);
    std::string hit = host + ":" + std::to_string(port);
    if (self.routed_names.count(h)) return hit + ", the router's host for it";
    if (self.names.count(h) && (self.ports.empty() || self.ports.count(port))) return hit;
    if (IsLoopback(h)) {
      if (self.host_ports.count(port)) return hit + ", its own published host port";
      if (self.ports.count(port)) return hit + ", its own container's loopback";
    }
    if (h == "host.docker.internal" && self.host_ports.count(port)) {
      return hit + ", its own published host port";
    }
  }
  return "";
}

Status ValidateStack(const api::ObjectRef& ref, const StackSpec& spec,
                     const std::vector<OtherStack>& others) {
  std::vector<FieldCause> causes;
  if (Status g = CheckGraph(spec); !g.ok()) {
    causes.insert(causes.end(), g.causes().begin(), g.causes().end());
  }

  // Host ports: within this Stack, then against the others.
  std::vector<Published> mine = PublishedPorts(spec, "", &causes);
  for (size_t i = 0; i < mine.size(); ++i) {
    for (size_t j = 0; j < i; ++j) {
      if (Clash(mine[i], mine[j])) {
        causes.push_back({mine[i].where, "Duplicate value: host port " + PortText(mine[i]) +
                                             " is already published by " + mine[j].where});
      }
    }
  }
  for (const OtherStack& other : others) {
    if (other.ref == ref) continue;
    std::string owner = "Stack " + other.ref.ns + "/" + other.ref.name;
    for (const Published& theirs : PublishedPorts(other.spec, owner, nullptr)) {
      for (const Published& p : mine) {
        if (Clash(p, theirs)) {
          causes.push_back({p.where, "Duplicate value: host port " + PortText(p) +
                                         " is already published by " + theirs.where});
        }
      }
    }
  }

  std::set<std::string> other_names;
  for (const OtherStack& other : others) {
    if (other.ref == ref) continue;
    for (const auto& [n, s] : other.spec.services) other_names.insert(ContainerName(other.ref, s));
  }
  std::map<std::string, std::string> names;
  for (const auto& [name, svc] : spec.services) {
    std::string base = "spec.services." + name;
    std::string cname = ContainerName(ref, svc);
    if (names.count(cname)) {
      causes.push_back({base + ".containerName", "Duplicate value: \"" + cname +
                                                     "\" is also service " + names[cname] +
                                                     "'s container name"});
    } else if (other_names.count(cname)) {
      causes.push_back(
          {base + ".containerName", "Duplicate value: \"" + cname + "\" is used by another Stack"});
    }
    names[cname] = name;

    bool all_internal = !svc.networks.empty();
    for (size_t i = 0; i < svc.networks.size(); ++i) {
      auto it = spec.networks.find(svc.networks[i]);
      if (it == spec.networks.end()) {
        causes.push_back(
            {base + ".networks[" + std::to_string(i) + "]",
             "Not found: network \"" + svc.networks[i] + "\" is not declared in spec.networks"});
        all_internal = false;
      } else if (!it->second.internal) {
        all_internal = false;
      }
    }
    bool publishes = false;
    for (const std::string& p : svc.ports) {
      auto parsed = ParsePort(p);
      if (parsed.ok()) {
        for (const PortMapping& m : *parsed) publishes |= m.host_port != 0;
      }
    }
    if (all_internal && publishes) {
      causes.push_back({base + ".ports",
                        "Forbidden: the service is only on internal networks, "
                        "which have no route to the host; a published port "
                        "would not be reachable"});
    }
    for (size_t i = 0; i < svc.volumes.size(); ++i) {
      std::string vpath = base + ".volumes[" + std::to_string(i) + "]";
      auto v = ParseVolume(svc.volumes[i]);
      if (!v.ok()) {
        causes.push_back({vpath, v.status().message()});
      } else if (v->type == VolumeMount::Type::kNamed && !spec.volumes.count(v->source)) {
        causes.push_back(
            {vpath, "Not found: volume \"" + v->source + "\" is not declared in spec.volumes"});
      }
    }
    for (size_t i = 0; i < svc.config_files.size(); ++i) {
      const ConfigFileSpec& f = svc.config_files[i];
      std::string fpath = base + ".configFiles[" + std::to_string(i) + "]";
      if (f.path.empty() || f.path.front() != '/') {
        causes.push_back({fpath + ".path", "Invalid value: must be an absolute path"});
      }
      if (!f.content.empty() && !f.render_format.empty()) {
        causes.push_back({fpath, "Invalid value: set either content or render, not both"});
      }
    }
    // Running a service on another host's engine is not built: accepting
    // placement would start the service here while the Stack claims it runs
    // on the GpuNode. Refused until it is, so nothing pretends.
    if (!svc.placement_node.empty() || !svc.placement_selector.empty()) {
      causes.push_back({base + ".placement",
                        "Unsupported value: placement on a GpuNode is not implemented yet; "
                        "berth runs every service on its own Docker engine (remove placement "
                        "and run berth on the GPU host)"});
    }
    CheckLoops(ref, svc, &causes);
  }
  if (spec.router) {
    if (!spec.services.count(spec.router->service)) {
      causes.push_back(
          {"spec.router.service", "Not found: no service named \"" + spec.router->service + "\""});
    }
    if (!spec.router->network.empty() && !spec.networks.count(spec.router->network)) {
      causes.push_back({"spec.router.network", "Not found: network \"" + spec.router->network +
                                                   "\" is not declared in spec.networks"});
    }
  }
  if (!causes.empty()) return Status::Invalid("Stack " + ref.name + " is invalid", causes);
  return Status::Ok();
}

}  // namespace berth::stack
