#!/bin/sh
# Entrypoint of berth-test/postgres:15: the parts of the official postgres
# image's entrypoint that berth's seeds rely on.
#  - "-c x=y ..." means "postgres -c x=y ...".
#  - As root: prepares $PGDATA and the socket directory, then re-runs itself as
#    the postgres user.
#  - On an empty $PGDATA (default /var/lib/postgresql/data): initdb with
#    POSTGRES_USER (default postgres) and POSTGRES_PASSWORD, creates
#    POSTGRES_DB (default $POSTGRES_USER), runs /docker-entrypoint-initdb.d/*
#    (.sh, .sql, .sql.gz), allows password logins from anywhere
#    (POSTGRES_HOST_AUTH_METHOD, default scram-sha-256) and listens on all
#    interfaces. Every POSTGRES_* variable may instead name a file in
#    <NAME>_FILE (berth injects secrets that way).
set -eu

# file_env VAR [DEFAULT]: sets VAR from $VAR or from the file named by $VAR_FILE.
file_env() {
  _var=$1
  _fvar="${1}_FILE"
  _def=${2:-}
  eval "_val=\${$_var:-}"
  eval "_fval=\${$_fvar:-}"
  if [ -n "$_val" ] && [ -n "$_fval" ]; then
    echo "error: both $_var and $_fvar are set (but are exclusive)" >&2
    exit 1
  fi
  if [ -n "$_fval" ]; then
    _val=$(cat "$_fval")
  fi
  [ -n "$_val" ] || _val=$_def
  export "$_var=$_val"
  unset "$_fvar"
}

run_psql() {
  psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --no-password --no-psqlrc "$@"
}

if [ "${1#-}" != "$1" ]; then
  set -- postgres "$@"
fi
PGDATA=${PGDATA:-/var/lib/postgresql/data}
export PGDATA

if [ "$1" = postgres ] && [ "$(id -u)" = 0 ]; then
  mkdir -p "$PGDATA" /var/run/postgresql
  chown postgres:postgres "$PGDATA" /var/run/postgresql
  chmod 700 "$PGDATA"
  chmod 3777 /var/run/postgresql
  # shellcheck disable=SC2016 # expanded by the postgres user's shell
  exec su -p -s /bin/sh postgres -c 'exec "$0" "$@"' "$0" "$@"
fi

if [ "$1" = postgres ] && [ ! -s "$PGDATA/PG_VERSION" ]; then
  file_env POSTGRES_PASSWORD
  file_env POSTGRES_USER postgres
  file_env POSTGRES_DB "$POSTGRES_USER"
  file_env POSTGRES_INITDB_ARGS
  auth=${POSTGRES_HOST_AUTH_METHOD:-scram-sha-256}
  if [ -z "$POSTGRES_PASSWORD" ] && [ "$auth" != trust ]; then
    cat >&2 <<'EOM'
Error: Database is uninitialized and superuser password is not specified.
       Set POSTGRES_PASSWORD (or POSTGRES_PASSWORD_FILE) to a non-empty value,
       or POSTGRES_HOST_AUTH_METHOD=trust to allow connections without one.
EOM
    exit 1
  fi
  mkdir -p "$PGDATA"
  chmod 700 "$PGDATA"
  pwfile=$(mktemp)
  printf '%s\n' "$POSTGRES_PASSWORD" >"$pwfile"
  # shellcheck disable=SC2086 # POSTGRES_INITDB_ARGS is a word list
  initdb --username="$POSTGRES_USER" --pwfile="$pwfile" --encoding=UTF8 --locale=C.UTF-8 \
    $POSTGRES_INITDB_ARGS -D "$PGDATA"
  rm -f "$pwfile"
  printf '\nhost all all all %s\n' "$auth" >>"$PGDATA/pg_hba.conf"
  printf "\nlisten_addresses = '*'\n" >>"$PGDATA/postgresql.conf"

  # The temporary server listens on a private socket only, so that pg_isready
  # health checks do not pass before the real server is up.
  PGHOST=$(mktemp -d)
  export PGHOST
  pg_ctl -D "$PGDATA" -o "-c listen_addresses='' -c unix_socket_directories=$PGHOST -p 5432" -w start
  export PGPASSWORD="$POSTGRES_PASSWORD"
  if [ "$POSTGRES_DB" != postgres ]; then
    echo "CREATE DATABASE :\"db\";" | run_psql --dbname postgres --set db="$POSTGRES_DB"
  fi
  for f in /docker-entrypoint-initdb.d/*; do
    case "$f" in
      *.sh)
        echo "$0: running $f"
        # shellcheck disable=SC1090 # init scripts are the user's
        if [ -x "$f" ]; then "$f"; else . "$f"; fi
        ;;
      *.sql)
        echo "$0: running $f"
        run_psql --dbname "$POSTGRES_DB" -f "$f"
        ;;
      *.sql.gz)
        echo "$0: running $f"
        gunzip -c "$f" | run_psql --dbname "$POSTGRES_DB"
        ;;
      *) ;;
    esac
  done
  pg_ctl -D "$PGDATA" -m fast -w stop
  rmdir "$PGHOST" 2>/dev/null || true
  unset PGPASSWORD PGHOST
  echo "PostgreSQL init process complete; ready for start up."
fi

exec "$@"
