#include "test/security/security_support.h"

#include <chrono>
#include <cstdio>
#include <ctime>
#include <filesystem>

#include "operator/common/strings.h"

namespace berth::security {
namespace fs = std::filesystem;
using e2e::Eventually;
using e2e::Http;

std::string PathEscape(const std::string& s) {
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~') {
      out += static_cast<char>(c);
    } else {
      char buf[4];
      std::snprintf(buf, sizeof buf, "%%%02X", c);
      out += buf;
    }
  }
  return out;
}

std::string Printable(const std::string& text) {
  std::string out;
  for (unsigned char c : text) {
    if (c == '\n') {
      out += "\\n";
    } else if (c == '\r') {
      out += "\\r";
    } else if (c == '\t') {
      out += "\\t";
    } else if (c < 0x20 || c == 0x7f) {
      char buf[5];
      std::snprintf(buf, sizeof buf, "\\x%02x", c);
      out += buf;
    } else {
      out += static_cast<char>(c);
    }
  }
  return out;
}

std::string RandomSecret() {
  return "berthSecretCanary" + RandomHex(16);
}

std::vector<std::string> HostileNames() {
  return {"..",
          ".",
          "../x",
          "../../../../../../tmp/berth-security-canary",
          "a/b",
          "/abs",
          "%2e%2e",
          "..%2f..%2fetc",
          "a;b",
          "a{b",
          "a}b",
          "x;}server{listen 80;",
          "a'b",
          "a\"b",
          "$(touch /tmp/berth-security-canary)",
          "`touch /tmp/berth-security-canary`",
          "a$b",
          "a|b",
          "a&b",
          "a>b",
          "a\nb",
          "a\r\nb",
          "a b",
          "a\tb",
          "a\\b",
          "a#b",
          "-rf",
          "*",
          "a,b",
          "a=b",
          std::string("a\0b", 3),
          "a\xc0\xae\xc0\xae"};
}

// ---- the server ----------------------------------------------------------------

void SecurityE2e::TearDown() {
  if (HasFailure() && server_) std::cerr << "berth serve log (tail):\n" << ServerLogTail() << "\n";
  if (server_) server_->Terminate();
  server_.reset();
  // This test's containers and network; and any of this suite left behind by
  // a run killed more than an hour ago.
  docker::LabelFilter f = {std::string(kSuiteLabel) + "=" + kSuite, "berth.dev/test=1"};
  if (auto cs = docker_.client().ListContainers(f); cs.ok()) {
    int64_t stale = static_cast<int64_t>(std::time(nullptr)) - 3600;
    for (const auto& c : *cs) {
      if ((!ns_.empty() && c.name.find(ns_) != std::string::npos) || c.created < stale) {
        (void)docker_.client().RemoveContainer(c.id, true, false);
      }
    }
  }
  if (!ns_.empty()) (void)docker_.client().RemoveNetwork(ns_ + "-edge");
}

void SecurityE2e::StartServer(bool controllers, const std::vector<std::string>& extra_args) {
  if (auto why = docker_.Connect({"berth-test/nginx:1", "berth-test/busybox:1"})) {
    BERTH_E2E_SKIP(*why);
  }
  ns_ = "sec" + RandomHex(3);
  router_port_ = e2e::FreePort();
  server_ = std::make_unique<e2e::StackServer>(dir_.path());
  e2e::StackServer::Options opts;
  opts.extra_args = {"--no-leader-elect", "--provision-namespace", ns_,    "--provision-template",
                     "router/app",        "--log-level",           "debug"};
  if (!controllers) opts.extra_args.push_back("--no-controllers");
  opts.extra_args.insert(opts.extra_args.end(), extra_args.begin(), extra_args.end());
  if (auto why = server_->Start(opts)) FAIL() << *why;
  for (auto [token, role] : {std::pair{&viewer_, "viewer"}, std::pair{&editor_, "editor"},
                             std::pair{&provisioner_, "provisioner"}}) {
    RunResult r = server_->Berth({"token", "create", std::string("sec-") + role, "--role", role});
    ASSERT_EQ(r.code, 0) << r.out << r.err;
    *token = r.out.substr(0, r.out.find('\n'));
    ASSERT_EQ(token->rfind("berth_", 0), 0u) << r.out;
  }
}

std::string SecurityE2e::RouterStack() const {
  std::string yaml = e2e::ReadFile(e2e::ManifestPath("test/beaver.yaml"));
  return e2e::EditManifest(yaml, [&](json& d) {
    d["metadata"]["name"] = "router";
    d["metadata"]["namespace"] = ns_;
    json& spec = d["spec"];
    spec["networks"]["edge"]["name"] = ns_ + "-edge";
    spec["networks"]["edge"]["labels"] = {{"berth.dev/test", "1"}, {kSuiteLabel, kSuite}};
    spec["router"]["publicPort"] = router_port_;
    json router = spec["services"]["router-proxy"];
    router["containerName"] = ns_ + "-router";
    router["ports"] = {"127.0.0.1:" + std::to_string(router_port_) + ":8088"};
    router["labels"][kSuiteLabel] = kSuite;
    spec["services"] = {{"router-proxy", router}};
    json& app = spec["instanceTemplates"]["app"];
    app["env"].erase("AUTHZ_ISSUER");
    app["labels"][kSuiteLabel] = kSuite;
  });
}

void SecurityE2e::ApplyRouterStack(bool wait_ready) {
  RunResult r = server_->Apply(RouterStack());
  ASSERT_EQ(r.code, 0) << r.out << r.err;
  if (!wait_ready) return;
  std::string phase;
  bool ready = Eventually(
      [&] {
        json j = json::parse(
            Admin("GET", std::string(kGroupVersion) + "/namespaces/" + ns_ + "/stacks/router").body,
            nullptr, false);
        phase = j.is_object() && j.contains("status") ? j["status"].value("phase", "") : "";
        return phase == "Ready";
      },
      std::chrono::seconds(180), std::chrono::milliseconds(250));
  ASSERT_TRUE(ready) << "the router Stack is " << phase;
}

// ---- the API -------------------------------------------------------------------

std::vector<Resource> SecurityE2e::Resources() {
  std::vector<Resource> out;
  json j = json::parse(Admin("GET", kGroupVersion).body, nullptr, false);
  if (!j.is_object()) {
    ADD_FAILURE() << "discovery answered no JSON";
    return out;
  }
  std::set<std::string> with_status;
  for (const json& r : j.value("resources", json::array())) {
    std::string name = r.value("name", "");
    if (name.size() > 7 && name.substr(name.size() - 7) == "/status") {
      with_status.insert(name.substr(0, name.size() - 7));
    }
  }
  for (const json& r : j.value("resources", json::array())) {
    std::string name = r.value("name", "");
    if (name.find('/') != std::string::npos) continue;
    out.push_back(
        {name, r.value("kind", ""), r.value("namespaced", true), with_status.count(name) > 0});
  }
  return out;
}

std::vector<Call> SecurityE2e::WriteCalls(const std::string& name) {
  std::vector<Call> calls;
  const std::string merge = "application/merge-patch+json";
  for (const Resource& r : Resources()) {
    std::string coll =
        std::string(kGroupVersion) + (r.namespaced ? "/namespaces/" + ns_ : "") + "/" + r.plural;
    std::string obj = coll + "/" + name;
    json meta = {{"name", name}};
    if (r.namespaced) meta["namespace"] = ns_;
    std::string body =
        json{{"apiVersion", "berth.dev/v1alpha1"}, {"kind", r.kind}, {"metadata", meta}}.dump();
    calls.push_back({"POST", coll, body});
    calls.push_back({"PUT", obj, body});
    calls.push_back({"PATCH", obj, R"({"metadata":{"labels":{"x":"y"}}})", merge});
    calls.push_back({"PATCH", obj, R"([{"op":"add","path":"/metadata/labels","value":{"x":"y"}}])",
                     "application/json-patch+json"});
    calls.push_back(
        {"PATCH", obj + "?fieldManager=intruder", body, "application/apply-patch+yaml"});
    calls.push_back({"DELETE", obj, ""});
    calls.push_back({"DELETE", coll, ""});
    calls.push_back({"DELETE", coll + "?labelSelector=x%3Dy", ""});
    if (r.has_status) {
      calls.push_back({"PUT", obj + "/status", body});
      calls.push_back({"PATCH", obj + "/status", R"({"status":{"phase":"Ready"}})", merge});
    }
  }
  calls.push_back({"POST", "/auth/v1/tokens", R"({"name":"intruder","role":"admin"})"});
  calls.push_back({"DELETE", "/auth/v1/tokens/admin", ""});
  calls.push_back({"DELETE", "/auth/v1/tokens/sec-editor", ""});
  calls.push_back({"POST", "/provision/v1/instances", R"({"user":"mallory"})"});
  calls.push_back({"POST", "/provision/v1/instances/mallory/provider",
                   R"({"type":"openai-compatible","baseURL":"http://x:1/v1","models":["m"]})"});
  calls.push_back({"DELETE", "/provision/v1/instances/mallory", ""});
  calls.push_back({"DELETE", "/provision/v1/instances/mallory?purge=true", ""});
  std::string secret = json{
      {"apiVersion", "berth.dev/v1alpha1"},
      {"kind", "Secret"},
      {"metadata", {{"name", name}, {"namespace", ns_}}},
      {"stringData",
       {{"k", "v"}}}}.dump();
  calls.push_back({"POST", "/preview/v1/namespaces/" + ns_ + "/secrets/" + name, secret});
  std::string provider =
      json{{"apiVersion", "berth.dev/v1alpha1"},
           {"kind", "Provider"},
           {"metadata", {{"name", name}, {"namespace", ns_}}},
           {"spec", {{"type", "vllm"}, {"baseURL", "http://x:1/v1"}, {"models", {"m"}}}}}
          .dump();
  calls.push_back({"POST", "/preview/v1/namespaces/" + ns_ + "/providers/" + name, provider});
  return calls;
}

HttpResult SecurityE2e::Send(const std::string& token, const Call& call) const {
  return Http(server_->port(), call.method, call.path, token, call.body, call.content_type);
}

HttpResult SecurityE2e::Admin(const std::string& method, const std::string& path,
                              const std::string& body) const {
  return Http(server_->port(), method, path, server_->token(), body);
}

std::set<std::string> SecurityE2e::Objects(const std::string& ns) {
  std::set<std::string> out;
  for (const Resource& r : Resources()) {
    std::string path = std::string(kGroupVersion) +
                       (r.namespaced ? "/namespaces/" + PathEscape(ns) : "") + "/" + r.plural;
    HttpResult res = Admin("GET", path);
    json j = json::parse(res.body, nullptr, false);
    if (res.status != 200 || !j.is_object()) {
      // An empty answer would make every before/after comparison pass.
      ADD_FAILURE() << "listing " << path << ": HTTP " << res.status << " " << res.body;
      continue;
    }
    for (const json& item : j.value("items", json::array())) {
      out.insert(r.plural + "/" + item["metadata"].value("name", ""));
    }
  }
  return out;
}

std::vector<ObjectRef> SecurityE2e::AllObjects() {
  std::vector<ObjectRef> out;
  for (const Resource& r : Resources()) {
    std::string path = std::string(kGroupVersion) + "/" + r.plural;
    HttpResult res = Admin("GET", path);
    json j = json::parse(res.body, nullptr, false);
    if (res.status != 200 || !j.is_object()) {
      ADD_FAILURE() << "listing " << path << ": HTTP " << res.status << " " << res.body;
      continue;
    }
    for (const json& item : j.value("items", json::array())) {
      json meta = item.value("metadata", json::object());
      out.push_back({r.plural, meta.value("namespace", ""), meta.value("name", "")});
    }
  }
  return out;
}

std::set<std::string> SecurityE2e::Tokens() {
  std::set<std::string> out;
  HttpResult res = Admin("GET", "/auth/v1/tokens");
  json j = json::parse(res.body, nullptr, false);
  if (res.status != 200 || !j.is_object()) {
    ADD_FAILURE() << "listing tokens: HTTP " << res.status << " " << res.body;
    return out;
  }
  for (const json& t : j.value("items", json::array())) out.insert(t.value("name", ""));
  return out;
}

std::set<std::string> SecurityE2e::Containers() {
  std::set<std::string> out;
  auto cs = docker_.client().ListContainers({std::string(kSuiteLabel) + "=" + kSuite});
  if (!cs.ok()) {
    ADD_FAILURE() << cs.status().ToString();
    return out;
  }
  for (const auto& c : *cs) {
    if (c.name.find(ns_) != std::string::npos) out.insert(c.name);
  }
  return out;
}

std::set<std::string> SecurityE2e::DataFiles() const {
  std::set<std::string> out;
  std::error_code ec;
  fs::path root = server_->data_dir();
  for (auto it = fs::recursive_directory_iterator(root, ec); !ec && it != fs::end(it);
       it.increment(ec)) {
    std::string rel = fs::relative(it->path(), root, ec).string();
    // Files that come and go while berth works: atomic writes, SQLite's journal.
    if (rel.find(".tmp-") != std::string::npos || rel.find("-journal") != std::string::npos) {
      continue;
    }
    out.insert(rel);
  }
  return out;
}

std::string SecurityE2e::ConfDir() const {
  return server_->data_dir() + "/stacks/" + ns_ + "/router/router/conf.d";
}

std::set<std::string> SecurityE2e::ConfFiles() const {
  std::set<std::string> out;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(ConfDir(), ec)) out.insert(e.path().filename());
  return out;
}

std::string SecurityE2e::ServerLogTail() const {
  std::string log = server_ ? server_->log() : "";
  return log.size() > 8000 ? log.substr(log.size() - 8000) : log;
}

}  // namespace berth::security
