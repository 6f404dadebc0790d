// The provisioning API: what seed 001's deploy-control did by script, for
// automation (an auth portal calling on registration). Served under
// /provision/v1/ for tokens with role provisioner (which may call nothing
// else), admin or editor; viewers may only read.
//
//   POST   /provision/v1/instances                 {user, slug?, template?}
//            201 {name, namespace, user, slug, url, phase, ready} for a new
//            Instance; 200 with the existing one when the user has one
//            (idempotent per user); 409 if that one has another slug or
//            template than asked; 422 for a bad user, slug or template;
//            403 "exceeded quota".
//   GET    /provision/v1/instances                 {items: [...]}
//   GET    /provision/v1/instances/{user}          the user's Instance, with ready
//   POST   /provision/v1/instances/{user}/provider {type, baseURL, models,
//            apiKey?, defaultModel?}: creates or updates the user's Provider
//            and its key Secret (owned by the Instance) and sets spec.provider;
//            the controller writes config.json and restarts that Instance only.
//   DELETE /provision/v1/instances/{user}[?purge=true]  deprovision; data kept
//            unless purge.
//
// Instances live in one namespace (the serve flag --provision-namespace). A
// user's Instance is named InstanceNameForUser(user) (slug.h) and carries the
// user in spec.user, the berth.dev/user annotation and berth.dev/user-hash.
// Errors are Kubernetes Status objects. Thread-safe.
#pragma once

#include <mutex>
#include <string>

#include "operator/apiserver/http.h"
#include "operator/registry/registry.h"

namespace berth::instance {

inline constexpr const char* kProvisionPrefix = "/provision/v1/";

struct ProvisionOptions {
  std::string ns = "default";
  // "<stack>/<template>" used when a request names none; when empty, the only
  // template of the namespace's Stacks (if there is exactly one).
  std::string default_template;
};

class ProvisionApi {
 public:
  // `registry` must outlive this object.
  ProvisionApi(registry::Registry& registry, ProvisionOptions options)
      : registry_(registry), opts_(std::move(options)) {}

  apiserver::Response Handle(const apiserver::Request& req);

 private:
  apiserver::Response Create(const apiserver::Request& req);
  apiserver::Response List();
  apiserver::Response Get(const std::string& user);
  apiserver::Response Delete(const std::string& user, bool purge);
  apiserver::Response ConfigureProvider(const std::string& user, const apiserver::Request& req);

  // The user's Instance: by its deterministic name, else by label and spec.user.
  Result<api::Object> Find(const std::string& user);
  // "<stack>/<name>" for a request's template ("" = the default).
  Result<std::pair<std::string, std::string>> ResolveTemplate(const std::string& requested);
  // The answer describing an Instance.
  api::Json Describe(const api::Object& inst);

  registry::Registry& registry_;
  ProvisionOptions opts_;
  // Creates of this server are serialized (fewer retries in the registry);
  // the quota and slug checks hold across servers through the registry's
  // fence (InstanceAdmission), and a user's Instance has one name.
  std::mutex create_mu_;
};

}  // namespace berth::instance
