// Provider selection for render: configFiles and the consumers of a Stack.
#include "controllers/provider/select.h"

#include <gtest/gtest.h>

namespace berth::provider {
namespace {

using api::Json;

api::Object P(const std::string& name, Json labels = Json::object()) {
  return api::Object(Json{{"kind", "Provider"},
                          {"metadata", {{"name", name}, {"labels", labels}}},
                          {"spec", {{"type", "vllm"}, {"baseURL", "http://x"}}}});
}

std::vector<std::string> Names(const std::vector<api::Object>& ps) {
  std::vector<std::string> out;
  for (const auto& p : ps) out.push_back(p.name());
  return out;
}

TEST(SelectProvidersTest, NamesInOrderThenSelectorByNameElseAll) {
  std::vector<api::Object> ps = {P("c", {{"t", "x"}}), P("a", {{"t", "x"}}), P("b")};
  stack::ConfigFileSpec f;
  f.render_format = "uni-api";
  EXPECT_EQ(Names(SelectProviders(f, ps)), (std::vector<std::string>{"a", "b", "c"}));
  f.render_providers = {"b", "zz", "c"};
  EXPECT_EQ(Names(SelectProviders(f, ps)), (std::vector<std::string>{"b", "c"}));
  EXPECT_EQ(MissingProviders(f, ps), std::vector<std::string>{"zz"});
  f.render_selector = {{"t", "x"}};
  EXPECT_EQ(Names(SelectProviders(f, ps)), (std::vector<std::string>{"b", "c", "a"}));
  f.render_providers.clear();
  EXPECT_EQ(Names(SelectProviders(f, ps)), (std::vector<std::string>{"a", "c"}));
}

TEST(ConsumedProvidersTest, EnvRefsAndRenderedFilesWithFieldPaths) {
  stack::StackSpec spec;
  stack::ServiceSpec s;
  s.name = "gw";
  s.env["KEY"] = {stack::EnvSource::Type::kProvider, "", "missing", "apiKey", true};
  stack::ConfigFileSpec f;
  f.path = "/a";
  f.render_format = "uni-api";
  f.render_selector = {{"t", "x"}};
  s.config_files = {f};
  spec.services["gw"] = s;
  auto c = ConsumedProviders(spec, {P("a", {{"t", "x"}}), P("b")});
  ASSERT_EQ(c.size(), 2u);
  EXPECT_EQ(c[0].provider, "missing");
  EXPECT_EQ(c[0].field, "spec.services.gw.env.KEY");
  EXPECT_EQ(c[1].provider, "a");
  EXPECT_EQ(c[1].field, "spec.services.gw.configFiles[0].render");
}

}  // namespace
}  // namespace berth::provider
