#!/usr/bin/env bash
# The core engine against a real kernel: exact open/closed sets, endpoints, the throttle and the
# exclude list checked on the wire, bad input, and flushing on SIGINT.
source "$(dirname "$0")/lib.sh"

testbed_up xsit --answer --listen 80,8080,2222
NET=(-i "$TB_PREFIX-s0" --source-ip 198.18.0.1 --router-mac 02:58:53:00:00:02)

# Every address of 198.19.0.0/20 answers: SYN-ACK on the three listening ports, RST elsewhere.
python3 - "$WORK/expect" <<'PY'
import sys, ipaddress
net = ipaddress.ip_network("198.19.0.0/20")
with open(sys.argv[1] + ".open", "w") as o, open(sys.argv[1] + ".closed", "w") as c:
    for ip in net:
        for p in (80, 8080, 2222): o.write(f"{ip}:{p}\n")
        for p in (443, 9999): c.write(f"{ip}:{p}\n")
PY

endpoints_of() {  # JSON lines -> sorted ip:port for one status
    python3 -c '
import json, sys
st = sys.argv[1]
seen = set()
for line in open(sys.argv[2]):
    r = json.loads(line)
    if r["status"] == st: seen.add("%s:%d" % (r["ip"], r["port"]))
print("\n".join(sorted(seen)))' "$1" "$2"
}
same_set() { diff <(sort "$1") <(sort "$2") >/dev/null; }
count_lines() { wc -l <"$1" | tr -d ' '; }

echo "-- range scan 198.19.0.0/20 x 5 ports at 100k pps"
in_scan "$XSWEEP" "${NET[@]}" -p 80,443,8080,2222,9999 --rate 100000 --wait 2 --show closed \
    --seed 1 -o "$WORK/range.json" 198.19.0.0/20 2>"$WORK/range.err"
check "scan exits 0" [ $? = 0 ]
endpoints_of open "$WORK/range.json" >"$WORK/got.open"
endpoints_of closed "$WORK/range.json" >"$WORK/got.closed"
check "open set is exactly the listening ports ($(count_lines "$WORK/got.open")/12288)" \
    same_set "$WORK/got.open" "$WORK/expect.open"
check "closed set is exactly the RST ports ($(count_lines "$WORK/got.closed")/8192)" \
    same_set "$WORK/got.closed" "$WORK/expect.closed"
check "one record per endpoint" [ "$(count_lines "$WORK/range.json")" = 20480 ]
check "records carry ttl and ts" python3 -c '
import json,sys,re
for l in open(sys.argv[1]):
    r = json.loads(l)
    assert r["proto"] == "tcp" and r["ttl"] > 0 and re.match(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$", r["ts"])' "$WORK/range.json"

echo "-- without --show closed only open endpoints are reported"
in_scan "$XSWEEP" "${NET[@]}" -p 80,443 --rate 50000 --wait 1 -oL -o "$WORK/list.txt" 198.19.0.0/24 2>/dev/null
check "list output has 256 open lines" [ "$(grep -c '^open tcp 80 ' "$WORK/list.txt")" = 256 ]
check "no closed lines (only masscan's #masscan and # end besides)" [ "$(grep -v '^#' "$WORK/list.txt" | grep -vc '^open ')" = 0 ]

echo "-- endpoint list with --all-statuses"
cat >"$WORK/endpoints.txt" <<'EOT'
# a comment
198.19.1.1:80
198.19.1.2:443
198.19.1.3:8080 bucket
198.19.1.4:2222
198.19.1.5:80
198.19.1.1:80
198.18.5.5:80
198.19.1.6:6379
EOT
in_scan "$XSWEEP" "${NET[@]}" --endpoints "$WORK/endpoints.txt" --exclude 198.19.1.5 --all-statuses \
    --rate 1000 --wait 1 -o "$WORK/ep.json" 2>"$WORK/ep.err"
check "endpoint scan exits 0" [ $? = 0 ]
python3 - "$WORK/ep.json" <<'PY' && pass "every input endpoint has exactly one record with the right status" || fail "endpoint statuses"
import json, sys
got = {}
for l in open(sys.argv[1]):
    r = json.loads(l); k = f"{r['ip']}:{r['port']}"
    assert k not in got, f"duplicate {k}"
    got[k] = r["status"]
want = {"198.19.1.1:80": "open", "198.19.1.2:443": "closed", "198.19.1.3:8080": "open",
        "198.19.1.4:2222": "open", "198.19.1.5:80": "excluded", "198.18.5.5:80": "closed",
        "198.19.1.6:6379": "closed"}
assert got == want, got
PY
in_scan "$XSWEEP" "${NET[@]}" --endpoints "$WORK/endpoints.txt" -p supported --all-statuses \
    --rate 1000 --wait 1 -o "$WORK/ep2.json" 2>/dev/null
check "--ports supported marks 9999-style ports unsupported, keeps 6379 (Redis) and 2222 (SSH)" python3 -c '
import json,sys
s = {"%s:%d" % (r["ip"], r["port"]): r["status"] for r in map(json.loads, open(sys.argv[1]))}
assert s["198.19.1.6:6379"] == "closed" and s["198.19.1.4:2222"] == "open", s
assert s["198.19.1.1:80"] == "open"' "$WORK/ep2.json"

echo "-- throttle and exclude list on the wire"
# 198.18.1.0/28 has no owner: nothing answers, so every endpoint gets all its retries.
ip netns exec "$TB_PREFIX-sink" tcpdump -i "$TB_PREFIX-k0" -n -tt -U -w "$WORK/syn.pcap" 'tcp[tcpflags] & tcp-syn != 0' \
    2>/dev/null & dump=$!
sleep 1
in_scan "$XSWEEP" "${NET[@]}" -p 80,81,82 --retries 2 --rate 100000 --wait 0 \
    --exclude 198.18.1.3,198.18.1.8-198.18.1.9 -o "$WORK/thr.json" 198.18.1.0/28 2>/dev/null
sleep 1; kill "$dump"; wait "$dump" 2>/dev/null
tcpdump -r "$WORK/syn.pcap" -n -tt 2>/dev/null >"$WORK/syn.txt"
python3 - "$WORK/syn.txt" <<'PY' && pass "each IP:port probed 3 times, at least 1 s apart; excluded never probed" || fail "throttle/exclude on the wire"
import sys, re, collections
seen = collections.defaultdict(list)
for line in open(sys.argv[1]):
    m = re.match(r"(\d+\.\d+) IP 198\.18\.0\.1\.\d+ > (198\.18\.1\.\d+)\.(\d+):", line)
    if m: seen[(m.group(2), int(m.group(3)))].append(float(m.group(1)))
excluded = {"198.18.1.3", "198.18.1.8", "198.18.1.9"}
assert not any(ip in excluded for ip, _ in seen), "probe to an excluded address"
assert len(seen) == 13 * 3, len(seen)
for k, ts in seen.items():
    assert len(ts) == 3, (k, ts)
    ts.sort()
    # Capture timestamps at the sink; 1 ms of slack for the capture clock, not for the scanner.
    assert all(b - a >= 0.999 for a, b in zip(ts, ts[1:])), (k, ts)
PY

echo "-- bad input: one clear line, non-zero exit"
bad() {   # bad "what" expected-exit args...
    local what=$1 want=$2; shift 2
    "$XSWEEP" "$@" >"$WORK/bad.out" 2>"$WORK/bad.err"; local rc=$?
    if [ $rc = "$want" ] && [ "$(wc -l <"$WORK/bad.err")" = 1 ] && grep -q '^xsweep: ' "$WORK/bad.err"; then
        pass "$what: $(cat "$WORK/bad.err")"
    else
        fail "$what (exit $rc): $(cat "$WORK/bad.err")"
    fi
}
bad "no target" 2 -p 80
bad "malformed range" 2 198.19.0.0/33
bad "reversed range" 2 198.19.0.9-198.19.0.1
bad "bad port" 2 -p 70000 198.19.0.1
bad "unreadable target file" 2 -iL /nonexistent/targets.txt
bad "unreadable exclude file" 2 --exclude-file /nonexistent/ex.txt 198.19.0.1
bad "unknown flag" 2 --frobnicate 198.19.0.1
bad "whole internet without --exclude-file" 2 -p 80,443 0.0.0.0/0
bad "everything excluded" 2 --exclude 198.19.0.0/24 198.19.0.0/24

echo "-- dry run needs no root and builds every probe"
setpriv --reuid=65534 --regid=65534 --clear-groups "$XSWEEP" --dry-run -p 80,443 --retries 1 --seed 9 \
    --source-ip 198.18.0.1 198.19.0.0/24 >"$WORK/dry.json" 2>"$WORK/dry.err"
check "dry run as nobody exits 0" [ $? = 0 ]
check "dry run prints 256 x 2 x 2 probes" [ "$(count_lines "$WORK/dry.json")" = 1024 ]

echo "-- no -i, --source-ip or --router-mac: route from the kernel, next-hop MAC by ARP who-has"
# The testbed's static neighbour entry goes, so the MAC can only come from xsweep's own request.
ip -n "$TB_NS_SCAN" neigh del "$TB_SINK_IP" dev "$TB_IF_SCAN"
ip netns exec "$TB_PREFIX-sink" tcpdump -i "$TB_IF_SINK" -n -U -w "$WORK/arp.pcap" 'arp or tcp[tcpflags] & tcp-syn != 0' \
    2>/dev/null & dump=$!
sleep 1
# Just before the scan: the kernel must not have learnt the MAC again (or the request seen below
# could be its own, and xsweep would have read the table instead).
ip -n "$TB_NS_SCAN" neigh show "$TB_SINK_IP" dev "$TB_IF_SCAN" >"$WORK/neigh-before.txt"
in_scan "$XSWEEP" -p 80 --rate 10000 --wait 1 -o "$WORK/arp.json" 198.19.2.0/24 2>"$WORK/arp.err"; rc=$?
sleep 0.5; kill "$dump"; wait "$dump" 2>/dev/null
n=$(count_lines "$WORK/arp.json")
check "scan finds all 256 open with the learnt MAC (exit $rc, $n records)" [ $rc = 0 -a "$n" = 256 ]
tcpdump -r "$WORK/arp.pcap" -n -e 2>/dev/null >"$WORK/arp.txt"
python3 - "$WORK/arp.txt" "$TB_SINK_IP" "$TB_SCAN_IP" "$TB_SINK_MAC" "$WORK/neigh-before.txt" <<'EOF' \
    && pass "ARP who-has $TB_SINK_IP from $TB_SCAN_IP, answered, before the first SYN" || fail "ARP on the wire"
import sys
lines = open(sys.argv[1]).read().splitlines()
sink, scan, sink_mac = sys.argv[2:5]
neigh_before = open(sys.argv[5]).read()
assert "lladdr" not in neigh_before, neigh_before              # no MAC known before the scan
first_syn = next(i for i, l in enumerate(lines) if "Flags [S]" in l)
req = next(i for i, l in enumerate(lines) if f"Request who-has {sink} tell {scan}" in l)
rep = next(i for i, l in enumerate(lines) if f"Reply {sink} is-at {sink_mac}" in l)
assert req < rep < first_syn, (req, rep, first_syn)
assert "> ff:ff:ff:ff:ff:ff" in lines[req], lines[req]          # a broadcast request
assert f"> {sink_mac}" in lines[first_syn], lines[first_syn]    # probes go to the learnt MAC
EOF
# A next hop that never answers: one clear line after three tries, exit 1.
ip -n "$TB_NS_SCAN" route add 198.18.5.0/24 via 198.18.0.77 dev "$TB_IF_SCAN"
in_scan "$XSWEEP" -p 80 -o "$WORK/noarp.json" 198.18.5.1 2>"$WORK/noarp.err"; rc=$?
check "silent next hop: exit 1 and one line ($(cat "$WORK/noarp.err"))" \
    [ $rc = 1 -a "$(wc -l <"$WORK/noarp.err")" = 1 -a -n "$(grep 'no ARP reply from 198.18.0.77' "$WORK/noarp.err")" ]
ip -n "$TB_NS_SCAN" route del 198.18.5.0/24
ip -n "$TB_NS_SCAN" neigh replace "$TB_SINK_IP" lladdr "$TB_SINK_MAC" dev "$TB_IF_SCAN" nud permanent

echo "-- SIGINT: stop sending, flush what was found, exit 130"
ip netns exec "$TB_PREFIX-scan" "$XSWEEP" "${NET[@]}" -p 80 --rate 2000 --wait 1 -o "$WORK/int.json" 198.19.0.0/16 \
    2>"$WORK/int.err" & pid=$!
sleep 2; kill -INT "$pid"; wait "$pid"; rc=$?
check "exit status 130 after SIGINT (got $rc)" [ "$rc" = 130 ]
n=$(count_lines "$WORK/int.json")
check "results found before SIGINT are written ($n records)" [ "$n" -gt 1000 ]
check "records are complete JSON lines" python3 -c '
import json,sys
[json.loads(l) for l in open(sys.argv[1])]' "$WORK/int.json"

finish
