#!/usr/bin/env bash
# Stack benchmark: the share-stacks test stack (manifests/test/share-stacks.yaml,
# 10 services, health-gated order) brought up by berth and by docker-compose
# 1.29 (bench/stack/share-stacks.compose.yml, the same images, health checks
# and depends_on conditions), the Docker API calls and CPU time of an idle
# resync, and drift repair latency. Writes the stack section of
# docs/performance.md.
#   bench/stack/run.sh [--runs N] [--trials N] [--resyncs N] [--no-docs]
# Uses $BERTH_BIN or $BERTH_BUILD/bin/berth (building it when missing).
# Needs dockerd, the test images (scripts/test-images) and docker-compose.
# Removes what it creates; takes the share_* container names and host ports
# 3001/4000/8088/7070/3002 while it runs.
set -euo pipefail
source "$(dirname "$0")/../../scripts/lib.sh"
source "$BERTH_ROOT/bench/lib.sh"

RUNS=3 TRIALS=10 RESYNCS=10 RESYNC_PERIOD=2 DOCS=1
while [ $# -gt 0 ]; do
  case "$1" in
    --runs) RUNS=$2; shift 2 ;;
    --trials) TRIALS=$2; shift 2 ;;
    --resyncs) RESYNCS=$2; shift 2 ;;
    --no-docs) DOCS=0; shift ;;
    *) die "unknown argument $1" ;;
  esac
done

ensure_dockerd
command -v docker-compose >/dev/null || ensure_packages docker-compose
BERTH=${BERTH_BIN:-$BERTH_BUILD/bin/berth}
if [ ! -x "$BERTH" ]; then
  build >/dev/null
  BERTH=$BERTH_BUILD/bin/berth
fi
"$BERTH_ROOT/scripts/test-images" busybox postgres redis >/dev/null || die "test images"
bench_wait_for_tests

MANIFEST=$BERTH_ROOT/manifests/test/share-stacks.yaml
COMPOSE=$BERTH_ROOT/bench/stack/share-stacks.compose.yml
# The ratio compares equal work only if compose runs what berth runs.
"$BERTH_ROOT/bench/stack/compose_matches.py" "$MANIFEST" "$COMPOSE" >&2 \
  || die "$COMPOSE differs from $MANIFEST (see above)"
STACK=share-stacks
OWNER=Stack/default/$STACK
NAMES=(share_postgres share_pg_init share_valkey share_rabbitmq share_gptload share_litellm
       share_searxng share_playwright share_firecrawl_pw share_firecrawl)
work=$(mktemp -d /tmp/berth-bench-stack-XXXXXX)
SERVER_PID=""
created_net=0

now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b - a }'; }
median() { sort -g | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else printf "%.2f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

stop_server() {
  if [ -n "$SERVER_PID" ]; then
    kill "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
    SERVER_PID=""
  fi
}

# Removes every container, network and volume of either runner.
clean_slate() {
  stop_server
  BENCH_FILES=$work/files docker-compose -p sharebench -f "$COMPOSE" down -v --remove-orphans \
    >"$work/compose-down.log" 2>&1 || { log "docker-compose down failed:"; cat "$work/compose-down.log" >&2; }
  local ids
  ids=$(docker ps -aq --filter "label=berth.dev/owner=$OWNER")
  [ -z "$ids" ] || docker rm -f $ids >/dev/null
  for n in "${NAMES[@]}"; do   # leftovers of interrupted compose runs (test-labelled only)
    if [ "$(docker inspect -f '{{index .Config.Labels "berth.dev/test"}}' "$n" 2>/dev/null)" = 1 ]; then
      docker rm -f "$n" >/dev/null
    fi
  done
  ids=$(docker volume ls -q --filter "label=berth.dev/owner=$OWNER")
  [ -z "$ids" ] || docker volume rm $ids >/dev/null
  # Nothing of either runner may be left, or the next one measures a conflict.
  for n in "${NAMES[@]}"; do
    if docker inspect "$n" >/dev/null 2>&1; then
      docker inspect -f '{{.Name}} {{.State.Status}} created {{.Created}} labels {{json .Config.Labels}}' "$n" >&2
      die "clean_slate: container $n is still there"
    fi
  done
}

cleanup() {
  clean_slate
  [ "$created_net" = 1 ] && docker network rm 1panel-network >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

# The manifest's secrets, pg_init script and config files, for compose.
mkdir -p "$work/files/secrets"
python3 - "$MANIFEST" "$work/files" <<'EOF'
import os, sys, yaml
docs = list(yaml.safe_load_all(open(sys.argv[1])))
out = sys.argv[2]
for d in docs:
    if d["kind"] == "Secret":
        for k, v in d["stringData"].items():
            with open(os.path.join(out, "secrets", k), "w") as f:
                f.write(v)
    if d["kind"] == "Stack":
        s = d["spec"]["services"]
        files = {"pg_init.sh": s["pg_init"], "litellm-config.yaml": s["litellm"],
                 "searxng-settings.yml": s["searxng"]}
        for name, svc in files.items():
            with open(os.path.join(out, name), "w") as f:
                f.write(svc["configFiles"][0]["content"])
EOF
chmod 0444 "$work/files/secrets/"* "$work/files/"*.*

if ! docker network inspect 1panel-network >/dev/null 2>&1; then
  docker network create --label berth.dev/test=1 1panel-network >/dev/null
  created_net=1
fi

# start_server [extra serve args...]: a fresh berth serve (on REUSE_DIR's data, when
# set); sets SERVER_PID, PORT, TOKEN, SERVE_DIR.
start_server() {
  local dir=${REUSE_DIR:-$work/serve-$RANDOM}
  SERVE_DIR=$dir
  mkdir -p "$dir"
  PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  "$BERTH" serve --data-dir "$dir" --listen "127.0.0.1:$PORT" --log-level warn "$@" \
    >"$dir/serve.log" 2>&1 &
  SERVER_PID=$!
  local i
  for i in $(seq 1 300); do
    if curl -sf "http://127.0.0.1:$PORT/readyz" >/dev/null 2>&1 && [ -s "$dir/admin.token" ]; then
      TOKEN=$(cat "$dir/admin.token")
      export BERTH_SERVER=http://127.0.0.1:$PORT BERTH_TOKEN=$TOKEN
      return 0
    fi
    sleep 0.1
  done
  cat "$dir/serve.log" >&2
  die "berth serve did not become ready"
}

# wait_ready SECONDS: berth wait for the Stack; on a timeout, says what it saw
# (the Stack, its containers, the postgres log, the server's log) and fails.
wait_ready() {
  "$BERTH" wait --for=condition=Ready "stack/$STACK" --timeout="$1s" >/dev/null && return 0
  "$BERTH" describe stack "$STACK" >&2 || true
  docker ps -a --filter "label=berth.dev/owner=$OWNER" --format '{{.Names}} {{.Status}}' >&2 || true
  docker logs --tail 30 share_postgres >&2 || true
  tail -50 "$SERVE_DIR/serve.log" >&2 || true
  die "the Stack did not become Ready within $1 s"
}

# all_ready: every service container is healthy, pg_init exited 0.
all_ready() {
  local n s
  for n in "${NAMES[@]}"; do
    if [ "$n" = share_pg_init ]; then
      s=$(docker inspect -f '{{.State.Status}}/{{.State.ExitCode}}' "$n" 2>/dev/null) || return 1
      [ "$s" = exited/0 ] || return 1
    else
      s=$(docker inspect -f '{{if .State.Health}}{{.State.Health.Status}}{{end}}' "$n" 2>/dev/null) \
        || return 1
      [ "$s" = healthy ] || return 1
    fi
  done
}

# ---- 1. apply -> Ready, berth vs docker-compose ------------------------------
berth_times=() compose_up_times=() compose_ready_times=()
for run in $(seq 1 "$RUNS"); do
  clean_slate
  start_server
  t0=$(now)
  "$BERTH" apply -f "$MANIFEST" >/dev/null
  wait_ready 300
  t1=$(now)
  berth_times+=("$(elapsed "$t0" "$t1")")
  log "run $run: berth apply -> Ready in ${berth_times[-1]} s"

  clean_slate
  t0=$(now)
  BENCH_FILES=$work/files docker-compose -p sharebench -f "$COMPOSE" up -d >/dev/null 2>&1 \
    || die "docker-compose up failed"
  t1=$(now)
  until all_ready; do sleep 0.05; done
  t2=$(now)
  compose_up_times+=("$(elapsed "$t0" "$t1")")
  compose_ready_times+=("$(elapsed "$t0" "$t2")")
  log "run $run: docker-compose up -d returned in ${compose_up_times[-1]} s, all healthy in ${compose_ready_times[-1]} s"
done
clean_slate
berth_med=$(printf '%s\n' "${berth_times[@]}" | median)
up_med=$(printf '%s\n' "${compose_up_times[@]}" | median)
ready_med=$(printf '%s\n' "${compose_ready_times[@]}" | median)

# ---- 2. idle resync: Docker API calls and CPU --------------------------------
metrics() { curl -sf "http://127.0.0.1:$PORT/metrics"; }
docker_calls() { metrics | awk '$1 == "berth_docker_api_calls_total" { print $2 }'; }
# Stack reconciles, whatever their result.
reconciles() { metrics | awk 'index($1, "berth_reconcile_total{") == 1 && $1 ~ /controller="stack"/ { n += $2 } END { print n + 0 }'; }
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$SERVER_PID/stat"; }
# measure_idle SECONDS: prints "<docker calls> <cpu seconds> <reconciles>" over that window.
measure_idle() {
  local c0 c1 t0 t1 r0 r1
  c0=$(docker_calls); t0=$(cpu_ticks); r0=$(reconciles)
  sleep "$1"
  c1=$(docker_calls); t1=$(cpu_ticks); r1=$(reconciles)
  awk -v c0="$c0" -v c1="$c1" -v t0="$t0" -v t1="$t1" -v r0="$r0" -v r1="$r1" \
    -v hz="$(getconf CLK_TCK)" 'BEGIN { printf "%d %.3f %d\n", c1 - c0, (t1 - t0) / hz, r1 - r0 }'
}
window=$((RESYNCS * RESYNC_PERIOD))
start_server --resync-period "${RESYNC_PERIOD}s"
"$BERTH" apply -f "$MANIFEST" >/dev/null
wait_ready 300
sleep 5   # let the last status writes and events settle
read -r resync_calls resync_cpu resync_reconciles < <(measure_idle "$window")
stop_server
# The same stack, adopted by a server that never resyncs: the same data dir,
# so the same store and cluster (a server of another cluster would rightly
# refuse containers that are not its own).
REUSE_DIR=$SERVE_DIR start_server --resync-period 0s
"$BERTH" apply -f "$MANIFEST" >/dev/null
wait_ready 300
sleep 5
read -r base_calls base_cpu base_reconciles < <(measure_idle "$window")
per_resync_calls=$(awk -v a="$resync_calls" -v b="$base_calls" -v n="$RESYNCS" 'BEGIN { printf "%.1f", (a - b) / n }')
per_resync_cpu=$(awk -v a="$resync_cpu" -v b="$base_cpu" -v n="$RESYNCS" 'BEGIN { printf "%.1f", (a - b) * 1000 / n }')
calls_per_reconcile=$(awk -v a="$resync_calls" -v b="$base_calls" -v r="$resync_reconciles" -v q="$base_reconciles" 'BEGIN { if (r - q > 0) printf "%.1f", (a - b) / (r - q); else print "n/a" }')
log "idle: ${resync_calls} calls, ${resync_cpu} s CPU, ${resync_reconciles} reconciles with a resync every ${RESYNC_PERIOD}s; ${base_calls} calls, ${base_cpu} s CPU, ${base_reconciles} reconciles without, over ${window}s"

# ---- 3. drift repair latency -------------------------------------------------
docker events --filter "label=berth.dev/owner=$OWNER" --filter type=container \
  --format '{{.TimeNano}} {{.Action}} {{index .Actor.Attributes "name"}}' >"$work/events" &
events_pid=$!
sleep 1
victims=(share_gptload share_litellm share_searxng share_playwright share_firecrawl)
for i in $(seq 1 "$TRIALS"); do
  v=${victims[$(( (i - 1) % ${#victims[@]} ))]}
  docker rm -f "$v" >/dev/null
  until [ "$(docker inspect -f '{{.State.Running}}' "$v" 2>/dev/null)" = true ]; do sleep 0.01; done
  wait_ready 120
  until all_ready; do sleep 0.1; done
done
sleep 1
kill "$events_pid" 2>/dev/null || true
wait "$events_pid" 2>/dev/null || true
# From each `destroy` of a victim to the `start` of its replacement (engine time).
awk '$2 == "destroy" { gone[$3] = $1 } $2 == "start" && ($3 in gone) { printf "%.0f\n", ($1 - gone[$3]) / 1e6; delete gone[$3] }' \
  "$work/events" | sort -n >"$work/drift"
drift_n=$(wc -l <"$work/drift")
drift_p50=$(median <"$work/drift")
drift_max=$(tail -1 "$work/drift")
log "drift repair over $drift_n trials: p50 ${drift_p50} ms, max ${drift_max} ms"
stop_server
clean_slate

# ---- report --------------------------------------------------------------------
ratio_ready=$(awk -v a="$berth_med" -v b="$ready_med" 'BEGIN { printf "%.2f", a / b }')
ratio_up=$(awk -v a="$berth_med" -v b="$up_med" 'BEGIN { printf "%.2f", a / b }')
compose_version=$(docker-compose version --short)
block=$(cat <<EOF
## Stacks: share-stacks up, idle resync, drift repair

Measured $(bench_now) on $(bench_machine), docker-compose ${compose_version}, load average $(bench_load), by \`bench/stack/run.sh\`. The machine is shared with other builds, so absolute times vary between runs; both runners were measured in the same run, alternately.

The stack is \`manifests/test/share-stacks.yaml\`: 10 services (real PostgreSQL 15 and Redis 7, a pg_init job running psql, 7 berth-echo stand-ins), health checks every 2 s with 10 s timeouts (\`timeout 8\` probes), the seed's health-gated order (postgres → pg_init → valkey → gpt-load/litellm/searxng → firecrawl). The compose file \`bench/stack/share-stacks.compose.yml\` has the same services in the same order with the same images, commands, health checks and \`depends_on\` conditions (\`bench/stack/compose_matches.py\` checks it before every run). Clean slate (no containers, volumes or server state) before every run.

| from a clean slate (s) | $(seq -s ' | ' 1 "$RUNS" | sed 's/[0-9]\+/run &/g') | median |
|---|$(printf -- '---:|%.0s' $(seq 1 "$RUNS"))---:|
| \`berth apply\` → \`berth wait --for=condition=Ready\` returns | $(IFS='|'; echo "${berth_times[*]}" | sed 's/|/ | /g') | **${berth_med}** |
| \`docker-compose up -d\` returns | $(IFS='|'; echo "${compose_up_times[*]}" | sed 's/|/ | /g') | ${up_med} |
| \`docker-compose up -d\` → every container healthy (pg_init exited 0) | $(IFS='|'; echo "${compose_ready_times[*]}" | sed 's/|/ | /g') | **${ready_med}** |

- berth to Ready / compose to all healthy: **${ratio_ready}** (medians). berth's figure includes two CLI processes and the status round trip through the API (\`wait\` returns when the Ready condition is written); compose's "all healthy" is polled with \`docker inspect\` every 50 ms.
- berth to Ready / \`docker-compose up -d\` returning: ${ratio_up}. \`up -d\` returns as soon as the last containers are started, before their health checks pass.

Idle resync (the stack Ready, nothing changing), \`berth serve --resync-period ${RESYNC_PERIOD}s\` over ${window} s (${RESYNCS} resyncs) minus the same stack under \`--resync-period 0s\` over the same time: **${per_resync_calls} Docker API calls** and **${per_resync_cpu} ms CPU** (user + system of the server process) per resync period. A resync period reconciles the Stack $(awk -v r="$resync_reconciles" -v q="$base_reconciles" -v n="$RESYNCS" 'BEGIN { printf "%.1f", (r - q) / n }') times (the Stack informer and the Secret informer each requeue it), ${calls_per_reconcile} Docker API calls per reconcile (list and inspect the 10 containers, list networks, inspect the external network, list and inspect volumes). Raw: ${resync_calls} calls / ${resync_cpu} s CPU / ${resync_reconciles} reconciles with resyncs, ${base_calls} calls / ${base_cpu} s CPU / ${base_reconciles} reconciles without (lease renewals, the event stream, health-check exec events being filtered). Counted by \`berth_docker_api_calls_total\` and \`berth_reconcile_total{controller="stack"}\` at \`/metrics\` and by \`/proc/<pid>/stat\`.

Drift repair: a container removed by hand (\`docker rm -f\`, ${drift_n} trials over gpt-load, litellm, searxng, playwright, firecrawl) is running again after **p50 ${drift_p50} ms, max ${drift_max} ms**, measured between the engine's \`destroy\` event and the \`start\` event of its replacement.

Reproduce: \`bench/stack/run.sh --runs ${RUNS} --trials ${TRIALS} --resyncs ${RESYNCS}\`
EOF
)
echo "$block"
repro="bench/stack/run.sh --runs ${RUNS} --trials ${TRIALS} --resyncs ${RESYNCS}"
if [ "$DOCS" = 1 ]; then
  bench_write_block stack "$block"
  log "wrote the stack block of $BENCH_DOC"
  bench_summary "| share-stacks apply → Ready, berth / \`docker-compose up -d\` → all healthy (medians) | ${berth_med} s / ${ready_med} s | **${ratio_ready}x** | \`$repro\` |"
  bench_summary "| idle resync, share-stacks (10 services): Docker API calls / CPU per resync | ${per_resync_calls} calls / ${per_resync_cpu} ms | | \`$repro\` |"
  bench_summary "| drift repair, share-stacks service \`docker rm -f\` → running, p50 / max | ${drift_p50} / ${drift_max} ms | | \`$repro\` |"
fi
