// Names, slugs and keys that try path traversal (../, %2e%2e, /) or nginx or
// shell syntax (; { } quotes $() backticks newlines) are refused with 400 or
// 422 wherever a caller can put them — object names and namespaces (in the
// body and in the path) of every kind, Instance slugs and users (API objects
// and the provisioning API), and every name inside a Stack or Secret — and
// create nothing: no object, no container, no conf.d file, no file in the
// data dir, no file a shell would have made.
#include <filesystem>

#include "operator/api/codec.h"
#include "test/security/security_support.h"

namespace berth::security {
namespace {

using e2e::Http;
namespace fs = std::filesystem;

bool Refused(int status) {
  return status == 400 || status == 422;
}

std::string Show(const HttpResult& r) {
  return "HTTP " + std::to_string(r.status) + ": " + r.body.substr(0, 300);
}

class InjectionSecurity : public SecurityE2e {
 protected:
  void SetUp() override { fs::remove(kCanary); }

  // Everything a write could have left behind.
  struct Snapshot {
    std::set<std::string> objects, containers, conf, files;
  };
  Snapshot Take() { return {Objects(ns_), Containers(), ConfFiles(), DataFiles()}; }
  // `objects` without the Events about objects that were there before (the
  // good Instance and the router go on reporting while the test runs): an
  // Event about anything else would be about an object a bad write made.
  static std::set<std::string> WithoutTheirEvents(const std::set<std::string>& objects,
                                                  const std::set<std::string>& before) {
    std::set<std::string> owners;
    for (const std::string& o : before) {
      if (!o.starts_with("events/")) owners.insert(o.substr(o.find('/') + 1));
    }
    std::set<std::string> out;
    for (const std::string& o : objects) {
      size_t dot = o.rfind('.');
      if (o.starts_with("events/") && dot != std::string::npos &&
          owners.count(o.substr(7, dot - 7)) > 0) {
        continue;
      }
      out.insert(o);
    }
    return out;
  }
  void ExpectUnchanged(const Snapshot& before) {
    Snapshot now = Take();
    EXPECT_EQ(WithoutTheirEvents(now.objects, before.objects),
              WithoutTheirEvents(before.objects, before.objects));
    EXPECT_EQ(now.containers, before.containers);
    EXPECT_EQ(now.conf, before.conf);
    EXPECT_EQ(now.files, before.files);
    EXPECT_FALSE(fs::exists(kCanary)) << "a shell ran an injected command";
  }

  std::string Path(const std::string& plural, bool namespaced, const std::string& ns) {
    return std::string(kGroupVersion) + (namespaced ? "/namespaces/" + ns : "") + "/" + plural;
  }
};

TEST_F(InjectionSecurity, HostileObjectNamesAndNamespacesAreRefused) {
  ASSERT_NO_FATAL_FAILURE(StartServer(true));
  Snapshot before = Take();
  std::vector<Resource> resources = Resources();
  ASSERT_GE(resources.size(), 5u);
  for (const std::string& bad : HostileNames()) {
    SCOPED_TRACE("name " + Printable(bad));
    for (const Resource& r : resources) {
      SCOPED_TRACE(r.plural);
      json meta = {{"name", bad}};
      if (r.namespaced) meta["namespace"] = ns_;
      json obj = {{"apiVersion", "berth.dev/v1alpha1"}, {"kind", r.kind}, {"metadata", meta}};
      std::string coll = Path(r.plural, r.namespaced, ns_);
      HttpResult res = Admin("POST", coll, Body(obj));
      EXPECT_TRUE(Refused(res.status)) << "POST " << Show(res);
      // The name in the path, escaped so it reaches the server whole.
      std::string at = coll + "/" + PathEscape(bad);
      res = Admin("PUT", at, Body(obj));
      EXPECT_TRUE(Refused(res.status) || res.status == 404) << "PUT " << Show(res);
      res = Admin("PATCH", at + "?fieldManager=t", Body(obj));
      EXPECT_TRUE(Refused(res.status) || res.status == 404 || res.status == 415)
          << "PATCH " << Show(res);
      res = Admin("DELETE", at);
      EXPECT_TRUE(Refused(res.status) || res.status == 404) << "DELETE " << Show(res);
      // generateName makes a name out of the prefix.
      obj["metadata"].erase("name");
      obj["metadata"]["generateName"] = bad;
      res = Admin("POST", coll, Body(obj));
      EXPECT_TRUE(Refused(res.status)) << "POST generateName " << Show(res);
      if (!r.namespaced) continue;
      // A hostile namespace, in the path and in the body.
      obj["metadata"] = {{"name", "ok"}, {"namespace", bad}};
      std::string bad_coll = Path(r.plural, true, PathEscape(bad));
      res = Admin("POST", bad_coll, Body(obj));
      EXPECT_TRUE(Refused(res.status) || res.status == 404) << "POST in namespace " << Show(res);
      res = Admin("POST", coll, Body(obj));
      EXPECT_TRUE(Refused(res.status)) << "POST with body namespace " << Show(res);
      res = Admin("PUT", bad_coll + "/ok", Body(obj));
      EXPECT_TRUE(Refused(res.status) || res.status == 404) << "PUT in namespace " << Show(res);
    }
  }
  // Unescaped traversal in the path itself.
  for (const std::string& path :
       {std::string(kGroupVersion) + "/namespaces/../stacks",
        std::string(kGroupVersion) + "/namespaces/" + ns_ + "/stacks/..",
        std::string(kGroupVersion) + "/namespaces/" + ns_ + "/stacks/../../../../auth/v1/tokens",
        std::string(kGroupVersion) + "/namespaces/%2e%2e/stacks",
        std::string(kGroupVersion) + "/namespaces/" + ns_ + "/%2e%2e/secrets"}) {
    HttpResult res = Admin("POST", path,
                           R"({"apiVersion":"berth.dev/v1alpha1","kind":"Stack",)"
                           R"("metadata":{"name":"x"},"spec":{"services":{}}})");
    EXPECT_TRUE(Refused(res.status) || res.status == 404 || res.status == 405)
        << "POST " << path << ": " << Show(res);
  }
  ExpectUnchanged(before);
  // Nowhere, in no namespace, is there an object with a hostile name or
  // namespace (listed across namespaces: a list in a hostile namespace would
  // be refused, and so prove nothing). A good Secret made now shows that
  // the lists see what is stored.
  HttpResult made = Admin("POST", Path("secrets", true, ns_),
                          Body({{"apiVersion", "berth.dev/v1alpha1"},
                                {"kind", "Secret"},
                                {"metadata", {{"name", "control"}, {"namespace", ns_}}},
                                {"stringData", {{"k", "v"}}}}));
  ASSERT_EQ(made.status, 201) << Show(made);
  std::set<std::string> hostile;
  for (const std::string& bad : HostileNames()) hostile.insert(bad);
  bool control = false;
  for (const ObjectRef& o : AllObjects()) {
    control = control || (o.plural == "secrets" && o.ns == ns_ && o.name == "control");
    EXPECT_FALSE(hostile.count(o.ns) || hostile.count(o.name)) << Printable(o.Describe());
  }
  EXPECT_TRUE(control) << "the lists across namespaces do not show a Secret just made";
}

TEST_F(InjectionSecurity, HostileNamesInsideStacksAndSecretsAreRefused) {
  ASSERT_NO_FATAL_FAILURE(StartServer(true));
  auto docs = api::ParseYamlDocuments(RouterStack());
  ASSERT_TRUE(docs.ok() && docs->size() == 1u);
  json base = (*docs)[0].value;
  // A Stack that uses a Secret key through a file, so that the file name
  // would come from the key.
  base["spec"]["services"]["router-proxy"]["env"]["PASS"] = {
      {"secretRef", {{"name", "creds"}, {"key", "password"}}}};
  base["spec"]["volumes"] = {{"data", json::object()}};
  Snapshot before = Take();

  using Edit = std::function<void(json&, const std::string&)>;
  std::vector<std::pair<std::string, Edit>> stack_edits = {
      {"service name",
       [](json& s, const std::string& b) {
         s["spec"]["services"][b] = s["spec"]["services"]["router-proxy"];
       }},
      {"containerName",
       [](json& s, const std::string& b) {
         s["spec"]["services"]["router-proxy"]["containerName"] = b;
       }},
      {"network key",
       [](json& s, const std::string& b) { s["spec"]["networks"][b] = json::object(); }},
      {"network name",
       [](json& s, const std::string& b) { s["spec"]["networks"]["edge"]["name"] = b; }},
      {"volume key",
       [](json& s, const std::string& b) { s["spec"]["volumes"][b] = json::object(); }},
      {"volume name",
       [](json& s, const std::string& b) { s["spec"]["volumes"]["data"]["name"] = b; }},
      {"bind source",
       [](json& s, const std::string& b) {
         s["spec"]["services"]["router-proxy"]["volumes"] = {"./" + b + "/../../../..:/host"};
       }},
      {"template name",
       [](json& s, const std::string& b) {
         s["spec"]["instanceTemplates"][b] = s["spec"]["instanceTemplates"]["app"];
       }},
      {"router baseDomain",
       [](json& s, const std::string& b) { s["spec"]["router"]["baseDomain"] = b; }},
      {"router service", [](json& s, const std::string& b) { s["spec"]["router"]["service"] = b; }},
      {"env name",
       [](json& s, const std::string& b) {
         s["spec"]["services"]["router-proxy"]["env"][b] = "x";
       }},
      {"secretRef key",
       [](json& s, const std::string& b) {
         s["spec"]["services"]["router-proxy"]["env"]["PASS"]["secretRef"]["key"] = b;
       }},
      {"secretRef name",
       [](json& s, const std::string& b) {
         s["spec"]["services"]["router-proxy"]["env"]["PASS"]["secretRef"]["name"] = b;
       }},
  };
  std::string stacks = std::string(kGroupVersion) + "/namespaces/" + ns_ + "/stacks";
  std::string secrets = std::string(kGroupVersion) + "/namespaces/" + ns_ + "/secrets";
  // Each attempt names its object differently, so that one that gets
  // through shows up alone (and as a change below), not as 409s after it.
  int n = 0;
  for (const std::string& bad : HostileNames()) {
    SCOPED_TRACE("name " + Printable(bad));
    for (const auto& [what, edit] : stack_edits) {
      // A Secret key may start with '-' (see below).
      if (what == "secretRef key" && bad == "-rf") continue;
      json s = base;
      s["metadata"]["name"] = "stack" + std::to_string(++n);
      edit(s, bad);
      HttpResult res = Admin("POST", stacks, Body(s));
      EXPECT_TRUE(Refused(res.status)) << what << ": " << Show(res);
    }
    // Kubernetes allows a key that starts with '-'; its file is always
    // /run/secrets/<secret>/<key>, which no option parser mistakes for one,
    // and berth passes it to no shell.
    if (bad == "-rf") continue;
    for (const char* field : {"data", "stringData"}) {
      json sec = {{"apiVersion", "berth.dev/v1alpha1"},
                  {"kind", "Secret"},
                  {"metadata", {{"name", "creds" + std::to_string(++n)}, {"namespace", ns_}}},
                  {field, {{bad, std::string(field) == "data" ? "eA==" : "x"}}}};
      HttpResult res = Admin("POST", secrets, Body(sec));
      EXPECT_TRUE(Refused(res.status)) << "Secret " << field << " key: " << Show(res);
    }
  }
  ExpectUnchanged(before);
}

TEST_F(InjectionSecurity, HostileSlugsAndUsersCreateNoInstanceRouteOrContainer) {
  ASSERT_NO_FATAL_FAILURE(StartServer(true));
  ASSERT_NO_FATAL_FAILURE(ApplyRouterStack(true));
  // A good one first: it gets its container and its route, so the checks
  // below would see a bad one's.
  HttpResult res = Http(server_->port(), "POST", "/provision/v1/instances", provisioner_,
                        R"({"user":"alice@example.com","slug":"alice"})");
  ASSERT_EQ(res.status, 201) << Show(res);
  std::string alice_route = ns_ + "-alice.conf";
  ASSERT_TRUE(e2e::Eventually([&] { return ConfFiles().count(alice_route) > 0; },
                              std::chrono::seconds(180), std::chrono::milliseconds(250)))
      << "alice's route never appeared in " << ConfDir() << "\n"
      << Admin("GET", std::string(kGroupVersion) + "/namespaces/" + ns_ + "/instances").body;
  ASSERT_EQ(Containers().count("berth_" + ns_ + "_alice"), 1u);
  Snapshot before = Take();

  std::string instances = std::string(kGroupVersion) + "/namespaces/" + ns_ + "/instances";
  int i = 0;
  for (const std::string& bad : HostileNames()) {
    SCOPED_TRACE("name " + Printable(bad));
    std::string user = "user" + std::to_string(++i);
    res = Http(server_->port(), "POST", "/provision/v1/instances", provisioner_,
               Body(json{{"user", user}, {"slug", bad}}));
    EXPECT_TRUE(Refused(res.status)) << "provision slug: " << Show(res);
    res = Http(server_->port(), "POST", "/provision/v1/instances", provisioner_,
               Body(json{{"user", bad}}));
    EXPECT_TRUE(Refused(res.status)) << "provision user: " << Show(res);
    res = Http(server_->port(), "POST", "/provision/v1/instances", provisioner_,
               Body(json{{"user", user}, {"template", "router/" + bad}}));
    EXPECT_TRUE(Refused(res.status)) << "provision template: " << Show(res);
    for (const char* method : {"GET", "DELETE"}) {
      res =
          Http(server_->port(), method, "/provision/v1/instances/" + PathEscape(bad), provisioner_);
      EXPECT_TRUE(Refused(res.status) || res.status == 404) << method << " user: " << Show(res);
    }
    res = Http(server_->port(), "POST", "/provision/v1/instances/" + PathEscape(bad) + "/provider",
               provisioner_,
               R"({"type":"openai-compatible","baseURL":"http://x:1/v1","models":["m"]})");
    EXPECT_TRUE(Refused(res.status) || res.status == 404) << "provider of user: " << Show(res);
    // The Instance API, as an admin: the slug, and the user it derives one from.
    json inst = {
        {"apiVersion", "berth.dev/v1alpha1"},
        {"kind", "Instance"},
        {"metadata", {{"name", user}, {"namespace", ns_}}},
        {"spec",
         {{"user", user}, {"slug", bad}, {"template", {{"stack", "router"}, {"name", "app"}}}}}};
    res = Admin("POST", instances, Body(inst));
    EXPECT_TRUE(Refused(res.status)) << "Instance slug: " << Show(res);
    inst["spec"].erase("slug");
    inst["spec"]["template"]["name"] = bad;
    res = Admin("POST", instances, Body(inst));
    EXPECT_TRUE(Refused(res.status)) << "Instance template: " << Show(res);
  }
  // Nor can a slug be changed to a bad one later.
  json list = json::parse(Admin("GET", instances).body, nullptr, false);
  ASSERT_TRUE(list.is_object());
  ASSERT_EQ(list.value("items", json::array()).size(), 1u) << list.dump();
  std::string alice = list["items"][0]["metadata"].value("name", "");
  for (const std::string& bad : HostileNames()) {
    res = Http(server_->port(), "PATCH", instances + "/" + alice, server_->token(),
               Body(json{{"spec", {{"slug", bad}}}}), "application/merge-patch+json");
    EXPECT_TRUE(Refused(res.status)) << Printable(bad) << ": " << Show(res);
  }
  ExpectUnchanged(before);
  // The router still accepts its configuration.
  auto [code, out] = docker_.Exec(ns_ + "-router", {"nginx", "-t"});
  EXPECT_EQ(code, 0) << out;
}

}  // namespace
}  // namespace berth::security
