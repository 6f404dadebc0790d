# Shared shell functions for berth's scripts. Source it; do not run it.
# Every function is idempotent: safe on a fresh machine and on one where an
# earlier run already installed, started or built things.

BERTH_ROOT=${BERTH_ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}
BERTH_BUILD=${BERTH_BUILD:-$BERTH_ROOT/build}

log() { printf '\033[1m[berth]\033[0m %s\n' "$*" >&2; }
die() { printf '\033[1;31m[berth] error:\033[0m %s\n' "$*" >&2; exit 1; }

# Packages needed to build berth and run it.
BERTH_BUILD_PACKAGES=(build-essential cmake ninja-build ccache pkg-config git curl
  libcpprest-dev libssl-dev nlohmann-json3-dev libyaml-cpp-dev libyaml-dev libspdlog-dev libfmt-dev
  libsqlite3-dev libpqxx-dev libpq-dev libcurl4-openssl-dev libcli11-dev libgit2-dev
  libgtest-dev libgmock-dev googletest docker.io)
# Extra packages the test suite and benchmarks use: real servers and tools.
BERTH_TEST_PACKAGES=(postgresql postgresql-client nginx busybox-static redis-server
  docker-compose docker-registry clang clang-format clang-tidy libclang-rt-14-dev
  sqlite3 iproute2 procps psmisc util-linux e2fsprogs apache2-utils binutils)

# ensure_packages PKG... : apt-get installs the packages that are missing.
ensure_packages() {
  local missing=()
  local p
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  [ "$(id -u)" -eq 0 ] || die "missing packages (${missing[*]}); run as root or install them"
  log "installing: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq || log "apt-get update failed; trying with the cached lists"
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null \
    || die "apt-get install failed for: ${missing[*]}"
}

# ensure_kubectl: any kubectl on PATH will do; otherwise Debian's small client.
ensure_kubectl() {
  command -v kubectl >/dev/null 2>&1 && return 0
  ensure_packages kubernetes-client
}

docker_ping() {
  curl -sf --max-time 2 --unix-socket /var/run/docker.sock http://localhost/_ping >/dev/null 2>&1
}

# ensure_dockerd: uses the engine that answers, or starts dockerd and waits.
ensure_dockerd() {
  docker_ping && return 0
  command -v dockerd >/dev/null 2>&1 || ensure_packages docker.io
  [ "$(id -u)" -eq 0 ] || die "no Docker engine answers and only root can start dockerd"
  log "starting dockerd (log: /var/log/berth-dockerd.log)"
  # A stale pid file from a killed engine stops a new one from starting.
  if [ -f /var/run/docker.pid ] && ! kill -0 "$(cat /var/run/docker.pid)" 2>/dev/null; then
    rm -f /var/run/docker.pid
  fi
  setsid nohup dockerd >>/var/log/berth-dockerd.log 2>&1 </dev/null &
  local i
  for i in $(seq 1 120); do
    docker_ping && { log "dockerd is up"; return 0; }
    sleep 0.5
  done
  tail -20 /var/log/berth-dockerd.log >&2
  die "dockerd did not answer on /var/run/docker.sock within 60s"
}

# The one build configuration of scripts/run, scripts/test and scripts/bench:
# -O2 without debug info (-g makes the nlohmann/cpprestsdk-heavy translation
# units about a fifth slower to compile on CI's two cores), warnings as errors.
BERTH_CMAKE_ARGS=(-G Ninja -DCMAKE_BUILD_TYPE=Release -DCMAKE_CXX_FLAGS_RELEASE="-O2 -DNDEBUG"
                  -DCMAKE_C_FLAGS_RELEASE="-O2 -DNDEBUG" -DBERTH_WERROR=ON)

# ccache_env: the one ccache configuration of every build. Paths under the
# checkout are hashed relative to it, so a second clone or worktree (a
# fresh-clone check, a bench tree) reuses what the first one compiled.
ccache_env() {
  export CCACHE_DIR=${CCACHE_DIR:-$HOME/.cache/berth-ccache}
  export CCACHE_MAXSIZE=${CCACHE_MAXSIZE:-5G}
  export CCACHE_BASEDIR=${CCACHE_BASEDIR:-$BERTH_ROOT}
}

# build [extra cmake args...]: configures once, builds incrementally with ccache.
build() {
  ccache_env
  if [ ! -f "$BERTH_BUILD/build.ninja" ]; then
    cmake -S "$BERTH_ROOT" -B "$BERTH_BUILD" "${BERTH_CMAKE_ARGS[@]}" "$@" >/dev/null \
      || die "cmake configure failed"
  fi
  log "building in $BERTH_BUILD"
  cmake --build "$BERTH_BUILD" -j "$(nproc)" || die "build failed"
}
