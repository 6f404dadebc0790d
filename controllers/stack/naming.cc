#include "controllers/stack/naming.h"

namespace berth::stack {

std::string NamespacePrefix(const std::string& ns) {
  return ns.empty() || ns == "default" ? "" : ns + "-";
}

std::string ContainerName(const api::ObjectRef& stack, const ServiceSpec& svc) {
  if (!svc.container_name.empty()) return svc.container_name;
  return NamespacePrefix(stack.ns) + stack.name + "-" + svc.name;
}

namespace {
std::string Scoped(const api::ObjectRef& stack, const std::string& key) {
  std::string ns = stack.ns.empty() || stack.ns == "default" ? "" : stack.ns + "_";
  return ns + stack.name + "_" + key;
}
}  // namespace

std::string NetworkName(const api::ObjectRef& stack, const NetworkDecl& decl) {
  if (!decl.name.empty()) return decl.name;
  return decl.external ? decl.key : Scoped(stack, decl.key);
}

std::string VolumeName(const api::ObjectRef& stack, const VolumeDecl& decl) {
  if (!decl.name.empty()) return decl.name;
  return decl.external ? decl.key : Scoped(stack, decl.key);
}

std::string StackDataDir(const std::string& data_dir, const api::ObjectRef& stack) {
  return data_dir + "/stacks/" + stack.ns + "/" + stack.name;
}

std::string RouterConfDir(const std::string& stack_dir, const RouterSpec& router) {
  if (!router.conf_dir.empty()) return router.conf_dir;
  return stack_dir + "/router/conf.d";
}

}  // namespace berth::stack
