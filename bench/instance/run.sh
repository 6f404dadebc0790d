#!/usr/bin/env bash
# Provisioning N Instances (default 200) through berth's provisioning API until
# every one is Ready (container running and routed by the nginx router),
# against N raw `docker run -d` of the same containers (same image, command,
# network, env, mounts and memory limit; 8 at a time, as berth's Instance
# workers), in one run; writes the instance block of docs/performance.md.
#   bench/instance/run.sh [N]
# Uses $BERTH_BIN (default: $BERTH_BUILD/bin/berth), the local test images
# (scripts/test-images) and the running dockerd. Everything it creates is
# labelled berth.dev/bench=instance and removed at the end.
set -euo pipefail
source "$(dirname "$0")/../../scripts/lib.sh"

N=${1:-200}
PAR=8
BERTH=${BERTH_BIN:-$BERTH_BUILD/bin/berth}
if [ ! -x "$BERTH" ]; then
  build
  BERTH="$BERTH_BUILD/bin/berth"
fi
ensure_dockerd
"$BERTH_ROOT/scripts/test-images" busybox nginx >/dev/null || die "building the test images failed"

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
now() { date +%s.%N; }
elapsed() { python3 -c "print(f'{$2 - $1:.2f}')"; }

work=$(mktemp -d /tmp/berth-bench-instance-XXXXXX)
ns=benchinst
net=$ns-edge
api=$(free_port)
router=$(free_port)
server_pid=""
cleanup() {
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null || true
  docker ps -aq --filter label=berth.dev/bench=instance | xargs -r docker rm -f >/dev/null 2>&1 || true
  docker network ls -q --filter label=berth.dev/bench=instance | xargs -r docker network rm >/dev/null 2>&1 || true
  docker network rm "$net" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT
cleanup_leftovers() {
  docker ps -aq --filter label=berth.dev/bench=instance | xargs -r docker rm -f >/dev/null 2>&1 || true
  docker network rm "$net" >/dev/null 2>&1 || true
}
cleanup_leftovers

cmd='INSTANCE_ID="$BERTH_USER" exec berth-echo 8080'

# ---- raw docker run ------------------------------------------------------
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
docker ps -aq --filter label=berth.dev/bench=instance | xargs -r docker rm -f >/dev/null
docker network rm "$net" >/dev/null

# ---- berth ---------------------------------------------------------------
"$BERTH" serve --data-dir "$work/data" --listen "127.0.0.1:$api" --no-leader-elect \
  --provision-namespace "$ns" --provision-template beaver/app --log-level warn \
  >"$work/serve.log" 2>&1 &
server_pid=$!
for _ in $(seq 600); do
  curl -fs "http://127.0.0.1:$api/readyz" >/dev/null 2>&1 && [ -s "$work/data/admin.token" ] && break
  sleep 0.1
done
token=$(cat "$work/data/admin.token")
export BERTH_SERVER="http://127.0.0.1:$api" BERTH_TOKEN="$token"

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
for _ in $(seq 1200); do
  phase=$("$BERTH" get stack beaver -n "$ns" -o json 2>/dev/null | python3 -c 'import json,sys; print(json.load(sys.stdin).get("status",{}).get("phase",""))' || true)
  [ "$phase" = Ready ] && break
  sleep 0.1
done
[ "$phase" = Ready ] || die "the bench Stack did not become Ready"

log "berth: provisioning $N Instances through the API"
ready_count() {
  curl -fs -H "Authorization: Bearer $token" "http://127.0.0.1:$api/provision/v1/instances" |
    python3 -c 'import json,sys; print(sum(1 for i in json.load(sys.stdin)["items"] if i["ready"]))'
}
t0=$(now)
seq 0 $((N - 1)) | xargs -P "$PAR" -I{} curl -fs -o /dev/null -H "Authorization: Bearer $token" \
  -H 'Content-Type: application/json' -d '{"user": "bench{}"}' \
  "http://127.0.0.1:$api/provision/v1/instances"
t_api=$(now)
ready=0
for _ in $(seq 6000); do
  ready=$(ready_count || echo 0)
  [ "$ready" -eq "$N" ] && break
  sleep 0.2
done
t1=$(now)
[ "$ready" -eq "$N" ] || die "berth: only $ready of $N Instances Ready; see $work/serve.log"
berth_s=$(elapsed "$t0" "$t1")
api_s=$(elapsed "$t0" "$t_api")
body=$(curl -fs -H "Host: bench$((N - 1)).localhost" "http://127.0.0.1:$router/")
echo "$body" | grep -q "instance=bench$((N - 1))" || die "bench$((N - 1)) does not answer through the router"
ratio=$(python3 -c "print(f'{$berth_s / $raw_s:.2f}')")
log "berth: $N Ready in ${berth_s}s (API calls done after ${api_s}s); raw ${raw_s}s; ratio $ratio"

cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')
dockerv=$(docker version -f '{{.Server.Version}}')
date_utc=$(date -u '+%Y-%m-%d %H:%M UTC')
block=$(cat <<EOF
<!-- instance:begin -->
## Provisioning Instances

Measured $date_utc on $(nproc) CPUs ($cpu), Linux $(uname -r), Docker $dockerv, by \`bench/instance/run.sh $N\`.

| what | $N containers | per container |
|---|---:|---:|
| raw \`docker run -d\`, $PAR at a time, until all run | ${raw_s} s | $(python3 -c "print(f'{$raw_s / $N * 1000:.0f}')") ms |
| berth: \`POST /provision/v1/instances\` ($PAR clients) until all Ready | ${berth_s} s | $(python3 -c "print(f'{$berth_s / $N * 1000:.0f}')") ms |
| berth / raw | **${ratio}x** | |

- Same containers on both sides: \`berth-test/busybox:1\` running \`berth-echo 8080\`, one network, a data and a config bind mount, 64 MiB memory limit, restart unless-stopped; no health check (Ready then means running and routed).
- berth's side includes what the raw side does not do: admission (slug, template, quota), one SQLite write per Instance plus status writes, a data and config directory per Instance, and a conf.d file per Instance checked with \`nginx -t\` and loaded with \`nginx -s reload\` in the router container (changes arriving together share one check and one reload). The API calls themselves were done after ${api_s} s.
- Ready is read from \`GET /provision/v1/instances\` every 0.2 s; the last Instance then answers through the router with its own identity.
<!-- instance:end -->
EOF
)
python3 - "$BERTH_ROOT/docs/performance.md" "$block" <<'PY'
import sys
path, block = sys.argv[1], sys.argv[2]
try:
    doc = open(path).read()
except FileNotFoundError:
    doc = "# Performance\n"
b, e = doc.find("<!-- instance:begin -->"), doc.find("<!-- instance:end -->")
if b >= 0 and e >= 0:
    doc = doc[:b] + block + doc[e + len("<!-- instance:end -->"):]
else:
    doc = doc.rstrip("\n") + "\n\n" + block + "\n"
open(path, "w").write(doc)
PY
log "wrote the instance block of docs/performance.md"
