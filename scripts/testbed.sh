#!/usr/bin/env bash
# Two-namespace testbed for xsweep's integration tests and benchmarks.
#
#   testbed.sh up     [--prefix P] [--answer] [--listen PORTS] [--ipv6]
#   testbed.sh down   [--prefix P]
#   testbed.sh status [--prefix P]
#
# `up` creates namespaces P-scan and P-sink joined by one veth pair (P-s0 in P-scan, P-k0 in
# P-sink): scanner 198.18.0.1/16, sink 198.18.0.2/16 (all in 198.18.0.0/15), static neighbour entries both ways (no ARP).
# The veth is created inside P-scan and its peer moved straight into P-sink, so the root
# namespace gets nothing but the two namespaces. On success it prints KEY=value lines for eval:
#   eval "$(scripts/testbed.sh up --prefix xs --answer --listen 80,443)"
#
# --answer   the sink owns all of 198.19.0.0/16 (`route add local ... dev lo`), so its kernel
#            answers every SYN: SYN-ACK on listening ports, RST elsewhere. Syncookies stay on and
#            backlogs are raised so it keeps answering at high rates.
#            Without it the sink has no route to 198.19/16 and forwarding is off: probes are
#            counted at P-k0's rx_packets and dropped, which is what transmit benchmarks want.
# --listen   comma/space separated TCP ports; one tiny HTTP listener process per port in the sink
#            (listen backlog 65535). PIDs go to /run/xsweep-testbed/P/pids so `down` kills exactly
#            those. `down` is idempotent and safe in traps.
# --ipv6     also IPv6 from 2001:2::/48 (RFC 5180) on the same veth: scanner 2001:2:0:ff::1/64, sink
#            2001:2:0:ff::2/64, neighbour discovery across the veth (no static entries; nodad and
#            accept_dad=0 so nothing waits for DAD; no router solicitations or RAs). The scanner
#            routes 2001:2::/48 via the sink (only the sink's link address is ever solicited); the
#            sink blackholes 2001:2::/48 (silent drop, no ICMPv6 unreachable) except its link and,
#            with --answer, owns 2001:2::/112 through a local route on lo (every address of it
#            answers: SYN-ACK on listening ports, RST elsewhere) with net.ipv6.ip_nonlocal_bind=1,
#            so a server may bind to one address of the /112. --listen listeners are dual-stack.
#            Without --ipv6, IPv6 stays disabled in both namespaces (the IPv4 testbed is unchanged).
#
# Offloads: ethtool is not installed here, so none are changed. veth frames in these tests are
# single SYN/RST/SYN-ACK segments, which GRO never merges, so rx_packets counts probes one-to-one.
set -uo pipefail

SCAN_IP=198.18.0.1
SINK_IP=198.18.0.2
# /16, not /15: a /15 makes the kernel add 198.19.255.255 as the subnet broadcast, and the
# sink would never answer that one target. 198.19.0.0/16 is reached via the sink (route below).
NET_LEN=16
TARGET_NET=198.19.0.0/16
# Fixed locally administered MACs: callers and captures can rely on them.
SCAN_MAC=02:58:53:00:00:01
SINK_MAC=02:58:53:00:00:02
# IPv6 (--ipv6), all inside 2001:2::/48: the link is its own /64, apart from the target /112, so
# a sweep of the whole 2001:2::/112 never includes the scanner's or the sink's link address.
SCAN_IP6=2001:2:0:ff::1
SINK_IP6=2001:2:0:ff::2
LINK6_LEN=64
TARGET_NET6=2001:2::/112
ROUTE_NET6=2001:2::/48

usage() {
    echo "usage: $0 up|down|status [--prefix P] [--answer] [--listen PORTS] [--ipv6]" >&2
    exit 2
}

die() { echo "testbed: $*" >&2; exit 1; }

cmd=${1:-}
[ -n "$cmd" ] || usage
shift
prefix=xs
answer=0
listen=""
ipv6=0
while [ $# -gt 0 ]; do
    case "$1" in
        --prefix) prefix=${2:-}; shift 2 || usage ;;
        --prefix=*) prefix=${1#*=}; shift ;;
        --answer) answer=1; shift ;;
        --ipv6) ipv6=1; shift ;;
        --listen) listen=${2:-}; shift 2 || usage ;;
        --listen=*) listen=${1#*=}; shift ;;
        -h|--help) usage ;;
        *) echo "testbed: unknown argument: $1" >&2; usage ;;
    esac
done

# Interface names are at most 15 characters: P-s0 leaves 11 for the prefix.
[[ "$prefix" =~ ^[A-Za-z0-9_]{1,11}$ ]] || die "prefix must be 1-11 characters of [A-Za-z0-9_]"
[ "$(id -u)" = 0 ] || die "must run as root (network namespaces)"

NS_SCAN="$prefix-scan"
NS_SINK="$prefix-sink"
IF_SCAN="$prefix-s0"
IF_SINK="$prefix-k0"
STATE_DIR="/run/xsweep-testbed/$prefix"
LISTENER_TAG="xsweep-testbed-listener:$prefix"
PYTHON=/usr/bin/python3
[ -x "$PYTHON" ] || PYTHON=$(command -v python3 || true)

ns_exists() { ip netns list 2>/dev/null | awk '{print $1}' | grep -qx -- "$1"; }
in_scan() { ip netns exec "$NS_SCAN" "$@"; }
in_sink() { ip netns exec "$NS_SINK" "$@"; }

# The listener: one port, HTTP/1.0, answers "xsweep-testbed" and closes. Threaded so a slow
# client cannot stall it; large backlog so the accept queue is not the first thing that fills.
LISTENER_PY='
import http.server, socket, socketserver, sys
class Handler(http.server.BaseHTTPRequestHandler):
    server_version = "xsweep-testbed/1"
    def do_GET(self):
        body = b"xsweep-testbed\n"
        self.send_response(200)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
    do_HEAD = do_GET
    def log_message(self, *a):
        pass
class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 65535
class Server6(Server):
    address_family = socket.AF_INET6   # "::" with v6only off: both families on one socket
    def server_bind(self):
        self.socket.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
        super().server_bind()
if sys.argv[3] == "6":
    Server6(("::", int(sys.argv[1])), Handler).serve_forever()
else:
    Server(("0.0.0.0", int(sys.argv[1])), Handler).serve_forever()
'

kill_listeners() {
    local pidfile="$STATE_DIR/pids" pid
    [ -f "$pidfile" ] || return 0
    while read -r pid _; do
        [[ "$pid" =~ ^[0-9]+$ ]] || continue
        # Only a process that is still our listener (the PID may have been reused).
        if tr '\0' ' ' 2>/dev/null <"/proc/$pid/cmdline" | grep -qF -- "$LISTENER_TAG"; then
            kill "$pid" 2>/dev/null || true
        fi
    done <"$pidfile"
    # Give them a moment, then force.
    for _ in 1 2 3 4 5 6 7 8 9 10; do
        local alive=0
        while read -r pid _; do
            [[ "$pid" =~ ^[0-9]+$ ]] || continue
            if tr '\0' ' ' 2>/dev/null <"/proc/$pid/cmdline" | grep -qF -- "$LISTENER_TAG"; then
                alive=1
                [ "$_" = 10 ] && kill -9 "$pid" 2>/dev/null
            fi
        done <"$pidfile"
        [ $alive = 0 ] && break
        sleep 0.1
    done
    rm -f "$pidfile"
}

do_down() {
    kill_listeners
    # Deleting a namespace removes its end of the veth, and with it the peer.
    ns_exists "$NS_SCAN" && ip netns del "$NS_SCAN" 2>/dev/null
    ns_exists "$NS_SINK" && ip netns del "$NS_SINK" 2>/dev/null
    rm -rf "$STATE_DIR"
    return 0
}

start_listeners() {
    local ports p pid
    ports=$(echo "$listen" | tr ',' ' ')
    [ -n "$PYTHON" ] || die "python3 not found (needed for --listen)"
    for p in $ports; do
        if ! [[ "$p" =~ ^[0-9]+$ ]] || [ "$p" -lt 1 ] || [ "$p" -gt 65535 ]; then die "bad port: $p"; fi
        # ip netns exec execs the command, so $! is the python process itself.
        ip netns exec "$NS_SINK" "$PYTHON" -c "$LISTENER_PY" "$p" "$LISTENER_TAG" "$([ $ipv6 = 1 ] && echo 6 || echo 4)" \
            </dev/null >"$STATE_DIR/listener-$p.log" 2>&1 &
        pid=$!
        echo "$pid $p" >>"$STATE_DIR/pids"
    done
    # Wait until every port listens (bounded).
    for p in $ports; do
        local ok=0
        for _ in $(seq 1 50); do
            if in_sink ss -Hltn "sport = :$p" 2>/dev/null | grep -q LISTEN; then ok=1; break; fi
            sleep 0.1
        done
        [ $ok = 1 ] || die "listener on port $p did not start (see $STATE_DIR/listener-$p.log)"
    done
}

# Before the interfaces come up, so their link-local addresses skip DAD too.
setup_ipv6_sysctls() {
    local ns ifn
    for pair in "$NS_SCAN:$IF_SCAN" "$NS_SINK:$IF_SINK"; do
        ns=${pair%%:*} ifn=${pair#*:}
        for c in all default "$ifn"; do
            ip netns exec "$ns" sysctl -qw "net.ipv6.conf.$c.disable_ipv6=0" "net.ipv6.conf.$c.accept_dad=0" \
                "net.ipv6.conf.$c.dad_transmits=0" "net.ipv6.conf.$c.accept_ra=0" \
                "net.ipv6.conf.$c.router_solicitations=0" "net.ipv6.conf.$c.forwarding=0"
        done
    done
}

setup_ipv6_addresses() {
    ip -n "$NS_SCAN" -6 addr add "$SCAN_IP6/$LINK6_LEN" dev "$IF_SCAN" nodad
    ip -n "$NS_SINK" -6 addr add "$SINK_IP6/$LINK6_LEN" dev "$IF_SINK" nodad
    # Only the sink's link address is ever solicited: neighbour discovery for the next hop, as
    # behind a real router. The whole /48 goes there, so a stray target never leaves the veth.
    ip -n "$NS_SCAN" -6 route add "$ROUTE_NET6" via "$SINK_IP6" dev "$IF_SCAN"
    # Anything of the /48 the sink does not own is dropped without an ICMPv6 error (the local
    # /112 and the link /64 are more specific, or in the local table, and win).
    ip -n "$NS_SINK" -6 route add blackhole "$ROUTE_NET6"
    # The addresses are usable at once (nodad), but wait (bounded) until neither is tentative.
    for _ in $(seq 1 50); do
        if ! in_scan ip -6 addr show tentative | grep -q inet6 &&
           ! in_sink ip -6 addr show tentative | grep -q inet6; then return 0; fi
        sleep 0.1
    done
    die "IPv6 addresses stayed tentative"
}

do_up() {
    # Start from a clean slate so a crashed earlier run does not leave half a testbed.
    do_down
    mkdir -p "$STATE_DIR"
    # Any failure below (set -e, or die) tears down whatever was created.
    trap 'if [ "${up_done:-0}" != 1 ]; then echo "testbed: setup failed, tearing down" >&2; do_down; fi' EXIT
    set -e

    ip netns add "$NS_SCAN"
    ip netns add "$NS_SINK"
    ip -n "$NS_SCAN" link add "$IF_SCAN" address "$SCAN_MAC" type veth \
        peer name "$IF_SINK" address "$SINK_MAC" netns "$NS_SINK"

    if [ $ipv6 = 1 ]; then
        setup_ipv6_sysctls
    else
        # IPv6 off on both sides: no router solicitations or MLD reports in the packet counters.
        in_scan sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
        in_sink sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
    fi
    ip -n "$NS_SCAN" link set lo up
    ip -n "$NS_SINK" link set lo up
    ip -n "$NS_SCAN" addr add "$SCAN_IP/$NET_LEN" dev "$IF_SCAN"
    ip -n "$NS_SINK" addr add "$SINK_IP/$NET_LEN" dev "$IF_SINK"
    ip -n "$NS_SCAN" link set "$IF_SCAN" up
    ip -n "$NS_SINK" link set "$IF_SINK" up

    # No ARP in either direction.
    ip -n "$NS_SCAN" neigh replace "$SINK_IP" lladdr "$SINK_MAC" dev "$IF_SCAN" nud permanent
    ip -n "$NS_SINK" neigh replace "$SCAN_IP" lladdr "$SCAN_MAC" dev "$IF_SINK" nud permanent
    # Kernel connections from the scanner (e.g. xsweep's HTTP stage) to 198.19/16 go via the sink
    # as gateway, whose MAC is static, instead of ARPing for each address.
    ip -n "$NS_SCAN" route add "$TARGET_NET" via "$SINK_IP" dev "$IF_SCAN"
    [ $ipv6 = 1 ] && setup_ipv6_addresses

    if [ $answer = 1 ]; then
        ip -n "$NS_SINK" route add local "$TARGET_NET" dev lo
        # Per-namespace sysctls only (the root namespace is left alone).
        in_sink sysctl -qw net.ipv4.tcp_syncookies=1
        in_sink sysctl -qw net.core.somaxconn=65535
        in_sink sysctl -qw net.ipv4.tcp_max_syn_backlog=65535
        # Scanners never complete the handshake; do not keep retransmitting SYN-ACKs.
        in_sink sysctl -qw net.ipv4.tcp_synack_retries=1
        if [ $ipv6 = 1 ]; then
            ip -n "$NS_SINK" -6 route add local "$TARGET_NET6" dev lo
            # Servers bind to single addresses of the /112 (IPv6 bind wants a configured address).
            in_sink sysctl -qw net.ipv6.ip_nonlocal_bind=1
        fi
    fi
    if [ -n "$listen" ]; then
        start_listeners
    fi
    set +e
    up_done=1

    cat >"$STATE_DIR/env" <<EOF
TB_PREFIX=$prefix
TB_NS_SCAN=$NS_SCAN
TB_NS_SINK=$NS_SINK
TB_IF_SCAN=$IF_SCAN
TB_IF_SINK=$IF_SINK
TB_SCAN_IP=$SCAN_IP
TB_SCAN_MAC=$SCAN_MAC
TB_SINK_IP=$SINK_IP
TB_SINK_MAC=$SINK_MAC
TB_TARGET_NET=$TARGET_NET
TB_ANSWER=$answer
TB_LISTEN_PORTS=$(echo "$listen" | tr ' ' ',')
TB_STATE_DIR=$STATE_DIR
TB_IPV6=$ipv6
EOF
    if [ $ipv6 = 1 ]; then
        cat >>"$STATE_DIR/env" <<EOF
TB_SCAN_IP6=$SCAN_IP6
TB_SINK_IP6=$SINK_IP6
TB_TARGET_NET6=$TARGET_NET6
EOF
    fi
    cat "$STATE_DIR/env"
}

do_status() {
    local up=1
    for ns in "$NS_SCAN" "$NS_SINK"; do
        if ns_exists "$ns"; then echo "namespace $ns: present"; else echo "namespace $ns: absent"; up=0; fi
    done
    if [ $up = 1 ]; then
        ip -n "$NS_SCAN" -br addr show dev "$IF_SCAN" 2>/dev/null
        ip -n "$NS_SINK" -br addr show dev "$IF_SINK" 2>/dev/null
        for pair in "$NS_SCAN:$IF_SCAN" "$NS_SINK:$IF_SINK"; do
            local ns=${pair%%:*} ifn=${pair#*:}
            ip netns exec "$ns" sh -c "cd /sys/class/net/$ifn/statistics &&
                echo \"$ifn: rx_packets=\$(cat rx_packets) tx_packets=\$(cat tx_packets) rx_dropped=\$(cat rx_dropped) tx_dropped=\$(cat tx_dropped)\""
        done
        if ip -n "$NS_SINK" route show table local | grep -q "^local ${TARGET_NET}"; then
            echo "sink answers $TARGET_NET"
        else
            echo "sink drops $TARGET_NET"
        fi
        if ip -n "$NS_SINK" -6 route show table local | grep -q "^local ${TARGET_NET6}"; then
            echo "sink answers $TARGET_NET6"
        elif ip -n "$NS_SINK" -6 addr show dev "$IF_SINK" 2>/dev/null | grep -qF "$SINK_IP6"; then
            echo "sink drops $TARGET_NET6"
        fi
    fi
    if [ -f "$STATE_DIR/pids" ]; then
        while read -r pid port; do
            if tr '\0' ' ' 2>/dev/null <"/proc/$pid/cmdline" | grep -qF -- "$LISTENER_TAG"; then
                echo "listener port $port pid $pid: running"
            else
                echo "listener port $port pid $pid: gone"
            fi
        done <"$STATE_DIR/pids"
    fi
    [ $up = 1 ]
}

case "$cmd" in
    up) do_up ;;
    down) do_down ;;
    status) do_status ;;
    *) usage ;;
esac
