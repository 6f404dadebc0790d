// Shared fixtures for the Instance controller's unit tests: seed 001's
// topology reduced to what an Instance reads.
#pragma once

#include "controllers/stack/stack_spec.h"
#include "operator/api/codec.h"

namespace berth::instance::testing {

inline api::Json BeaverSpec() {
  auto j = api::ParseYaml(R"(
networks:
  edge: {name: beaver-instance-edge}
  internal: {internal: true}
router:
  service: router-proxy
  network: edge
  baseDomain: localhost
  publicPort: 8088
  listenPort: 8088
services:
  router-proxy:
    image: berth-test/nginx:1
    ports: ["127.0.0.1:8088:8088"]
    networks: [edge]
  authz-service:
    image: berth-test/busybox:1
    networks: [edge, internal]
instanceTemplates:
  app:
    image: berth-test/busybox:1
    command: ["sh", "-c", "INSTANCE_ID=$BERTH_USER exec berth-echo 8080"]
    port: 8080
    env:
      BERTH_ECHO_CONFIG: /app/config/config.json
      MODE: test
      TOKEN: {secretRef: {name: beaver, key: token}}
    labels: {berth.dev/test: "1"}
    resources: {cpus: "0.5", memory: 128m}
    healthcheck: {test: ["CMD-SHELL", "timeout 3 wget -qO- http://127.0.0.1:8080/health"], interval: 1s}
    routeConfig: |
      client_max_body_size 50m;
)");
  return *j;
}

inline stack::StackSpec BeaverStack() {
  return *stack::ParseStackSpec(BeaverSpec());
}

}  // namespace berth::instance::testing
