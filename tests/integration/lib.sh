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


# ---- A testbed with real servers in the sink: the preamble most tests share ----
# testbed_with_servers PREFIX [testbed options]: testbed_up, then
#   NET   the scanner's flags for the testbed (testbed.sh's fixed scanner address and sink MAC)
#   SINK  the command prefix that runs a server in the sink namespace
#   PIDS  add every server started in the background (`... & PIDS+=($!)`)
# and on exit stop_servers (a test may define its own, after this call) before the testbed goes.
testbed_with_servers() {
    testbed_up "$@"
    NET=(-i "$TB_PREFIX-s0" --source-ip 198.18.0.1 --router-mac 02:58:53:00:00:02)
    SINK=(ip netns exec "$TB_PREFIX-sink")
    PIDS=()
    trap 'stop_servers; cleanup' EXIT
}

# Kills what PIDS holds and every daemon that wrote its pid file into $WORK (nginx, apache, sshd).
stop_servers() {
    local p f
    for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; done
    for f in "$WORK"/*.pid; do [ -s "$f" ] && kill "$(cat "$f" 2>/dev/null)" 2>/dev/null; done
    sleep 0.3
}

# nginx_conf_head WORKER_CONNECTIONS: the top of a test nginx.conf (foreground, pid, logs and temp
# files in $WORK), ending inside `http {`: the test appends its servers and the closing brace.
nginx_conf_head() {
    cat <<NGX
worker_processes 1;
daemon off;
pid $WORK/nginx.pid;
error_log $WORK/nginx-error.log;
events { worker_connections $1; }
http {
    access_log off;
    client_body_temp_path $WORK/tmp; proxy_temp_path $WORK/tmp; fastcgi_temp_path $WORK/tmp;
    uwsgi_temp_path $WORK/tmp; scgi_temp_path $WORK/tmp;
NGX
}
