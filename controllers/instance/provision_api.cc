#include "controllers/instance/provision_api.h"

#include "controllers/instance/admission.h"
#include "controllers/instance/naming.h"
#include "controllers/instance/reconciler.h"
#include "controllers/instance/slug.h"
#include "controllers/instance/template.h"
#include "operator/api/codec.h"
#include "operator/apiserver/status_map.h"
#include "operator/common/strings.h"

namespace berth::instance {
namespace {

using api::Json;
using apiserver::ErrorResponse;
using apiserver::JsonResponse;
using apiserver::Response;

const apiserver::ErrorSubject kSubject{"", "instances", "berth.dev"};

Status ValidateUser(const std::string& user, const std::string& field) {
  auto bad = [&](const std::string& why) {
    return Status::Invalid("invalid user", {{field, why}});
  };
  if (user.empty()) return bad("Required value: the user's ID");
  if (user.size() > 128) return bad("must be at most 128 characters");
  if (!std::isalnum(static_cast<unsigned char>(user[0]))) {
    return bad("must start with a letter or digit");
  }
  for (char c : user) {
    bool ok = std::isalnum(static_cast<unsigned char>(c)) || c == '@' || c == '.' || c == '_' ||
              c == '+' || c == '-';
    if (!ok) return bad("may contain only letters, digits, '@', '.', '_', '+' and '-'");
  }
  return Status::Ok();
}

Result<Json> Body(const apiserver::Request& req) {
  if (req.body.empty()) return Json::object();
  auto j = api::ParseJson(req.body);
  if (!j.ok() || !j->is_object()) return Status::BadRequest("the body must be a JSON object");
  return *j;
}

std::string StrField(const Json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : "";
}

}  // namespace

Response ProvisionApi::Handle(const apiserver::Request& req) {
  const auto& s = req.segments;
  // provision v1 instances [user [provider]]
  if (s.size() < 3 || s[0] != "provision" || s[1] != "v1" || s[2] != "instances" || s.size() > 5) {
    return ErrorResponse(Status::NotFound("no such provisioning endpoint: " + req.path));
  }
  bool write = req.method != "GET";
  if (write && req.user.role == apiserver::Role::kViewer) {
    return ErrorResponse(Status::Forbidden("viewers may not provision Instances"), kSubject);
  }
  if (s.size() == 3) {
    if (req.method == "POST") return Create(req);
    if (req.method == "GET") return List();
  } else {
    const std::string& user = s[3];
    if (Status st = ValidateUser(user, "user"); !st.ok()) return ErrorResponse(st, kSubject);
    if (s.size() == 4 && req.method == "GET") return Get(user);
    if (s.size() == 4 && req.method == "DELETE") return Delete(user, req.QueryFlag("purge"));
    if (s.size() == 5 && s[4] == "provider" && req.method == "POST") {
      return ConfigureProvider(user, req);
    }
    if (s.size() == 5 && s[4] != "provider") {
      return ErrorResponse(Status::NotFound("no such provisioning endpoint: " + req.path));
    }
  }
  return apiserver::ErrorResponse(405, "MethodNotAllowed",
                                  "method " + req.method + " is not allowed on " + req.path);
}

Result<api::Object> ProvisionApi::Find(const std::string& user) {
  auto inst = registry_.Get("Instance", opts_.ns, InstanceNameForUser(user));
  if (inst.ok() && inst->spec().value("user", "") == user) return inst;
  if (!inst.ok() && inst.status().code() != Code::kNotFound) return inst.status();
  registry::ListOptions lo;
  lo.label_selector = std::string(kUserHashLabel) + "=" + UserHash(user);
  BERTH_ASSIGN_OR_RETURN(auto list, registry_.List("Instance", opts_.ns, lo));
  for (api::Object& o : list.items) {
    if (o.spec().value("user", "") == user) return std::move(o);
  }
  return Status::NotFound("user \"" + user + "\" has no Instance in namespace \"" + opts_.ns +
                          "\"");
}

Result<std::pair<std::string, std::string>> ProvisionApi::ResolveTemplate(
    const std::string& requested) {
  std::string want = requested.empty() ? opts_.default_template : requested;
  if (!want.empty()) {
    auto slash = want.find('/');
    if (slash == std::string::npos || slash == 0 || slash + 1 == want.size()) {
      return Status::Invalid(
          "invalid template",
          {{"template", "must be STACK/NAME, e.g. beaver/app (got \"" + want + "\")"}});
    }
    return std::make_pair(want.substr(0, slash), want.substr(slash + 1));
  }
  BERTH_ASSIGN_OR_RETURN(auto stacks, registry_.List("Stack", opts_.ns, {}));
  std::vector<std::pair<std::string, std::string>> all;
  for (const api::Object& st : stacks.items) {
    const Json& t = st.spec().value("instanceTemplates", Json::object());
    if (!t.is_object() || !st.spec().contains("router")) continue;
    for (const auto& [name, v] : t.items()) all.emplace_back(st.name(), name);
  }
  if (all.size() == 1) return all.front();
  return Status::Invalid(
      "no template",
      {{"template", all.empty() ? "Required value: namespace \"" + opts_.ns +
                                      "\" has no Stack with a router and instanceTemplates"
                                : "Required value: namespace \"" + opts_.ns + "\" has " +
                                      std::to_string(all.size()) +
                                      " templates; name one as STACK/NAME (or start berth serve "
                                      "with --provision-template)"}});
}

Json ProvisionApi::Describe(const api::Object& inst) {
  const Json& spec = inst.spec();
  const Json& st = inst.status().is_object() ? inst.status() : Json::object();
  std::string slug = spec.value("slug", "");
  std::string url = st.value("url", "");
  if (url.empty()) {
    const Json& t = spec.value("template", Json::object());
    auto stack = registry_.Get("Stack", inst.ns(), t.value("stack", ""));
    if (stack.ok()) {
      auto parsed = stack::ParseStackSpec(stack->spec());
      if (parsed.ok() && parsed->router) url = Url(slug, *parsed->router);
    }
  }
  std::string phase = st.value("phase", "Pending");
  if (inst.being_deleted()) phase = "Deleting";
  Json out = {{"name", inst.name()},
              {"namespace", inst.ns()},
              {"user", spec.value("user", "")},
              {"slug", slug},
              {"url", url},
              {"phase", phase},
              {"ready", phase == "Ready"}};
  const Json& t = spec.value("template", Json::object());
  out["template"] = t.value("stack", "") + "/" + t.value("name", "");
  if (std::string p = spec.value("provider", ""); !p.empty()) out["provider"] = p;
  return out;
}

Response ProvisionApi::Create(const apiserver::Request& req) {
  auto body = Body(req);
  if (!body.ok()) return ErrorResponse(body.status(), kSubject);
  std::string user = StrField(*body, "user");
  std::string slug = StrField(*body, "slug");
  if (Status st = ValidateUser(user, "user"); !st.ok()) return ErrorResponse(st, kSubject);
  if (body->contains("slug") && !(*body)["slug"].is_string()) {
    return ErrorResponse(Status::Invalid("invalid slug", {{"spec.slug", "must be a string"}}),
                         kSubject);
  }
  if (body->contains("slug")) {
    if (Status st = ValidateSlug(slug); !st.ok()) return ErrorResponse(st, kSubject);
  }
  auto tmpl = ResolveTemplate(StrField(*body, "template"));
  if (!tmpl.ok()) return ErrorResponse(tmpl.status(), kSubject);

  std::lock_guard lock(create_mu_);
  auto existing = Find(user);
  if (existing.ok()) {
    const Json& spec = existing->spec();
    const Json& t = spec.value("template", Json::object());
    bool other_slug = !slug.empty() && spec.value("slug", "") != slug;
    bool other_tmpl = !StrField(*body, "template").empty() &&
                      (t.value("stack", "") != tmpl->first || t.value("name", "") != tmpl->second);
    if (other_slug || other_tmpl) {
      return ErrorResponse(
          Status::Conflict("user \"" + user + "\" already has Instance " + existing->name() +
                           " with slug \"" + spec.value("slug", "") + "\" and template " +
                           t.value("stack", "") + "/" + t.value("name", "")),
          kSubject);
    }
    return JsonResponse(200, Describe(*existing));
  }
  if (existing.status().code() != Code::kNotFound)
    return ErrorResponse(existing.status(), kSubject);

  Json obj = {
      {"apiVersion", std::string(api::kApiVersion)},
      {"kind", "Instance"},
      {"metadata", {{"name", InstanceNameForUser(user)}, {"namespace", opts_.ns}}},
      {"spec", {{"user", user}, {"template", {{"stack", tmpl->first}, {"name", tmpl->second}}}}}};
  if (!slug.empty()) obj["spec"]["slug"] = slug;
  auto created = registry_.Create(api::Object(std::move(obj)));
  if (!created.ok() && created.status().code() == Code::kAlreadyExists) {
    // Another server created this user's Instance meanwhile: it is the one.
    if (auto raced = Find(user); raced.ok()) return JsonResponse(200, Describe(*raced));
  }
  if (!created.ok()) return ErrorResponse(created.status(), kSubject);
  return JsonResponse(201, Describe(*created));
}

Response ProvisionApi::List() {
  auto list = registry_.List("Instance", opts_.ns, {});
  if (!list.ok()) return ErrorResponse(list.status(), kSubject);
  Json items = Json::array();
  for (const api::Object& o : list->items) items.push_back(Describe(o));
  return JsonResponse(200, {{"namespace", opts_.ns}, {"items", items}});
}

Response ProvisionApi::Get(const std::string& user) {
  auto inst = Find(user);
  if (!inst.ok()) return ErrorResponse(inst.status(), kSubject);
  Json out = Describe(*inst);
  if (inst->status().is_object()) {
    out["conditions"] = inst->status().value("conditions", Json::array());
  }
  return JsonResponse(200, out);
}

Response ProvisionApi::Delete(const std::string& user, bool purge) {
  auto inst = Find(user);
  if (!inst.ok()) return ErrorResponse(inst.status(), kSubject);
  registry::DeleteOptions opts;
  if (purge) opts.annotations[kPurgeAnnotation] = "true";
  auto deleted = registry_.Delete("Instance", inst->ns(), inst->name(), opts);
  if (!deleted.ok()) return ErrorResponse(deleted.status(), kSubject);
  Json out = Describe(*inst);
  out["phase"] = "Deleting";
  out["ready"] = false;
  out["purge"] = purge;
  return JsonResponse(200, out);
}

}  // namespace berth::instance
