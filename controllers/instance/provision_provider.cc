// POST /provision/v1/instances/{user}/provider: the user's Provider and its
// API key Secret, owned by the Instance, and spec.provider pointing at them.
#include "controllers/instance/provision_api.h"
#include "operator/api/codec.h"
#include "operator/apiserver/status_map.h"

namespace berth::instance {
namespace {

using api::Json;
using apiserver::ErrorResponse;
using apiserver::JsonResponse;
using apiserver::Response;

const apiserver::ErrorSubject kSubject{"", "instances", "berth.dev"};
constexpr const char* kKeyField = "apiKey";

Json OwnerRef(const api::Object& inst) {
  return Json::array({{{"apiVersion", std::string(api::kApiVersion)},
                       {"kind", "Instance"},
                       {"name", inst.name()},
                       {"uid", inst.uid()},
                       {"controller", true}}});
}

// Creates `obj`, or replaces the stored one's `field` (spec, stringData) with obj's.
Result<api::Object> Upsert(registry::Registry& registry, api::Object obj, const char* field) {
  auto cur = registry.Get(obj.kind(), obj.ns(), obj.name());
  if (!cur.ok()) {
    if (cur.status().code() != Code::kNotFound) return cur.status();
    return registry.Create(std::move(obj));
  }
  return registry.Mutate(obj.kind(), obj.ns(), obj.name(), [&](api::Object& o) {
    o.json()[field] = obj.json()[field];
    o.mutable_metadata()["ownerReferences"] = obj.metadata()["ownerReferences"];
    return Status::Ok();
  });
}

// `s` with the API key replaced wherever it appears: errors echo invalid
// values, and a request may carry the key in another field too (pasted into
// baseURL by mistake).
Status WithoutKey(const Status& s, const std::string& key) {
  if (key.empty() || s.ok()) return s;
  auto scrub = [&key](std::string text) {
    static constexpr std::string_view kMark = "<redacted>";
    for (size_t at = text.find(key); at != std::string::npos;
         at = text.find(key, at + kMark.size())) {
      text.replace(at, key.size(), kMark);
    }
    return text;
  };
  if (s.code() != Code::kInvalid) return {s.code(), scrub(s.message())};
  std::vector<FieldCause> causes = s.causes();
  for (FieldCause& c : causes) c.message = scrub(c.message);
  return Status::Invalid(scrub(s.message()), std::move(causes));
}

// The Provider as it will be written, checked by a dry run (schema and
// admission) before the key's Secret is touched: a refused request changes
// nothing.
Status DryRun(registry::Registry& registry, const api::Object& provider) {
  registry::WriteOptions dry;
  dry.dry_run = true;
  auto cur = registry.Get(provider.kind(), provider.ns(), provider.name());
  if (!cur.ok()) {
    if (cur.status().code() != Code::kNotFound) return cur.status();
    return registry.Create(provider, dry).status();
  }
  api::Object next = *cur;
  next.json()["spec"] = provider.json()["spec"];
  return registry.Update(std::move(next), dry).status();
}

}  // namespace

Response ProvisionApi::ConfigureProvider(const std::string& user, const apiserver::Request& req) {
  Json body = Json::object();
  if (!req.body.empty()) {
    auto j = api::ParseJson(req.body);
    if (!j.ok() || !j->is_object()) {
      return ErrorResponse(Status::BadRequest("the body must be a JSON object"), kSubject);
    }
    body = std::move(*j);
  }
  auto inst = Find(user);
  if (!inst.ok()) return ErrorResponse(inst.status(), kSubject);
  if (inst->being_deleted()) {
    return ErrorResponse(Status::Conflict("the Instance of user \"" + user + "\" is being deleted"),
                         kSubject);
  }

  std::string type = body.value("type", "");
  std::string base_url = body.value("baseURL", "");
  std::vector<FieldCause> causes;
  if (type.empty())
    causes.push_back({"type",
                      "Required value: openai, anthropic, gemini, "
                      "openai-compatible or vllm"});
  if (base_url.empty()) causes.push_back({"baseURL", "Required value"});
  if (!body.contains("models") || !body["models"].is_array() || body["models"].empty()) {
    causes.push_back({"models", "Required value: a list of model names"});
  }
  bool has_key = body.contains(kKeyField) && body[kKeyField].is_string() &&
                 !body[kKeyField].get<std::string>().empty();
  if (body.contains(kKeyField) && !body[kKeyField].is_string()) {
    causes.push_back({kKeyField, "must be a string"});
  }
  if (!causes.empty()) return ErrorResponse(Status::Invalid("invalid provider", causes), kSubject);

  std::string ns = inst->ns();
  std::string name = inst->name();
  std::string secret_name = name + "-provider-key";
  bool secret_exists = registry_.Get("Secret", ns, secret_name).ok();
  if (!has_key && !secret_exists && type != "vllm") {
    return ErrorResponse(
        Status::Invalid("invalid provider", {{kKeyField, "Required value: the API key"}}),
        kSubject);
  }
  const std::string key = has_key ? body[kKeyField].get<std::string>() : "";
  Json pspec = {{"type", type}, {"baseURL", base_url}, {"models", body["models"]}};
  if (body.contains("defaultModel")) pspec["defaultModel"] = body["defaultModel"];
  if (has_key || secret_exists) {
    pspec["apiKeySecretRef"] = {{"name", secret_name}, {"key", kKeyField}};
  }
  api::Object provider(
      Json{{"apiVersion", std::string(api::kApiVersion)},
           {"kind", "Provider"},
           {"metadata", {{"name", name}, {"namespace", ns}, {"ownerReferences", OwnerRef(*inst)}}},
           {"spec", pspec}});
  if (Status checked = DryRun(registry_, provider); !checked.ok()) {
    return ErrorResponse(WithoutKey(checked, key), kSubject);
  }
  if (has_key) {
    Json secret = {
        {"apiVersion", std::string(api::kApiVersion)},
        {"kind", "Secret"},
        {"metadata",
         {{"name", secret_name}, {"namespace", ns}, {"ownerReferences", OwnerRef(*inst)}}},
        {"type", "Opaque"},
        {"stringData", {{kKeyField, key}}}};
    auto written = Upsert(registry_, api::Object(std::move(secret)), "stringData");
    // Never the request in a message: it holds the key.
    if (!written.ok()) return ErrorResponse(WithoutKey(written.status(), key), kSubject);
  }
  auto written = Upsert(registry_, std::move(provider), "spec");
  if (!written.ok()) return ErrorResponse(WithoutKey(written.status(), key), kSubject);

  auto updated = registry_.Mutate("Instance", ns, name, [&](api::Object& o) {
    o.json()["spec"]["provider"] = name;
    return Status::Ok();
  });
  if (!updated.ok()) return ErrorResponse(updated.status(), kSubject);
  Json out = Describe(*updated);
  out["provider"] = name;
  out["providerSecret"] = secret_name;
  return JsonResponse(200, out);
}

}  // namespace berth::instance
