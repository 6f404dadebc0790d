// The CRDs against bad manifests: each names the field at fault, with the
// message a compose user reads. Valid seed manifests are in crd_stack_test.cc.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "operator/api/catalog.h"
#include "operator/api/codec.h"

namespace berth::api {
namespace {

Json Y(std::string_view yaml) {
  auto j = ParseYaml(yaml);
  EXPECT_TRUE(j.ok()) << j.status().ToString();
  return j.ok() ? *j : Json();
}

struct BadCase {
  std::string_view kind;   // Stack by default
  std::string_view patch;  // YAML merged into a valid object
  std::string field;       // expected FieldCause.field
  std::string message;     // expected FieldCause.message (prefix)
};

Json Merge(Json base, const Json& patch) {
  base.merge_patch(patch);
  return base;
}

TEST(CrdBadManifestTest, EachNamesTheField) {
  const Json stack = Y(R"(
apiVersion: berth.dev/v1alpha1
kind: Stack
metadata: {name: web}
spec:
  services:
    web: {image: nginx}
    postgres: {image: postgres}
    pg_init: {kind: job, image: postgres}
)");
  const Json others = Y(R"(
Instance: {apiVersion: berth.dev/v1alpha1, kind: Instance, metadata: {name: a},
           spec: {user: alice, template: {stack: s, name: t}}}
Provider: {apiVersion: berth.dev/v1alpha1, kind: Provider, metadata: {name: p},
           spec: {type: openai, baseURL: "https://api.openai.com/v1"}}
Secret: {apiVersion: berth.dev/v1alpha1, kind: Secret, metadata: {name: s}}
GpuNode: {apiVersion: berth.dev/v1alpha1, kind: GpuNode, metadata: {name: g},
          spec: {endpoint: "unix:///var/run/docker.sock"}}
Event: {apiVersion: berth.dev/v1alpha1, kind: Event, metadata: {name: e},
        regarding: {kind: Stack, name: web}, reason: Created}
)");
  const std::vector<BadCase> cases = {
      {"", "{spec: {services: {pg_init: {dependsOn: {postgres: ready}}}}}",
       "spec.services.pg_init.dependsOn.postgres",
       "Unsupported value: \"ready\": supported values: \"healthy\", \"completed\", \"started\""},
      {"", "{spec: {services: {web: {image: null}}}}", "spec.services.web.image", "Required value"},
      {"", "{spec: {services: {web: {ports: [abc]}}}}", "spec.services.web.ports[0]",
       "Invalid value: \"abc\": must be a port mapping"},
      {"", "{spec: {foo: 1}}", "spec.foo", "field not declared in schema"},
      {"", "{spec: {services: {web: {resources: {gpus: {count: 0}}}}}}",
       "spec.services.web.resources.gpus.count",
       "Invalid value: 0: must be greater than or equal to 1"},
      {"", "{spec: {services: {web: {healthcheck: {retries: three}}}}}",
       "spec.services.web.healthcheck.retries",
       "Invalid value: \"string\": spec.services.web.healthcheck.retries in body must be of type "
       "integer"},
      {"", "{spec: {services: {Bad_Name: {image: x}}}}", "spec.services.Bad_Name",
       "Invalid value: \"Bad_Name\": must be a service name"},
      {"", "{spec: {services: {web: {env: {PASSWORD: {secretRef: {name: db}}}}}}}",
       "spec.services.web.env.PASSWORD.secretRef.key", "Required value"},
      {"",
       "{spec: {services: {web: {env: {X: {secretRef: {name: a, key: b}, providerRef: {name: "
       "p}}}}}}}",
       "spec.services.web.env.X",
       "Invalid value: \"object\": must specify exactly one of: secretRef, providerRef"},
      {"", "{spec: {services: {web: {env: {X: [a]}}}}}", "spec.services.web.env.X",
       "Invalid value: [\"a\"]: must be a string or an object"},
      {"", "{spec: {services: {web: {env: {1BAD: x}}}}}", "spec.services.web.env.1BAD",
       "Invalid value: \"1BAD\": must be an environment variable name"},
      {"", "{spec: {services: {web: {env: {X: {secretRef: {name: a, key: b, as: volume}}}}}}}",
       "spec.services.web.env.X.secretRef.as",
       "Unsupported value: \"volume\": supported values: \"file\", \"env\""},
      {"",
       "{spec: {services: {web: {configFiles: [{path: /a, content: x, render: {format: "
       "uni-api}}]}}}}",
       "spec.services.web.configFiles[0]",
       "Invalid value: \"object\": must specify exactly one of: content, render"},
      {"", "{spec: {services: {web: {configFiles: [{path: /a}]}}}}",
       "spec.services.web.configFiles[0]",
       "Invalid value: \"object\": must specify exactly one of: content, render"},
      {"",
       "{spec: {services: {web: {configFiles: [{path: /a, content: x}, {path: /a, content: "
       "y}]}}}}",
       "spec.services.web.configFiles[1]", "Duplicate value: {\"path\":\"/a\"}"},
      {"", "{spec: {services: {web: {configFiles: [{path: /a, render: {format: yaml}}]}}}}",
       "spec.services.web.configFiles[0].render.format", "Unsupported value: \"yaml\""},
      {"", "{spec: {services: {web: {volumes: [\"../x:/y\"]}}}}", "spec.services.web.volumes[0]",
       "Invalid value: \"../x:/y\": must be SOURCE:TARGET"},
      {"", "{spec: {services: {web: {volumes: [\"data:relative\"]}}}}",
       "spec.services.web.volumes[0]", "Invalid value: \"data:relative\""},
      {"", "{spec: {services: {web: {restart: false}}}}", "spec.services.web.restart",
       "Invalid value: \"boolean\": spec.services.web.restart in body must be of type string"},
      {"", "{spec: {services: {web: {restart: sometimes}}}}", "spec.services.web.restart",
       "Unsupported value: \"sometimes\": supported values: \"no\", \"always\", \"on-failure\", "
       "\"unless-stopped\""},
      {"", "{spec: {services: {web: {command: 5}}}}", "spec.services.web.command",
       "Invalid value: 5: must be a string or an array of strings"},
      {"", "{spec: {services: {web: {healthcheck: {interval: \"30\"}}}}}",
       "spec.services.web.healthcheck.interval",
       "Invalid value: \"30\": must be a duration such as 30s, 1m30s, 500ms or 1h"},
      {"", "{spec: {services: {web: {stopGracePeriod: \"0\"}}}}",
       "spec.services.web.stopGracePeriod", "Invalid value: \"0\": must be a duration"},
      {"", "{spec: {services: {web: {resources: {memory: lots}}}}}",
       "spec.services.web.resources.memory", "Invalid value: \"lots\": must be a size"},
      {"", "{spec: {services: {web: {resources: {cpus: -1}}}}}", "spec.services.web.resources.cpus",
       "Invalid value: -1: must be greater than 0"},
      {"", "{spec: {services: {web: {resources: {cpus: \"500m\"}}}}}",
       "spec.services.web.resources.cpus",
       "Invalid value: \"500m\": must be a number of CPUs greater than 0"},
      {"", "{spec: {services: {web: {resources: {cpus: \"0\"}}}}}",
       "spec.services.web.resources.cpus", "Invalid value: \"0\": must be a number of CPUs"},
      {"", "{spec: {services: {web: {resources: {gpus: {utilization: 1.5}}}}}}",
       "spec.services.web.resources.gpus.utilization",
       "Invalid value: 1.5: must be less than or equal to 1"},
      {"", "{spec: {services: {web: {containerName: \"-x\"}}}}", "spec.services.web.containerName",
       "Invalid value: \"-x\": must be a container name"},
      {"", "{spec: {services: {web: {networks: [a, a]}}}}", "spec.services.web.networks[1]",
       "Duplicate value: \"a\""},
      {"", "{spec: {services: {web: {kind: cronjob}}}}", "spec.services.web.kind",
       "Unsupported value: \"cronjob\": supported values: \"service\", \"job\""},
      {"", "{spec: {services: {web: {imgae: nginx}}}}", "spec.services.web.imgae",
       "field not declared in schema"},
      {"", "{spec: {services: {web: null, postgres: null, pg_init: null}}}", "spec.services",
       "Invalid value: {}: must have at least 1 property"},
      {"", "{spec: null}", "spec", "Required value"},
      {"", "{spec: {router: {service: web}}}", "spec.router.baseDomain", "Required value"},
      {"", "{spec: {router: {service: web, baseDomain: localhost, publicPort: 70000}}}",
       "spec.router.publicPort", "Invalid value: 70000: must be less than or equal to 65535"},
      {"", "{spec: {networks: {edge: {internal: yes}}}}", "spec.networks.edge.internal",
       "Invalid value: \"string\": spec.networks.edge.internal in body must be of type boolean"},
      {"", "{spec: {instanceTemplates: {app: {image: x}}}}", "spec.instanceTemplates.app.port",
       "Required value"},
      {"", "{status: {phase: Running}}", "status.phase", "Unsupported value: \"Running\""},
      {"", "{status: {conditions: [{type: Ready, status: \"True\", lastTransitionTime: now}]}}",
       "status.conditions[0].lastTransitionTime", "Invalid value: \"now\": must be an RFC 3339"},
      {"Instance", "{spec: {slug: Alice}}", "spec.slug",
       "Invalid value: \"Alice\": must be a DNS label"},
      {"Instance", "{spec: {user: null}}", "spec.user", "Required value"},
      {"Instance", "{spec: {template: {name: null}}}", "spec.template.name", "Required value"},
      {"Provider", "{spec: {type: azure}}", "spec.type",
       "Unsupported value: \"azure\": supported values: \"openai\", \"anthropic\", \"gemini\", "
       "\"openai-compatible\", \"vllm\""},
      {"Provider", "{spec: {baseURL: \"ftp://x\"}}", "spec.baseURL",
       "Invalid value: \"ftp://x\": must be an http:// or https:// URL"},
      {"Provider", "{spec: {models: []}}", "spec.models",
       "Invalid value: []: must have at least 1 item"},
      {"Provider", "{spec: {apiKeySecretRef: {name: k}}}", "spec.apiKeySecretRef.key",
       "Required value"},
      {"Secret", "{data: {key: \"not base64!\"}}", "data.key",
       "Invalid value: \"not base64!\": must be base64-encoded"},
      {"Secret", "{data: {\"bad key\": \"\"}}", "data.bad key", "Invalid value: \"bad key\""},
      {"Secret", "{spec: {}}", "spec", "field not declared in schema"},
      {"GpuNode", "{spec: {endpoint: \"http://x\"}}", "spec.endpoint",
       "Invalid value: \"http://x\": must be unix:///PATH or tcp://HOST:PORT"},
      {"GpuNode", "{spec: {gpus: [{index: 0}, {index: 0}]}}", "spec.gpus[1]",
       "Duplicate value: {\"index\":0}"},
      {"GpuNode", "{spec: {gpus: [{index: -1}]}}", "spec.gpus[0].index",
       "Invalid value: -1: must be greater than or equal to 0"},
      {"Event", "{type: Error}", "type", "Unsupported value: \"Error\""},
      {"Event", "{reason: null}", "reason", "Required value"},
      {"Event", "{regarding: {name: null}}", "regarding.name", "Required value"},
  };
  for (const BadCase& bc : cases) {
    Json base = bc.kind.empty() ? stack : others[std::string(bc.kind)];
    Json obj = Merge(base, Y(bc.patch));
    Status s = Catalog::Builtin().Validate(obj);
    EXPECT_FALSE(s.ok()) << bc.patch;
    bool found = false;
    for (const FieldCause& c : s.causes()) {
      if (c.field == bc.field && c.message.rfind(bc.message, 0) == 0) found = true;
    }
    EXPECT_TRUE(found) << bc.patch << "\nwanted " << bc.field << ": " << bc.message << "\ngot "
                       << s.ToString();
  }
  // The base objects themselves are valid.
  Json valid = stack;
  EXPECT_TRUE(Catalog::Builtin().Validate(valid).ok());
  for (const auto& [kind, obj] : others.items()) {
    Json copy = obj;
    EXPECT_TRUE(Catalog::Builtin().Validate(copy).ok()) << kind;
  }
}

TEST(CrdBadManifestTest, PortAndVolumeSyntax) {
  const Catalog& c = Catalog::Builtin();
  auto valid = [&](const Json& service) {
    Json obj = {{"apiVersion", "berth.dev/v1alpha1"},
                {"kind", "Stack"},
                {"metadata", {{"name", "x"}}},
                {"spec", {{"services", {{"web", service}}}}}};
    return c.Validate(obj).ok();
  };
  for (Json port : {Json("127.0.0.1:3001:3001"), Json("8080:80"), Json("5432"), Json(5432),
                    Json("127.0.0.1:9000-9001:9000-9001/tcp"), Json("[::1]:8080:80"),
                    Json("127.0.0.1::80"), Json("53:53/udp")}) {
    EXPECT_TRUE(valid({{"image", "x"}, {"ports", {port}}})) << port;
  }
  for (Json port : {Json("abc"), Json("127.0.0.1:80"), Json("80/http"), Json(""), Json("1:2:3:4"),
                    Json(true)}) {
    EXPECT_FALSE(valid({{"image", "x"}, {"ports", {port}}})) << port;
  }
  for (const char* vol : {"pgdata:/var/lib/postgresql/data", "./data/gpt-load:/app/data",
                          "/var/run/docker.sock:/var/run/docker.sock:ro", "./:/srv",
                          "models:/models:rw", "/srv/.cache:/root/.cache", "./a..b:/c"}) {
    EXPECT_TRUE(valid({{"image", "x"}, {"volumes", {vol}}})) << vol;
  }
  for (const char* vol : {"../x:/y", "/a/../b:/c", "data", "data:rel", "./a:/b:rx", "a:/b/../c",
                          ".:/x", "./a/./b:/c"}) {
    EXPECT_FALSE(valid({{"image", "x"}, {"volumes", {vol}}})) << vol;
  }
}

}  // namespace
}  // namespace berth::api
