# Shared helpers for integration tests: assertions and a testbed torn down on any exit.
# Tests run as root; every probe stays inside namespaces the test created (198.18.0.0/15).
set -uo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
XSWEEP=${XSWEEP:-$ROOT/xsweep}
TESTBED=$ROOT/scripts/testbed.sh
WORK=$(mktemp -d /tmp/xsweep-it.XXXXXX)
PASSED=0
FAILED=0
TB_PREFIX=""

pass() { PASSED=$((PASSED + 1)); echo "  ok   $*"; }
fail() { FAILED=$((FAILED + 1)); echo "  FAIL $*"; }
check() {   # check "description" command...
    local what=$1; shift
    if "$@"; then pass "$what"; else fail "$what"; fi
}

testbed_up() {   # testbed_up PREFIX [testbed options]
    # XS_NS_TAG (0-3 chars) lets concurrent runs (several worktrees) use distinct namespaces.
    TB_PREFIX=${XS_NS_TAG:-}$1; shift
    eval "$(bash "$TESTBED" up --prefix "$TB_PREFIX" "$@")" || { echo "testbed failed"; exit 1; }
}

cleanup() {
    stop_sink_servers
    [ -n "$TB_PREFIX" ] && bash "$TESTBED" down --prefix "$TB_PREFIX" >/dev/null 2>&1
    rm -rf "$WORK"
}
trap cleanup EXIT

in_scan() { ip netns exec "$TB_PREFIX-scan" "$@"; }
in_sink() { ip netns exec "$TB_PREFIX-sink" "$@"; }

finish() {
    echo "$(basename "$0"): $PASSED passed, $FAILED failed"
    [ "$FAILED" = 0 ]
}

# ---- real Debian servers in the sink, on either family ---------------------------------------
# Each runs in its own session (setsid) inside the sink namespace; its PID goes to SINK_PIDS and
# cleanup stops exactly those. ADDR is an IPv4 or IPv6 address (no brackets); with `testbed_up
# ... --answer --ipv6` any address of 2001:2::/112 can be bound (net.ipv6.ip_nonlocal_bind).
SINK_PIDS=()
SINK_PIDFILES=()
sink_bg() { setsid ip netns exec "$TB_PREFIX-sink" "$@" & SINK_PIDS+=($!); }
hostport() { case "$1" in *:*) echo "[$1]:$2" ;; *) echo "$1:$2" ;; esac; }   # ADDR PORT

sink_tls_cert() {   # a self-signed certificate at $WORK/tls-cert.pem / tls-key.pem (once)
    [ -s "$WORK/tls-cert.pem" ] && return 0
    openssl req -x509 -newkey rsa:2048 -nodes -days 30 -subj "/CN=xsweep.test" \
        -keyout "$WORK/tls-key.pem" -out "$WORK/tls-cert.pem" 2>/dev/null
    chmod 644 "$WORK/tls-key.pem" "$WORK/tls-cert.pem"
}

sink_nginx() {   # sink_nginx NAME TITLE ADDR,PORT[,ssl]...: one nginx, one page titled TITLE
    local name=$1 title=$2 spec addr port ssl listens="" d
    shift 2
    d="$WORK/nginx-$name"; mkdir -p "$d/www" "$d/tmp"
    printf '<html><head><title>%s</title></head><body>%s</body></html>\n' "$title" "$name" >"$d/www/index.html"
    for spec in "$@"; do
        IFS=, read -r addr port ssl <<<"$spec"
        if [ "$ssl" = ssl ]; then sink_tls_cert; listens+="listen $(hostport "$addr" "$port") ssl; "
        else listens+="listen $(hostport "$addr" "$port"); "; fi
    done
    cat >"$d/nginx.conf" <<NGX
worker_processes 1; daemon off; pid $d/nginx.pid; error_log $d/error.log;
events { worker_connections 256; }
http { access_log $d/access.log; client_body_temp_path $d/tmp; proxy_temp_path $d/tmp;
       fastcgi_temp_path $d/tmp; uwsgi_temp_path $d/tmp; scgi_temp_path $d/tmp;
       server { $listens root $d/www;
                ssl_certificate $WORK/tls-cert.pem; ssl_certificate_key $WORK/tls-key.pem; } }
NGX
    # Without a cert, nginx refuses ssl_certificate lines naming a missing file: drop them.
    [ -s "$WORK/tls-cert.pem" ] || sed -i '/ssl_certificate/d' "$d/nginx.conf"
    chmod -R a+rX "$d"; chmod a+x "$WORK"
    sink_bg nginx -c "$d/nginx.conf" -p "$d"
    SINK_PIDFILES+=("$d/nginx.pid")
}

sink_redis() {   # sink_redis ADDR PORT [redis-server options...]
    local addr=$1 port=$2; shift 2
    sink_bg redis-server --port "$port" --bind "$addr" --save '' --appendonly no --dir "$WORK" \
        --protected-mode no --daemonize no "$@" >"$WORK/redis-$addr-$port.log" 2>&1
}

sink_sshd() {   # sink_sshd NAME ADDR PORT [sshd_config lines...]
    local n=$1 addr=$2 port=$3; shift 3
    [ -s "$WORK/ssh-hostkey" ] || ssh-keygen -q -t ed25519 -N '' -f "$WORK/ssh-hostkey"
    mkdir -p /run/sshd
    { echo "ListenAddress $(hostport "$addr" "$port")"; echo "HostKey $WORK/ssh-hostkey"
      echo "PidFile $WORK/sshd-$n.pid"; echo "UsePAM no"; echo "PasswordAuthentication no"
      echo "KbdInteractiveAuthentication no"; echo "StrictModes no"; printf '%s\n' "$@"; } >"$WORK/sshd-$n.conf"
    sink_bg /usr/sbin/sshd -D -e -f "$WORK/sshd-$n.conf" 2>"$WORK/sshd-$n.log"
    SINK_PIDFILES+=("$WORK/sshd-$n.pid")
}

sink_wait_listen() {   # sink_wait_listen ADDR PORT...: until each listens in the sink (<= 5 s each)
    local addr=$1 port; shift
    for port in "$@"; do
        for _ in $(seq 50); do
            ip netns exec "$TB_PREFIX-sink" ss -Hltn "sport = :$port" 2>/dev/null |
                grep -qiF -- "$(hostport "$addr" "$port")" && break
            sleep 0.1
        done
    done
}

stop_sink_servers() {
    local p f
    [ "${#SINK_PIDS[@]}" -gt 0 ] || return 0
    for p in "${SINK_PIDS[@]}"; do kill "$p" 2>/dev/null; done
    for f in "${SINK_PIDFILES[@]}"; do [ -s "$f" ] && kill "$(cat "$f" 2>/dev/null)" 2>/dev/null; done
    sleep 0.3
    for p in "${SINK_PIDS[@]}"; do kill -0 "$p" 2>/dev/null && kill -9 "$p" 2>/dev/null; done
    wait "${SINK_PIDS[@]}" 2>/dev/null
    SINK_PIDS=()
}
