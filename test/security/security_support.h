// Support for the security end-to-end tests: a real `berth serve`
// (StackServer of test/e2e/stack_e2e_support.h) with a token of every role,
// every write path of its API, and a small router Stack (the router and the
// app template of manifests/test/beaver.yaml) in a namespace, network and
// ports of each test's own. Everything Docker-side carries berth.dev/test=1
// and berth.dev/test-suite=security-e2e. Test-only.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <set>
#include <string>
#include <vector>

#include "test/e2e/stack_e2e_support.h"

namespace berth::security {

using e2e::HttpResult;
using e2e::json;
using e2e::RunResult;

inline constexpr const char* kSuiteLabel = "berth.dev/test-suite";
inline constexpr const char* kSuite = "security-e2e";
inline constexpr const char* kGroupVersion = "/apis/berth.dev/v1alpha1";

// One HTTP request.
struct Call {
  std::string method;
  std::string path;
  std::string body;
  std::string content_type = "application/json";
  std::string Describe() const { return method + " " + path; }
};

// A resource of the API as discovery lists it.
struct Resource {
  std::string plural;
  std::string kind;
  bool namespaced = true;
  bool has_status = false;
};

// "%XX" for every byte but unreserved ones (RFC 3986), so a test can put any
// name into a path segment.
std::string PathEscape(const std::string& s);
// `text` with control characters shown as \n, \r, \t, \xNN, for messages.
std::string Printable(const std::string& text);
// JSON text of `j`; invalid UTF-8 (a hostile name may hold some) becomes
// U+FFFD instead of an exception.
inline std::string Body(const json& j) {
  return j.dump(-1, ' ', false, json::error_handler_t::replace);
}
// A distinctive value nobody else could print by chance.
std::string RandomSecret();

// Names, slugs and keys that try path traversal, or nginx or shell syntax;
// the shell ones would create /tmp/berth-security-canary.
std::vector<std::string> HostileNames();
inline constexpr const char* kCanary = "/tmp/berth-security-canary";

// One stored object, as a list across namespaces shows it.
struct ObjectRef {
  std::string plural, ns, name;
  std::string Describe() const { return plural + "/" + ns + "/" + name; }
};

class SecurityE2e : public ::testing::Test {
 protected:
  void TearDown() override;

  // Starts `berth serve` (API only unless `controllers`) with the
  // provisioning API in ns_ and template router/app, and creates the tokens
  // viewer_, editor_ and provisioner_. Fails the test when it cannot.
  void StartServer(bool controllers, const std::vector<std::string>& extra_args = {});

  // The router Stack "router" in ns_: its nginx on a free 127.0.0.1 port.
  std::string RouterStack() const;
  // Applies RouterStack() as the admin; with controllers, waits until Ready.
  void ApplyRouterStack(bool wait_ready);

  // Every resource discovery lists (as the admin).
  std::vector<Resource> Resources();
  // Every write path: create, update, patch (three types), delete and
  // deletecollection of every resource, update and patch of its status, token
  // management, the provisioning API and the preview API, for objects named
  // `name` in ns_.
  std::vector<Call> WriteCalls(const std::string& name);

  // One request with `token` ("" sends no Authorization header).
  HttpResult Send(const std::string& token, const Call& call) const;
  HttpResult Admin(const std::string& method, const std::string& path,
                   const std::string& body = "") const;

  // "plural/name" of every object in namespace `ns` and of every
  // cluster-scoped object, as the admin sees them.
  // A list that fails is a test failure (not an empty set).
  std::set<std::string> Objects(const std::string& ns);
  // Every object of every namespace and every cluster-scoped one.
  std::vector<ObjectRef> AllObjects();
  // Names of the tokens (a failed list is a test failure).
  std::set<std::string> Tokens();
  // Names of the containers carrying this suite's label and ns_.
  std::set<std::string> Containers();
  // Every path under the data dir (relative), files and directories, but
  // for temporary ones (atomic writes, SQLite journals).
  std::set<std::string> DataFiles() const;
  // The router's conf.d directory and the names of the files in it.
  std::string ConfDir() const;
  std::set<std::string> ConfFiles() const;

  std::string ServerLogTail() const;

  e2e::TempDir dir_;
  e2e::DockerEnv docker_;
  std::unique_ptr<e2e::StackServer> server_;
  std::string ns_;
  int router_port_ = 0;
  std::string viewer_, editor_, provisioner_;
};

}  // namespace berth::security
