#!/usr/bin/env bash
# Runs the API server benchmark on SQLite and on a throwaway PostgreSQL 15
# cluster and writes the API section of docs/performance.md.
#   bench/api/run.sh [extra bench_api args, e.g. --watchers 200]
set -euo pipefail
source "$(dirname "$0")/../../scripts/lib.sh"

if [ ! -f "$BERTH_BUILD/build.ninja" ]; then
  cmake -S "$BERTH_ROOT" -B "$BERTH_BUILD" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DBERTH_WERROR=ON >/dev/null || die "cmake configure failed"
fi
cmake --build "$BERTH_BUILD" --target bench_api -j "$(nproc)" >/dev/null || die "build failed"

work=$(mktemp -d /tmp/berth-bench-api-XXXXXX)
pg_dir=$(mktemp -d /tmp/berth-bench-api-pg-XXXXXX)
cleanup() { "$BERTH_ROOT/scripts/pg-cluster" stop "$pg_dir" || true; rm -rf "$work"; }
trap cleanup EXIT
pg_env=$("$BERTH_ROOT/scripts/pg-cluster" start "$pg_dir") || die "could not start PostgreSQL"
eval "$pg_env"   # exports BERTH_TEST_PG_URL
log "throwaway PostgreSQL on 127.0.0.1:$BERTH_TEST_PG_PORT"

cd "$BERTH_ROOT"
"$BERTH_BUILD/bench/bench_api" --sqlite "$work/api.db" --postgres "$BERTH_TEST_PG_URL" \
  --markdown docs/performance.md "$@"
