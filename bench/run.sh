#!/usr/bin/env bash
# Benchmark xsweep against masscan, zmap and a bare AF_PACKET sender, through a veth between two
# namespaces this script creates (scripts/testbed.sh), so nothing leaves the machine.
#
#   bench/run.sh [--quick] [--prefix P] [--threads N] [--only FIGURES]
#   (N: default 2, or BENCH_THREADS; FIGURES: comma list of transmit, recall, memory, ipv6)
#
# 1. Transmit: each tool at its maximum rate over 198.19.0.0/16 x 1 port, then x 10 ports, sink
#    dropping, with THREADS transmitters each (xsweep --tx-threads, zmap -T, the bare sender's
#    threads; masscan has one transmit thread). Two sinks: "nic" drops every frame at an nft
#    netdev ingress hook on the sink veth, before its IP stack, so the sender pays for its own
#    path only (as with a real NIC); "ipstack" lets the sink's IP stack drop them, which on veth
#    runs in the sender's context and flattens every tool. Rate = packets counted at the sink
#    veth's rx_packets (counted before the hook) over the window in which they arrived
#    (bench/sinkmeter.c), not the tool's own claim. Tools alternate, R repeats.
# 2. Recall: sink answering (SYN-ACK on the listening port, RST elsewhere); each tool scans
#    198.19.0.0/16 x 4 ports (262144 probes, 65536 open) at several rates; found / true open,
#    next to the sink's own counters so a sink-side limit shows as such. xsweep+http: the same
#    with its HTTP stage on (it then also fetches every open port).
# 3. Memory: peak RSS (/usr/bin/time -v) of each tool for one large real scan, sink dropping.
# 4. IPv6 beside IPv4 (testbed --ipv6): transmit (NIC-like sink, x 1 port) and recall (answering
#    sink, x 4 ports, at the recall rates) of xsweep and masscan over 2001:2::/112 (RFC 5180), each
#    next to the same tool over 198.19.0.0/16 (the same 65536 addresses) in the same testbed, so
#    the two families are measured under the same conditions. zmap: Debian's 2.1.1 has no IPv6
#    probe module (checked with --list-probe-modules), said so in the output.
# --quick keeps it under 2 minutes (--quick --only ipv6 about 1); the full run stays under 15.
# Installs nothing.
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
cd "$root" || exit 1

quick=0
ONLY=transmit,recall,memory,ipv6
prefix=${XS_NS_TAG:-}xs
THREADS=${BENCH_THREADS:-2}
while [ $# -gt 0 ]; do
    case "$1" in
        --quick) quick=1; shift ;;
        --threads) THREADS=${2:-}; shift 2 || exit 2 ;;
        --prefix) prefix=${2:-}; shift 2 || exit 2 ;;
        --prefix=*) prefix=${1#*=}; shift ;;
        --only) ONLY=${2:-}; shift 2 || exit 2 ;;
        --only=*) ONLY=${1#*=}; shift ;;
        -h|--help) sed -n '2,30p' "$0"; exit 0 ;;
        *) echo "run.sh: unknown argument $1" >&2; exit 2 ;;
    esac
done

if [ $quick = 1 ]; then
    REPEATS=1
    TX_PORT_COUNTS="1 10"
    CEIL_SECONDS=1
    RECALL_RATES="300000 max"
    RECALL_WAIT=1
    MEM_PORTS=16           # 2^20 probes
else
    REPEATS=5
    TX_PORT_COUNTS="1 10"
    CEIL_SECONDS=2
    RECALL_RATES="100000 300000 1000000 max"
    RECALL_WAIT=2
    MEM_PORTS=256          # 2^24 probes
fi
case "$THREADS" in ''|*[!0-9]*) echo "run.sh: --threads wants a number" >&2; exit 2 ;; esac
for f in $(echo "$ONLY" | tr ',' ' '); do
    case "$f" in transmit|recall|memory|ipv6) ;; *) echo "run.sh: --only: unknown figure $f (transmit, recall, memory, ipv6)" >&2; exit 2 ;; esac
done
want_figure() { case ",$ONLY," in *",$1,"*) return 0 ;; *) return 1 ;; esac; }
SINKS=${BENCH_SINKS:-"nic ipstack"}
TX_PORTS_10=80,443,8080,8443,22,25,21,53,110,143
RECALL_PORTS=${RECALL_PORTS:-80,443,8080,8443}
RECALL_LISTEN=${RECALL_LISTEN:-80}
# Extra xsweep flags. Default: --no-http (when this xsweep has it), so xsweep is measured on the
# same SYN-only job as masscan and zmap; "xsweep+http" in the memory figure runs without it.
XSWEEP_EXTRA=${XSWEEP_EXTRA-auto}
TARGET=198.19.0.0/16
TARGET_SIZE=65536
TARGET4=$TARGET
TARGET6=2001:2::/112     # the sink's local route with testbed --ipv6 --answer: 65536 addresses too
FAMILY=4                 # which of the two run_tool sends from (set_family)
NUDGE_IP=198.18.0.9      # not configured anywhere: the scanner's kernel drops it silently

BENCH_BUILD=build/bench
OUT_DIR=$BENCH_BUILD/out
RESULTS=$OUT_DIR/results.tsv
PY=/usr/bin/python3
[ -x "$PY" ] || PY=python3

log() { echo "[bench $(date +%H:%M:%S)] $*" >&2; }
die() { echo "run.sh: $*" >&2; exit 1; }

[ "$(id -u)" = 0 ] || die "must run as root (namespaces, raw sockets)"

# ---- build the helpers -------------------------------------------------------------------------
mkdir -p "$BENCH_BUILD" "$OUT_DIR"
cc -std=c17 -D_GNU_SOURCE -O2 -Wall -Wextra -pthread -o "$BENCH_BUILD/ceiling" bench/ceiling.c || die "cannot build ceiling"
cc -std=c17 -D_GNU_SOURCE -O2 -Wall -Wextra -o "$BENCH_BUILD/sinkmeter" bench/sinkmeter.c || die "cannot build sinkmeter"
cc -std=c17 -D_GNU_SOURCE -O2 -Wall -Wextra -pthread -o "$BENCH_BUILD/xdp_ceiling" bench/xdp_ceiling.c -lxdp -lbpf ||
    die "cannot build xdp_ceiling (Debian packages libxdp-dev libbpf-dev)"
: >"$RESULTS"
# zmap reads /etc/zmap/zmap.conf unless given -C: a config written for another zmap version
# (unknown keys) makes it refuse to start. Every zmap run gets this empty one instead.
ZMAP_CONF=$OUT_DIR/zmap-empty.conf
: >"$ZMAP_CONF"
command -v nft >/dev/null || die "nft missing (Debian package: nftables), needed for the NIC-like sink"

# ---- which tools are here ------------------------------------------------------------------------
have_masscan=0; have_zmap=0; have_xsweep=0
command -v masscan >/dev/null && have_masscan=1 || printf 'skip\tmasscan\tnot installed\n' >>"$RESULTS"
command -v zmap >/dev/null && have_zmap=1 || printf 'skip\tzmap\tnot installed\n' >>"$RESULTS"
if [ ! -x ./xsweep ]; then
    printf 'skip\txsweep\t./xsweep not built\n' >>"$RESULTS"
elif ./xsweep --help 2>&1 | grep -qi "under construction"; then
    printf 'skip\txsweep\t./xsweep is still the placeholder\n' >>"$RESULTS"
else
    have_xsweep=1
    if [ "$XSWEEP_EXTRA" = auto ]; then
        XSWEEP_EXTRA=""
        help_text=$(./xsweep --help 2>&1 || true)   # no pipe: grep -q closing it early is no answer
        case "$help_text" in *--no-http*) XSWEEP_EXTRA=--no-http ;; esac
    fi
fi
[ -x /usr/bin/time ] || die "/usr/bin/time missing (Debian package: time)"

# ---- testbed -------------------------------------------------------------------------------------
NUDGE_PID=""
METER_PID=""
cleanup() {
    [ -n "$METER_PID" ] && kill "$METER_PID" 2>/dev/null
    [ -n "$NUDGE_PID" ] && kill "$NUDGE_PID" 2>/dev/null
    bash scripts/testbed.sh down --prefix "$prefix" >/dev/null 2>&1
}
trap cleanup EXIT
trap 'exit 130' INT TERM

tb_up() {
    bash scripts/testbed.sh down --prefix "$prefix" >/dev/null 2>&1
    local env
    env=$(bash scripts/testbed.sh up --prefix "$prefix" "$@") || die "testbed up failed"
    eval "$env"
    SINK_MODE=ipstack
    # Lets the sink poke the scanner's interface with frames its kernel drops (see nudge_start).
    ip -n "$TB_NS_SINK" neigh replace "$NUDGE_IP" lladdr "$TB_SCAN_MAC" dev "$TB_IF_SINK" nud permanent
}

# The NIC-like sink: every frame reaching the sink veth is dropped at the netdev ingress hook,
# after rx_packets counted it and before the IP stack sees it.
sink_nic() {
    ip netns exec "$TB_NS_SINK" nft -f - <<NFT || die "cannot add the nft ingress drop hook"
table netdev xsbench {
    chain ingress { type filter hook ingress device "$TB_IF_SINK" priority 0; policy drop; }
}
NFT
    SINK_MODE=nic
}

in_scan() { ip netns exec "$TB_NS_SCAN" "$@"; }
in_sink() { ip netns exec "$TB_NS_SINK" "$@"; }
sink_counter() { in_sink cat "/sys/class/net/$TB_IF_SINK/statistics/$1"; }

# masscan 1.3.2's receive thread blocks in libpcap until a frame arrives, so on a silent link it
# never notices the scan is over and hangs. A UDP datagram every 100 ms from the sink to an
# address nobody owns wakes it up; the scanner's kernel drops those frames without answering,
# so they touch no counter the benchmark reads on the sink's receive side.
nudge_start() {
    # ip netns exec execs its command, so $! is the process itself (not a subshell).
    ip netns exec "$TB_NS_SINK" "$PY" -c '
import socket, sys, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
end = time.time() + float(sys.argv[2])
while time.time() < end:
    s.sendto(b"nudge", (sys.argv[1], 9))
    time.sleep(0.1)
' "$NUDGE_IP" "$1" &
    NUDGE_PID=$!
}
nudge_stop() {
    [ -n "$NUDGE_PID" ] && kill "$NUDGE_PID" 2>/dev/null && wait "$NUDGE_PID" 2>/dev/null
    NUDGE_PID=""
}

# sinkmeter polls the sink veth's rx_packets every ms; meter_stop sets METER_RES to its line
# "packets=N window_s=W pps=P ...". The meter is up (baseline read) before the sender starts.
# meter_stop must run in this shell, never in $(...): there `wait` is not the meter's parent and
# returns at once, so the line was read before the meter wrote it (the old "no meter reading",
# most often after zmap and the bare sender, which leave both cores busy right up to the end).
meter_start() {
    local max=$1 out=$OUT_DIR/meter.out
    rm -f "$out"
    ip netns exec "$TB_NS_SINK" "$BENCH_BUILD/sinkmeter" "/sys/class/net/$TB_IF_SINK/statistics/rx_packets" "$max" >"$out" &
    METER_PID=$!
    for _ in $(seq 1 500); do grep -q ready "$out" 2>/dev/null && return 0; sleep 0.01; done
    die "sinkmeter did not start"
}
meter_stop() {
    sleep 0.1
    kill "$METER_PID" 2>/dev/null
    wait "$METER_PID" 2>/dev/null
    METER_PID=""
    METER_RES=$(grep '^packets=' "$OUT_DIR/meter.out" | tail -1)
    [ -n "$METER_RES" ] || log "  sinkmeter wrote no result: $(tr '\n' ' ' <"$OUT_DIR/meter.out")"
}
field() { echo "$2" | tr ' ' '\n' | sed -n "s/^$1=//p"; }

ports_list() {  # N -> comma list of N ports for the transmit figure
    if [ "$1" = 1 ]; then echo 80; else echo "$TX_PORTS_10" | cut -d, -f1-"$1"; fi
}

# The family run_tool scans: its target and the scanner's address of that family.
set_family() {
    FAMILY=$1
    if [ "$FAMILY" = 6 ]; then TARGET=$TARGET6; else TARGET=$TARGET4; fi
}
src_ip() { if [ "$FAMILY" = 6 ]; then echo "$TB_SCAN_IP6"; else echo "$TB_SCAN_IP"; fi; }
# masscan 1.3.2 keeps one router MAC per family.
masscan_router_flag() { if [ "$FAMILY" = 6 ]; then echo --router-mac-ipv6; else echo --router-mac; fi; }

# ---- one run of a tool ---------------------------------------------------------------------------
# run_tool TOOL PORTS RATE WAIT OUTFILE TIMEOUT [wrapper...]
# RATE: a number or "max". PORTS: comma list (zmap: a count N means -P N on port 80, see below).
run_tool() {
    local tool=$1 ports=$2 rate=$3 wait_s=$4 out=$5 tmo=$6
    shift 6
    local -a cmd
    case "$tool" in
        masscan)
            [ "$rate" = max ] && rate=100000000
            cmd=(masscan --adapter "$TB_IF_SCAN" --adapter-ip "$(src_ip)" "$(masscan_router_flag)" "$TB_SINK_MAC"
                 --rate "$rate" -p "$ports" --wait "$wait_s" --seed 1 "$TARGET")
            [ "$out" != - ] && cmd+=(-oL "$out")
            nudge_start $((tmo + 5))
            ;;
        zmap)
            # zmap 2.1.1 scans one port per run; "-r 0" means no rate limit. The stock blacklist
            # excludes 198.18.0.0/15, hence -b /dev/null.
            [ "$rate" = max ] && rate=0
            local probes=1 port=$ports
            case "$ports" in *,*) echo "run_tool: zmap takes one port" >&2; return 1 ;; esac
            case "$ports" in x*) probes=${ports#x}; port=80 ;; esac
            cmd=(zmap -C "$ZMAP_CONF" -T "$THREADS" -i "$TB_IF_SCAN" -S "$TB_SCAN_IP" -G "$TB_SINK_MAC"
                 -r "$rate" -p "$port" -P "$probes" -c "$wait_s" -b /dev/null -q
                 -o "${out/#-//dev/null}" "$TARGET")
            ;;
        xsweep|xsweep+http|xsweep-sendmmsg)
            # --retries 0: one probe per endpoint, like masscan's default and zmap's -P 1.
            cmd=(./xsweep -i "$TB_IF_SCAN" --source-ip "$(src_ip)" --router-mac "$TB_SINK_MAC"
                 --rate "$rate" --retries 0 -p "$ports" --wait "$wait_s" --no-progress
                 --tx-threads "$THREADS")
            [ "$out" != - ] && cmd+=(-oL -o "$out")
            # shellcheck disable=SC2206
            [ "$tool" != xsweep+http ] && cmd+=($XSWEEP_EXTRA)
            # xsweep is --sender auto (AF_XDP where it opens); this one is the AF_PACKET path.
            [ "$tool" = xsweep-sendmmsg ] && cmd+=(--sender sendmmsg)
            cmd+=("$TARGET")
            ;;
        ceiling)        cmd=("$BENCH_BUILD/ceiling" "$TB_IF_SCAN" "$CEIL_SECONDS" "$TB_SINK_MAC" sendmmsg 256 "$THREADS") ;;
        ceiling-txring) cmd=("$BENCH_BUILD/ceiling" "$TB_IF_SCAN" "$CEIL_SECONDS" "$TB_SINK_MAC" txring 256 "$THREADS") ;;
        ceiling-xdp)    cmd=("$BENCH_BUILD/xdp_ceiling" "$TB_IF_SCAN" "$CEIL_SECONDS" "$TB_SINK_MAC" 32 "$THREADS") ;;
        *) return 1 ;;
    esac
    echo "$tool: ${cmd[*]}" >>"$OUT_DIR/commands.log"
    in_scan timeout -k 2 "$tmo" "$@" "${cmd[@]}" >>"$OUT_DIR/$tool.log" 2>&1
    local rc=$?
    [ "$tool" = masscan ] && nudge_stop
    [ $rc = 124 ] && log "$tool timed out after ${tmo}s"
    return $rc
}

tool_enabled() {
    case "$1" in
        masscan) [ $have_masscan = 1 ] ;;
        zmap) [ $have_zmap = 1 ] ;;
        xsweep|xsweep+http|xsweep-sendmmsg) [ $have_xsweep = 1 ] ;;
        *) return 0 ;;
    esac
}

# ---- 1. transmit ---------------------------------------------------------------------------------
transmit_figure() {
    local sink
    for sink in $SINKS; do
        log "transmit: $sink sink, $THREADS thread(s), $REPEATS repeat(s), ports: $TX_PORT_COUNTS"
        tb_up
        [ "$sink" = nic ] && sink_nic
        transmit_runs
    done
}

transmit_runs() {
    local rep n tool ports expected tmo load
    for rep in $(seq 1 "$REPEATS"); do
        for n in $TX_PORT_COUNTS; do
            for tool in masscan zmap xsweep xsweep-sendmmsg ceiling ceiling-xdp ceiling-txring; do
                tool_enabled "$tool" || continue
                # The bare senders send for a fixed time: the port count means nothing to them.
                case "$tool" in ceiling-*) [ "$n" != 1 ] && continue ;; esac
                ports=$(ports_list "$n")
                [ "$tool" = zmap ] && { [ "$n" = 1 ] && ports=80 || ports="x$n"; }
                expected=$((TARGET_SIZE * n))
                case "$tool" in ceiling*) expected=- ;; esac
                tmo=$((TARGET_SIZE * n / 20000 + 20))
                load=$(cut -d' ' -f1 /proc/loadavg)
                meter_start $((tmo + 5))
                run_tool "$tool" "$ports" max 0 - "$tmo"
                meter_stop
                printf 'tx\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$SINK_MODE" "$n" "$tool" "$rep" \
                    "$(field pps "$METER_RES")" "$(field window_s "$METER_RES")" \
                    "$(field packets "$METER_RES")" "$expected" "$load" >>"$RESULTS"
                log "  $SINK_MODE sink, rep $rep, $n port(s), $tool: $METER_RES (load $load)"
            done
        done
    done
}

# ---- 2. recall -----------------------------------------------------------------------------------
sink_tcp_stats() {  # prints "synack rst cookies listen_drops rx tx" from the sink's own counters
    in_sink sh -c "cat /proc/net/snmp /proc/net/netstat; echo DEV \$(cat /sys/class/net/$TB_IF_SINK/statistics/rx_packets /sys/class/net/$TB_IF_SINK/statistics/tx_packets)" |
        awk '
        /^Tcp:/ { if (!th) { for (i = 2; i <= NF; i++) tn[i] = $i; th = 1 } else { for (i = 2; i <= NF; i++) tv[tn[i]] = $i } }
        /^TcpExt:/ { if (!eh) { for (i = 2; i <= NF; i++) en[i] = $i; eh = 1 } else { for (i = 2; i <= NF; i++) ev[en[i]] = $i } }
        /^DEV/ { rx = $2; tx = $3 }
        END { print tv["OutSegs"] - tv["OutRsts"], tv["OutRsts"], ev["SyncookiesSent"] + 0, ev["ListenDrops"] + 0, rx, tx }'
}

count_found() {  # count_found TOOL FILE... -> unique open (ip, port) pairs
    local tool=$1
    shift
    case "$tool" in
        zmap) # one file per port, one address per line
            for f in "$@"; do sed "s|\$| ${f##*.}|" "$f"; done | grep -E '^198\.19\.' | sort -u | wc -l ;;
        *)    # masscan -oL and xsweep -oL: "open tcp PORT IP TIMESTAMP"
            cat "$@" 2>/dev/null | awk '$1 == "open" && $2 == "tcp" { print $3, $4 }' | sort -u | wc -l ;;
    esac
}

recall_figure() {
    log "recall: sink answering, listening on $RECALL_LISTEN, scanning $RECALL_PORTS at: $RECALL_RATES"
    tb_up --answer --listen "$RECALL_LISTEN"
    local nports nlisten true_open rate tool p
    nports=$(echo "$RECALL_PORTS" | tr ',' '\n' | wc -l)
    nlisten=0
    for p in $(echo "$RECALL_LISTEN" | tr ',' ' '); do
        echo ",$RECALL_PORTS," | grep -q ",$p," && nlisten=$((nlisten + 1))
    done
    true_open=$((TARGET_SIZE * nlisten))
    for rate in $RECALL_RATES; do
        for tool in masscan zmap xsweep xsweep+http; do
            tool_enabled "$tool" || continue
            recall_measure "$tool" "$rate" "$nports" "$true_open" "$OUT_DIR/recall-$tool-$rate"
            printf 'recall\t%s\n' "$RECALL_ROW" >>"$RESULTS"
            log "  $rate pps, $tool: $RECALL_LOG"
        done
    done
}

# recall_measure TOOL RATE NPORTS TRUE_OPEN OUT: one recall run over $TARGET; sets RECALL_ROW (the
# tab-separated fields after the row kind) and RECALL_LOG. Runs in this shell (the meter's parent).
recall_measure() {
    local tool=$1 rate=$2 nports=$3 true_open=$4 out=$5
    local before after found tmo res p
    rm -f "$out" "$out".*
    if [ "$rate" = max ]; then tmo=$((TARGET_SIZE * nports / 20000 + 30)); else tmo=$((TARGET_SIZE * nports / rate + 30)); fi
    # With its HTTP stage on, xsweep also fetches every open port (65536 GETs) before it exits.
    [ "$tool" = xsweep+http ] && tmo=$((tmo + 120))
    before=$(sink_tcp_stats)
    meter_start $((tmo * nports + 10))
    if [ "$tool" = zmap ]; then
        for p in $(echo "$RECALL_PORTS" | tr ',' ' '); do
            run_tool zmap "$p" "$rate" "$RECALL_WAIT" "$out.$p" "$tmo"
        done
        found=$(count_found zmap "$out".*)
    else
        run_tool "$tool" "$RECALL_PORTS" "$rate" "$RECALL_WAIT" "$out" "$tmo"
        found=$(count_found "$tool" "$out")
    fi
    meter_stop
    res=$METER_RES
    after=$(sink_tcp_stats)
    # deltas: synack rst cookies listen_drops rx tx
    read -r s0 r0 c0 l0 _ <<<"$before"
    read -r s1 r1 c1 l1 _ <<<"$after"
    # Every probe the sink's TCP saw got a SYN-ACK (open) or a RST (closed); the sink's
    # rx_packets cannot count probes here because it also holds the RSTs that the
    # scanner's kernel (and masscan itself) send back for each SYN-ACK.
    local synack=$((s1 - s0)) rst=$((r1 - r0))
    local probes=$((synack + rst))
    RECALL_ROW=$(printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s' "$rate" "$tool" "$found" "$true_open" \
        "$probes" "$synack" "$rst" "$(field window_s "$res")" "$((c1 - c0))" "$((l1 - l0))" \
        "$((TARGET_SIZE * nports))")
    RECALL_LOG="found $found/$true_open; sink answered $probes: ${synack} SYN-ACK, ${rst} RST"
}

# ---- 3. memory -----------------------------------------------------------------------------------
memory_figure() {
    local probes=$((TARGET_SIZE * MEM_PORTS))
    log "memory: $probes probes per tool (/16 x $MEM_PORTS ports), sink dropping"
    tb_up
    local tool ports rss res tmo
    for tool in masscan zmap xsweep xsweep+http; do
        tool_enabled "$tool" || continue
        ports=1-$MEM_PORTS
        [ "$tool" = zmap ] && ports="x$MEM_PORTS"
        tmo=$((probes / 50000 + 60))
        meter_start $((tmo + 5))
        run_tool "$tool" "$ports" max 0 - "$tmo" /usr/bin/time -v -o "$OUT_DIR/time-$tool.txt"
        meter_stop
        res=$METER_RES
        rss=$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$OUT_DIR/time-$tool.txt")
        printf 'mem\t%s\t%s\t%s\t%s\t%s\t%s\n' "$tool" "${rss:-0}" "$probes" "$(field packets "$res")" \
            "$(field pps "$res")" "$(field window_s "$res")" >>"$RESULTS"
        log "  $tool: max RSS ${rss:-?} kB; $res"
    done
    # The same scanner over 256x fewer probes: the SYN stage is stateless, so its RSS should not move.
    if tool_enabled xsweep; then
        meter_start 65
        run_tool xsweep 1 max 0 - 60 /usr/bin/time -v -o "$OUT_DIR/time-xsweep-small.txt"
        meter_stop
        res=$METER_RES
        rss=$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$OUT_DIR/time-xsweep-small.txt")
        printf 'mem\t%s\t%s\t%s\t%s\t%s\t%s\n' "xsweep" "${rss:-0}" "$TARGET_SIZE" "$(field packets "$res")" \
            "$(field pps "$res")" "$(field window_s "$res")" >>"$RESULTS"
        log "  xsweep, $TARGET_SIZE probes: max RSS ${rss:-?} kB; $res"
    fi
}

# ---- 4. IPv6 beside IPv4 ------------------------------------------------------------------------
# The same tools, sizes and sinks as figures 1 and 2, over 2001:2::/112 and over 198.19.0.0/16 in
# one --ipv6 testbed, alternating families, so neither gets a quieter machine than the other.
ipv6_figure() {
    local tools="masscan xsweep" rep fam tool tmo load mods
    if [ $have_zmap = 1 ]; then
        mods=$(zmap --list-probe-modules 2>/dev/null | tr '\n' ' ')
        case "$mods" in
            *ipv6*) printf 'skip6\tzmap\tzmap lists an IPv6 probe module, but this script drives only its IPv4 tcp_synscan\n' >>"$RESULTS" ;;
            *) printf 'skip6\tzmap\t%s has no IPv6 scanning: its probe modules are %s\n' \
                   "$(zmap --version 2>/dev/null | head -1)" "${mods% }" >>"$RESULTS" ;;
        esac
    fi
    log "ipv6: transmit, NIC-like sink, x 1 port, $REPEATS repeat(s): $TARGET6 beside $TARGET4"
    tb_up --ipv6
    sink_nic
    for rep in $(seq 1 "$REPEATS"); do
        for fam in 4 6; do
            set_family $fam
            for tool in $tools; do
                tool_enabled "$tool" || continue
                tmo=$((TARGET_SIZE / 20000 + 20))
                load=$(cut -d' ' -f1 /proc/loadavg)
                meter_start $((tmo + 5))
                run_tool "$tool" 80 max 0 - "$tmo"
                meter_stop
                printf 'tx6\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$fam" "$tool" "$rep" "$(field pps "$METER_RES")" \
                    "$(field window_s "$METER_RES")" "$(field packets "$METER_RES")" "$TARGET_SIZE" "$load" >>"$RESULTS"
                log "  IPv$fam, rep $rep, $tool: $METER_RES (load $load)"
            done
        done
    done

    log "ipv6: recall, sink answering (dual-stack listener on $RECALL_LISTEN), $RECALL_PORTS at: $RECALL_RATES"
    tb_up --ipv6 --answer --listen "$RECALL_LISTEN"
    local nports nlisten p rate
    nports=$(echo "$RECALL_PORTS" | tr ',' '\n' | wc -l)
    nlisten=0
    for p in $(echo "$RECALL_LISTEN" | tr ',' ' '); do
        echo ",$RECALL_PORTS," | grep -q ",$p," && nlisten=$((nlisten + 1))
    done
    for rate in $RECALL_RATES; do
        for fam in 4 6; do
            set_family $fam
            for tool in $tools; do
                tool_enabled "$tool" || continue
                recall_measure "$tool" "$rate" "$nports" "$((TARGET_SIZE * nlisten))" "$OUT_DIR/recall6-$fam-$tool-$rate"
                printf 'recall6\t%s\t%s\n' "$fam" "$RECALL_ROW" >>"$RESULTS"
                log "  IPv$fam, $rate pps, $tool: $RECALL_LOG"
            done
        done
    done
    set_family 4
}

start=$(date +%s)
want_figure transmit && transmit_figure
want_figure recall && recall_figure
want_figure memory && memory_figure
want_figure ipv6 && ipv6_figure
bash scripts/testbed.sh down --prefix "$prefix" >/dev/null 2>&1

echo
echo "xsweep benchmark ($([ $quick = 1 ] && echo quick || echo full), figures: $ONLY, $(( $(date +%s) - start )) s)"
echo "machine: $(nproc) CPUs, $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1), kernel $(uname -r)"
echo "tools: $(masscan --version 2>/dev/null | sed -n 's/^Masscan version \([^ ]*\).*/masscan \1/p'), $(zmap --version 2>/dev/null | head -1), xsweep $([ $have_xsweep = 1 ] && echo "present (extra flags: ${XSWEEP_EXTRA:-none})" || echo absent)"
echo "path: AF_PACKET -> veth $TB_IF_SCAN -> $TB_IF_SINK (namespaces $TB_NS_SCAN/$TB_NS_SINK); timings are noisy on a shared machine"
echo "threads: $THREADS per tool (xsweep --tx-threads, zmap -T, ceiling); masscan: its one transmit thread"
echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg) (each transmit row records the 1-min load when it started)"
echo
"$PY" bench/report.py "$RESULTS"
echo "raw rows: $RESULTS; tool logs and commands: $OUT_DIR/"
