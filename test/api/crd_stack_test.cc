// The CRDs against realistic manifests: the seed systems written as berth
// objects validate with defaults applied (bad ones: crd_bad_manifest_test.cc).
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
                 containerConfDir: /etc/nginx/conf.d, listenPort: 80, publicScheme: http,
                 streaming: true})"));
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

}  // namespace
}  // namespace berth::api
