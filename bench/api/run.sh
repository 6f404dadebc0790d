#!/usr/bin/env bash
# Runs the API server benchmark on SQLite and on PostgreSQL 15 (the server
# named by $BERTH_TEST_PG_URL, else a throwaway cluster) and writes the api
# block of docs/performance.md ($BENCH_DOC).
#   bench/api/run.sh [extra bench_api args, e.g. --watchers 200]
set -euo pipefail
source "$(dirname "$0")/../../scripts/lib.sh"
source "$BERTH_ROOT/bench/lib.sh"

if [ ! -f "$BERTH_BUILD/build.ninja" ]; then
  cmake -S "$BERTH_ROOT" -B "$BERTH_BUILD" "${BERTH_CMAKE_ARGS[@]}" >/dev/null || die "cmake configure failed"
fi
cmake --build "$BERTH_BUILD" --target bench_api -j "$(nproc)" >/dev/null || die "build failed"

work=$(mktemp -d /tmp/berth-bench-api-XXXXXX)
pg_dir=""
cleanup() {
  [ -z "$pg_dir" ] || "$BERTH_ROOT/scripts/pg-cluster" stop "$pg_dir" || true
  rm -rf "$work"
}
trap cleanup EXIT
if [ -z "${BERTH_TEST_PG_URL:-}" ]; then
  pg_dir=$(mktemp -d /tmp/berth-bench-api-pg-XXXXXX)
  pg_env=$("$BERTH_ROOT/scripts/pg-cluster" start "$pg_dir") || die "could not start PostgreSQL"
  eval "$pg_env"   # exports BERTH_TEST_PG_URL
  log "throwaway PostgreSQL on 127.0.0.1:$BERTH_TEST_PG_PORT"
fi

cd "$BERTH_ROOT"
"$BERTH_BUILD/bench/bench_api" --sqlite "$work/api.db" --postgres "$BERTH_TEST_PG_URL" \
  --markdown "$BENCH_DOC" --machine "$(bench_machine)" "$@" | tee "$work/out"
# | backend | creates/s | get p50 | get p99 | list p50 | list p99 | table p50 | fan-out p50 | p99 | max |
row() { awk -F'|' -v b="$1" -v c="$2" '{ gsub(/ /, "", $2) } $2 == b { gsub(/ /, "", $c); print $c }' "$work/out"; }
sq() { row sqlite "$1"; }
pg() { row postgresql "$1"; }
bench_summary "| API sequential creates/s, SQLite / PostgreSQL | $(sq 3) / $(pg 3) | | \`bench/api/run.sh\` |"
bench_summary "| API get p50 / p99 (ms), SQLite | $(sq 4) / $(sq 5) | | \`bench/api/run.sh\` |"
bench_summary "| API list 1,000 p50 / p99 (ms), SQLite | $(sq 6) / $(sq 7) | | \`bench/api/run.sh\` |"
bench_summary "| API watch fan-out, one write seen by 100 watchers, p99 (ms), SQLite / PostgreSQL | $(sq 10) / $(pg 10) | | \`bench/api/run.sh\` |"
