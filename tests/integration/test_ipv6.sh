#!/usr/bin/env bash
# IPv6 end to end (issue 15), against real Debian servers (nginx, redis, OpenSSH) answering on both
# families in the sink of an IPv6 testbed (testbed.sh --ipv6: 2001:2::/112 owned by the sink
# through a local route, closed ports answered with RST, neighbour discovery across the veth):
#  - the testbed itself, validated by reference scanners (nmap -6 -sS, masscan) on a subset;
#  - `xsweep -p supported` over 2001:2::/116 + single addresses + a range + 198.19.0.0/24 (with
#    IPV6_FULL=1: the issue's 2001:2::/112 198.19.0.0/24) finds exactly the true open set of both
#    families (the sink's listeners), enriched (HTTP status and title, TLS, probe products);
#  - JSON/CSV/list/XML (xmllint, addrtype="ipv6") carry the IPv6 addresses;
#  - on the wire (tcpdump in the sink): IPv6 excludes are never reached, and every connection to
#    one IP:port (SYN probe, GET, protocol probe) is at least 1 s after the previous one;
#  - a /64 is refused with one line and a non-zero exit, and sends nothing;
#  - the [2001:2::5]:443 endpoint form; shards 1/2 + 2/2 = the whole set; --resume.
# Every xsweep run is inside the scanner namespace, even those expected to fail at once.
source "$(dirname "$0")/lib.sh"

T0=$(date +%s)
RATE=${IPV6_RATE:-200000}
testbed_up x6 --answer --ipv6
IF=$TB_PREFIX-s0
SINKNS=$TB_PREFIX-sink
# Only the interface: xsweep finds each family's source address and next hop (ARP / neighbour
# discovery) itself, as an operator would run it. IPV6_NET_FLAGS adds flags when needed.
# shellcheck disable=SC2206
NET=(-i "$IF" ${IPV6_NET_FLAGS:-})
XS=(timeout -k 5 100 ip netns exec "$TB_PREFIX-scan" "$XSWEEP" "${NET[@]}" --no-progress)
PIDS=()
DUMP=""
stop_dump() { [ -n "$DUMP" ] && kill "$DUMP" 2>/dev/null; [ -n "$DUMP" ] && wait "$DUMP" 2>/dev/null; DUMP=""; }
trap 'stop_dump; for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; done; cleanup' EXIT
# Hard bound: the whole test stops within 150 s whatever hangs.
( trap 'kill $s 2>/dev/null; exit 0' TERM; sleep $(( ${IPV6_FULL:-0} == 1 ? 260 : 150 )) >/dev/null 2>&1 & s=$!; wait $s
  echo "test_ipv6.sh: time limit reached" >&2; kill -TERM $$ ) & PIDS+=($!)

# verdicts FILE: "ok ..." / "FAIL ..." lines from a python check into pass/fail.
verdicts() {
    local word rest n=0
    while read -r word rest; do
        n=$((n + 1))
        case "$word" in ok) pass "$rest" ;; FAIL) fail "$rest" ;; *) echo "   $word $rest" ;; esac
    done <"$1"
    [ $n -gt 0 ] || fail "no verdict from $(basename "$1") ($(head -c 300 "$1"))"
}
# capture NAME FILTER: tcpdump in the sink on its veth, every frame matching FILTER, with times.
capture() {
    ip netns exec "$SINKNS" tcpdump -i "$TB_PREFIX-k0" -n -tt -U -s 128 -w "$WORK/$1.pcap" "$2" 2>/dev/null &
    DUMP=$!
    for _ in $(seq 30); do [ -s "$WORK/$1.pcap" ] && break; sleep 0.1; done
    sleep 0.3
}
capture_end() {   # capture_end NAME: text form in $WORK/NAME.txt
    sleep 0.5; stop_dump
    tcpdump -r "$WORK/$1.pcap" -n -tt 2>/dev/null >"$WORK/$1.txt"
}

echo "-- [$(( $(date +%s) - T0 )) s] the testbed: addresses, neighbour discovery, RST on closed ports"
check "scanner has $TB_SCAN_IP6, not tentative" bash -c \
    "ip -n $TB_PREFIX-scan -6 addr show dev $IF | grep -v tentative | grep -qF '$TB_SCAN_IP6/64'"
check "sink owns $TB_TARGET_NET6 through a local route" bash -c \
    "ip -n $SINKNS -6 route show table local | grep -q '^local $TB_TARGET_NET6 dev lo'"
rst=$(ip netns exec "$TB_PREFIX-scan" python3 -c '
import socket
s = socket.socket(socket.AF_INET6); s.settimeout(3)
try: s.connect(("2001:2::99", 81)); print("connected")
except ConnectionRefusedError: print("refused")
except Exception as e: print(type(e).__name__)' 2>&1)
check "a closed port of the /112 is answered with RST (connect: $rst)" [ "$rst" = refused ]
nd=$(ip -n "$TB_PREFIX-scan" -6 neigh show "$TB_SINK_IP6" dev "$IF")
check "the next hop (the sink's link address) was learnt by neighbour discovery ($nd)" \
    bash -c "echo '$nd' | grep -q lladdr && ! echo '$nd' | grep -q PERMANENT"

echo "-- [$(( $(date +%s) - T0 )) s] real servers in the sink, both families"
sink_nginx dual "xsweep dual-stack" 198.19.0.10,80 2001:2::10,80 198.19.0.10,443,ssl 2001:2::10,443,ssl
sink_nginx five "IPv6 five" 2001:2::5,443,ssl 2001:2::5,8080
sink_nginx edge "edge of the net" 2001:2::ffff,8080 198.19.0.255,8080
sink_redis 2001:2::11 6379
sink_redis 198.19.0.11 6379
sink_redis 2001:2::abcd 6379
sink_sshd v6 2001:2::12 22
sink_sshd v4 198.19.0.12 22
sink_sshd hi 2001:2::8000 2222
sink_wait_listen 2001:2::10 80 443; sink_wait_listen 2001:2::5 443 8080; sink_wait_listen 2001:2::ffff 8080
sink_wait_listen 2001:2::11 6379; sink_wait_listen 2001:2::abcd 6379; sink_wait_listen 198.19.0.11 6379
sink_wait_listen 2001:2::12 22; sink_wait_listen 198.19.0.12 22; sink_wait_listen 2001:2::8000 2222

# The true open set: every TCP listener of the sink inside the two target nets, on a supported
# port (the service table, src/targets/supported_ports.c). Fails on a wildcard listener.
ip netns exec "$SINKNS" ss -Hltn >"$WORK/listeners.txt"
python3 - "$ROOT/src/targets/supported_ports.c" "$WORK/expect" "$WORK/listeners.txt" <<'PY' >"$WORK/expect.out" 2>&1
import ipaddress, re, sys
ports = sorted({int(p) for p in re.findall(r"\b(?:ROW|TLSROW|HTTPS?|WEB)\((\d+)", open(sys.argv[1]).read())})
nets = [ipaddress.ip_network("2001:2::/112"), ipaddress.ip_network("198.19.0.0/24")]
want, wild = set(), []
for line in open(sys.argv[3]):
    local = line.split()[3]
    addr, port = local.rsplit(":", 1)
    addr = addr.strip("[]").split("%")[0]
    if addr in ("*", "0.0.0.0", "::"):
        wild.append(local); continue
    a = ipaddress.ip_address(addr)
    if any(a in n for n in nets) and int(port) in ports:
        want.add((a.compressed, int(port)))
with open(sys.argv[2], "w") as f:
    for a, p in sorted(want, key=lambda k: (ipaddress.ip_address(k[0]).version, ipaddress.ip_address(k[0]), k[1])):
        f.write(f"{a} {p}\n")
open(sys.argv[2] + ".ports", "w").write(",".join(map(str, ports)))
print(("ok " if not wild and len(want) == 14 else "FAIL ") +
      f"the sink listens on {len(want)} supported endpoints in the targets (14 started), no wildcard listener {wild}")
PY
verdicts "$WORK/expect.out"
PORTS=$(cat "$WORK/expect.ports" 2>/dev/null)
sed 's/^/   expect /' "$WORK/expect" | tr '\n' ';' | fold -w 160; echo

# cmp_set NAME FILE SUBSET...: FILE holds "addr port" lines found by a tool; compare with the
# expected set restricted to the given networks.
cmp_set() {
    local name=$1 file=$2; shift 2
    python3 - "$name" "$file" "$WORK/expect" "$@" <<'PY' >"$WORK/cmp-$name.out" 2>&1
import ipaddress, sys
name, got_f, want_f, nets = sys.argv[1], sys.argv[2], sys.argv[3], [ipaddress.ip_network(n) for n in sys.argv[4:]]
def load(f):
    s = []
    for line in open(f):
        a, p = line.split()[:2]
        s.append((ipaddress.ip_address(a).compressed, int(p)))
    return s
got = load(got_f)
want = {k for k in load(want_f) if any(ipaddress.ip_address(k[0]) in n for n in nets)}
extra, miss = set(got) - want, want - set(got)
ok = not extra and not miss
print(("ok " if ok else "FAIL ") + f"{name}: {len(set(got))} open endpoints, exactly the sink's {len(want)} listeners"
      + ("" if ok else f" ({len(extra)} extra {sorted(extra)[:4]}, {len(miss)} missing {sorted(miss)[:4]})"))
PY
    verdicts "$WORK/cmp-$name.out"
}

echo "-- [$(( $(date +%s) - T0 )) s] reference scanners in the scanner namespace (2001:2::/123 + 3 addresses; 198.19.0.0/28 + 1)"
SUB6=(2001:2::/123 2001:2::abcd 2001:2::8000 2001:2::ffff)
timeout 60 ip netns exec "$TB_PREFIX-scan" nmap -6 -sS -Pn -n -T4 --min-rate 20000 --max-retries 2 \
    -p "$PORTS" -oG "$WORK/nmap6.gnmap" "${SUB6[@]}" >/dev/null 2>"$WORK/nmap6.err"
timeout 60 ip netns exec "$TB_PREFIX-scan" nmap -sS -Pn -n -T4 --min-rate 20000 --max-retries 2 \
    -p "$PORTS" -oG "$WORK/nmap4.gnmap" 198.19.0.0/28 198.19.0.255 >/dev/null 2>"$WORK/nmap4.err"
cat "$WORK/nmap6.gnmap" "$WORK/nmap4.gnmap" 2>/dev/null | python3 -c '
import re, sys
for line in sys.stdin:
    m = re.match(r"Host: (\S+) .*Ports: (.*)", line)
    if m:
        for p in m.group(2).split(","):
            f = p.strip().split("/")
            if len(f) > 2 and f[1] == "open": print(m.group(1), f[0])' >"$WORK/nmap.found"
cmp_set nmap "$WORK/nmap.found" 2001:2::/123 2001:2::abcd/128 2001:2::8000/128 2001:2::ffff/128 198.19.0.0/28 198.19.0.255/32
# masscan 1.3.2 scans IPv6. Its receive thread blocks in libpcap until a frame arrives, so on a
# quiet link it never notices the end: a UDP datagram every 100 ms from the sink to an address
# nobody owns (the scanner's kernel drops it) wakes it. At 20 kpps it lost replies here; at 5 kpps
# with one retry it found every one in repeated runs. It prints 2001:2:: as "2001:2:" (fixed below).
ip -n "$SINKNS" neigh replace 198.18.0.9 lladdr "$TB_SCAN_MAC" dev "$TB_PREFIX-k0" nud permanent
ip netns exec "$SINKNS" timeout 70 python3 -c '
import socket, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
while True: s.sendto(b"nudge", ("198.18.0.9", 9)); time.sleep(0.1)' & nudge=$!
PIDS+=("$nudge")
timeout 60 ip netns exec "$TB_PREFIX-scan" masscan --adapter "$IF" --adapter-ip "$TB_SCAN_IP6" \
    --router-mac-ipv6 "$TB_SINK_MAC" --rate 5000 --retries 1 --wait 2 -p "$PORTS" -oL "$WORK/masscan6.list" \
    2001:2::-2001:2::1f 2001:2::abcd 2001:2::8000 2001:2::ffff >"$WORK/masscan6.out" 2>&1
kill "$nudge" 2>/dev/null
awk '$1 == "open" { a = $4; if (a ~ /[^:]:$/) a = a ":"; print a, $3 }' "$WORK/masscan6.list" 2>/dev/null >"$WORK/masscan.found"
cmp_set masscan-ipv6 "$WORK/masscan.found" 2001:2::/123 2001:2::abcd/128 2001:2::8000/128 2001:2::ffff/128

# The issue's own command, `-p supported 2001:2::/112 198.19.0.0/24`, is 3.6 M probes: about 65 s
# on this shared 2-core machine, which leaves no room in the ~2 minute budget of one test. By
# default the sweep covers every server with 270 k probes in three target forms (prefix, single
# address, range); IPV6_FULL=1 sweeps the whole /112 (the same checks; the test then takes ~3 min).
if [ "${IPV6_FULL:-0}" = 1 ]; then
    SWEEP=(2001:2::/112 198.19.0.0/24); SWEEP_NETS=(2001:2::/112 198.19.0.0/24)
else
    SWEEP=(2001:2::/116 2001:2::8000 2001:2::abcd 2001:2::ff00-2001:2::ffff 198.19.0.0/24)
    SWEEP_NETS=(2001:2::/116 2001:2::8000/128 2001:2::abcd/128 2001:2::ff00/120 198.19.0.0/24)
fi
echo "-- [$(( $(date +%s) - T0 )) s] xsweep -p supported ${SWEEP[*]} (rate $RATE)"
t=$(date +%s.%N)
"${XS[@]}" -p supported --rate "$RATE" --seed 7 -oA "$WORK/sweep" "${SWEEP[@]}" 2>"$WORK/sweep.err"
rc=$?
t=$(echo "$(date +%s.%N) - $t" | bc)
echo "   $(grep '^xsweep: ' "$WORK/sweep.err" | tail -2 | tr '\n' ' ') (${t} s)"
check "the mixed sweep exits 0 (got $rc: $(grep -v '^xsweep: [0-9]' "$WORK/sweep.err" | head -2 | tr '\n' ' '))" [ $rc = 0 ]
python3 - "$WORK/sweep.json" >"$WORK/sweep.found" 2>/dev/null <<'PY'
import json, sys
for line in open(sys.argv[1]):
    r = json.loads(line)
    if r.get("status") == "open": print(r["ip"], r["port"])
PY
cmp_set "xsweep mixed sweep" "$WORK/sweep.found" "${SWEEP_NETS[@]}"

python3 - "$WORK/sweep" <<'PY' >"$WORK/enrich.out" 2>&1
import csv, ipaddress, json, subprocess, sys
import xml.etree.ElementTree as ET
base = sys.argv[1]
recs = {}
try:
    for line in open(base + ".json"):
        r = json.loads(line)
        recs[(ipaddress.ip_address(r["ip"]).compressed, r["port"])] = r
except Exception as e:
    print(f"FAIL JSON output readable ({e})")
def rec(a, p): return recs.get((a, p), {})
def v(ok, what): print(("ok " if ok else "FAIL ") + what)
for a in ("2001:2::10", "198.19.0.10"):
    h = rec(a, 80).get("http", {})
    v(h.get("status_code") == 200 and h.get("title") == "xsweep dual-stack",
      f"{a}:80 HTTP over {'IPv6' if ':' in a else 'IPv4'}: {h.get('status_code')} {h.get('title')!r}")
    h, tls = rec(a, 443).get("http", {}), rec(a, 443).get("tls")
    v(h.get("status_code") == 200 and bool(tls), f"{a}:443 HTTPS: {h.get('status_code')}, tls {bool(tls)}")
h = rec("2001:2::ffff", 8080).get("http", {})
v(h.get("title") == "edge of the net", f"[2001:2::ffff]:8080, the last address of the /112: {h.get('title')!r}")
for a, p, want in (("2001:2::11", 6379, "redis"), ("198.19.0.11", 6379, "redis"), ("2001:2::abcd", 6379, "redis"),
                   ("2001:2::12", 22, "openssh"), ("198.19.0.12", 22, "openssh"), ("2001:2::8000", 2222, "openssh")):
    pr = rec(a, p).get("probe", {})
    v(want in (pr.get("product") or "").lower(), f"{a}:{p} probe product {pr.get('product')!r} {pr.get('version')!r}")
v6 = sorted(k for k in recs if ":" in k[0])
# CSV / list / XML carry the same records, IPv6 addresses included
try:
    rows = list(csv.DictReader(open(base + ".csv", newline="")))
    got = sorted((ipaddress.ip_address(r["ip"]).compressed, int(r["port"])) for r in rows)
    v(got == sorted(recs), f"CSV: {len(got)} rows = the JSON records ({sum(':' in r['ip'] for r in rows)} IPv6)")
except Exception as e:
    v(False, f"CSV readable ({e})")
try:
    got = []
    for line in open(base + ".list"):
        if line.startswith("#") or not line.strip(): continue
        st, proto, port, ip, ts = line.split()
        got.append((ipaddress.ip_address(ip).compressed, int(port)))
    v(sorted(got) == sorted(recs), f"list: {len(got)} lines = the JSON records")
except Exception as e:
    v(False, f"list readable ({e})")
x = subprocess.run(["xmllint", "--noout", base + ".xml"], capture_output=True, text=True)
v(x.returncode == 0, "xmllint accepts the XML " + x.stderr.strip()[:200])
try:
    hosts = {}
    for h in ET.parse(base + ".xml").getroot().iter("host"):
        ad = h.find("address")
        for p in h.iter("port"):
            hosts[(ipaddress.ip_address(ad.get("addr")).compressed, int(p.get("portid")))] = ad.get("addrtype")
    bad = [k for k, t in hosts.items() if t != ("ipv6" if ":" in k[0] else "ipv4")]
    v(sorted(hosts) == sorted(recs) and not bad and any(t == "ipv6" for t in hosts.values()),
      f"XML: {len(hosts)} ports, addrtype=\"ipv6\" on the {sum(t == 'ipv6' for t in hosts.values())} IPv6 ones, "
      f"{len(bad)} wrong addrtype")
except Exception as e:
    v(False, f"XML parsed ({e})")
PY
verdicts "$WORK/enrich.out"

echo "-- [$(( $(date +%s) - T0 )) s] on the wire: IPv6 excludes, and the one-second rule per endpoint (tcpdump in the sink)"
EXCL6="2001:2::11,2001:2::20-2001:2::2f,2001:2::80/121"
printf '%s\n' "# excluded" 2001:2::5 "198.19.0.11" >"$WORK/exclude.txt"
# The next hop is forgotten first: without --router-mac, xsweep must find it by neighbour
# discovery. 2001:2::1:0/124 lies outside the sink's /112 (blackholed): never answered, so it gets
# every retry, which must keep the one-second rule too.
ip -n "$TB_PREFIX-scan" -6 neigh flush dev "$IF"
capture wire 'tcp or icmp6'
"${XS[@]}" -p 22,80,443,6379,8080 --retries 2 --seed 3 --rate 2000 --exclude "$EXCL6" \
    --exclude-file "$WORK/exclude.txt" -o "$WORK/wire.json" 2001:2::/120 2001:2::1:0/124 198.19.0.0/28 \
    2>"$WORK/wire.err"
rc=$?
capture_end wire
check "scan with IPv6 excludes exits 0 (got $rc: $(grep -v '^xsweep: [0-9]' "$WORK/wire.err" | head -1))" [ $rc = 0 ]
python3 - "$WORK/wire.txt" "$WORK/wire.json" "$EXCL6,2001:2::5,198.19.0.11" <<'PY' >"$WORK/wire.out" 2>&1
import collections, ipaddress, json, re, sys
def expand(item):
    if "/" in item: return set(ipaddress.ip_network(item))
    if "-" in item:
        a, b = (ipaddress.ip_address(x) for x in item.split("-"))
        return {ipaddress.ip_address(i) for i in range(int(a), int(b) + 1)}
    return {ipaddress.ip_address(item)}
excl = set().union(*(expand(x) for x in sys.argv[3].split(",")))
to_excl, syn, frames = collections.Counter(), collections.defaultdict(list), 0
for line in open(sys.argv[1]):
    m = re.match(r"(\d+\.\d+) IP6? (\S+) > (\S+?):? ", line)
    if not m: continue
    frames += 1
    dst = m.group(3)
    if " ICMP6" in line or "ICMP6" in line:
        addr, port = dst.rstrip(":"), None
    else:
        addr, port = dst.rsplit(".", 1)
    a = ipaddress.ip_address(addr)
    if a in excl: to_excl[a.compressed] += 1
    # a connection attempt: SYN without ACK ("Flags [S]"), the raw probe and the kernel's connect alike
    if port and "Flags [S]," in line:
        syn[(a.compressed, int(port))].append(float(m.group(1)))
print(("ok " if frames and not to_excl else "FAIL ") +
      f"{frames} frames to the sink, none to an excluded address ({dict(to_excl)})")
try: recs = [json.loads(l) for l in open(sys.argv[2])]
except Exception as e: recs = []; print(f"FAIL output readable ({e})")
hit = [r["ip"] for r in recs if ipaddress.ip_address(r["ip"]) in excl]
print(("ok " if recs and not hit else "FAIL ") + f"{len(recs)} records, none for an excluded address {hit[:3]}")
gaps = {k: [b - a for a, b in zip(sorted(t), sorted(t)[1:])] for k, t in syn.items()}
bad = {k: g for k, g in gaps.items() if any(x < 1.0 for x in g)}
multi = {k: len(t) for k, t in syn.items() if len(t) > 1}
v6multi = [k for k in multi if ":" in k[0]]
print(("ok " if not bad and v6multi else "FAIL ") +
      f"one-second rule: {len(syn)} endpoints got SYNs, {len(multi)} more than one ({len(v6multi)} IPv6, "
      f"e.g. {sorted(multi.items())[:3]}), every gap >= 1 s (violations: {dict(list(bad.items())[:3])})")
silent = {k: len(t) for k, t in syn.items() if ipaddress.ip_address(k[0]) in ipaddress.ip_network("2001:2::1:0/124")}
print(("ok " if len(silent) == 80 and set(silent.values()) == {3} else "FAIL ") +
      f"unanswered IPv6 endpoints got the probe and both retries: {len(silent)} endpoints (80), SYNs each "
      f"{sorted(set(silent.values()))} (3)")
ns = [l for l in open(sys.argv[1]) if "neighbor solicitation, who has 2001:2:0:ff::2" in l]
print(("ok " if ns else "FAIL ") + f"the next hop was solicited (neighbour discovery) after the flush: {len(ns)} NS")
conn = {k: n for k, n in multi.items() if k[0] in ("2001:2::10", "2001:2::12")}
print(("ok " if len(conn) >= 2 else "FAIL ") + f"the IPv6 servers got the SYN probe and then the GET/probe connections {conn}")
PY
verdicts "$WORK/wire.out"

echo "-- [$(( $(date +%s) - T0 )) s] a /64 is refused with one line and a non-zero exit (inside the namespace, nothing sent)"
capture refuse 'ip6 and tcp'
"${XS[@]}" -p 80 2001:2::/64 >"$WORK/r64.out" 2>"$WORK/r64.err"
rc=$?
capture_end refuse
check "a /64 exits non-zero (got $rc)" [ $rc != 0 -a $rc != 124 ]
check "with one clear line ($(head -c 200 "$WORK/r64.err"))" \
    bash -c "[ \$(grep -c '' '$WORK/r64.err') = 1 ] && grep -qE '18446744073709551616|2\^64' '$WORK/r64.err'"
check "and nothing reached the wire ($(grep -c '' "$WORK/refuse.txt") frames)" [ ! -s "$WORK/refuse.txt" ]

echo "-- [$(( $(date +%s) - T0 )) s] the [2001:2::5]:443 endpoint form"
cat >"$WORK/endpoints.txt" <<'EOT'
[2001:2::5]:443
[2001:2::5]:8080 path=/index.html
[2001:2::10]:80 host=v6.example.test
198.19.0.10:80
[2001:2::99]:80
EOT
"${XS[@]}" --endpoints "$WORK/endpoints.txt" -p supported --show closed --seed 4 -o "$WORK/ep.json" 2>"$WORK/ep.err"
rc=$?
check "endpoint scan exits 0 (got $rc: $(grep -v '^xsweep: [0-9]' "$WORK/ep.err" | head -1))" [ $rc = 0 ]
python3 - "$WORK/ep.json" <<'PY' >"$WORK/ep.out" 2>&1
import ipaddress, json, sys
recs = {}
try:
    for l in open(sys.argv[1]):
        r = json.loads(l); recs[(ipaddress.ip_address(r["ip"]).compressed, r["port"])] = r
except Exception as e:
    print(f"FAIL endpoint output readable ({e})")
def v(ok, what): print(("ok " if ok else "FAIL ") + what)
r = recs.get(("2001:2::5", 443), {})
v(r.get("status") == "open" and r.get("http", {}).get("title") == "IPv6 five" and r.get("tls"),
  f"[2001:2::5]:443: {r.get('status')}, title {r.get('http', {}).get('title')!r}, tls {bool(r.get('tls'))}")
r = recs.get(("2001:2::5", 8080), {}).get("http", {})
v(r.get("status_code") == 200 and r.get("path") == "/index.html", f"[2001:2::5]:8080 path=/index.html: {r.get('status_code')} {r.get('path')}")
r = recs.get(("2001:2::10", 80), {}).get("http", {})
v(r.get("status_code") == 200 and r.get("host") == "v6.example.test", f"[2001:2::10]:80 host=: {r.get('status_code')} {r.get('host')}")
v(recs.get(("198.19.0.10", 80), {}).get("status") == "open", "198.19.0.10:80 beside them: open")
v(recs.get(("2001:2::99", 80), {}).get("status") == "closed", f"[2001:2::99]:80 (RST): {recs.get(('2001:2::99', 80), {}).get('status')}")
v(len(recs) == 5, f"exactly the 5 endpoints ({sorted(recs)})")
PY
verdicts "$WORK/ep.out"

echo "-- [$(( $(date +%s) - T0 )) s] shards: 1/2 + 2/2 = the whole set (2001:2::/120 + 198.19.0.0/28, --show closed)"
SH=(-p 22,80,6379 --show closed --no-http --seed 9 --rate 20000 --wait 1 2001:2::/120 198.19.0.0/28)
for s in 1 2; do
    "${XS[@]}" "${SH[@]}" --shard "$s/2" -o "$WORK/shard$s.json" 2>"$WORK/shard$s.err"
    rc=$?
    check "shard $s/2 exits 0 (got $rc $(grep -v '^xsweep: [0-9]' "$WORK/shard$s.err" | head -1))" [ $rc = 0 ]
done
python3 - "$WORK/shard1.json" "$WORK/shard2.json" "$WORK/expect" <<'PY' >"$WORK/shard.out" 2>&1
import ipaddress, json, sys
def keys(f):
    try: return [((ipaddress.ip_address(r["ip"]).compressed, r["port"]), r["status"]) for r in map(json.loads, open(f))]
    except Exception: return []
a, b = keys(sys.argv[1]), keys(sys.argv[2])
nets = [ipaddress.ip_network("2001:2::/120"), ipaddress.ip_network("198.19.0.0/28")]
opn = {(x, int(p)) for x, p in (l.split() for l in open(sys.argv[3]))}
want = {((ip.compressed, p), "open" if (ip.compressed, p) in opn else "closed") for n in nets for ip in n for p in (22, 80, 6379)}
da, db = {k for k, _ in a}, {k for k, _ in b}
ok = not (da & db) and set(a) | set(b) == want and len(a) + len(b) == len(want)
print(("ok " if ok else "FAIL ") + f"shards: {len(a)} + {len(b)} records, {len(da & db)} in both, union = all {len(want)} endpoints "
      f"with their true status: {set(a) | set(b) == want}")
print(("ok " if a and b and any(':' in k[0] for k in da) and any(':' in k[0] for k in db) else "FAIL ") +
      "both shards hold IPv6 endpoints")
PY
verdicts "$WORK/shard.out"

echo "-- [$(( $(date +%s) - T0 )) s] --resume: interrupted by SIGINT, resumed = the whole set (2001:2::/112 x 80,6379 + 198.19.0.0/24)"
RS=(-p 80,6379 --show closed --no-http --seed 11 --retries 0 --rate 20000 --wait 1 2001:2::/112 198.19.0.0/24)
ip netns exec "$TB_PREFIX-scan" "$XSWEEP" "${NET[@]}" --no-progress "${RS[@]}" -o "$WORK/rs.json" 2>"$WORK/rs1.err" & pid=$!
PIDS+=("$pid")
sleep 2.5; kill -INT "$pid" 2>/dev/null; wait "$pid"; rc=$?
first=$(grep -c '' "$WORK/rs.json" 2>/dev/null)
check "first run stopped by SIGINT with 130 (got $rc) after ${first:-0} records" [ "$rc" = 130 ]
check "resume file written" [ -s "$WORK/rs.json.resume" ]
cp "$WORK/rs.json" "$WORK/rs1.json"   # what the first run wrote, to tell the runs apart below
timeout -k 5 60 ip netns exec "$TB_PREFIX-scan" "$XSWEEP" --resume "$WORK/rs.json.resume" 2>"$WORK/rs2.err"
rc=$?
check "resumed scan exits 0 (got $rc $(grep -v '^xsweep: [0-9]' "$WORK/rs2.err" | head -1))" [ $rc = 0 ]
python3 - "$WORK/rs.json" "$WORK/expect" "$WORK/rs1.json" "$WORK/rs1.err" "$WORK/rs2.err" <<'PY' >"$WORK/rs.out" 2>&1
import collections, ipaddress, json, sys
def load(f):
    try: return [((ipaddress.ip_address(r["ip"]).compressed, r["port"]), r["status"]) for r in map(json.loads, open(f))]
    except Exception as e: print(f"FAIL {f} readable ({e})"); return []
recs, first = load(sys.argv[1]), load(sys.argv[3])
opn = {(x, int(p)) for x, p in (l.split() for l in open(sys.argv[2]))}
nets = [ipaddress.ip_network("2001:2::/112"), ipaddress.ip_network("198.19.0.0/24")]
want = {((ip.compressed, p), "open" if (ip.compressed, p) in opn else "closed") for n in nets for ip in n for p in (80, 6379)}
dup = len(recs) - len({k for k, _ in recs})
print(("ok " if set(recs) == want and not dup else "FAIL ") + f"interrupted + resumed: {len(recs)} records "
      f"({len(first)} from the first run), {dup} duplicates, = all {len(want)} endpoints with their true status: {set(recs) == want}")
if set(recs) != want:   # say where the difference is: which family, status, run
    fam = lambda k: "v6" if ":" in k[0][0] else "v4"
    miss, extra = want - set(recs), set(recs) - want
    print("   missing by family/status:", dict(collections.Counter((fam(k), k[1]) for k in miss)),
          "extra:", sorted(extra)[:4])
    for f in sys.argv[4:]:
        print("  ", f.rsplit("/", 1)[-1], "|".join(l.strip() for l in open(f) if "probes sent" in l or "resuming" in l))
PY
verdicts "$WORK/rs.out"

echo "   ($(( $(date +%s) - T0 )) s)"
finish
