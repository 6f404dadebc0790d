#!/usr/bin/env bash
# Instance benchmark, in one run on one fleet of N Instances (default 200):
#  1. provisioning: N raw `docker run -d` (8 at a time) until all run, against
#     N `POST /provision/v1/instances` (8 clients) until every Instance is
#     Ready (container running and routed by the nginx router), same containers;
#  2. 10,000 more stored objects (Secrets, cached by the controllers'
#     informers) written through the API;
#  3. idle resync: the server restarted on the same data with a short
#     --resync-period; Docker API calls and CPU per resync, against the same
#     server with resync off (step 1-2's server);
#  4. drift repair: `docker rm -f` and `docker stop` of managed Instance
#     containers until they run again;
#  5. peak RSS (VmHWM) of both servers.
# Writes the "instance" and "fleet" blocks of docs/performance.md ($BENCH_DOC).
#   bench/instance/run.sh [--instances N] [--objects N] [--period S] [--periods K] [--trials N]
# Uses $BERTH_BIN (default: $BERTH_BUILD/bin/berth), the local test images
# (scripts/test-images) and the running dockerd. Everything it creates is
# labelled berth.dev/bench=instance and berth.dev/test=1 and removed at the end
# (leftovers of an interrupted run too).
set -euo pipefail
source "$(dirname "$0")/../../scripts/lib.sh"
source "$BERTH_ROOT/bench/lib.sh"

N=200 OBJECTS=10000 PERIOD=10 PERIODS=6 TRIALS=10 PAR=8
ARGS="$*"
while [ $# -gt 0 ]; do
  case "$1" in
    --instances) N=$2; shift 2 ;;
    --objects) OBJECTS=$2; shift 2 ;;
    --period) PERIOD=$2; shift 2 ;;
    --periods) PERIODS=$2; shift 2 ;;
    --trials) TRIALS=$2; shift 2 ;;
    [0-9]*) N=$1; shift ;;
    *) die "unknown argument $1" ;;
  esac
done
BERTH=${BERTH_BIN:-$BERTH_BUILD/bin/berth}
if [ ! -x "$BERTH" ]; then
  build
  BERTH="$BERTH_BUILD/bin/berth"
fi
ensure_dockerd
"$BERTH_ROOT/scripts/test-images" busybox nginx >/dev/null || die "building the test images failed"

now() { date +%s.%N; }
elapsed() { bench_calc "$2 - $1"; }

work=$(mktemp -d /tmp/berth-bench-instance-XXXXXX)
ns=benchinst
# A name of its own per run: dockerd (20.10) sometimes keeps a stale endpoint on a
# network whose containers were removed in parallel, and such a network cannot be
# removed until dockerd restarts; a fixed name would make every later run fail.
net=$ns-edge-$(head -c 3 /dev/urandom | od -An -tx1 | tr -d " \n")
router=$(bench_free_port)
remove_all() {
  docker ps -aq --filter label=berth.dev/bench=instance | xargs -r docker rm -f >/dev/null 2>&1 || true
  docker network ls -q --filter label=berth.dev/bench=instance | xargs -r docker network rm >/dev/null 2>&1 || true
}
events_pid=""
cleanup() {
  [ -n "$events_pid" ] && kill "$events_pid" 2>/dev/null || true
  bench_serve_stop
  remove_all
  rm -rf "$work"
}
trap cleanup EXIT
remove_all   # leftovers of an interrupted run

cmd='INSTANCE_ID="$BERTH_USER" exec berth-echo 8080'

# ---- 1a. raw docker run ------------------------------------------------------
log "raw: $N x docker run -d, $PAR at a time"
docker network create --label berth.dev/bench=instance --label berth.dev/test=1 "$net" >/dev/null
for i in $(seq 0 $((N - 1))); do mkdir -p "$work/raw/$i/data" "$work/raw/$i/config"; done
t0=$(now)
seq 0 $((N - 1)) | xargs -P "$PAR" -I{} docker run -d --name "benchraw-{}" --network "$net" \
  --hostname "raw{}" --label berth.dev/bench=instance --label berth.dev/test=1 \
  --restart unless-stopped --memory 64m \
  -e BERTH_USER=raw{} -e BERTH_ECHO_CONFIG=/app/config/config.json \
  -v "$work/raw/{}/data:/app/runtime/data" -v "$work/raw/{}/config:/app/config:ro" \
  berth-test/busybox:1 sh -c "$cmd" >/dev/null
t1=$(now)
running=$(docker ps -q --filter label=berth.dev/bench=instance --filter status=running | wc -l)
[ "$running" -eq "$N" ] || die "raw: only $running of $N containers run"
raw_s=$(elapsed "$t0" "$t1")
log "raw: $N running in ${raw_s}s"
remove_all

# ---- 1b. berth: provisioning API ---------------------------------------------
data=$work/data
bench_serve_start "$data" --no-leader-elect --provision-namespace "$ns" \
  --provision-template beaver/app --resync-period 0s
serve1_pid=$SERVE_PID
"$BERTH" apply -f - >/dev/null <<EOF
apiVersion: berth.dev/v1alpha1
kind: Stack
metadata: {name: beaver, namespace: $ns}
spec:
  networks:
    edge: {name: $net, labels: {berth.dev/bench: instance, berth.dev/test: "1"}}
  router: {service: router-proxy, network: edge, baseDomain: localhost, publicPort: $router, listenPort: 8088}
  services:
    router-proxy:
      image: berth-test/nginx:1
      ports: ["127.0.0.1:$router:8088"]
      networks: [edge]
      labels: {berth.dev/bench: instance, berth.dev/test: "1"}
  instanceTemplates:
    app:
      image: berth-test/busybox:1
      command: ["sh", "-c", '$cmd']
      port: 8080
      env: {BERTH_ECHO_CONFIG: /app/config/config.json}
      dataPath: /app/runtime/data
      configPath: /app/config/config.json
      labels: {berth.dev/bench: instance, berth.dev/test: "1"}
      resources: {memory: 64m}
EOF
"$BERTH" wait --for=condition=Ready stack/beaver -n "$ns" --timeout=300s >/dev/null \
  || die "the bench Stack did not become Ready; see $data/serve.log"

ready_count() {
  curl -fs -H "Authorization: Bearer $SERVE_TOKEN" "http://127.0.0.1:$SERVE_PORT/provision/v1/instances" |
    python3 -c 'import json,sys; print(sum(1 for i in json.load(sys.stdin)["items"] if i["ready"]))'
}
# wait_ready LIMIT_S: until all N Instances are Ready.
wait_ready() {
  local ready=0 end=$(( $(date +%s) + $1 ))
  while [ "$(date +%s)" -lt "$end" ]; do
    ready=$(ready_count || echo 0)
    [ "$ready" -eq "$N" ] && return 0
    sleep 0.2
  done
  die "only $ready of $N Instances Ready; see $data/serve.log"
}

log "berth: provisioning $N Instances through the API"
t0=$(now)
seq 0 $((N - 1)) | xargs -P "$PAR" -I{} curl -fs -o /dev/null -H "Authorization: Bearer $SERVE_TOKEN" \
  -H 'Content-Type: application/json' -d '{"user": "bench{}"}' \
  "http://127.0.0.1:$SERVE_PORT/provision/v1/instances"
t_api=$(now)
wait_ready 1800
t1=$(now)
berth_s=$(elapsed "$t0" "$t1")
api_s=$(elapsed "$t0" "$t_api")
body=$(curl -fs -H "Host: bench$((N - 1)).localhost" "http://127.0.0.1:$router/")
echo "$body" | grep -q "instance=bench$((N - 1))" || die "bench$((N - 1)) does not answer through the router"
ratio=$(bench_calc "$berth_s / $raw_s")
log "berth: $N Ready in ${berth_s}s (API calls done after ${api_s}s); raw ${raw_s}s; ratio $ratio"

# ---- 2. 10,000 more stored objects -------------------------------------------
log "writing $OBJECTS Secrets through the API (4 clients)"
t0=$(now)
python3 - "$SERVE_PORT" "$SERVE_TOKEN" "$ns" "$OBJECTS" <<'EOF' || die "writing the objects failed"
import http.client, json, sys, threading
port, token, ns, total = int(sys.argv[1]), sys.argv[2], sys.argv[3], int(sys.argv[4])
path = f"/apis/berth.dev/v1alpha1/namespaces/{ns}/secrets"
errors = []
def client(k):
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    for i in range(k, total, 4):
        body = json.dumps({"apiVersion": "berth.dev/v1alpha1", "kind": "Secret",
                           "metadata": {"name": f"bench-{i}", "labels": {"bench": "fleet"}},
                           "stringData": {"api-key": f"sk-bench-{i:08d}-0123456789abcdef"}})
        c.request("POST", path, body, {"Authorization": "Bearer " + token,
                                       "Content-Type": "application/json"})
        r = c.getresponse()
        r.read()
        if r.status not in (201, 409):
            errors.append(f"{r.status} for bench-{i}")
            return
threads = [threading.Thread(target=client, args=(k,)) for k in range(4)]
for t in threads: t.start()
for t in threads: t.join()
if errors:
    sys.exit(errors[0])
EOF
t1=$(now)
objects_s=$(elapsed "$t0" "$t1")
log "$OBJECTS Secrets in ${objects_s}s"

# count_objects: every object the store holds, by kind ("Secret=10000 ...") and in total.
count_objects() {
  python3 - "$SERVE_PORT" "$SERVE_TOKEN" <<'EOF'
import http.client, json, sys
port, token = int(sys.argv[1]), sys.argv[2]
c = http.client.HTTPConnection("127.0.0.1", port, timeout=300)
parts, total = [], 0
for kind, plural in [("Stack", "stacks"), ("Instance", "instances"), ("Secret", "secrets"),
                     ("Provider", "providers"), ("Event", "events"), ("GpuNode", "gpunodes")]:
    c.request("GET", f"/apis/berth.dev/v1alpha1/{plural}", headers={"Authorization": "Bearer " + token})
    r = c.getresponse()
    n = len(json.loads(r.read()).get("items", [])) if r.status == 200 else 0
    total += n
    if n:
        parts.append(f"{n:,} {kind}s")
print(f"{total:,} objects ({', '.join(parts)})")
EOF
}

# activity: Docker API calls + reconciles so far (changes whenever berth works).
activity() {
  echo $(( $(bench_metric berth_docker_api_calls_total) + $(bench_metric berth_reconcile_total) ))
}
# wait_quiet: until berth did nothing for 3 s in a row (no Docker call, no
# reconcile), at most 180 s (a resync burst longer than the period never ends).
wait_quiet() {
  local calm=0 last now i
  last=$(activity)
  for i in $(seq 1 180); do
    sleep 1
    now=$(activity)
    if [ "$now" = "$last" ]; then
      calm=$((calm + 1))
      [ "$calm" -ge 3 ] && return 0
    else
      calm=0
    fi
    last=$now
  done
  log "warning: berth was never idle for 3 s within 180 s"
}

# counters: "<docker calls> <cpu s> <reconciles of instance> <instance-router> <stack> <provider>".
counters() {
  local c
  echo -n "$(bench_metric berth_docker_api_calls_total) $(bench_cpu_seconds "$SERVE_PID")"
  for c in instance instance-router stack provider; do
    echo -n " $(bench_metric berth_reconcile_total "controller=\"$c\"")"
  done
  echo
}
# idle_window SECONDS: the counters' increase over that many seconds.
idle_window() {
  local a b
  a=$(counters)
  sleep "$1"
  b=$(counters)
  paste -d' ' <(tr ' ' '\n' <<<"$a") <(tr ' ' '\n' <<<"$b") |
    awk '{ printf "%s%s", (NR > 1 ? " " : ""), ($2 - $1 == int($2 - $1) ? $2 - $1 : sprintf("%.2f", $2 - $1)) } END { print "" }'
}

# ---- 3a. idle without resync (server 1) --------------------------------------
wait_quiet
stored=$(count_objects)
log "stored: $stored"
window=$((PERIOD * PERIODS))
read -r base_calls base_cpu base_inst base_router base_stack base_prov < <(idle_window "$window")
log "idle, no resync, ${window}s: $base_calls Docker calls, ${base_cpu}s CPU, reconciles: $base_inst instance, $base_router router, $base_stack stack, $base_prov provider"
hwm1=$(bench_rss_mib "$serve1_pid" VmHWM)
rss1=$(bench_rss_mib "$serve1_pid" VmRSS)
bench_serve_stop

# ---- 3b. idle with --resync-period (server 2, same data) ---------------------
t0=$(now)
bench_serve_start "$data" --no-leader-elect --provision-namespace "$ns" \
  --provision-template beaver/app --resync-period "${PERIOD}s"
t_ready=$(now)
until [ "$(bench_metric berth_reconcile_total 'controller="instance"')" -ge "$N" ]; do sleep 0.2; done
t_adopted=$(now)
restart_ready_s=$(elapsed "$t0" "$t_ready")
restart_adopt_s=$(elapsed "$t0" "$t_adopted")
log "restart: /readyz after ${restart_ready_s}s, every Instance reconciled after ${restart_adopt_s}s"
wait_ready 600
wait_quiet
read -r rs_calls rs_cpu rs_inst rs_router rs_stack rs_prov < <(idle_window "$window")
log "idle, resync every ${PERIOD}s, ${window}s: $rs_calls Docker calls, ${rs_cpu}s CPU, reconciles: $rs_inst instance, $rs_router router, $rs_stack stack, $rs_prov provider"
per_calls=$(bench_calc "($rs_calls - $base_calls) / $PERIODS" 1)
per_cpu_ms=$(bench_calc "($rs_cpu - $base_cpu) * 1000 / $PERIODS" 0)
per_inst=$(bench_calc "($rs_inst - $base_inst) / $PERIODS" 1)
per_stack=$(bench_calc "($rs_stack - $base_stack) / $PERIODS" 1)
per_router=$(bench_calc "($rs_router - $base_router) / $PERIODS" 1)
per_prov=$(bench_calc "($rs_prov - $base_prov) / $PERIODS" 1)
calls_per_inst=$(bench_calc "($rs_calls - $base_calls) / ($rs_inst > $base_inst ? $rs_inst - $base_inst : 1)" 2)

# ---- 4. drift repair -----------------------------------------------------------
docker events --filter label=berth.dev/bench=instance --filter type=container \
  --format '{{.TimeNano}} {{.Action}} {{index .Actor.Attributes "name"}}' >"$work/events" &
events_pid=$!
sleep 1
: >"$work/trials"
for i in $(seq 1 "$TRIALS"); do
  for action in rm stop; do
    v=berth_${ns}_bench$(( (RANDOM * 32768 + RANDOM) % N ))
    t0=$(date +%s%N)
    if [ "$action" = rm ]; then docker rm -f "$v" >/dev/null; else docker stop -t 1 "$v" >/dev/null; fi
    echo "$action $v $t0" >>"$work/trials"
    end=$(( $(date +%s) + 120 ))
    until [ "$(docker inspect -f '{{.State.Running}}' "$v" 2>/dev/null)" = true ]; do
      [ "$(date +%s)" -lt "$end" ] || die "$v did not come back within 120 s after docker $action"
      sleep 0.02
    done
    sleep 0.5
  done
done
sleep 1
kill "$events_pid" 2>/dev/null || true
wait "$events_pid" 2>/dev/null || true
events_pid=""
# Per trial: action -> start of the container again, and engine's destroy/die -> start.
python3 - "$work/trials" "$work/events" "$work/drift" <<'EOF'
import sys
trials = [l.split() for l in open(sys.argv[1])]
events = [l.split() for l in open(sys.argv[2]) if len(l.split()) == 3]
out = open(sys.argv[3], "w")
for action, name, t0 in trials:
    t0 = int(t0)
    gone_kind = "destroy" if action == "rm" else "die"
    gone = next((int(t) for t, a, n in events if n == name and a == gone_kind and int(t) >= t0), None)
    start = next((int(t) for t, a, n in events if n == name and a == "start" and int(t) > t0), None)
    if start is None or gone is None:
        continue
    out.write(f"{action} {(start - t0) / 1e6:.0f} {(start - gone) / 1e6:.0f}\n")
EOF
drift() {  # drift ACTION COLUMN PCT
  awk -v a="$1" -v c="$2" '$1 == a { print $c }' "$work/drift" | bench_pct "$3"
}
rm_n=$(awk '$1 == "rm"' "$work/drift" | wc -l)
stop_n=$(awk '$1 == "stop"' "$work/drift" | wc -l)
rm_p50=$(drift rm 2 50) rm_max=$(drift rm 2 100) rm_r50=$(drift rm 3 50) rm_rmax=$(drift rm 3 100)
st_p50=$(drift stop 2 50) st_max=$(drift stop 2 100) st_r50=$(drift stop 3 50) st_rmax=$(drift stop 3 100)
log "drift: rm -f p50 ${rm_p50} ms max ${rm_max} ms; stop p50 ${st_p50} ms max ${st_max} ms"

# ---- 5. peak RSS -----------------------------------------------------------------
wait_quiet
hwm2=$(bench_rss_mib "$SERVE_PID" VmHWM)
rss2=$(bench_rss_mib "$SERVE_PID" VmRSS)
log "peak RSS: ${hwm1} MiB (server 1), ${hwm2} MiB (server 2)"
bench_serve_stop

# ---- report ------------------------------------------------------------------------
machine=$(bench_machine)
when=$(bench_now)
repro="bench/instance/run.sh --instances $N --objects $OBJECTS --period $PERIOD --periods $PERIODS --trials $TRIALS"
bench_write_block instance "$(cat <<EOF
## Provisioning Instances

Measured $when on $machine, load average $(bench_load), by \`$repro\`.

| what | $N containers | per container |
|---|---:|---:|
| raw \`docker run -d\`, $PAR at a time, until all run | ${raw_s} s | $(bench_calc "$raw_s / $N * 1000" 0) ms |
| berth: \`POST /provision/v1/instances\` ($PAR clients) until all Ready | ${berth_s} s | $(bench_calc "$berth_s / $N * 1000" 0) ms |
| berth / raw | **${ratio}x** | |

- Same containers on both sides: \`berth-test/busybox:1\` running \`berth-echo 8080\`, one network, a data and a config bind mount, 64 MiB memory limit, restart unless-stopped; no health check (Ready then means running and routed).
- berth's side includes what the raw side does not do: admission (slug, template, quota), one SQLite write per Instance plus status writes, a data and config directory per Instance, and a conf.d file per Instance checked with \`nginx -t\` and loaded with \`nginx -s reload\` in the router container (changes arriving together share one check and one reload). The API calls themselves were done after ${api_s} s.
- Ready is read from \`GET /provision/v1/instances\` every 0.2 s; the last Instance then answers through the router with its own identity.
EOF
)"
bench_write_block fleet "$(cat <<EOF
## A fleet of $N Instances: idle resync, drift repair, memory

Measured $when on $machine, load average $(bench_load), by \`$repro\`, on the $N Instances provisioned above plus $OBJECTS Secrets written through the API (4 clients, ${objects_s} s). The store then held $stored.

**Idle resync.** Nothing changing; the server's own counters at \`/metrics\` (\`berth_docker_api_calls_total\`, \`berth_reconcile_total\`) and its CPU time (user + system, \`/proc/<pid>/stat\`) over ${window} s:

| server | Docker API calls | CPU (s) | reconciles: Instance | router | Stack | Provider |
|---|---:|---:|---:|---:|---:|---:|
| \`--resync-period 0s\` (no resync) | $base_calls | $base_cpu | $base_inst | $base_router | $base_stack | $base_prov |
| \`--resync-period ${PERIOD}s\` ($PERIODS resyncs) | $rs_calls | $rs_cpu | $rs_inst | $rs_router | $rs_stack | $rs_prov |
| **per resync** (difference / $PERIODS) | **$per_calls** | **$(bench_calc "$per_cpu_ms / 1000" 3)** | $per_inst | $per_router | $per_stack | $per_prov |

- One idle resync of $N Instances costs **$per_calls Docker API calls** ($calls_per_inst per Instance reconcile) and **$per_cpu_ms ms of CPU**. At the default \`--resync-period 5m\` that is $(bench_calc "$per_cpu_ms / 300 / 10" 2) % of one core.
- The resync server is the first one restarted on the same data dir and store: /readyz answered after ${restart_ready_s} s, and every Instance had been reconciled (adopted, nothing recreated) ${restart_adopt_s} s after the start.

**Drift repair.** $TRIALS trials each of \`docker rm -f\` and \`docker stop -t 1\` of a random managed Instance container (the app is PID 1 and ignores SIGTERM, so \`stop\` kills it after 1 s); times from the engine's events:

| action | trials | action → running again, p50 (ms) | max (ms) | gone (\`destroy\` / \`die\`) → running, p50 (ms) | max (ms) |
|---|---:|---:|---:|---:|---:|
| \`docker rm -f\` | $rm_n | **$rm_p50** | $rm_max | $rm_r50 | $rm_rmax |
| \`docker stop -t 1\` | $stop_n | **$st_p50** | $st_max | $st_r50 | $st_rmax |

"action" is the moment the bench ran the command; "gone" the engine's \`destroy\` (rm) or \`die\` (stop) event. berth notices through the Docker event stream, recreates (rm) or starts (stop) the container with the same spec, and the router needs no change.

**Memory.** Peak resident set (VmHWM of \`/proc/<pid>/status\`) of \`berth serve\`:

| server | peak RSS (MiB) | RSS at the end (MiB) |
|---|---:|---:|
| 1: provisioned the $N Instances, then took the $OBJECTS Secrets | **$hwm1** | $rss1 |
| 2: restarted on that store ($stored), $PERIODS resyncs, $((TRIALS * 2)) drift repairs | **$hwm2** | $rss2 |
EOF
)"
bench_summary "| provision $N Instances to Ready (berth / raw \`docker run\`) | ${berth_s} s / ${raw_s} s | **${ratio}x** | \`$repro\` |"
bench_summary "| idle resync, $N Instances: Docker API calls / CPU per resync | $per_calls calls / $per_cpu_ms ms | | \`$repro\` |"
bench_summary "| drift repair, \`docker rm -f\` → running, p50 / max | $rm_p50 / $rm_max ms | | \`$repro\` |"
bench_summary "| drift repair, \`docker stop -t 1\` → running, p50 / max | $st_p50 / $st_max ms | | \`$repro\` |"
bench_summary "| peak RSS of \`berth serve\`, $N Instances + $OBJECTS stored Secrets | $hwm1 MiB (provisioning), $hwm2 MiB (restarted) | | \`$repro\` |"
log "wrote the instance and fleet blocks of $BENCH_DOC"
