#include "operator/api/meta.h"

#include <regex>

#include "operator/common/time_format.h"

namespace berth::api {
namespace {

const std::regex& LabelRe() {
  static const std::regex re("[a-z0-9]([-a-z0-9]*[a-z0-9])?");
  return re;
}
const std::regex& QualifiedNameRe() {
  static const std::regex re("([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]");
  return re;
}

void CheckStringMap(const Json& m, const std::string& path, bool label_values,
                    std::vector<FieldCause>* causes) {
  if (!m.is_object()) {
    causes->push_back({path, "must be an object of strings"});
    return;
  }
  for (auto& [k, v] : m.items()) {
    std::string p = path + "." + k;
    if (std::string why = CheckLabelKey(k); !why.empty()) causes->push_back({p, why});
    if (!v.is_string()) {
      causes->push_back({p, "must be a string"});
    } else if (label_values) {
      if (std::string why = CheckLabelValue(v.get<std::string>()); !why.empty()) {
        causes->push_back({p, why});
      }
    }
  }
}

}  // namespace

std::string CheckDnsLabel(std::string_view s) {
  if (s.empty()) return "must not be empty";
  if (s.size() > 63) return "must be no more than 63 characters";
  if (!std::regex_match(s.begin(), s.end(), LabelRe())) {
    return "must be a lowercase RFC 1123 label: lowercase letters, digits and '-', "
           "starting and ending with a letter or digit";
  }
  return "";
}

std::string CheckDnsSubdomain(std::string_view s) {
  if (s.empty()) return "must not be empty";
  if (s.size() > 253) return "must be no more than 253 characters";
  size_t start = 0;
  while (true) {
    size_t dot = s.find('.', start);
    std::string_view part = s.substr(start, dot == std::string_view::npos ? dot : dot - start);
    if (part.empty() || !std::regex_match(part.begin(), part.end(), LabelRe())) {
      return "must be a lowercase RFC 1123 subdomain: lowercase letters, digits, '-' and '.', "
             "starting and ending with a letter or digit";
    }
    if (dot == std::string_view::npos) break;
    start = dot + 1;
  }
  return "";
}

std::string CheckLabelKey(std::string_view s) {
  std::string_view name = s;
  if (auto slash = s.find('/'); slash != std::string_view::npos) {
    std::string_view prefix = s.substr(0, slash);
    name = s.substr(slash + 1);
    if (std::string why = CheckDnsSubdomain(prefix); !why.empty()) return "prefix " + why;
  }
  if (name.empty() || name.size() > 63 ||
      !std::regex_match(name.begin(), name.end(), QualifiedNameRe())) {
    return "must be a qualified name: up to 63 of [A-Za-z0-9-_.], starting and ending "
           "with a letter or digit, with an optional DNS subdomain prefix and '/'";
  }
  return "";
}

std::string CheckLabelValue(std::string_view s) {
  if (s.empty()) return "";
  if (s.size() > 63 || !std::regex_match(s.begin(), s.end(), QualifiedNameRe())) {
    return "must be empty or up to 63 of [A-Za-z0-9-_.], starting and ending with a "
           "letter or digit";
  }
  return "";
}

Status ValidateMetadata(const Object& obj, bool namespaced) {
  std::vector<FieldCause> causes;
  const Json& j = obj.json();
  if (!j.contains("apiVersion")) causes.push_back({"apiVersion", "Required value"});
  if (!j.contains("kind")) causes.push_back({"kind", "Required value"});
  if (!j.contains("metadata") || !j["metadata"].is_object()) {
    causes.push_back({"metadata", "Required value"});
    return Status::Invalid("metadata is missing", causes);
  }
  const Json& m = j["metadata"];
  auto name_it = m.find("name");
  if (name_it == m.end() || !name_it->is_string() || name_it->get<std::string>().empty()) {
    causes.push_back({"metadata.name", "Required value"});
  } else if (std::string why = CheckDnsSubdomain(name_it->get<std::string>()); !why.empty()) {
    causes.push_back({"metadata.name", why});
  }
  if (auto ns = m.find("namespace"); ns != m.end()) {
    if (!namespaced) {
      if (!ns->is_string() || !ns->get<std::string>().empty()) {
        causes.push_back({"metadata.namespace", "must be empty for a cluster-scoped kind"});
      }
    } else if (!ns->is_string()) {
      causes.push_back({"metadata.namespace", "must be a string"});
    } else if (std::string why = CheckDnsLabel(ns->get<std::string>()); !why.empty()) {
      causes.push_back({"metadata.namespace", why});
    }
  }
  if (auto l = m.find("labels"); l != m.end() && !l->is_null()) {
    CheckStringMap(*l, "metadata.labels", true, &causes);
  }
  if (auto a = m.find("annotations"); a != m.end() && !a->is_null()) {
    CheckStringMap(*a, "metadata.annotations", false, &causes);
  }
  if (auto f = m.find("finalizers"); f != m.end() && !f->is_null()) {
    if (!f->is_array()) {
      causes.push_back({"metadata.finalizers", "must be an array of strings"});
    } else {
      for (size_t i = 0; i < f->size(); ++i) {
        const Json& v = (*f)[i];
        if (!v.is_string() || !CheckLabelKey(v.get<std::string>()).empty()) {
          causes.push_back({"metadata.finalizers[" + std::to_string(i) + "]",
                            "must be a qualified name such as berth.dev/cleanup"});
        }
      }
    }
  }
  if (!causes.empty()) return Status::Invalid("invalid metadata", std::move(causes));
  return Status::Ok();
}

const Json* FindCondition(const Json& status, std::string_view type) {
  if (!status.is_object()) return nullptr;
  auto it = status.find("conditions");
  if (it == status.end() || !it->is_array()) return nullptr;
  for (const auto& c : *it) {
    if (c.is_object() && c.value("type", "") == type) return &c;
  }
  return nullptr;
}

bool IsConditionTrue(const Json& status, std::string_view type) {
  const Json* c = FindCondition(status, type);
  return c != nullptr && c->value("status", "") == "True";
}

bool SetCondition(Json& status, const Condition& c, std::chrono::system_clock::time_point now) {
  if (!status.is_object()) status = Json::object();
  Json& conds = status["conditions"];
  if (!conds.is_array()) conds = Json::array();
  for (auto& existing : conds) {
    if (!existing.is_object() || existing.value("type", "") != c.type) continue;
    bool changed = existing.value("status", "") != c.status ||
                   existing.value("reason", "") != c.reason ||
                   existing.value("message", "") != c.message ||
                   existing.value("observedGeneration", int64_t{0}) != c.observed_generation;
    if (existing.value("status", "") != c.status) {
      existing["lastTransitionTime"] = FormatRfc3339(now);
    }
    existing["status"] = c.status;
    existing["reason"] = c.reason;
    existing["message"] = c.message;
    existing["observedGeneration"] = c.observed_generation;
    return changed;
  }
  conds.push_back({{"type", c.type},
                   {"status", c.status},
                   {"reason", c.reason},
                   {"message", c.message},
                   {"observedGeneration", c.observed_generation},
                   {"lastTransitionTime", FormatRfc3339(now)}});
  return true;
}

}  // namespace berth::api
