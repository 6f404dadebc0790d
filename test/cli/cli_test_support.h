// Support for in-process CLI tests: a temporary directory, an in-memory
// ApiClient that behaves like a small berth server (objects, resource
// versions, selectors, dry runs, apply, scripted watch events), and a
// harness that runs `berth ARGS...` against it with captured output.
#pragma once

#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <deque>
#include <filesystem>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "operator/api/catalog.h"
#include "operator/api/selector.h"
#include "operator/cli/app.h"
#include "operator/cli/kinds.h"
#include "operator/common/filesystem.h"
#include "operator/common/time_format.h"
#include "test/mocks/fake_clock.h"

namespace berth::testing {

class TempDir {
 public:
  TempDir() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "berth-cli-XXXXXX").string();
    path_ = mkdtemp(tmpl.data());
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  const std::string& path() const { return path_; }
  std::string Write(const std::string& rel, const std::string& text) const {
    std::filesystem::path p = std::filesystem::path(path_) / rel;
    std::filesystem::create_directories(p.parent_path());
    FILE* f = fopen(p.c_str(), "w");
    fwrite(text.data(), 1, text.size(), f);
    fclose(f);
    return p.string();
  }

 private:
  std::string path_;
};

// The state of the fake server, shared by every client made for a test.
struct FakeServer {
  std::map<std::string, api::Json> objects;  // "Kind/ns/name"
  long long revision = 100;
  // Server-side validation: a non-OK Status rejects a write (dry run or not).
  std::function<Status(const api::Object&)> validate;
  std::deque<cli::WatchEvent> events;      // delivered by the next Watch call
  std::map<std::string, std::string> raw;  // path -> 200 body
  std::vector<std::string> log_lines;
  std::vector<std::string> requests;  // "VERB path" per call, for assertions
  int writes = 0;                     // non-dry-run writes

  static std::string Key(const std::string& kind, const std::string& ns, const std::string& name) {
    return kind + "/" + ns + "/" + name;
  }
  void Put(api::Json obj) {
    api::Object o(obj);
    obj["metadata"]["resourceVersion"] = std::to_string(++revision);
    if (!obj["metadata"].contains("uid")) obj["metadata"]["uid"] = "uid-" + o.name();
    if (!obj["metadata"].contains("creationTimestamp")) {
      obj["metadata"]["creationTimestamp"] = "2027-01-15T08:00:00Z";
    }
    objects[Key(o.kind(), o.ns(), o.name())] = obj;
  }
};

class FakeApiClient : public cli::ApiClient {
 public:
  explicit FakeApiClient(std::shared_ptr<FakeServer> s) : s_(std::move(s)) {}

  Result<api::Object> Get(const api::KindInfo& k, const std::string& ns,
                          const std::string& name) override {
    s_->requests.push_back("GET " + k.plural + "/" + name);
    auto it = s_->objects.find(FakeServer::Key(k.kind, k.namespaced ? ns : "", name));
    if (it == s_->objects.end()) return NotFound(k, name);
    return api::Object(it->second);
  }
  Result<cli::ObjectList> List(const api::KindInfo& k, const std::string& ns,
                               const cli::ListOptions& o) override {
    s_->requests.push_back("LIST " + k.plural);
    BERTH_ASSIGN_OR_RETURN(auto ls, api::LabelSelector::Parse(o.label_selector));
    BERTH_ASSIGN_OR_RETURN(auto fs, api::FieldSelector::Parse(o.field_selector));
    cli::ObjectList out;
    for (const auto& [key, j] : s_->objects) {
      api::Object obj(j);
      if (obj.kind() != k.kind || (!ns.empty() && k.namespaced && obj.ns() != ns)) continue;
      if (!ls.Matches(obj.labels()) || !fs.Matches(j)) continue;
      out.items.push_back(obj);
    }
    out.resource_version = std::to_string(s_->revision);
    return out;
  }
  Result<api::Object> Create(const api::KindInfo& k, const std::string& ns, const api::Object& obj,
                             const cli::WriteOptions& o) override {
    s_->requests.push_back(std::string(o.dry_run ? "DRYRUN " : "") + "POST " + k.plural);
    if (s_->validate) BERTH_RETURN_IF_ERROR(s_->validate(obj));
    if (s_->objects.count(FakeServer::Key(k.kind, obj.ns(), obj.name()))) {
      return Status::AlreadyExists(k.plural + "." + std::string(api::kGroup) + " \"" + obj.name() +
                                   "\" already exists");
    }
    if (o.dry_run) return obj;
    ++s_->writes;
    s_->Put(obj.json());
    return api::Object(s_->objects[FakeServer::Key(k.kind, obj.ns(), obj.name())]);
  }
  Result<api::Object> Update(const api::KindInfo& k, const std::string& ns, const api::Object& obj,
                             const cli::WriteOptions& o, bool status) override {
    auto key = FakeServer::Key(k.kind, obj.ns(), obj.name());
    auto it = s_->objects.find(key);
    if (it == s_->objects.end()) return NotFound(k, obj.name());
    if (api::Object(it->second).resource_version() != obj.resource_version()) {
      return Status::Conflict("the object has been modified");
    }
    if (!o.dry_run) s_->Put(obj.json());
    return api::Object(s_->objects[key]);
  }
  Result<api::Object> Patch(const api::KindInfo& k, const std::string& ns, const std::string& name,
                            cli::PatchType type, const std::string& body,
                            const cli::WriteOptions& o) override {
    s_->requests.push_back(std::string(o.dry_run ? "DRYRUN " : "") + "APPLY " + k.plural + "/" +
                           name);
    api::Json patch = api::Json::parse(body);
    if (s_->validate) BERTH_RETURN_IF_ERROR(s_->validate(api::Object(patch)));
    auto key = FakeServer::Key(k.kind, k.namespaced ? ns : "", name);
    auto it = s_->objects.find(key);
    api::Json result = patch;
    if (it != s_->objects.end()) {
      // Apply keeps server-owned metadata and status, replaces the rest.
      const api::Json& live = it->second;
      for (const char* f : {"uid", "resourceVersion", "creationTimestamp"}) {
        result["metadata"][f] = live["metadata"][f];
      }
      if (live.contains("status")) result["status"] = live["status"];
      if (result == live) return api::Object(live);  // unchanged: same version
    }
    if (o.dry_run) return api::Object(result);
    ++s_->writes;
    s_->Put(result);
    return api::Object(s_->objects[key]);
  }
  Result<api::Json> Delete(const api::KindInfo& k, const std::string& ns, const std::string& name,
                           const cli::DeleteOptions& o) override {
    s_->requests.push_back("DELETE " + k.plural + "/" + name);
    auto key = FakeServer::Key(k.kind, k.namespaced ? ns : "", name);
    auto it = s_->objects.find(key);
    if (it == s_->objects.end()) return NotFound(k, name);
    api::Json j = it->second;
    if (!o.dry_run) {
      ++s_->writes;
      s_->objects.erase(it);
    }
    return j;
  }
  Status Watch(const api::KindInfo&, const std::string&, const cli::WatchOptions& o,
               const std::function<bool(const cli::WatchEvent&)>& on_event) override {
    while (!s_->events.empty()) {
      cli::WatchEvent ev = s_->events.front();
      s_->events.pop_front();
      if (!on_event(ev)) return Status::Ok();
    }
    if (o.deadline) {
      std::this_thread::sleep_until(*o.deadline);
      return Status::Timeout("deadline exceeded");
    }
    return Status::Cancelled("the fake server has no more events");
  }
  Result<cli::HttpResponse> Raw(const cli::HttpRequest& r) override {
    s_->requests.push_back(r.method + " " + r.path);
    auto it = s_->raw.find(r.path);
    if (it == s_->raw.end()) return Status::NotFound("the server could not find " + r.path);
    return cli::HttpResponse{200, it->second};
  }
  Status RawLines(const cli::HttpRequest& r,
                  const std::function<bool(std::string_view)>& on_line) override {
    s_->requests.push_back("STREAM " + r.path);
    for (const auto& l : s_->log_lines) {
      if (!on_line(l)) break;
    }
    return Status::Ok();
  }

 private:
  static Status NotFound(const api::KindInfo& k, const std::string& name) {
    return Status::NotFound(k.plural + "." + std::string(api::kGroup) + " \"" + name +
                            "\" not found");
  }
  std::shared_ptr<FakeServer> s_;
};

// Runs the CLI in-process against a FakeServer.
class CliHarness {
 public:
  CliHarness() : server(std::make_shared<FakeServer>()) { env["HOME"] = home.path(); }

  int Run(std::vector<std::string> args, const std::string& stdin_text = "") {
    out.str("");
    err.str("");
    in.str(stdin_text);
    in.clear();
    cli::Environment e;
    e.out = &out;
    e.err = &err;
    e.in = &in;
    e.env = [this](const std::string& k) -> std::optional<std::string> {
      auto it = env.find(k);
      if (it == env.end()) return std::nullopt;
      return it->second;
    };
    e.fs = &RealFileSystem();
    e.clock = &clock;
    e.catalog = &api::Catalog::Builtin();
    e.defaults = {"http://127.0.0.1:7443", data.path()};
    e.serve = serve;
    e.client_factory = [this](const cli::Connection& c, int,
                              std::ostream&) -> Result<std::unique_ptr<cli::ApiClient>> {
      connection = c;
      if (make_client) return make_client();
      return std::unique_ptr<cli::ApiClient>(std::make_unique<FakeApiClient>(server));
    };
    args.insert(args.begin(), "berth");
    return cli::Run(args, std::move(e));
  }

  const api::KindInfo& Kind(const std::string& name) {
    return **cli::ResolveKind(api::Catalog::Builtin(), name);
  }

  std::shared_ptr<FakeServer> server;
  std::map<std::string, std::string> env;
  TempDir home;
  TempDir data;
  FakeClock clock;
  cli::ServeFn serve = nullptr;
  std::optional<cli::Connection> connection;
  // When set, replaces the in-memory server (e.g. with a MockApiClient).
  std::function<std::unique_ptr<cli::ApiClient>()> make_client;
  std::ostringstream out;
  std::ostringstream err;
  std::istringstream in;
};

}  // namespace berth::testing
