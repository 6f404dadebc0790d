// Catalog: the built-in CRDs load, every kind is found by all its names, and
// validation of whole objects (apiVersion, kind, schema) names each field.
#include "operator/api/catalog.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <string>
#include <vector>

#include "operator/api/codec.h"

namespace berth::api {
namespace {

std::string ToUpperForTest(std::string s) {
  for (char& ch : s) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
  return s;
}

Json Y(std::string_view yaml) {
  auto j = ParseYaml(yaml);
  EXPECT_TRUE(j.ok()) << j.status().ToString();
  return j.ok() ? *j : Json();
}

TEST(CatalogTest, BuiltinHasEveryKind) {
  const Catalog& c = Catalog::Builtin();
  std::vector<std::string> kinds;
  for (const KindInfo& k : c.kinds()) kinds.push_back(k.kind);
  std::sort(kinds.begin(), kinds.end());
  EXPECT_EQ(kinds, (std::vector<std::string>{"Event", "GpuNode", "Instance", "Provider", "Secret",
                                             "Stack"}));
  for (const KindInfo& k : c.kinds()) {
    EXPECT_EQ(k.list_kind, k.kind + "List");
    EXPECT_EQ(k.categories, (std::vector<std::string>{"berth", "all"})) << k.kind;
    EXPECT_NE(c.Crd(k.kind), nullptr);
    EXPECT_NE(c.SchemaFor(k.kind), nullptr);
  }
  EXPECT_FALSE(c.Find("gpunode")->namespaced);
  EXPECT_TRUE(c.Find("stack")->namespaced);
  EXPECT_TRUE(c.Find("stack")->status_subresource);
  EXPECT_FALSE(c.Find("secret")->status_subresource);
  EXPECT_FALSE(c.Find("event")->status_subresource);
  EXPECT_TRUE(c.Find("gpunode")->status_subresource);
}

TEST(CatalogTest, FindsEachKindByAllItsNames) {
  const Catalog& c = Catalog::Builtin();
  struct Names {
    std::string kind, plural, singular, short_name;
  };
  for (const Names& n : std::vector<Names>{{"Stack", "stacks", "stack", "st"},
                                           {"Instance", "instances", "instance", "inst"},
                                           {"Provider", "providers", "provider", "prov"},
                                           {"Secret", "secrets", "secret", "sec"},
                                           {"GpuNode", "gpunodes", "gpunode", "gpu"},
                                           {"Event", "events", "event", "ev"}}) {
    for (const std::string& name :
         {n.kind, n.plural, n.singular, n.short_name, ToUpperForTest(n.kind),
          n.plural + ".berth.dev", std::string(n.kind == "GpuNode" ? "GPUNODES" : n.plural)}) {
      const KindInfo* k = c.Find(name);
      ASSERT_NE(k, nullptr) << name;
      EXPECT_EQ(k->kind, n.kind) << name;
    }
    EXPECT_EQ(c.Find(n.kind)->plural, n.plural);
    EXPECT_EQ(c.Find(n.kind)->singular, n.singular);
    EXPECT_EQ(c.Find(n.kind)->short_names, std::vector<std::string>{n.short_name});
  }
  EXPECT_EQ(c.Find("pods"), nullptr);
  EXPECT_EQ(c.Find(""), nullptr);
  EXPECT_EQ(c.Crd("pods"), nullptr);
  EXPECT_EQ(c.SchemaFor("pods"), nullptr);
}

TEST(CatalogTest, ApiVersionAndKindAreChecked) {
  const Catalog& c = Catalog::Builtin();
  Json no_version = Y("{kind: Stack, metadata: {name: web}, spec: {services: {a: {image: x}}}}");
  Status s = c.Validate(no_version);
  ASSERT_EQ(s.code(), Code::kInvalid);
  ASSERT_EQ(s.causes().size(), 1u);
  EXPECT_EQ(s.causes()[0], (FieldCause{"apiVersion", "Required value", "FieldValueRequired"}));

  Json wrong = Y("{apiVersion: apps/v1, kind: Stack, metadata: {name: web}}");
  s = c.Validate(wrong);
  ASSERT_EQ(s.causes().size(), 1u);
  EXPECT_EQ(s.causes()[0].field, "apiVersion");
  EXPECT_EQ(s.causes()[0].message,
            "Unsupported value: \"apps/v1\": supported values: \"berth.dev/v1alpha1\"");

  Json unknown = Y("{apiVersion: berth.dev/v1alpha1, kind: Deployment, metadata: {name: web}}");
  s = c.Validate(unknown);
  ASSERT_EQ(s.causes().size(), 1u);
  EXPECT_EQ(s.causes()[0].field, "kind");
  EXPECT_EQ(s.causes()[0].reason, "FieldValueNotSupported");
  EXPECT_NE(s.causes()[0].message.find("Unsupported value: \"Deployment\": supported values: "),
            std::string::npos);
  EXPECT_NE(s.causes()[0].message.find("\"Stack\""), std::string::npos);

  // Kinds are case-sensitive in objects, as in Kubernetes.
  Json lower = Y("{apiVersion: berth.dev/v1alpha1, kind: stack, metadata: {name: web}}");
  EXPECT_EQ(c.Validate(lower).causes()[0].field, "kind");
  Json no_kind = Y("{apiVersion: berth.dev/v1alpha1}");
  EXPECT_EQ(c.Validate(no_kind).causes()[0],
            (FieldCause{"kind", "Required value", "FieldValueRequired"}));
  Json not_object = Json::array();
  EXPECT_EQ(c.Validate(not_object).code(), Code::kInvalid);
}

TEST(CatalogTest, MessageReadsLikeKubernetes) {
  const Catalog& c = Catalog::Builtin();
  Json one = Y(R"(
apiVersion: berth.dev/v1alpha1
kind: Stack
metadata: {name: web}
spec: {services: {web: {}}}
)");
  Status s = c.Validate(one);
  EXPECT_EQ(s.message(),
            "Stack.berth.dev \"web\" is invalid: spec.services.web.image: Required value");
  Json two = Y(R"(
apiVersion: berth.dev/v1alpha1
kind: Stack
metadata: {name: web}
spec: {services: {web: {}}, foo: 1}
)");
  s = c.Validate(two);
  EXPECT_EQ(s.message(),
            "Stack.berth.dev \"web\" is invalid: [spec.foo: field not declared in schema, "
            "spec.services.web.image: Required value]");
}

TEST(CatalogTest, MetadataIsLeftToValidateMetadata) {
  // metadata is `type: object` in the CRDs; its fields are meta.h's business.
  const Catalog& c = Catalog::Builtin();
  Json obj = Y(R"(
apiVersion: berth.dev/v1alpha1
kind: Secret
metadata:
  name: db
  namespace: default
  labels: {app: db}
  annotations: {note: x}
  uid: 1234
  finalizers: [berth.dev/cleanup]
  ownerReferences: [{kind: Stack, name: web}]
stringData: {password: hunter2}
)");
  EXPECT_TRUE(c.Validate(obj).ok()) << c.Validate(obj).ToString();
  EXPECT_EQ(obj["type"], "Opaque");
}

TEST(CatalogTest, FromCrdsRejectsBadDefinitions) {
  std::string good = R"(
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: widgets.berth.dev}
spec:
  group: berth.dev
  scope: Namespaced
  names: {kind: Widget, plural: widgets, shortNames: [wd]}
  versions:
    - name: v1alpha1
      served: true
      storage: true
      schema:
        openAPIV3Schema:
          type: object
          properties:
            spec: {type: object, properties: {size: {type: integer, default: 1}}}
)";
  auto ok = Catalog::FromCrds({{"widget.yaml", good}});
  ASSERT_TRUE(ok.ok()) << ok.status().ToString();
  const KindInfo* w = (*ok)->Find("wd");
  ASSERT_NE(w, nullptr);
  EXPECT_EQ(w->singular, "widget");
  EXPECT_EQ(w->list_kind, "WidgetList");
  EXPECT_FALSE(w->status_subresource);
  Json obj = Y("{apiVersion: berth.dev/v1alpha1, kind: Widget, metadata: {name: a}, spec: {}}");
  EXPECT_TRUE((*ok)->Validate(obj).ok());
  EXPECT_EQ(obj["spec"]["size"], 1);

  auto error = [&](const std::string& from, const std::string& to) {
    std::string text = good;
    size_t at = text.find(from);
    EXPECT_NE(at, std::string::npos) << from;
    text.replace(at, from.size(), to);
    auto r = Catalog::FromCrds({{"widget.yaml", text}});
    return r.ok() ? std::string("loaded") : r.status().message();
  };
  EXPECT_EQ(error("group: berth.dev", "group: example.com"),
            "widget.yaml: document 1: spec.group must be berth.dev");
  EXPECT_EQ(error("name: v1alpha1", "name: v1"),
            "widget.yaml: document 1: spec.versions must contain v1alpha1 (found: v1)");
  EXPECT_EQ(error("{name: widgets.berth.dev}", "{name: widget}"),
            "widget.yaml: document 1: metadata.name must be widgets.berth.dev");
  EXPECT_EQ(error("scope: Namespaced", "scope: Global"),
            "widget.yaml: document 1: spec.scope must be Namespaced or Cluster");
  EXPECT_EQ(error("storage: true", "storage: false"),
            "widget.yaml: document 1: version v1alpha1 must be served and stored");
  EXPECT_EQ(error("type: integer", "type: int"),
            "widget.yaml: document 1: schema properties.spec.properties.size.type: unsupported "
            "type int");
  EXPECT_EQ(error("kind: Widget, ", ""), "widget.yaml: document 1: spec.names.kind is required");
  EXPECT_EQ(error("kind: CustomResourceDefinition", "kind: ConfigMap"),
            "widget.yaml: document 1: not an apiextensions.k8s.io/v1 CustomResourceDefinition");

  auto dup = Catalog::FromCrds({{"a.yaml", good}, {"b.yaml", good}});
  ASSERT_FALSE(dup.ok());
  EXPECT_EQ(dup.status().message(), "b.yaml: document 1: name wd is already used by kind Widget");
  EXPECT_FALSE(Catalog::FromCrds({}).ok());
  EXPECT_FALSE(Catalog::FromCrds({{"bad.yaml", "a: [1"}}).ok());
}

}  // namespace
}  // namespace berth::api
