#!/usr/bin/env bash
# The HTTP stage's engine against local nginx (issue #4's speed figure): N endpoints at
# concurrency C, plain HTTP, on loopback (kernel sockets, nothing leaves the machine).
# Prints endpoints/s and the peak RSS next to the bound concurrency x (max-body + 64 KiB headers).
#   bench/http_stage.sh [N=20000] [C=1000]
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-20000}
C=${2:-1000}
PORT=${XSWEEP_BENCH_HTTP_PORT:-28650}
MAX_BODY=65536
command -v nginx >/dev/null || { echo "bench/http_stage.sh: nginx is not installed" >&2; exit 1; }
[ -f build/release/libxsweep.a ] || make -s build/release/libxsweep.a
WORK=$(mktemp -d /tmp/xsweep-httpbench.XXXXXX)
NGINX_PID=""
cleanup() { [ -n "$NGINX_PID" ] && kill "$NGINX_PID" 2>/dev/null; sleep 0.2; rm -rf "$WORK"; }
trap cleanup EXIT

cc -std=c17 -D_GNU_SOURCE -Iinclude -O2 -o "$WORK/driver" tests/http/xht_probe.c \
    build/release/libxsweep.a $(make -s --no-print-directory print-libs)
mkdir -p "$WORK/www" "$WORK/tmp"
printf '<html><head><title>bench</title></head><body>%s</body></html>\n' "$(head -c 2000 /dev/zero | tr '\0' x)" \
    >"$WORK/www/index.html"
cat >"$WORK/nginx.conf" <<NGX
worker_processes 2;
daemon off;
pid $WORK/nginx.pid;
error_log $WORK/error.log;
worker_rlimit_nofile 16384;
events { worker_connections 8192; }
http {
    access_log off; keepalive_timeout 0;
    client_body_temp_path $WORK/tmp; proxy_temp_path $WORK/tmp; fastcgi_temp_path $WORK/tmp;
    uwsgi_temp_path $WORK/tmp; scgi_temp_path $WORK/tmp;
    server { listen 127.0.0.1:$PORT backlog=4096; root $WORK/www; }
}
NGX
nginx -c "$WORK/nginx.conf" -p "$WORK" & NGINX_PID=$!
for _ in $(seq 50); do ss -ltnH "sport = :$PORT" | grep -q LISTEN && break; sleep 0.1; done
for _ in $(seq "$N"); do echo "127.0.0.1 $PORT"; done >"$WORK/endpoints"
echo "== HTTP stage engine: $N GETs to local nginx (2 workers), concurrency $C, $(nproc) cores"
/usr/bin/time -f "%M" -o "$WORK/rss" "$WORK/driver" -q -c "$C" -b "$MAX_BODY" <"$WORK/endpoints" | tee "$WORK/out"
rss=$(cat "$WORK/rss")
bound=$(( C * (MAX_BODY + 65536) / 1024 ))
echo "peak RSS: $rss KiB (bound concurrency x (max-body + 64 KiB headers) = $bound KiB, plus the program)"
