// Every object verb through real HTTP against an in-process server.
#include <gtest/gtest.h>

#include "test/apiserver/fixture.h"

namespace berth::testing {
namespace {

class ObjectsTest : public ApiServerTest {
 protected:
  std::string Path(const std::string& name = "") const {
    return std::string(kStacks) + (name.empty() ? "" : "/" + name);
  }
  HttpResult Create(const Json& obj) const { return Admin().Post(Path(), obj); }
};

TEST_F(ObjectsTest, CreateGetListUpdateDelete) {
  auto created = Create(StackJson("web"));
  ASSERT_EQ(created.code, 201) << created.body;
  Json c = created.json();
  EXPECT_EQ(c["metadata"]["generation"], 1);
  EXPECT_FALSE(c["metadata"]["uid"].get<std::string>().empty());
  EXPECT_FALSE(c["metadata"]["resourceVersion"].get<std::string>().empty());

  auto got = Admin().Get(Path("web"));
  ASSERT_EQ(got.code, 200) << got.body;
  EXPECT_EQ(got.json()["spec"]["services"]["web"]["image"], "busybox:1");
  EXPECT_EQ(got.headers["content-type"], "application/json");

  auto list = Admin().Get(Path());
  ASSERT_EQ(list.code, 200);
  Json l = list.json();
  EXPECT_EQ(l["kind"], "StackList");
  EXPECT_EQ(l["apiVersion"], "berth.dev/v1alpha1");
  ASSERT_EQ(l["items"].size(), 1u);
  EXPECT_FALSE(l["metadata"]["resourceVersion"].get<std::string>().empty());

  Json upd = got.json();
  upd["spec"]["services"]["web"]["image"] = "busybox:2";
  auto updated = Admin().Put(Path("web"), upd);
  ASSERT_EQ(updated.code, 200) << updated.body;
  EXPECT_EQ(updated.json()["metadata"]["generation"], 2);

  // The old resourceVersion is stale now: 409 Conflict.
  auto stale = Admin().Put(Path("web"), upd);
  EXPECT_EQ(stale.code, 409);
  EXPECT_EQ(stale.json()["reason"], "Conflict");

  auto deleted = Admin().Delete(Path("web"));
  ASSERT_EQ(deleted.code, 200) << deleted.body;
  EXPECT_EQ(deleted.json()["metadata"]["name"], "web");
  auto gone = Admin().Get(Path("web"));
  EXPECT_EQ(gone.code, 404);
  Json st = gone.json();
  EXPECT_EQ(st["kind"], "Status");
  EXPECT_EQ(st["apiVersion"], "v1");
  EXPECT_EQ(st["status"], "Failure");
  EXPECT_EQ(st["reason"], "NotFound");
  EXPECT_EQ(st["code"], 404);
  EXPECT_EQ(st["details"]["name"], "web");
  EXPECT_EQ(st["details"]["kind"], "stacks");
}

TEST_F(ObjectsTest, CreateErrors) {
  ASSERT_EQ(Create(StackJson("web")).code, 201);
  auto dup = Create(StackJson("web"));
  EXPECT_EQ(dup.code, 409);
  EXPECT_EQ(dup.json()["reason"], "AlreadyExists");

  Json bad = StackJson("bad");
  bad["spec"]["services"]["web"]["imagee"] = "typo";
  auto invalid = Create(bad);
  EXPECT_EQ(invalid.code, 422) << invalid.body;
  EXPECT_EQ(invalid.json()["reason"], "Invalid");
  bool named = false;
  Json causes = invalid.json()["details"]["causes"];
  for (const Json& c : causes) {
    if (c["field"].get<std::string>().find("spec.services.web") != std::string::npos) named = true;
  }
  EXPECT_TRUE(named) << invalid.body;

  auto junk = Admin().Do("POST", Path(), "{not json", "application/json");
  EXPECT_EQ(junk.code, 400);
  EXPECT_EQ(junk.json()["reason"], "BadRequest");

  Json other_ns = StackJson("x", "busybox:1", "elsewhere");
  EXPECT_EQ(Create(other_ns).code, 400);
  Json wrong_kind = StackJson("x");
  wrong_kind["kind"] = "Provider";
  EXPECT_EQ(Create(wrong_kind).code, 400);

  EXPECT_EQ(Admin().Get("/apis/berth.dev/v1alpha1/namespaces/default/nothings").code, 404);
  EXPECT_EQ(Admin().Do("POST", Path("web"), "{}").code, 405);
}

TEST_F(ObjectsTest, YamlBodyIsAccepted) {
  std::string yaml =
      "apiVersion: berth.dev/v1alpha1\nkind: Stack\nmetadata:\n  name: y\n"
      "spec:\n  services:\n    a:\n      image: busybox:1\n";
  auto r = Admin().Do("POST", Path(), yaml, "application/yaml");
  EXPECT_EQ(r.code, 201) << r.body;
}

TEST_F(ObjectsTest, DryRunWritesNothing) {
  auto r = Admin().Post(Path() + "?dryRun=All", StackJson("dry"));
  EXPECT_EQ(r.code, 201) << r.body;
  EXPECT_EQ(Admin().Get(Path("dry")).code, 404);
  ASSERT_EQ(Create(StackJson("web")).code, 201);
  EXPECT_EQ(
      Admin()
          .Patch(Path("web") + "?dryRun=All", R"({"spec":{"services":{"web":{"image":"x:1"}}}})")
          .code,
      200);
  EXPECT_EQ(Admin().Get(Path("web")).json()["spec"]["services"]["web"]["image"], "busybox:1");
  EXPECT_EQ(Admin().Delete(Path("web") + "?dryRun=All").code, 200);
  EXPECT_EQ(Admin().Get(Path("web")).code, 200);
  EXPECT_EQ(Admin().Post(Path() + "?dryRun=Some", StackJson("dry")).code, 400);
}

TEST_F(ObjectsTest, StatusSubresourceKeepsSpecAndStatusApart) {
  ASSERT_EQ(Create(StackJson("web")).code, 201);
  Json obj = Admin().Get(Path("web")).json();
  obj["status"] = {{"phase", "Ready"}};
  obj["spec"]["services"]["web"]["image"] = "ignored:1";
  auto st = Admin().Put(Path("web") + "/status", obj);
  ASSERT_EQ(st.code, 200) << st.body;
  Json after = Admin().Get(Path("web")).json();
  EXPECT_EQ(after["status"]["phase"], "Ready");
  EXPECT_EQ(after["spec"]["services"]["web"]["image"], "busybox:1");  // spec untouched
  EXPECT_EQ(after["metadata"]["generation"], 1);                      // no spec change

  // A spec write keeps the status and raises the generation.
  after["status"] = {{"phase", "Failed"}};
  after["spec"]["services"]["web"]["image"] = "busybox:3";
  auto spec = Admin().Put(Path("web"), after);
  ASSERT_EQ(spec.code, 200) << spec.body;
  Json final_obj = Admin().Get(Path("web")).json();
  EXPECT_EQ(final_obj["status"]["phase"], "Ready");
  EXPECT_EQ(final_obj["metadata"]["generation"], 2);

  // Status patch.
  auto sp = Admin().Patch(Path("web") + "/status", R"({"status":{"phase":"Degraded"}})");
  ASSERT_EQ(sp.code, 200) << sp.body;
  EXPECT_EQ(Admin().Get(Path("web") + "/status").json()["status"]["phase"], "Degraded");
  EXPECT_EQ(Admin().Get(Path("web")).json()["metadata"]["generation"], 2);
}

TEST_F(ObjectsTest, GenerationRisesOnlyWithTheSpec) {
  ASSERT_EQ(Create(StackJson("web")).code, 201);
  auto generation = [&] { return Admin().Get(Path("web")).json()["metadata"]["generation"]; };
  // Labels only (a full PUT), then annotations only (a merge patch): the
  // writes land (new resourceVersions), the generation stays.
  Json obj = Admin().Get(Path("web")).json();
  std::string rv = obj["metadata"]["resourceVersion"];
  obj["metadata"]["labels"] = {{"tier", "front"}};
  auto labels = Admin().Put(Path("web"), obj);
  ASSERT_EQ(labels.code, 200) << labels.body;
  EXPECT_NE(labels.json()["metadata"]["resourceVersion"], rv);
  EXPECT_EQ(labels.json()["metadata"]["labels"]["tier"], "front");
  EXPECT_EQ(generation(), 1);
  auto annotations = Admin().Patch(Path("web"), R"({"metadata":{"annotations":{"note":"hello"}}})");
  ASSERT_EQ(annotations.code, 200) << annotations.body;
  EXPECT_EQ(annotations.json()["metadata"]["annotations"]["note"], "hello");
  EXPECT_NE(annotations.json()["metadata"]["resourceVersion"],
            labels.json()["metadata"]["resourceVersion"]);
  EXPECT_EQ(generation(), 1);
  // A spec change raises it, once per change.
  auto spec = Admin().Patch(Path("web"), R"({"spec":{"services":{"web":{"image":"busybox:2"}}}})");
  ASSERT_EQ(spec.code, 200) << spec.body;
  EXPECT_EQ(spec.json()["metadata"]["generation"], 2);
  auto both = Admin().Patch(
      Path("web"),
      R"({"metadata":{"labels":{"tier":"back"}},"spec":{"services":{"web":{"image":"busybox:3"}}}})");
  ASSERT_EQ(both.code, 200) << both.body;
  EXPECT_EQ(generation(), 3);
}

TEST_F(ObjectsTest, Patches) {
  ASSERT_EQ(Create(StackJson("web")).code, 201);
  auto merge = Admin().Patch(Path("web"), R"({"metadata":{"labels":{"tier":"front"}}})");
  ASSERT_EQ(merge.code, 200) << merge.body;
  EXPECT_EQ(merge.json()["metadata"]["labels"]["tier"], "front");

  auto jp = Admin().Patch(Path("web"),
                          R"([{"op":"replace","path":"/spec/services/web/image","value":"b:2"}])",
                          "application/json-patch+json");
  ASSERT_EQ(jp.code, 200) << jp.body;
  EXPECT_EQ(jp.json()["spec"]["services"]["web"]["image"], "b:2");
  auto failing = Admin().Patch(Path("web"), R"([{"op":"test","path":"/spec/x","value":1}])",
                               "application/json-patch+json");
  EXPECT_EQ(failing.code, 422) << failing.body;

  auto smp =
      Admin().Patch(Path("web"), R"({"metadata":{}})", "application/strategic-merge-patch+json");
  EXPECT_EQ(smp.code, 415);
  EXPECT_EQ(smp.json()["reason"], "UnsupportedMediaType");
  EXPECT_NE(smp.json()["message"].get<std::string>().find("merge-patch"), std::string::npos);

  EXPECT_EQ(Admin().Patch(Path("missing"), R"({"metadata":{}})").code, 404);
}

TEST_F(ObjectsTest, ApplyPatchCreatesThenRemovesDroppedFields) {
  std::string v1 =
      "apiVersion: berth.dev/v1alpha1\nkind: Stack\nmetadata:\n  name: app\n"
      "  labels: {a: '1', b: '2'}\nspec:\n  services:\n    web:\n      image: busybox:1\n";
  // A dry run that would create answers 201 as well, and creates nothing.
  auto dry = Admin().Patch(Path("app") + "?dryRun=All", v1, "application/apply-patch+yaml");
  EXPECT_EQ(dry.code, 201) << dry.body;
  EXPECT_EQ(Admin().Get(Path("app")).code, 404);
  // The apply that creates the object answers 201 Created, as Kubernetes does.
  auto c = Admin().Patch(Path("app"), v1, "application/apply-patch+yaml");
  ASSERT_EQ(c.code, 201) << c.body;
  EXPECT_EQ(c.json()["metadata"]["labels"]["b"], "2");
  std::string v2 =
      "apiVersion: berth.dev/v1alpha1\nkind: Stack\nmetadata:\n  name: app\n"
      "  labels: {a: '1'}\nspec:\n  services:\n    web:\n      image: busybox:2\n";
  auto u = Admin().Patch(Path("app"), v2, "application/apply-patch+yaml");
  ASSERT_EQ(u.code, 200) << u.body;
  EXPECT_FALSE(u.json()["metadata"]["labels"].contains("b"));
  EXPECT_EQ(u.json()["spec"]["services"]["web"]["image"], "busybox:2");
  auto same = Admin().Patch(Path("app"), v2, "application/apply-patch+yaml");
  EXPECT_EQ(same.code, 200) << same.body;
}

TEST_F(ObjectsTest, ApplyHasOneLastAppliedRecordWhateverTheFieldManager) {
  // fieldManager and force are accepted and change nothing: the second
  // apply, by another "manager", still merges with what the first recorded,
  // so the label the first applied and the second dropped goes away.
  std::string v1 =
      "apiVersion: berth.dev/v1alpha1\nkind: Stack\nmetadata:\n  name: app\n"
      "  labels: {a: '1', b: '2'}\nspec:\n  services:\n    web:\n      image: busybox:1\n";
  auto c = Admin().Patch(Path("app") + "?fieldManager=alice&force=true", v1,
                         "application/apply-patch+yaml");
  ASSERT_EQ(c.code, 201) << c.body;
  std::string v2 =
      "apiVersion: berth.dev/v1alpha1\nkind: Stack\nmetadata:\n  name: app\n"
      "  labels: {a: '1'}\nspec:\n  services:\n    web:\n      image: busybox:2\n";
  auto u = Admin().Patch(Path("app") + "?fieldManager=bob", v2, "application/apply-patch+yaml");
  ASSERT_EQ(u.code, 200) << u.body;
  EXPECT_FALSE(u.json()["metadata"]["labels"].contains("b")) << u.body;
  EXPECT_FALSE(u.json()["metadata"].contains("managedFields"));
}

TEST_F(ObjectsTest, LabelSelectorsAllOperators) {
  auto make = [&](const std::string& name, Json labels) {
    Json s = StackJson(name);
    s["metadata"]["labels"] = std::move(labels);
    ASSERT_EQ(Create(s).code, 201);
  };
  make("a", {{"env", "prod"}, {"tier", "web"}});
  make("b", {{"env", "dev"}, {"tier", "web"}});
  make("c", {{"env", "test"}});
  auto names = [&](const std::string& sel) {
    auto r = Admin().Get(Path() + "?labelSelector=" + sel);
    EXPECT_EQ(r.code, 200) << r.body;
    std::vector<std::string> out;
    Json items = r.json()["items"];
    for (const Json& i : items) out.push_back(i["metadata"]["name"]);
    return out;
  };
  using V = std::vector<std::string>;
  EXPECT_EQ(names("env%3Dprod"), V{"a"});
  EXPECT_EQ(names("env%3D%3Dprod"), V{"a"});
  EXPECT_EQ(names("env!%3Dprod"), (V{"b", "c"}));
  EXPECT_EQ(names("env%20in%20(prod,dev)"), (V{"a", "b"}));
  EXPECT_EQ(names("env%20notin%20(prod,dev)"), V{"c"});
  EXPECT_EQ(names("tier"), (V{"a", "b"}));
  EXPECT_EQ(names("!tier"), V{"c"});
  EXPECT_EQ(names("tier,env%3Ddev"), V{"b"});
  EXPECT_EQ(Admin().Get(Path() + "?labelSelector=env%20in%20(").code, 400);

  auto fs = Admin().Get(Path() + "?fieldSelector=metadata.name%3Db");
  ASSERT_EQ(fs.code, 200);
  ASSERT_EQ(fs.json()["items"].size(), 1u);
  auto fns =
      Admin().Get("/apis/berth.dev/v1alpha1/stacks?fieldSelector=metadata.namespace%3Ddefault");
  EXPECT_EQ(fns.json()["items"].size(), 3u);
}

TEST_F(ObjectsTest, LimitAndContinue) {
  for (int i = 0; i < 7; ++i) ASSERT_EQ(Create(StackJson("s" + std::to_string(i))).code, 201);
  std::vector<std::string> seen;
  std::string cont;
  int pages = 0;
  do {
    std::string q = "?limit=3" + (cont.empty() ? "" : "&continue=" + cont);
    auto r = Admin().Get(Path() + q);
    ASSERT_EQ(r.code, 200) << r.body;
    Json j = r.json();
    for (const Json& i : j["items"]) seen.push_back(i["metadata"]["name"]);
    cont = j["metadata"].value("continue", "");
    ++pages;
  } while (!cont.empty() && pages < 10);
  EXPECT_EQ(pages, 3);
  EXPECT_EQ(seen.size(), 7u);
  EXPECT_EQ(Admin().Get(Path() + "?limit=x").code, 400);
  EXPECT_EQ(Admin().Get(Path() + "?limit=2&continue=zz").code, 400);
}

TEST_F(ObjectsTest, ClusterWideListAndClusterScopedKind) {
  ASSERT_EQ(Create(StackJson("a")).code, 201);
  ASSERT_EQ(Admin()
                .Post("/apis/berth.dev/v1alpha1/namespaces/other/stacks",
                      StackJson("b", "busybox:1", "other"))
                .code,
            201);
  auto all = Admin().Get("/apis/berth.dev/v1alpha1/stacks");
  ASSERT_EQ(all.code, 200);
  EXPECT_EQ(all.json()["items"].size(), 2u);

  Json node = {{"apiVersion", "berth.dev/v1alpha1"},
               {"kind", "GpuNode"},
               {"metadata", {{"name", "gpu-b"}}},
               {"spec", {{"endpoint", "tcp://10.0.0.2:2375"}}}};
  auto c = Admin().Post("/apis/berth.dev/v1alpha1/gpunodes", node);
  ASSERT_EQ(c.code, 201) << c.body;
  EXPECT_FALSE(c.json()["metadata"].contains("namespace"));
  EXPECT_EQ(Admin().Get("/apis/berth.dev/v1alpha1/gpunodes/gpu-b").code, 200);
  EXPECT_EQ(Admin().Get("/apis/berth.dev/v1alpha1/namespaces/default/gpunodes/gpu-b").code, 404);
  // A namespaced object needs its namespace in the path.
  EXPECT_EQ(Admin().Get("/apis/berth.dev/v1alpha1/stacks/a").code, 404);
}

TEST_F(ObjectsTest, FinalizersHoldDeletion) {
  Json s = StackJson("held");
  s["metadata"]["finalizers"] = {"test.berth.dev/hold"};
  ASSERT_EQ(Create(s).code, 201);
  auto del = Admin().Delete(Path("held"));
  ASSERT_EQ(del.code, 200) << del.body;
  EXPECT_TRUE(del.json()["metadata"].contains("deletionTimestamp"));
  auto still = Admin().Get(Path("held"));
  ASSERT_EQ(still.code, 200);
  EXPECT_TRUE(still.json()["metadata"].contains("deletionTimestamp"));
  auto rm = Admin().Patch(Path("held"), R"({"metadata":{"finalizers":null}})");
  ASSERT_EQ(rm.code, 200) << rm.body;
  EXPECT_EQ(Admin().Get(Path("held")).code, 404);
}

TEST_F(ObjectsTest, DeletePreconditions) {
  auto c = Create(StackJson("p"));
  std::string rv = c.json()["metadata"]["resourceVersion"];
  Json wrong = {{"kind", "DeleteOptions"},
                {"apiVersion", "v1"},
                {"preconditions", {{"resourceVersion", "1"}}}};
  EXPECT_EQ(Admin().Delete(Path("p"), wrong.dump()).code, 409);
  Json right = {{"preconditions", {{"resourceVersion", rv}}}};
  EXPECT_EQ(Admin().Delete(Path("p"), right.dump()).code, 200);
}

TEST_F(ObjectsTest, DeleteCollectionBySelector) {
  for (const char* n : {"x1", "x2", "y1"}) {
    Json s = StackJson(n);
    s["metadata"]["labels"] = {{"grp", std::string(n).substr(0, 1)}};
    ASSERT_EQ(Create(s).code, 201);
  }
  auto r = Admin().Delete(Path() + "?labelSelector=grp%3Dx");
  ASSERT_EQ(r.code, 200) << r.body;
  EXPECT_EQ(r.json()["items"].size(), 2u);
  EXPECT_EQ(Admin().Get(Path()).json()["items"].size(), 1u);
}

TEST_F(ObjectsTest, ThreeKindsRoundTrip) {
  Json provider = {{"apiVersion", "berth.dev/v1alpha1"},
                   {"kind", "Provider"},
                   {"metadata", {{"name", "openai"}}},
                   {"spec", {{"type", "openai"}, {"baseURL", "https://api.openai.com/v1"}}}};
  auto p = Admin().Post("/apis/berth.dev/v1alpha1/namespaces/default/providers", provider);
  EXPECT_EQ(p.code, 201) << p.body;
  Json secret = {{"apiVersion", "berth.dev/v1alpha1"},
                 {"kind", "Secret"},
                 {"metadata", {{"name", "s"}}},
                 {"data", {{"k", "dmFsdWU="}}}};
  auto s = Admin().Post("/apis/berth.dev/v1alpha1/namespaces/default/secrets", secret);
  EXPECT_EQ(s.code, 201) << s.body;
  auto list = Admin().Get("/apis/berth.dev/v1alpha1/providers");
  EXPECT_EQ(list.json()["kind"], "ProviderList");
}

}  // namespace
}  // namespace berth::testing
