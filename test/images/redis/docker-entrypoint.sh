#!/bin/sh
# Entrypoint of berth-test/redis:7 (Debian's redis-server as a Valkey stand-in).
# Like the official image: "-x ..." or "x.conf ..." means redis-server with
# those arguments, and the server is reachable from other containers without
# a password unless the arguments say otherwise (protected mode off).
set -e
if [ "${1#-}" != "$1" ] || [ "${1%.conf}" != "$1" ]; then
  set -- redis-server "$@"
fi
case "$1" in
  redis-server|valkey-server)
    cmd=$1
    shift
    if [ $# -ge 1 ] && [ "${1#-}" = "$1" ]; then
      conf=$1
      shift
      set -- "$cmd" "$conf" --protected-mode no "$@"
    else
      set -- "$cmd" --protected-mode no "$@"
    fi
    ;;
esac
exec "$@"
