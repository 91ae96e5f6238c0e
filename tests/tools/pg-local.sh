#!/usr/bin/env bash
# A throwaway PostgreSQL for tests: initdb in DIR as an unprivileged user, no TCP at all, the
# Unix socket in DIR.   pg-local.sh start DIR [USER]  -> prints the libpq connection string
#                       pg-local.sh stop DIR [USER]
set -euo pipefail
BIN=${PG_BIN:-/usr/lib/postgresql/15/bin}
cmd=$1 dir=$2 user=${3:-nobody}
as() { runuser -u "$user" -- "$@"; }
case $cmd in
start)
    mkdir -p "$dir"
    chown "$user" "$dir"
    as "$BIN/initdb" -D "$dir/data" -A trust -U "$user" --no-sync >"$dir/initdb.log" 2>&1
    as "$BIN/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 30 \
        -o "-c listen_addresses='' -k $dir -c fsync=off -c max_connections=50" start >/dev/null
    echo "host=$dir dbname=postgres user=$user"
    ;;
stop)
    as "$BIN/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 || true
    ;;
*) echo "usage: $0 start|stop DIR [USER]" >&2; exit 2 ;;
esac
