#!/usr/bin/env bash
# Route, source address and next-hop MAC from the kernel over netlink, with no -i, --source-ip or
# --router-mac: a target reached only through a policy-routing table (which /proc/net/route, the
# main table, never showed), the route's preferred source address on the SYNs, and the kernel's
# neighbour entry used as it is (no ARP on the wire).
source "$(dirname "$0")/lib.sh"

testbed_up xsnd --answer --listen 80
count_lines() { wc -l <"$1" | tr -d ' '; }

# 198.19/16 leaves the main table: only table 100, chosen by a rule, knows it; the route names
# a second address of the scanner as its source.
ip -n "$TB_NS_SCAN" addr add 198.18.0.9/16 dev "$TB_IF_SCAN"
ip -n "$TB_NS_SCAN" route del "$TB_TARGET_NET"
ip -n "$TB_NS_SCAN" route add "$TB_TARGET_NET" via "$TB_SINK_IP" dev "$TB_IF_SCAN" src 198.18.0.9 table 100
ip -n "$TB_NS_SCAN" rule add to "$TB_TARGET_NET" lookup 100 pref 100
ip -n "$TB_NS_SINK" neigh replace 198.18.0.9 lladdr "$TB_SCAN_MAC" dev "$TB_IF_SINK" nud permanent
check "the main table has no route to the targets" \
    [ -z "$(ip -n "$TB_NS_SCAN" route show table main "$TB_TARGET_NET")" ]

ip netns exec "$TB_PREFIX-sink" tcpdump -i "$TB_IF_SINK" -n -U -w "$WORK/wire.pcap" 'arp or tcp[tcpflags] & tcp-syn != 0' \
    2>/dev/null & dump=$!
sleep 1
in_scan "$XSWEEP" -p 80 --rate 5000 --wait 1 --no-http -o "$WORK/scan.json" 198.19.3.0/26 \
    2>"$WORK/scan.err"; rc=$?
sleep 0.5; kill "$dump"; wait "$dump" 2>/dev/null
n=$(count_lines "$WORK/scan.json")
check "scan through the policy-routed table finds all 64 open (exit $rc, $n records: $(head -c 200 "$WORK/scan.err"))" \
    [ $rc = 0 -a "$n" = 64 ]
tcpdump -r "$WORK/wire.pcap" -n -e 2>/dev/null >"$WORK/wire.txt"
syns=$(grep -c 'Flags \[S\]' "$WORK/wire.txt")
from9=$(grep 'Flags \[S\]' "$WORK/wire.txt" | grep -c '198\.18\.0\.9\.[0-9]* > 198\.19\.3\.')
check "every SYN ($syns) carries the route's source address 198.18.0.9 ($from9)" \
    [ "$syns" -ge 64 -a "$syns" = "$from9" ]
check "no ARP request from the scanner: the kernel's neighbour entry was used" \
    [ "$(grep -c 'Request who-has' "$WORK/wire.txt")" = 0 ]
check "SYNs go to the sink's MAC from the neighbour table" \
    [ "$(grep 'Flags \[S\]' "$WORK/wire.txt" | grep -vc "> $TB_SINK_MAC")" = 0 ]

# The rule gone, nothing routes there: one clear line, exit 1, nothing sent.
ip -n "$TB_NS_SCAN" rule del pref 100
in_scan "$XSWEEP" -p 80 --no-http -o "$WORK/none.json" 198.19.3.1 2>"$WORK/none.err"; rc=$?
check "no route: exit 1 and one line ($(cat "$WORK/none.err"))" \
    [ $rc = 1 -a "$(count_lines "$WORK/none.err")" = 1 -a -n "$(grep -F 'no route to 198.19.3.1' "$WORK/none.err")" ]
finish
