// End-to-end support for Instances: a `berth serve` with its controllers and
// the provisioning API (--provision-namespace <ns>, --provision-template
// beaver/app), the Beaver test Stack of manifests/test/beaver.yaml applied in
// a namespace of its own (its own network, container names and free 127.0.0.1
// ports, so leftovers of an earlier run never clash), and helpers to call the
// provisioning API and to reach Instances through the real nginx router.
// Builds on stack_e2e_support.h (StackServer, DockerEnv, EditManifest).
// Test-only.
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <random>
#include <string>

#include "operator/api/labels.h"
#include "test/e2e/stack_e2e_support.h"

namespace berth::e2e {

inline constexpr const char* kSuiteLabel = "berth.dev/test-suite";
inline constexpr const char* kSuite = "instance-e2e";

// GET `path` from 127.0.0.1:port with `host` as the Host header.
inline HttpResult RouterGet(int port, const std::string& host, const std::string& path = "/") {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(static_cast<uint16_t>(port));
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
    ::close(fd);
    return {};
  }
  std::string req = "GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n";
  (void)::send(fd, req.data(), req.size(), MSG_NOSIGNAL);
  std::string resp;
  char buf[8192];
  for (ssize_t n; (n = ::recv(fd, buf, sizeof buf, 0)) > 0;)
    resp.append(buf, static_cast<size_t>(n));
  ::close(fd);
  HttpResult r;
  if (resp.size() > 12) r.status = std::atoi(resp.substr(9, 3).c_str());
  size_t body = resp.find("\r\n\r\n");
  if (body != std::string::npos) r.body = resp.substr(body + 4);
  return r;
}

class InstanceE2e : public ::testing::Test {
 protected:
  void SetUp() override {
    if (auto why = docker_.Connect({"berth-test/nginx:1", "berth-test/busybox:1"})) {
      BERTH_E2E_SKIP(*why);
    }
    RemoveLeftovers();
    std::mt19937_64 rng(std::random_device{}());
    char suffix[8];
    std::snprintf(suffix, sizeof suffix, "%06llx",
                  static_cast<unsigned long long>(rng() & 0xffffff));
    ns_ = std::string("bv") + suffix;
    router_port_ = FreePort();
    portal_port_ = FreePort();
    server_ = std::make_unique<StackServer>(dir_.path());
    StackServer::Options opts;
    opts.extra_args = ServeArgs();
    if (auto why = server_->Start(opts)) BERTH_E2E_SKIP(*why);
    RunResult r = server_->Apply(Manifest());
    ASSERT_EQ(r.code, 0) << r.out << r.err;
    r = server_->Berth({"token", "create", "prov-e2e", "--role", "provisioner"});
    ASSERT_EQ(r.code, 0) << r.err;
    prov_token_ = r.out.substr(0, r.out.find('\n'));
    bool ready = Eventually([&] { return StackPhase() == "Ready"; }, std::chrono::seconds(180),
                            std::chrono::milliseconds(250));
    ASSERT_TRUE(ready) << "the Beaver Stack is " << StackPhase() << "\n" << ServerLogTail();
  }

  void TearDown() override {
    if (HasFailure()) std::cerr << "berth serve log (tail):\n" << ServerLogTail() << "\n";
    if (server_) {
      // Deprovision what is left, then the Stack; berth removes its containers.
      json list = json::parse(Api("GET", "/provision/v1/instances").body, nullptr, false);
      if (list.is_object()) {
        for (const auto& it : list.value("items", json::array())) {
          Api("DELETE", "/provision/v1/instances/" + it.value("user", "") + "?purge=true");
        }
      }
      Eventually([&] { return ListInstances().empty(); }, std::chrono::seconds(60));
      Http(server_->port(), "DELETE", StackPath(), server_->token());
      Eventually(
          [&] { return Http(server_->port(), "GET", StackPath(), server_->token()).status == 404; },
          std::chrono::seconds(60));
      server_->Terminate();
    }
    RemoveLeftovers();
  }

  // The `berth serve` flags SetUp starts the server with.
  virtual std::vector<std::string> ServeArgs() {
    return {"--no-leader-elect",
            "--provision-namespace",
            ns_,
            "--provision-template",
            "beaver/app",
            "--instance-quota",
            "60",
            "--log-level",
            "debug"};
  }
  // The berth.dev/test-suite value on this suite's containers and networks
  // (RemoveLeftovers removes them): another suite's leftovers are not ours.
  virtual std::string Suite() const { return kSuite; }

  // The test manifest in this test's namespace, ports and names.
  std::string Manifest() {
    std::string p = std::to_string(router_port_);
    return EditManifest(ReadFile(ManifestPath("test/beaver.yaml")), [&](json& d) {
      d["metadata"]["namespace"] = ns_;
      json& spec = d["spec"];
      spec["networks"]["edge"]["name"] = ns_ + "-edge";
      spec["networks"]["edge"]["labels"] = {{"berth.dev/test", "1"}, {kSuiteLabel, Suite()}};
      spec["router"]["publicPort"] = router_port_;
      for (auto& [name, svc] : spec["services"].items()) {
        svc["containerName"] = ns_ + "-" + name;
        svc["labels"][kSuiteLabel] = Suite();
        json env = svc.value("env", json::object());  // a copy: svc["env"] changes below
        for (auto& [k, v] : env.items()) {
          if (v.is_string() && v.get<std::string>().find("beaver-") != std::string::npos) {
            std::string s = v.get<std::string>();
            s.replace(s.find("beaver-"), 7, ns_ + "-");
            svc["env"][k] = s;
          }
        }
      }
      spec["services"]["router-proxy"]["ports"] = {"127.0.0.1:" + p + ":8088"};
      spec["services"]["auth-portal"]["ports"] = {"127.0.0.1:" + std::to_string(portal_port_) +
                                                  ":3081"};
      for (auto& [name, t] : spec["instanceTemplates"].items()) t["labels"][kSuiteLabel] = Suite();
    });
  }

  // Removes containers and networks of earlier runs of this suite.
  void RemoveLeftovers() {
    docker::LabelFilter f = {std::string(kSuiteLabel) + "=" + Suite(), "berth.dev/test=1"};
    if (auto cs = docker_.client().ListContainers(f); cs.ok()) {
      for (const auto& c : *cs) (void)docker_.client().RemoveContainer(c.id, true, false);
    }
    if (auto ns = docker_.client().ListNetworks(f); ns.ok()) {
      for (const auto& n : *ns) (void)docker_.client().RemoveNetwork(n.id);
    }
  }

  std::string StackPath() {
    return "/apis/berth.dev/v1alpha1/namespaces/" + ns_ + "/stacks/beaver";
  }
  std::string StackPhase() {
    json st = json::parse(Http(server_->port(), "GET", StackPath(), server_->token()).body, nullptr,
                          false);
    return st.is_object() && st.contains("status") ? st["status"].value("phase", "") : "";
  }
  // A call to berth's API as the admin (token "" = the admin's).
  HttpResult Api(const std::string& method, const std::string& path, const std::string& body = "",
                 const std::string& token = "") {
    return Http(server_->port(), method, path, token.empty() ? server_->token() : token, body);
  }
  // POST /provision/v1/instances as the provisioner.
  HttpResult Provision(const json& body) {
    return Api("POST", "/provision/v1/instances", body.dump(), prov_token_);
  }
  json Instance(const std::string& user) {
    return json::parse(Api("GET", "/provision/v1/instances/" + user, "", prov_token_).body, nullptr,
                       false);
  }
  bool Ready(const std::string& user) {
    json j = Instance(user);
    return j.is_object() && j.value("ready", false);
  }
  std::vector<json> ListInstances() {
    json j =
        json::parse(Api("GET", "/apis/berth.dev/v1alpha1/namespaces/" + ns_ + "/instances").body,
                    nullptr, false);
    std::vector<json> out;
    if (j.is_object()) {
      for (const auto& it : j.value("items", json::array())) out.push_back(it);
    }
    return out;
  }
  // The Instance object itself (status, conditions).
  json InstanceObject(const std::string& name) {
    return json::parse(
        Api("GET", "/apis/berth.dev/v1alpha1/namespaces/" + ns_ + "/instances/" + name).body,
        nullptr, false);
  }

  std::string ContainerOf(const std::string& slug) { return "berth_" + ns_ + "_" + slug; }
  std::string ConfDir() { return server_->data_dir() + "/stacks/" + ns_ + "/beaver/router/conf.d"; }
  std::string RouteFile(const std::string& slug) {
    return ConfDir() + "/" + ns_ + "-" + slug + ".conf";
  }
  std::string InstanceDir(const std::string& slug) {
    return server_->data_dir() + "/instances/" + ns_ + "/" + slug;
  }
  HttpResult Through(const std::string& slug, const std::string& path = "/") {
    return RouterGet(router_port_, slug + ".localhost", path);
  }
  bool Answers(const std::string& slug, const std::string& user) {
    HttpResult r = Through(slug);
    return r.status == 200 && r.body.find("instance=" + user + "\n") != std::string::npos;
  }

  std::string ServerLogTail() {
    std::string log = server_ ? server_->log() : "";
    return log.size() > 6000 ? log.substr(log.size() - 6000) : log;
  }

  TempDir dir_;
  DockerEnv docker_;
  std::unique_ptr<StackServer> server_;
  std::string ns_;
  std::string prov_token_;
  int router_port_ = 0;
  int portal_port_ = 0;
};

}  // namespace berth::e2e
