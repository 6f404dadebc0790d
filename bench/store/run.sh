#!/usr/bin/env bash
# Runs the store benchmark on SQLite and on PostgreSQL 15 (the server named by
# $BERTH_TEST_PG_URL, else a throwaway cluster) and writes the store block of
# docs/performance.md ($BENCH_DOC).
#   bench/store/run.sh [extra bench_store args, e.g. --objects 2000]
set -euo pipefail
source "$(dirname "$0")/../../scripts/lib.sh"
source "$BERTH_ROOT/bench/lib.sh"

if [ ! -f "$BERTH_BUILD/build.ninja" ]; then
  cmake -S "$BERTH_ROOT" -B "$BERTH_BUILD" "${BERTH_CMAKE_ARGS[@]}" >/dev/null || die "cmake configure failed"
fi
cmake --build "$BERTH_BUILD" --target bench_store -j "$(nproc)" >/dev/null || die "build failed"

work=$(mktemp -d /tmp/berth-bench-XXXXXX)
pg_dir=""
cleanup() {
  [ -z "$pg_dir" ] || "$BERTH_ROOT/scripts/pg-cluster" stop "$pg_dir" || true
  rm -rf "$work"
}
trap cleanup EXIT
if [ -z "${BERTH_TEST_PG_URL:-}" ]; then
  pg_dir=$(mktemp -d /tmp/berth-bench-pg-XXXXXX)   # its own: the server user must reach it
  pg_env=$("$BERTH_ROOT/scripts/pg-cluster" start "$pg_dir") || die "could not start PostgreSQL"
  eval "$pg_env"   # exports BERTH_TEST_PG_URL
  log "throwaway PostgreSQL on 127.0.0.1:$BERTH_TEST_PG_PORT"
fi

cd "$BERTH_ROOT"
"$BERTH_BUILD/bench/bench_store" --sqlite "$work/bench.db" --postgres "$BERTH_TEST_PG_URL" \
  --markdown "$BENCH_DOC" --machine "$(bench_machine)" "$@" | tee "$work/out"
# | backend | creates/s | updates/s | list (ms) | watch p50 | p99 | other-process p50 | p99 |
row() { awk -F'|' -v b="$1" -v c="$2" '{ gsub(/ /, "", $2) } $2 == b { gsub(/ /, "", $c); print $c }' "$work/out"; }
for c in 3 4 5 6 7; do
  s=$(row sqlite "$c") p=$(row postgresql "$c")
  case $c in
    3) what="store creates/s" ;; 4) what="store updates/s" ;; 5) what="store list 10,000 objects (ms)" ;;
    6) what="store watch latency p50 (ms)" ;; 7) what="store watch latency p99 (ms)" ;;
  esac
  bench_summary "| $what, SQLite / PostgreSQL | $s / $p | PostgreSQL / SQLite $(bench_calc "$p / $s") | \`bench/store/run.sh\` |"
done
