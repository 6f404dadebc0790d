#include "controllers/instance/admission.h"

#include <functional>
#include <optional>

#include "controllers/instance/data_owner.h"
#include "controllers/instance/naming.h"
#include "controllers/instance/self_address.h"
#include "controllers/instance/slug.h"
#include "controllers/instance/template.h"
#include "controllers/router/nginx_conf.h"
#include "controllers/stack/stack_spec.h"
#include "operator/common/strings.h"

namespace berth::instance {
namespace {

using api::Json;

// The user hash in a slug's kept host directory ("" for none or unmarked).
using KeptDataOwner = std::function<std::string(const std::string& slug)>;

std::string TemplateKey(const Json& spec) {
  const Json& t = spec.value("template", Json::object());
  if (!t.is_object()) return "";
  return t.value("stack", "") + "/" + t.value("name", "");
}

// The slug a new Instance of `user` gets when it names none: `base` (its
// DefaultSlug) or one of the user's hashed variants. The first of them
// holding the user's own kept data wins (a returning user finds it again);
// else the first that no other user's Instance or kept data has. Invalid
// when every variant is taken.
Result<std::string> FreeDefaultSlug(const std::string& base, const std::string& user,
                                    const std::map<std::string, std::string>& taken,
                                    const KeptDataOwner& kept) {
  std::vector<std::string> candidates = {base};
  for (size_t digits : {6, 8, 10, 12, 16})
    candidates.push_back(SlugWithUserHash(base, user, digits));
  auto free_or_own = [&](const std::string& slug) {
    auto it = taken.find(slug);
    return it == taken.end() || it->second == user;  // the user's own: Duplicate below
  };
  const std::string mine = UserHash(user);
  for (const std::string& slug : candidates) {
    if (free_or_own(slug) && kept(slug) == mine) return slug;
  }
  for (const std::string& slug : candidates) {
    std::string owner = kept(slug);
    if (free_or_own(slug) && (owner.empty() || owner == mine)) return slug;
  }
  return Status::Invalid(
      "slug in use",
      {{"spec.slug", "Duplicate value: \"" + base + "\" and its variants are taken; set spec.slug",
        "FieldValueDuplicate"}});
}

}  // namespace

int AdmissionOptions::QuotaFor(const std::string& ns) const {
  auto it = namespace_quotas.find(ns);
  return it != namespace_quotas.end() ? it->second : quota;
}

std::vector<std::string> InstanceAdmission::CreateFences(const api::Object& obj) {
  return {std::string(kInstanceFencePrefix) + obj.ns()};
}

Status InstanceAdmission::CheckTemplate(const api::Object& obj) {
  const Json& t = obj.spec().value("template", Json::object());
  std::string stack_name = t.value("stack", "");
  std::string name = t.value("name", "");
  auto stack = registry_.Get("Stack", obj.ns(), stack_name);
  if (!stack.ok()) {
    if (stack.status().code() != Code::kNotFound) return stack.status();
    return Status::Invalid("unknown template", {{"spec.template.stack",
                                                 "Not found: no Stack \"" + stack_name +
                                                     "\" in namespace \"" + obj.ns() + "\"",
                                                 "FieldValueNotFound"}});
  }
  auto spec = stack::ParseStackSpec(stack->spec());
  if (!spec.ok()) return spec.status().Prefixed("Stack " + stack_name);
  if (!spec->router) {
    return Status::Invalid(
        "unknown template",
        {{"spec.template.stack", "Stack \"" + stack_name + "\" has no router to route Instances",
          "FieldValueInvalid"}});
  }
  auto tmpl = ParseTemplate(*spec, name);
  if (!tmpl.ok()) {
    if (tmpl.status().code() != Code::kNotFound) return tmpl.status();
    std::vector<std::string> names = TemplateNames(*spec);
    return Status::Invalid(
        "unknown template",
        {{"spec.template.name",
          "Not found: Stack \"" + stack_name + "\" has no instanceTemplates entry \"" + name +
              "\"" + (names.empty() ? " (it has none)" : " (it has: " + Join(names, ", ") + ")"),
          "FieldValueNotFound"}});
  }
  return Status::Ok();
}

Status InstanceAdmission::Admit(registry::Operation op, api::Object& obj, const api::Object* old) {
  if (op == registry::Operation::kDelete) return Status::Ok();
  if (obj.being_deleted()) return Status::Ok();  // only finalizers change now
  Json& spec = obj.json()["spec"];
  if (!spec.is_object()) return Status::Ok();  // the schema refuses it
  std::string user = spec.value("user", "");

  std::string old_slug = old ? old->spec().value("slug", "") : "";
  bool create = op == registry::Operation::kCreate || old == nullptr;
  bool defaulted = false;
  if (!spec.contains("slug") || spec["slug"].is_null()) {
    if (!old_slug.empty()) {
      spec["slug"] = old_slug;
    } else {
      BERTH_ASSIGN_OR_RETURN(std::string slug, DefaultSlug(user));
      spec["slug"] = slug;
      defaulted = true;
    }
  }
  std::string slug = spec["slug"].is_string() ? spec["slug"].get<std::string>() : "";
  BERTH_RETURN_IF_ERROR(ValidateSlug(slug));

  KeptDataOwner kept = [&](const std::string& candidate) -> std::string {
    if (opts_.fs == nullptr || opts_.data_dir.empty()) return "";
    return ReadDataOwner(*opts_.fs, DirsFor(opts_.data_dir, obj.ns(), candidate).root).value_or("");
  };
  std::optional<registry::ObjectList> others;  // the namespace's Instances, on create
  if (create) {
    auto list = registry_.List("Instance", obj.ns(), {});
    if (!list.ok()) return list.status().Prefixed("checking other Instances");
    others = std::move(*list);
  }
  if (create && defaulted) {
    std::map<std::string, std::string> taken;  // slug -> user
    for (const api::Object& other : others->items) {
      if (other.name() == obj.name()) continue;
      taken[other.spec().value("slug", "")] = other.spec().value("user", "");
    }
    BERTH_ASSIGN_OR_RETURN(slug, FreeDefaultSlug(slug, user, taken, kept));
    spec["slug"] = slug;
  }
  if (create) {
    std::string owner = kept(slug);
    if (!owner.empty() && owner != UserHash(user)) {
      return Status::Invalid(
          "slug in use",
          {{"spec.slug",
            "Duplicate value: \"" + slug +
                "\" holds the kept data of another user's deprovisioned Instance; choose "
                "another slug, or purge that data first",
            "FieldValueDuplicate"}});
    }
  }
  if (!old_slug.empty() && slug != old_slug) {
    return Status::Invalid("spec.slug is immutable",
                           {{"spec.slug",
                             "field is immutable: the slug names the Instance's "
                             "route, container and data directory (was \"" +
                                 old_slug + "\")"}});
  }
  if (router::RouteFileName(obj.ns(), slug) == router::kCommonFile) {
    return Status::Invalid(
        "reserved slug",
        {{"spec.slug", "\"" + slug + "\" in namespace \"" + obj.ns() + "\" is reserved by berth"}});
  }

  if (create || TemplateKey(old->spec()) != TemplateKey(spec)) {
    BERTH_RETURN_IF_ERROR(CheckTemplate(obj));
  }
  if (create) {
    for (const api::Object& other : others->items) {
      if (other.name() == obj.name()) continue;
      if (other.spec().value("slug", "") == slug) {
        return Status::Invalid("slug in use",
                               {{"spec.slug",
                                 "Duplicate value: \"" + slug + "\" is already used by Instance " +
                                     other.name() + " (routes must be unique)",
                                 "FieldValueDuplicate"}});
      }
    }
    int quota = opts_.QuotaFor(obj.ns());
    if (quota > 0 && static_cast<int>(others->items.size()) >= quota) {
      return Status::Forbidden("instances \"" + obj.name() +
                               "\" is forbidden: exceeded quota: instances, requested: 1, used: " +
                               std::to_string(others->items.size()) +
                               ", limited: " + std::to_string(quota));
    }
  }

  // A Provider pointing back at this Instance would have it call itself.
  std::string provider = spec.value("provider", "");
  bool provider_changed = create || old->spec().value("provider", "") != provider ||
                          TemplateKey(old->spec()) != TemplateKey(spec);
  if (!provider.empty() && provider_changed) {
    auto p = registry_.Get("Provider", obj.ns(), provider);
    if (!p.ok() && p.status().code() != Code::kNotFound) return p.status();
    if (p.ok() && p->spec().is_object()) {
      std::string base_url = p->spec().value("baseURL", "");
      if (auto self = InstanceSelf(registry_, obj)) {
        if (std::string why = InstanceLoopMessage(*self, obj, provider, base_url); !why.empty()) {
          return Status::Invalid("Instance " + obj.name() + " is invalid",
                                 {{"spec.provider", why, "FieldValueInvalid"}});
        }
      }
    }
  }

  Json& meta = obj.mutable_metadata();
  meta["labels"][kUserHashLabel] = UserHash(user);
  meta["annotations"][kUserAnnotation] = user;
  return Status::Ok();
}

}  // namespace berth::instance
