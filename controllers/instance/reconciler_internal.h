// Types shared by the files that implement InstanceReconciler. Not a public
// interface.
#pragma once

#include <map>
#include <optional>
#include <string>

#include "controllers/instance/reconciler.h"

namespace berth::instance {

// What one Instance asks for, as read from the store by Load.
struct InstanceReconciler::Desired {
  api::ObjectRef instance;
  api::ObjectRef stack_ref;
  std::string user;
  std::string slug;
  bool suspend = false;
  std::map<std::string, stack::EnvSource> env;  // spec.env
  std::optional<InstanceTemplate> tmpl;
  std::optional<RouterInfo> router;
  InstanceDirs dirs;
  stack::RenderInputs refs;  // resolved Secret and Provider values of the env

  // The Provider's config file: content when spec.provider renders, nullopt
  // without a provider (the file is removed) or when it cannot render
  // (config_ok false: the last good file stays).
  std::string provider;
  std::optional<std::string> config;
  bool config_ok = true;
  std::string config_message;
  std::string config_hash;

  // Set when the Instance cannot run (Failed) or cannot run yet (Pending).
  std::string failed_reason, failed_message;
  std::string pending_reason, pending_message;
  bool runnable() const { return failed_reason.empty() && pending_reason.empty(); }

  std::string config_file() const;  // host path of the config file
  std::string route_file() const;   // host path of the conf.d file
  RenderInput Input() const;        // points into this object: keep it alive
};

// "true" when the object's label/annotation map has key = "true".
bool AnnotationTrue(const api::Object& obj, const char* key);

}  // namespace berth::instance
