// The CRDs against realistic manifests: the seed systems written as berth
// objects validate (with defaults applied), and bad manifests name the field.
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

std::string Describe(const Status& s) {
  return s.ok() ? "OK" : s.ToString();
}

// Seed 000: share_stacks on 1Panel, with the optional share_internal network.
constexpr std::string_view kShareStacks = R"(
apiVersion: berth.dev/v1alpha1
kind: Stack
metadata:
  name: share
  namespace: default
spec:
  networks:
    panel:
      external: true
      name: 1panel-network
    share_internal:
      internal: true
  volumes:
    pgdata: {}
    valkey-data: {}
    rabbitmq-data: {}
  services:
    postgres:
      image: postgres:15-alpine
      containerName: share_postgres
      env:
        POSTGRES_USER: postgres
        POSTGRES_PASSWORD: {secretRef: {name: share, key: postgres-password, as: env}}
      volumes: ["pgdata:/var/lib/postgresql/data"]
      networks: [share_internal]
      healthcheck:
        test: ["CMD-SHELL", "pg_isready -U postgres"]
        interval: 5s
        retries: 10
    pg_init:
      kind: job
      image: postgres:15-alpine
      command: ["psql", "-v", "ON_ERROR_STOP=1", "-f", "/init/init.sql"]
      env:
        PGHOST: postgres
        PGUSER: postgres
        PGPASSWORD: {secretRef: {name: share, key: postgres-password}}
      configFiles:
        - path: /init/init.sql
          content: |
            CREATE DATABASE gptload;
            CREATE DATABASE litellm;
      dependsOn: {postgres: healthy}
      networks: [share_internal]
    valkey:
      image: valkey/valkey:7-alpine
      containerName: share_valkey
      command: valkey-server --appendonly yes
      volumes: ["valkey-data:/data"]
      networks: [share_internal]
      healthcheck:
        test: ["CMD", "valkey-cli", "ping"]
    gpt-load:
      image: ghcr.io/tbphp/gpt-load:latest
      containerName: share_gptload
      ports: ["3001:3001"]
      env:
        PORT: 3001
        DATABASE_DSN: postgres://gptload@postgres:5432/gptload
        REDIS_DSN: redis://valkey:6379/0
        AUTH_KEY: {secretRef: {name: share, key: gptload-auth-key, as: env}}
      volumes: ["./data/gpt-load:/app/data"]
      dependsOn: {pg_init: completed, valkey: healthy}
      networks: [panel, share_internal]
      restart: unless-stopped
      healthcheck:
        test: wget -q -O- http://127.0.0.1:3001/health
    litellm:
      image: ghcr.io/berriai/litellm:main-stable
      containerName: share_litellm
      ports: ["4000:4000"]
      env:
        DATABASE_URL: postgresql://litellm@postgres:5432/litellm
        REDIS_HOST: valkey
        REDIS_PORT: 6379
      dependsOn: {pg_init: completed, valkey: healthy}
      networks: [panel, share_internal]
    searxng:
      image: searxng/searxng:latest
      containerName: share_searxng
      ports: ["8088:8080"]
      volumes: ["./searxng:/etc/searxng:rw"]
      dependsOn: {valkey: started}
      networks: [panel, share_internal]
    playwright:
      image: mcr.microsoft.com/playwright/mcp:latest
      containerName: share_playwright
      command: ["--port", "7070", "--host", "0.0.0.0"]
      ports: ["7070:7070"]
      env: {PLAYWRIGHT_ALLOWED_HOSTS: "*"}
      networks: [panel]
    rabbitmq:
      image: rabbitmq:3-management-alpine
      volumes: ["rabbitmq-data:/var/lib/rabbitmq"]
      networks: [share_internal]
      healthcheck:
        test: ["CMD", "rabbitmq-diagnostics", "-q", "ping"]
        interval: 10s
        timeout: 10s
        startPeriod: 20s
    firecrawl-playwright:
      image: ghcr.io/mendableai/playwright-service:latest
      env: {PORT: 3000}
      networks: [share_internal]
    firecrawl:
      image: ghcr.io/mendableai/firecrawl:latest
      containerName: share_firecrawl
      ports: ["3002:3002"]
      env:
        SEARXNG_ENDPOINT: http://searxng:8080
        PLAYWRIGHT_MICROSERVICE_URL: http://firecrawl-playwright:3000/scrape
        REDIS_URL: redis://valkey:6379
        NUM_WORKERS_PER_QUEUE: 8
        USE_DB_AUTHENTICATION: false
      dependsOn:
        pg_init: completed
        valkey: healthy
        rabbitmq: healthy
        searxng: started
        firecrawl-playwright: started
      networks: [panel, share_internal]
)";

TEST(CrdStackTest, ShareStacksValidatesWithDefaults) {
  Json obj = Y(kShareStacks);
  Status s = Catalog::Builtin().Validate(obj);
  ASSERT_TRUE(s.ok()) << Describe(s);
  const Json& spec = obj["spec"];
  ASSERT_EQ(spec["services"].size(), 10u);
  // Defaults, top level and nested.
  EXPECT_EQ(spec["services"]["postgres"]["kind"], "service");
  EXPECT_EQ(spec["services"]["pg_init"]["kind"], "job");
  EXPECT_EQ(spec["services"]["postgres"]["imagePullPolicy"], "IfNotPresent");
  EXPECT_EQ(spec["services"]["postgres"]["stopGracePeriod"], "10s");
  EXPECT_EQ(spec["services"]["postgres"]["healthcheck"],
            Y(R"({test: ["CMD-SHELL", "pg_isready -U postgres"], interval: 5s, timeout: 30s,
                 startPeriod: 0s, retries: 10})"));
  EXPECT_EQ(spec["services"]["valkey"]["healthcheck"]["retries"], 3);
  EXPECT_EQ(spec["services"]["pg_init"]["configFiles"][0]["mode"], 292);
  EXPECT_EQ(spec["services"]["pg_init"]["env"]["PGPASSWORD"],
            Y("{secretRef: {name: share, key: postgres-password, as: file}}"));
  EXPECT_EQ(spec["networks"]["panel"],
            Y("{external: true, name: 1panel-network, internal: false, driver: bridge}"));
  EXPECT_EQ(spec["volumes"]["pgdata"], Y("{external: false, driver: local}"));
  // No schema default for restart: admission picks it by kind.
  EXPECT_FALSE(spec["services"]["postgres"].contains("restart"));
  // Compose-style scalars became text.
  EXPECT_EQ(spec["services"]["gpt-load"]["env"]["PORT"], "3001");
  EXPECT_EQ(spec["services"]["litellm"]["env"]["REDIS_PORT"], "6379");
  EXPECT_EQ(spec["services"]["firecrawl"]["env"]["USE_DB_AUTHENTICATION"], "false");
  // Validation is idempotent: a defaulted object validates to itself.
  Json again = obj;
  ASSERT_TRUE(Catalog::Builtin().Validate(again).ok());
  EXPECT_EQ(again, obj);
}

// Seeds 001, 002, 003 and 004: router + instance templates, GPU placement,
// rendered config, and a single-service app with a volume.
TEST(CrdStackTest, OtherSeedShapesValidate) {
  const Catalog& c = Catalog::Builtin();
  std::vector<std::string_view> docs = {R"y(
apiVersion: berth.dev/v1alpha1
kind: Stack
metadata: {name: beaver}
spec:
  networks:
    edge: {name: beaver-instance-edge}
  router:
    service: router-proxy
    network: edge
    baseDomain: localhost
    publicPort: 8088
  services:
    router-proxy:
      image: nginx:1.25
      containerName: beaver-router-proxy
      ports: ["8088:80"]
      volumes: ["./router/conf.d:/etc/nginx/conf.d:ro"]
      networks: [edge]
    authz-service:
      image: beaver/authz-service:latest
      env: {DEPLOY_API_TOKEN: {secretRef: {name: beaver, key: deploy-token, as: env}}}
      volumes: ["./authz/data:/app/data"]
      networks: [edge]
  instanceTemplates:
    app:
      image: beaver/app-instance:latest
      port: 8080
      env: {AUTHZ_ISSUER: "http://beaver-authz-service:19090"}
)y", R"y(
apiVersion: berth.dev/v1alpha1
kind: Stack
metadata: {name: clinic-prod-b}
spec:
  volumes:
    models: {external: true, name: vllm-models}
  services:
    vllm:
      image: vllm/vllm-openai:latest
      runtime: nvidia
      shmSize: 8g
      command: ["--model", "/models/qwen", "--max-model-len", "8192", "--gpu-memory-utilization", "0.9"]
      ports: ["127.0.0.1:8001:8000"]
      volumes: ["models:/models:ro"]
      resources:
        cpus: 8
        memory: 32Gi
        gpus: {count: 1, memoryMiB: 20000, utilization: 0.9}
      placement: {gpuNodeSelector: {zone: b}}
    minio:
      image: minio/minio:latest
      command: server /data --console-address :9001
      env:
        MINIO_ROOT_USER: minioadmin
        MINIO_ROOT_PASSWORD: {secretRef: {name: minio, key: password}}
      resources: {cpus: "1.5", memory: 2g}
)y", R"y(
apiVersion: berth.dev/v1alpha1
kind: Stack
metadata: {name: uni}
spec:
  services:
    uni-api:
      image: yym68686/uni-api:latest
      ports: ["127.0.0.1:8000:8000"]
      configFiles:
        - path: /home/api.yaml
          render: {format: uni-api, providerSelector: {tier: 1}}
      healthcheck: {test: ["CMD", "curl", "-f", "http://localhost:8000/"]}
    gpt-load:
      image: ghcr.io/tbphp/gpt-load:latest
      env:
        OPENAI_BASE: {providerRef: {name: openai, field: baseURL}}
        OPENAI_KEY: {providerRef: {name: openai, as: env}}
        OPENAI_KEY2: {providerRef: {name: openai}}
)y", R"y(
apiVersion: berth.dev/v1alpha1
kind: Stack
metadata: {name: skills}
spec:
  volumes: {appdata: {}}
  services:
    app:
      image: jief123/agenthub:latest
      ports: ["8000:8000"]
      env:
        DATABASE_URL: sqlite+aiosqlite:///./data/skills_registry.db
        SECRET_KEY: {secretRef: {name: skills, key: secret-key, as: env}}
        SYNC_INTERVAL: 86400
      volumes: ["appdata:/app/backend/data"]
      restart: unless-stopped
      healthcheck:
        test: ["CMD", "python", "-c", "import urllib.request; urllib.request.urlopen('http://localhost:8000/health')"]
        interval: 30s
        timeout: 5s
        retries: 3
)y", R"y(
apiVersion: berth.dev/v1alpha1
kind: Instance
metadata: {name: alice}
spec:
  user: alice@example.com
  slug: alice
  template: {stack: beaver, name: app}
)y", R"y(
apiVersion: berth.dev/v1alpha1
kind: Provider
metadata: {name: openai, labels: {tier: "1"}}
spec:
  type: openai
  baseURL: https://api.openai.com/v1
  models: [gpt-4o, gpt-4o-mini]
  defaultModel: gpt-4o-mini
  apiKeySecretRef: {name: openai, key: apiKey}
)y", R"y(
apiVersion: berth.dev/v1alpha1
kind: Provider
metadata: {name: local-vllm}
spec: {type: vllm, baseURL: "http://vllm:8000/v1", models: [qwen2.5-1.5b-instruct]}
)y", R"y(
apiVersion: berth.dev/v1alpha1
kind: Secret
metadata: {name: share}
data: {postgres-password: aHVudGVyMg==}
stringData: {gptload-auth-key: sk-123, port: 5432}
)y", R"y(
apiVersion: berth.dev/v1alpha1
kind: GpuNode
metadata: {name: server-b, labels: {zone: b}}
spec:
  endpoint: tcp://10.0.0.2:2375
  gpus:
    - {index: 0, uuid: GPU-8f6c2b1e, model: NVIDIA A100-SXM4-80GB, memoryMiB: 81920}
    - {index: 1, memoryMiB: 81920}
status:
  allocations: [{gpu: 0, owner: Stack/default/clinic-prod-b, service: vllm, memoryMiB: 73728}]
  heartbeatTime: "2026-11-22T10:04:05Z"
  conditions: [{type: Ready, status: "True", reason: EngineReachable, lastTransitionTime: "2026-11-22T10:00:00Z"}]
)y", R"y(
apiVersion: berth.dev/v1alpha1
kind: Event
metadata: {name: share.17a2b3c4, namespace: default}
regarding: {apiVersion: berth.dev/v1alpha1, kind: Stack, namespace: default, name: share}
reason: JobFailed
note: "pg_init exited with code 1; gpt-load and litellm wait for it"
type: Warning
action: Start
reportingController: berth.dev/stack-controller
eventTime: "2026-11-22T10:04:05.123456Z"
series: {count: 3, lastObservedTime: "2026-11-22T10:06:00Z"}
)y"};
  for (std::string_view doc : docs) {
    Json obj = Y(doc);
    Status s = c.Validate(obj);
    EXPECT_TRUE(s.ok()) << Describe(s) << "\n" << doc;
  }
  Json router = Y(docs[0]);
  ASSERT_TRUE(c.Validate(router).ok());
  EXPECT_EQ(router["spec"]["router"],
            Y(R"({service: router-proxy, network: edge, baseDomain: localhost, publicPort: 8088,
                 containerConfDir: /etc/nginx/conf.d, publicScheme: http, streaming: true})"));
  EXPECT_EQ(router["spec"]["instanceTemplates"]["app"]["dataPath"], "/data");
  EXPECT_EQ(router["spec"]["instanceTemplates"]["app"]["configPath"], "/app/config/config.json");
  EXPECT_EQ(router["spec"]["instanceTemplates"]["app"]["restart"], "unless-stopped");
  Json secret = Y(docs[7]);
  ASSERT_TRUE(c.Validate(secret).ok());
  EXPECT_EQ(secret["stringData"]["port"], "5432");
  Json instance = Y(docs[4]);
  ASSERT_TRUE(c.Validate(instance).ok());
  EXPECT_EQ(instance["spec"]["suspend"], false);
  Json gpu = Y(docs[8]);
  ASSERT_TRUE(c.Validate(gpu).ok());
  EXPECT_EQ(gpu["spec"]["unschedulable"], false);
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

TEST(CrdStackTest, BadManifestsNameTheField) {
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

TEST(CrdStackTest, PortAndVolumeSyntax) {
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
