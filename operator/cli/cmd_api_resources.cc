// berth api-resources [-o wide|name]: the kinds the server serves, from its
// discovery document.
#include <memory>

#include "operator/api/codec.h"
#include "operator/cli/commands.h"
#include "operator/cli/table.h"
#include "operator/common/strings.h"

namespace berth::cli {
namespace {

std::string Strings(const api::Json& j, const char* key) {
  std::vector<std::string> out;
  if (j.contains(key) && j[key].is_array()) {
    for (const auto& v : j[key]) {
      if (v.is_string()) out.push_back(v.get<std::string>());
    }
  }
  return Join(out, ",");
}

Status RunApiResources(Context& ctx, const std::string& output) {
  if (!output.empty() && output != "wide" && output != "name") {
    return Status::BadRequest("api-resources supports -o wide and -o name");
  }
  BERTH_ASSIGN_OR_RETURN(ApiClient * client, ctx.client());
  HttpRequest r;
  std::string group_version = std::string(api::kGroup) + "/" + std::string(api::kVersion);
  r.path = "/apis/" + group_version;
  BERTH_ASSIGN_OR_RETURN(HttpResponse resp, client->Raw(r));
  auto doc = api::ParseJson(resp.body);
  if (!doc.ok() || !doc->is_object()) {
    return Status::Internal("the server's discovery document is not JSON");
  }
  std::string api_version = doc->value("groupVersion", group_version);
  std::vector<std::string> headers = {"NAME", "SHORTNAMES", "APIVERSION", "NAMESPACED", "KIND"};
  if (output == "wide") {
    headers.push_back("VERBS");
    headers.push_back("CATEGORIES");
  }
  TableWriter table(headers);
  const api::Json& resources =
      doc->contains("resources") ? (*doc)["resources"] : api::Json::array();
  for (const auto& res : resources) {
    std::string name = res.value("name", "");
    if (name.empty() || name.find('/') != std::string::npos) continue;  // subresources
    if (output == "name") {
      ctx.out() << name << "." << api::kGroup << "\n";
      continue;
    }
    std::vector<std::string> row = {name, Strings(res, "shortNames"), api_version,
                                    res.value("namespaced", false) ? "true" : "false",
                                    res.value("kind", "")};
    if (output == "wide") {
      row.push_back("[" + Join(Split(Strings(res, "verbs"), ','), " ") + "]");
      row.push_back(Strings(res, "categories"));
    }
    table.AddRow(row);
  }
  if (output != "name") ctx.out() << table.Render();
  return Status::Ok();
}

}  // namespace

void RegisterApiResources(CLI::App& app, Context& ctx) {
  auto* sub = app.add_subcommand("api-resources", "List the kinds the server serves");
  auto output = std::make_shared<std::string>();
  sub->add_option("-o,--output", *output, "wide or name");
  OnRun(sub, ctx, [&ctx, output] { return RunApiResources(ctx, *output); });
}

}  // namespace berth::cli
