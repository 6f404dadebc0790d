# Shell functions shared by the benchmarks (bench/*/run.sh, scripts/bench).
# Source it after scripts/lib.sh; do not run it.
#
# A bench writes its figures as one block of the report, between
# <!-- NAME:begin --> and <!-- NAME:end -->, into $BENCH_DOC (default
# docs/performance.md), and may add rows to the summary table that
# scripts/bench puts on top ($BENCH_SUMMARY, one Markdown row a line).

BENCH_DOC=${BENCH_DOC:-$BERTH_ROOT/docs/performance.md}

# "2 CPUs (AMD EPYC 7B13), 23.4 GiB RAM, Linux 6.1.0, Docker 20.10.24": the
# machine, as every block of the report names it.
bench_machine() {
  local model ram docker_v
  model=$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)
  ram=$(awk '/^MemTotal:/ { printf "%.1f", $2 / 1048576 }' /proc/meminfo)
  docker_v=$(docker version -f '{{.Server.Version}}' 2>/dev/null || echo "not running")
  echo "$(nproc) CPUs (${model:-unknown CPU}), ${ram} GiB RAM, Linux $(uname -r), Docker ${docker_v}"
}

# "4.81 5.02 4.97": the load average now (1, 5, 15 minutes).
bench_load() { cut -d' ' -f1-3 /proc/loadavg; }

bench_now() { date -u '+%Y-%m-%d %H:%M UTC'; }

# bench_write_block NAME TEXT: replaces NAME's block in $BENCH_DOC (adds it at
# the end when missing). TEXT is the block's body, without the markers.
bench_write_block() {
  python3 - "$BENCH_DOC" "$1" "$2" <<'EOF'
import os, sys
path, name, body = sys.argv[1], sys.argv[2], sys.argv[3]
begin, end = f"<!-- {name}:begin -->", f"<!-- {name}:end -->"
block = f"{begin}\n{body.strip(chr(10))}\n{end}"
try:
    doc = open(path).read()
except FileNotFoundError:
    doc = "# Performance\n"
b, e = doc.find(begin), doc.find(end)
if b >= 0 and e > b:
    doc = doc[:b] + block + doc[e + len(end):]
else:
    doc = doc.rstrip("\n") + "\n\n" + block + "\n"
tmp = path + ".tmp"
with open(tmp, "w") as f:
    f.write(doc)
os.replace(tmp, path)
EOF
}

# bench_summary "| figure | value | comparison | command |": a row of the
# summary table, when scripts/bench collects one.
bench_summary() {
  [ -n "${BENCH_SUMMARY:-}" ] && printf '%s\n' "$1" >>"$BENCH_SUMMARY"
  return 0
}

bench_free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# bench_pct P: the P-th percentile (nearest rank) of the numbers on stdin.
bench_pct() {
  sort -g | awk -v p="$1" '{ v[NR] = $1 } END {
    if (NR == 0) { print "n/a"; exit }
    i = int(p / 100 * (NR - 1) + 0.5) + 1; if (i > NR) i = NR; print v[i] }'
}

# bench_calc EXPR: floating-point arithmetic, e.g. bench_calc "$a / $b" 2.
bench_calc() { awk "BEGIN { printf \"%.${2:-2}f\", $1 }"; }

# bench_serve_start DIR [serve args...]: starts `berth serve` on a free
# loopback port with DIR as its data dir and waits until it is ready. Sets
# SERVE_PID, SERVE_PORT, SERVE_TOKEN; exports BERTH_SERVER and BERTH_TOKEN for
# the CLI. Needs $BERTH (the binary).
bench_serve_start() {
  local dir=$1
  shift
  mkdir -p "$dir"
  SERVE_PORT=$(bench_free_port)
  "$BERTH" serve --data-dir "$dir" --listen "127.0.0.1:$SERVE_PORT" \
    --log-level "${BENCH_LOG_LEVEL:-warn}" "$@" \
    >>"$dir/serve.log" 2>&1 &
  SERVE_PID=$!
  local i
  for i in $(seq 1 1200); do
    if curl -sf "http://127.0.0.1:$SERVE_PORT/readyz" >/dev/null 2>&1 && [ -s "$dir/admin.token" ]; then
      SERVE_TOKEN=$(cat "$dir/admin.token")
      export BERTH_SERVER=http://127.0.0.1:$SERVE_PORT BERTH_TOKEN=$SERVE_TOKEN
      return 0
    fi
    kill -0 "$SERVE_PID" 2>/dev/null || break
    sleep 0.1
  done
  tail -20 "$dir/serve.log" >&2
  die "berth serve did not become ready (log: $dir/serve.log)"
}

# bench_serve_stop: SIGTERM to the server started last, and waits for it.
bench_serve_stop() {
  if [ -n "${SERVE_PID:-}" ]; then
    kill "$SERVE_PID" 2>/dev/null || true
    wait "$SERVE_PID" 2>/dev/null || true
    SERVE_PID=""
  fi
}

# bench_metric NAME [REGEX]: the sum of the server's samples of metric NAME
# (whose labels match REGEX, when given) on /metrics.
bench_metric() {
  curl -sf "http://127.0.0.1:$SERVE_PORT/metrics" | awk -v name="$1" -v re="${2:-}" '
    { n = $1; sub(/\{.*/, "", n) }
    n == name && (re == "" || $1 ~ re) { s += $NF }
    END { printf "%.0f\n", s }'
}

# bench_cpu_seconds PID: user + system CPU time of a process so far.
bench_cpu_seconds() {
  awk -v hz="$(getconf CLK_TCK)" '{ sub(/^.*\) /, ""); printf "%.2f\n", ($12 + $13) / hz }' \
    "/proc/$1/stat"
}

# bench_rss_mib PID FIELD: VmHWM (peak) or VmRSS of a process, in MiB.
bench_rss_mib() { awk -v f="$2:" '$1 == f { printf "%.1f\n", $2 / 1024 }' "/proc/$1/status"; }

# bench_wait_for_tests: the share-stacks bench takes the share_* container
# names and host ports the end-to-end tests use, and every bench needs dockerd
# and PostgreSQL to stay up and the machine to stay quiet; wait (at most 30
# minutes) while such a test runs on this machine, so neither breaks the other.
# Matched by the test binary's name in its command line (build/tests/NAME ...):
# every fault suite (any *_fault_test: they kill berth, stop dockerd, restart
# PostgreSQL or fill a disk) and the e2e suites that hold the share-stacks
# names and ports (RESOURCE_LOCK berth_share_stacks, and the ones that apply
# share-stacks.yaml: manifests, ha, volumes).
BENCH_TEST_PATTERN='/([a-z0-9_]+_fault_test|stack_(share|manifests|ha|volumes|provider)_e2e_test)( |$)'
bench_wait_for_tests() {
  local i
  for i in $(seq 1 360); do
    pgrep -f "$BENCH_TEST_PATTERN" >/dev/null 2>&1 || return 0
    [ "$i" = 1 ] && log "waiting for a running fault or share-stacks test to finish: $(pgrep -af "$BENCH_TEST_PATTERN" | head -1)"
    sleep 5
  done
  die "a fault or share-stacks test is still running after 30 minutes"
}
