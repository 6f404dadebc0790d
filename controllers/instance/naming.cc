#include "controllers/instance/naming.h"

#include "operator/common/strings.h"

namespace berth::instance {

std::string ContainerName(const std::string& ns, const std::string& slug) {
  std::string name = "berth_" + ns + "_" + slug;
  if (name.size() <= 63) return name;
  std::string hash = Sha256Hex(ns + "/" + slug).substr(0, 12);
  return name.substr(0, 63 - 1 - hash.size()) + "_" + hash;
}

std::string Host(const std::string& slug, const stack::RouterSpec& router) {
  return slug + "." + router.base_domain;
}

std::string Url(const std::string& slug, const stack::RouterSpec& router) {
  const std::string& scheme = router.public_scheme.empty() ? "http" : router.public_scheme;
  std::string url = scheme + "://" + Host(slug, router);
  bool default_port = (scheme == "http" && router.public_port == 80) ||
                      (scheme == "https" && router.public_port == 443);
  if (!default_port && router.public_port > 0) url += ":" + std::to_string(router.public_port);
  return url;
}

InstanceDirs DirsFor(const std::string& data_dir, const std::string& ns, const std::string& slug) {
  InstanceDirs d;
  d.root = data_dir + "/instances/" + ns + "/" + slug;
  d.data = d.root + "/data";
  d.config = d.root + "/config";
  d.secrets = d.root + "/secrets";
  return d;
}

}  // namespace berth::instance
