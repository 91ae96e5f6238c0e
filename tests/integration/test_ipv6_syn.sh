#!/usr/bin/env bash
# The IPv6 SYN path on the wire (issue 15), tcpdump in the sink:
#  - with only -i, xsweep takes the IPv6 source from the kernel (netlink) and resolves the next hop
#    by neighbour discovery (the neighbour table starts empty): the solicitation, then SYN frames
#    to the sink's MAC, 78 bytes, hop limit 64, MSS 1460, TCP checksum over the IPv6 pseudo-header
#    correct (tcpdump -vv) on every probe;
#  - the exact open/closed set of an answering /120 (dual-stack listeners on 80, 8080);
#  - retries over IPv6: answered endpoints are never probed again (the answered keyset), silent
#    ones (blackholed by the sink) get 1 + retries SYNs, each >= 1 s after the previous one, with
#    sendmmsg and AF_XDP and two transmitter threads;
#  - a mixed IPv4/IPv6 sweep with --source-ip IPV4,IPV6 finds the open set of both;
#  - bad IPv6 input: one line, exit 2, nothing sent.
# Every xsweep run is inside the scanner namespace, even those expected to fail at once.
source "$(dirname "$0")/lib.sh"

T0=$(date +%s)
testbed_up v6syn --answer --listen 80,8080 --ipv6
IF=$TB_PREFIX-s0
XS=(timeout -k 5 60 ip netns exec "$TB_PREFIX-scan" "$XSWEEP" -i "$IF" --no-progress --no-http)
DUMP=""
dump_start() {   # dump_start FILE: everything IPv6 the sink's veth end sees
    ip netns exec "$TB_PREFIX-sink" tcpdump -i "$TB_PREFIX-k0" -n -U -B 16384 -w "$1" ip6 2>"$1.log" &
    DUMP=$!
    for _ in $(seq 1 100); do grep -q "listening on" "$1.log" 2>/dev/null && break; sleep 0.1; done
    sleep 0.2
}
dump_stop() { sleep 0.5; [ -n "$DUMP" ] && kill "$DUMP" 2>/dev/null; [ -n "$DUMP" ] && wait "$DUMP" 2>/dev/null; DUMP=""; }
trap 'dump_stop; cleanup' EXIT

# syns PCAP: "addr port epoch" for every SYN the scanner sent (IPv6 only)
syns() {
    tcpdump -r "$1" -n -tt 'ip6 and ip6[6] == 6 and ip6[53] == 2' 2>/dev/null | python3 -c '
import sys, re
for l in sys.stdin:
    m = re.match(r"(\d+\.\d+) IP6 \S+ > (\S+)\.(\d+): Flags \[S\]", l)
    if m: print(m.group(2), m.group(3), m.group(1))'
}
records() {   # records JSON STATUS: sorted "addr port"
    python3 -c '
import json, sys
print("\n".join(sorted({"%s %d" % (r["ip"], r["port"]) for r in map(json.loads, open(sys.argv[1])) if r["status"] == sys.argv[2]})))' "$1" "$2"
}

echo "-- only -i: source from netlink, next hop by neighbour discovery; the frames on the wire"
check "the neighbour table starts without the sink" \
    bash -c "! ip netns exec $TB_PREFIX-scan ip -6 neigh show dev $IF | grep -q lladdr"
dump_start "$WORK/a.pcap"
"${XS[@]}" -p 80,443,8080 --rate 5000 --wait 1 --retries 2 --show closed --seed 3 -v \
    -o "$WORK/a.json" 2001:2::/120 2>"$WORK/a.err"
check "scan exits 0" [ $? = 0 ]
dump_stop
check "it says where it sends from and the next hop it found" \
    grep -q "from 2001:2:0:ff::1; next hop 2001:2:0:ff::2 (gateway) at 02:58:53:00:00:02" "$WORK/a.err"
python3 - "$WORK/expect" <<'PY'
import sys, ipaddress
with open(sys.argv[1] + ".open", "w") as o, open(sys.argv[1] + ".closed", "w") as c:
    for a in ipaddress.ip_network("2001:2::/120"):
        o.write(f"{a} 80\n{a} 8080\n")
        c.write(f"{a} 443\n")
PY
records "$WORK/a.json" open >"$WORK/a.open"
records "$WORK/a.json" closed >"$WORK/a.closed"
check "open set is exactly the listeners' (512 endpoints)" diff -q "$WORK/a.open" <(sort "$WORK/expect.open")
check "closed set is exactly port 443 (256 endpoints)" diff -q "$WORK/a.closed" <(sort "$WORK/expect.closed")
tcpdump -r "$WORK/a.pcap" -n -e -vv 2>/dev/null >"$WORK/a.txt"
python3 - "$WORK/a.txt" <<'PY' && pass "a neighbour solicitation first, then 768 SYNs: each 78 bytes to the sink's MAC, hlim 64, MSS 1460, checksum correct; answered endpoints never probed again despite --retries 2" || fail "IPv6 SYN frames on the wire"
import sys, re
text = open(sys.argv[1]).read()
# tcpdump -vv: a packet's first line starts with a timestamp; continuation lines are indented
pkts = re.split(r"\n(?=\d\d:\d\d:\d\d\.)", text.strip())
ns = [i for i, p in enumerate(pkts) if "neighbor solicitation, length 32, who has 2001:2:0:ff::2" in p]
syn = [(i, p) for i, p in enumerate(pkts) if re.search(r"2001:2:0:ff::1\.\d+ > 2001:2::[0-9a-f]*\.\d+: Flags \[S\],", p)]
assert ns, "no neighbour solicitation for the next hop"
assert syn and ns[0] < syn[0][0], "the solicitation did not come first"
assert len(syn) == 768, ("SYNs", len(syn))
dsts = set()
for _, p in syn:
    assert "02:58:53:00:00:01 > 02:58:53:00:00:02, ethertype IPv6 (0x86dd), length 78:" in p, p[:200]
    assert "hlim 64, next-header TCP (6) payload length: 24)" in p, p[:200]
    assert re.search(r"cksum 0x[0-9a-f]+ \(correct\)", p), p[:300]
    assert "options [mss 1460]" in p and "win 1024" in p, p[:300]
    dsts.add(re.search(r"> (2001:2::[0-9a-f]*\.\d+): Flags", p).group(1))
assert len(dsts) == 768, ("distinct endpoints", len(dsts))
PY
check "the summary counts 768 probes and 768 replies" grep -q "768 probes sent (0 refused by the kernel), 768 replies" "$WORK/a.err"

for sender in sendmmsg xdp; do
echo "-- silent IPv6 endpoints, --sender $sender, 2 threads, --retries 2: 3 SYNs each, >= 1 s apart"
dump_start "$WORK/s-$sender.pcap"
"${XS[@]}" -p 80,81 --rate 2000 --wait 0.5 --retries 2 --retry-delay 1 --tx-threads 2 --sender $sender \
    --seed 5 -o "$WORK/s-$sender.json" 2001:2:0:1::/122 2>"$WORK/s-$sender.err"
rc=$?
dump_stop
if [ $sender = xdp ] && [ $rc != 0 ] && grep -qi "xdp" "$WORK/s-$sender.err"; then
    echo "   (AF_XDP not available here: $(head -1 "$WORK/s-$sender.err"))"
    continue
fi
check "$sender: scan exits 0" [ $rc = 0 ]
syns "$WORK/s-$sender.pcap" >"$WORK/s-$sender.syns"
python3 - "$WORK/s-$sender.syns" <<'PY' && pass "$sender: 128 endpoints x 3 SYNs, closest two of one endpoint >= 1 s apart" || fail "$sender: retries over IPv6"
import sys, collections
by = collections.defaultdict(list)
for l in open(sys.argv[1]):
    a, port, t = l.split()
    by[(a, port)].append(float(t))
assert len(by) == 128, ("endpoints", len(by))
counts = collections.Counter(len(v) for v in by.values())
assert set(counts) == {3}, ("SYNs per endpoint", counts)
gap = min(b - a for v in by.values() for a, b in zip(sorted(v), sorted(v)[1:]))
assert gap >= 0.999, ("closest two probes of one endpoint", gap)
print("   closest gap %.3f s" % gap)
PY
check "$sender: nothing reported for silent endpoints" [ ! -s "$WORK/s-$sender.json" ]
done

echo "-- mixed IPv4 and IPv6 in one sweep, --source-ip IPV4,IPV6 and --router-mac"
"${XS[@]}" -p 80,443 --rate 5000 --wait 1 --show closed --source-ip 198.18.0.1,2001:2:0:ff::1 \
    --router-mac 02:58:53:00:00:02 -o "$WORK/m.json" 198.19.0.0/26 2001:2::100/122 2>"$WORK/m.err"
check "mixed scan exits 0" [ $? = 0 ]
python3 - "$WORK/m.exp" <<'PY'
import sys, ipaddress
with open(sys.argv[1], "w") as o:
    for n in ("198.19.0.0/26", "2001:2::100/122"):
        for a in ipaddress.ip_network(n):
            o.write(f"{a} 80\n")
PY
records "$WORK/m.json" open >"$WORK/m.open"
check "open set is exactly port 80 of both families (128 endpoints)" diff -q "$WORK/m.open" <(sort "$WORK/m.exp")
check "closed: port 443 of both (128 endpoints)" [ "$(records "$WORK/m.json" closed | wc -l)" = 128 ]

echo "-- a mixed dry run lists both families; shards of it are disjoint and complete"
"${XS[@]}" --dry-run --retries 0 -p 80 --seed 9 198.19.0.0/28 2001:2::/124 >"$WORK/d.all" 2>/dev/null
"${XS[@]}" --dry-run --retries 0 -p 80 --seed 9 --shard 1/2 198.19.0.0/28 2001:2::/124 >"$WORK/d.1" 2>/dev/null
"${XS[@]}" --dry-run --retries 0 -p 80 --seed 9 --shard 2/2 198.19.0.0/28 2001:2::/124 >"$WORK/d.2" 2>/dev/null
python3 - "$WORK/d.all" "$WORK/d.1" "$WORK/d.2" <<'PY' && pass "32 probes, 16 IPv6; shard 1/2 + 2/2 = all, disjoint" || fail "dry run / shards across both families"
import sys, json
ep = lambda f: [(r["ip"], r["port"]) for r in map(json.loads, open(f))]
a, s1, s2 = ep(sys.argv[1]), ep(sys.argv[2]), ep(sys.argv[3])
assert len(a) == 32 and len(set(a)) == 32, len(a)
assert sum(":" in ip for ip, _ in a) == 16
assert not set(s1) & set(s2) and set(s1) | set(s2) == set(a)
PY

echo "-- bad IPv6 input: one line, exit 2, nothing sent"
dump_start "$WORK/bad.pcap"
bad() {   # bad WHAT EXPECTED-TEXT ARGS...
    local what=$1 want=$2; shift 2
    "${XS[@]}" "$@" >/dev/null 2>"$WORK/bad.err"
    local rc=$?
    check "$what: exit 2, one line naming it" \
        bash -c "[ $rc = 2 ] && [ \$(wc -l <'$WORK/bad.err') = 1 ] && grep -q -- '$want' '$WORK/bad.err'"
}
bad "a /64" "18446744073709551616 addresses" -p 80 2001:2::/64
bad "a bracketed target" "expected an IPv6 address" -p 80 "[2001:2::1]"
bad "--source-ip with two IPv6 addresses" "invalid --source-ip" --source-ip 2001:2::1,2001:2::2 -p 80 2001:2::/126
bad "--source-ip garbage" "invalid --source-ip" --source-ip 2001:2::zz -p 80 2001:2::/126
dump_stop
check "nothing was sent by the refused runs" [ "$(syns "$WORK/bad.pcap" | wc -l)" = 0 ]

echo "   ($(( $(date +%s) - T0 )) s)"
finish
