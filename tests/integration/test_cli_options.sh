#!/usr/bin/env bash
# The option table from the operator's side, against a real testbed: decimal numbers (--seed 010
# sends the same probe order as --seed 10, not as 8), masscan's --excludefile keeps addresses off
# the wire, -v names the interface and next hop, --help hides plumbing, and exit statuses follow
# the error kind (2 for a malformed value, 1 when the machine fails).
source "$(dirname "$0")/lib.sh"

testbed_up xscli --answer --listen 80
NET=(-i "$TB_PREFIX-s0" --source-ip 198.18.0.1 --router-mac 02:58:53:00:00:02)

syn_order() {  # syn_order OUT ARGS...: destinations of the SYNs one scan sends, in order
    local out=$1; shift
    ip netns exec "$TB_PREFIX-sink" tcpdump -i "$TB_PREFIX-k0" -n -U -w "$WORK/o.pcap" \
        'tcp[tcpflags] == tcp-syn' 2>/dev/null &
    local dump=$!
    sleep 1
    in_scan "$XSWEEP" "${NET[@]}" --no-http -p 80 --retries 0 --wait 0 --rate 2000 "$@" \
        -o "$WORK/o.json" 198.18.1.0/26 2>/dev/null
    sleep 1; kill "$dump"; wait "$dump" 2>/dev/null
    tcpdump -r "$WORK/o.pcap" -n 2>/dev/null | awk '{print $5}' >"$out"
}

echo "-- numbers are decimal: --seed 010 is --seed 10"
syn_order "$WORK/s010" --seed 010
syn_order "$WORK/s10" --seed 10
syn_order "$WORK/s8" --seed 8
check "64 SYNs on the wire for --seed 010" [ "$(wc -l <"$WORK/s010")" = 64 ]
check "--seed 010 sends the order of --seed 10" cmp -s "$WORK/s010" "$WORK/s10"
check "... and not the order of --seed 8" bash -c "! cmp -s '$WORK/s010' '$WORK/s8'"
"$XSWEEP" --dry-run --seed 0x10 198.18.1.1 >/dev/null 2>"$WORK/hex.err"
check "--seed 0x10 is refused with exit 2" [ $? = 2 ]
check "... in one line naming --seed" grep -qx 'xsweep: invalid --seed "0x10": give a whole number' "$WORK/hex.err"

echo "-- masscan's --excludefile"
printf '198.18.1.0/27\n' >"$WORK/ex.txt"
syn_order "$WORK/ex" --seed 3 --excludefile "$WORK/ex.txt"
check "32 SYNs, none to an excluded address" \
    python3 -c 'import sys, ipaddress
d = [ipaddress.ip_address(l.rsplit(".", 1)[0].strip()) for l in open(sys.argv[1]) if l.strip()]
assert len(d) == 32 and all(a not in ipaddress.ip_network("198.18.1.0/27") for a in d), d' "$WORK/ex"
"$XSWEEP" --top-ports 100 198.18.1.1 2>"$WORK/top.err"
check "--top-ports is refused with exit 2" [ $? = 2 ]
check "... in one line naming -p" bash -c "[ \$(wc -l <'$WORK/top.err') = 1 ] && grep -q -- '-p supported' '$WORK/top.err'"
"$XSWEEP" --echo --show closed --open 198.18.1.1 >"$WORK/open.echo"
check "--open undoes --show closed" bash -c "! grep -q '^show' '$WORK/open.echo'"
"$XSWEEP" --echo --screenshot-timeout 45 198.18.1.1 >"$WORK/shot.echo"
check "--screenshot-timeout 45 is echoed as the config key ($(grep '^screenshot-timeout' "$WORK/shot.echo"))" \
    grep -qx 'screenshot-timeout = 45' "$WORK/shot.echo"

echo "-- -v and --help"
in_scan "$XSWEEP" "${NET[@]}" --no-http -p 80 --retries 0 --wait 0 -v -o "$WORK/v.json" 198.19.0.1 2>"$WORK/v.err"
check "-v scan exits 0 and finds 198.19.0.1:80 open" grep -q '"status":"open"' "$WORK/v.json"
check "-v names interface, source and next-hop MAC" \
    grep -q "xsweep: info: sending on $TB_PREFIX-s0 .* from 198.18.0.1; next hop .* at 02:58:53:00:00:02" "$WORK/v.err"
check "without -v: no info lines" bash -c "! '$XSWEEP' --dry-run -o /dev/null 198.18.1.1 2>&1 | grep -q 'info:'"
"$XSWEEP" --dry-run -vv -o /dev/null 198.18.1.1 2>"$WORK/vv.err"
check "-vv prints the effective configuration" grep -q '^rate = 10000$' "$WORK/vv.err"
"$XSWEEP" --help >"$WORK/help.txt"
check "--help lists -v, hides --resume-position and --db-sweep" \
    bash -c "grep -q -- '-v, --verbose' '$WORK/help.txt' && ! grep -q -- '--resume-position\|--db-sweep' '$WORK/help.txt'"

echo "-- exit status from the error kind"
for bad in "--shard 5/4" "--screenshot-timeout 0" "--source-port 0" "--router-mac zz" "--source-ip 1.2.3" "-i aaaaaaaaaaaaaaaaaaaa"; do
    # shellcheck disable=SC2086
    in_scan "$XSWEEP" "${NET[@]}" --no-http --retries 0 --wait 0 $bad 198.18.1.1 >/dev/null 2>"$WORK/bad.err"
    check "$bad: exit 2, one line" bash -c "[ $? = 2 ] && [ \$(wc -l <'$WORK/bad.err') = 1 ]"
done
in_scan "$XSWEEP" --no-http -i nosuch0 198.18.1.1 >/dev/null 2>"$WORK/rt.err"
check "a missing interface is a runtime error: exit 1" [ $? = 1 ]

finish
