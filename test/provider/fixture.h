// A registry on an in-memory SQLite store with the Provider admissions, and
// manifests of Providers, Secrets and Stacks for the provider tests.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "controllers/provider/admission.h"
#include "operator/api/catalog.h"
#include "operator/api/codec.h"
#include "operator/registry/registry.h"
#include "operator/secrets/admission.h"
#include "operator/store/store.h"

namespace berth::provider::testing {

using api::Json;

class ProviderRegistryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto s = store::Open("sqlite::memory:");
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    store_ = std::move(s).value();
    registry_ = std::make_unique<registry::Registry>(*store_, api::Catalog::Builtin());
    // As serve does: stringData folded into data (sealing is not needed here).
    registry_->AddAdmission("Secret", std::make_shared<secrets::SecretAdmission>());
    registry_->AddAdmission("Provider", std::make_shared<ProviderAdmission>(*registry_));
    registry_->AddAdmission("Stack", std::make_shared<StackProviderAdmission>(*registry_));
  }

  // Creates or replaces (apply) the object written as YAML.
  Result<api::Object> Apply(const std::string& yaml) {
    auto j = api::ParseYaml(yaml);
    if (!j.ok()) return j.status();
    api::Object obj(*j);
    return registry_->Patch(obj.kind(), "default", obj.name(), registry::PatchType::kApply,
                            j->dump(), false);
  }
  void MustApply(const std::string& yaml) {
    auto r = Apply(yaml);
    ASSERT_TRUE(r.ok()) << r.status().ToString() << "\n" << yaml;
  }

  static std::string SecretYaml(const std::string& name, const std::string& key,
                                const std::string& value) {
    return "apiVersion: berth.dev/v1alpha1\nkind: Secret\nmetadata: {name: " + name +
           "}\nstringData: {" + key + ": \"" + value + "\"}\n";
  }
  static std::string ProviderYaml(const std::string& name, const std::string& base_url,
                                  const std::string& secret = "", const std::string& labels = "{}",
                                  const std::string& type = "openai-compatible") {
    std::string y = "apiVersion: berth.dev/v1alpha1\nkind: Provider\nmetadata: {name: " + name +
                    ", labels: " + labels + "}\nspec:\n  type: " + type +
                    "\n  baseURL: " + base_url + "\n  models: [m1, m2]\n";
    if (!secret.empty()) y += "  apiKeySecretRef: {name: " + secret + ", key: apiKey}\n";
    return y;
  }

  std::unique_ptr<store::Store> store_;
  std::unique_ptr<registry::Registry> registry_;
};

}  // namespace berth::provider::testing
