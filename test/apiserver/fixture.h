// An in-process API server on 127.0.0.1 (a free port) over a real SQLite
// store in a temporary directory, with one token per role.
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <thread>

#include "operator/api/catalog.h"
#include "operator/apiserver/auth.h"
#include "operator/apiserver/server.h"
#include "operator/registry/registry.h"
#include "operator/runtime/metrics.h"
#include "operator/store/store.h"
#include "test/apiserver/http_client.h"

namespace berth::testing {

// A Stack manifest with one service.
inline Json StackJson(const std::string& name, const std::string& image = "busybox:1",
                      const std::string& ns = "default") {
  return Json{{"apiVersion", "berth.dev/v1alpha1"},
              {"kind", "Stack"},
              {"metadata", {{"name", name}, {"namespace", ns}}},
              {"spec", {{"services", {{"web", {{"image", image}}}}}}}};
}

// Polls `cond` until it holds or `deadline` passes.
inline bool Eventually(const std::function<bool()>& cond,
                       std::chrono::milliseconds deadline = std::chrono::seconds(20)) {
  auto end = std::chrono::steady_clock::now() + deadline;
  while (std::chrono::steady_clock::now() < end) {
    if (cond()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return cond();
}

class ApiServerTest : public ::testing::Test {
 protected:
  // Tests may change these before calling StartServer (SetUp uses defaults).
  virtual apiserver::ServerOptions Options() {
    apiserver::ServerOptions o;
    o.listen = "127.0.0.1:0";
    o.watch_heartbeat = std::chrono::milliseconds(100);
    o.bookmark_interval = std::chrono::milliseconds(200);
    o.access_log = false;
    o.metrics = &metrics_;  // counts of this test only
    return o;
  }

  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("berth-api-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    auto st = store::Open("sqlite://" + (dir_ / "berth.db").string());
    ASSERT_TRUE(st.ok()) << st.status().ToString();
    store_ = std::move(*st);
    registry_ = std::make_unique<registry::Registry>(*store_, api::Catalog::Builtin());
    tokens_ = std::make_unique<apiserver::TokenStore>(*store_);
    admin_ = Token("admin", apiserver::Role::kAdmin);
    editor_ = Token("editor", apiserver::Role::kEditor);
    viewer_ = Token("viewer", apiserver::Role::kViewer);
    provisioner_ = Token("provisioner", apiserver::Role::kProvisioner);
    StartServer();
  }

  void StartServer() {
    server_ = std::make_unique<apiserver::Server>(*registry_, *tokens_, Options());
    Configure(*server_);
    Status st = server_->Start();
    ASSERT_TRUE(st.ok()) << st.ToString();
  }

  // Hook to add routes, checks or a log source before Start.
  virtual void Configure(apiserver::Server& server) {}

  void TearDown() override {
    if (server_) server_->Stop();
    server_.reset();
    registry_.reset();
    tokens_.reset();
    store_.reset();
    std::filesystem::remove_all(dir_);
  }

  std::string Token(const std::string& name, apiserver::Role role) {
    auto t = tokens_->Create(name, role);
    EXPECT_TRUE(t.ok()) << t.status().ToString();
    return t.ok() ? *t : "";
  }

  HttpClient As(const std::string& token) const {
    HttpOptions o;
    o.token = token;
    return HttpClient(server_->url(), o);
  }
  HttpClient Admin() const { return As(admin_); }
  HttpClient Anonymous() const { return HttpClient(server_->url()); }

  std::unique_ptr<WatchStream> Watch(const std::string& path, const std::string& token,
                                     std::vector<std::string> headers = {}) const {
    HttpOptions o;
    o.token = token;
    return std::make_unique<WatchStream>(server_->url() + path, o, std::move(headers));
  }

  static constexpr const char* kStacks = "/apis/berth.dev/v1alpha1/namespaces/default/stacks";

  std::filesystem::path dir_;
  runtime::Metrics metrics_;
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<registry::Registry> registry_;
  std::unique_ptr<apiserver::TokenStore> tokens_;
  std::unique_ptr<apiserver::Server> server_;
  std::string admin_, editor_, viewer_, provisioner_;
};

}  // namespace berth::testing
