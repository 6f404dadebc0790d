// Shared fixtures for the Stack controller's unit tests: seed 000's topology.
#pragma once

#include "controllers/stack/stack_spec.h"
#include "operator/api/codec.h"

namespace berth::stack::testing {

// share_stacks (seed 000) reduced to its dependency structure.
inline Json ShareStacksSpec() {
  auto j = api::ParseYaml(R"(
networks:
  panel: {external: true, name: 1panel-network}
services:
  postgres:
    image: berth-test/postgres:15
    containerName: share_postgres
    networks: [panel]
    healthcheck: {test: ["CMD-SHELL", "pg_isready -U postgres"], interval: 1s, retries: 30}
  pg_init:
    kind: job
    image: berth-test/postgres:15
    networks: [panel]
    dependsOn: {postgres: healthy}
  valkey:
    image: berth-test/redis:7
    containerName: share_valkey
    networks: [panel]
    healthcheck: {test: ["CMD", "valkey-cli", "ping"], interval: 1s}
  gpt-load:
    image: berth-test/busybox:1
    containerName: share_gptload
    networks: [panel]
    ports: ["127.0.0.1:3001:3001"]
    env: {DATABASE_DSN: "postgres://gptload@postgres:5432/gptload", REDIS_DSN: "redis://valkey:6379"}
    dependsOn: {pg_init: completed, valkey: healthy}
  playwright:
    image: berth-test/busybox:1
    networks: [panel]
)");
  return *j;
}

}  // namespace berth::stack::testing
