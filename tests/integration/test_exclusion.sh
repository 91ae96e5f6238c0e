#!/usr/bin/env bash
# The exclude list as a property: for 200 seeds, random targets and excludes in 198.18.0.0/15 go
# through `xsweep --dry-run` (as nobody: no privilege, nothing sent). No excluded address may be
# probed, and every pass must probe every non-excluded target x port exactly once
# (tests/tools/exclusion_property.py; a third of the runs IPv6, a sixth both families). Then real
# scans in the testbed, captured in the sink: the probes on the wire are exactly the non-excluded
# endpoints, for IPv4 and for IPv6 (excludes of every form, both families in one scan).
source "$(dirname "$0")/lib.sh"

RUNS=${EXCLUSION_RUNS:-200}
# nobody writes the generated target and exclude files here (and the scan must read them).
chmod 755 "$WORK"
mkdir "$WORK/prop" && chown 65534:65534 "$WORK/prop"

echo "-- $RUNS random target/exclude sets through --dry-run, as nobody"
timeout 300 setpriv --reuid=65534 --regid=65534 --clear-groups \
    /usr/bin/python3 "$ROOT/tests/tools/exclusion_property.py" "$XSWEEP" "$WORK/prop" --runs "$RUNS" >"$WORK/prop.out" 2>&1
rc=$?
grep '^FAIL' "$WORK/prop.out" | head -5 | sed 's/^/   /'
check "$(tail -1 "$WORK/prop.out")" [ $rc = 0 ]

echo "-- on the wire: no excluded address is probed"
testbed_up xrle --ipv6
NET=(-i "$TB_PREFIX-s0" --source-ip 198.18.0.1 --router-mac 02:58:53:00:00:02)
# Nothing owns 198.19/16 without --answer: the sink captures the probes and drops them.
EXCL="198.19.0.0/28,198.19.0.100-198.19.0.131,198.19.0.255,198.19.1.7"
ip netns exec "$TB_PREFIX-sink" tcpdump -i "$TB_PREFIX-k0" -n -U -w "$WORK/syn.pcap" \
    'tcp[tcpflags] & tcp-syn != 0' 2>/dev/null &
dump=$!
for _ in $(seq 1 30); do [ -s "$WORK/syn.pcap" ] && break; sleep 0.1; done
sleep 0.5
timeout 60 ip netns exec "$TB_PREFIX-scan" "$XSWEEP" "${NET[@]}" -p 80,443 --retries 0 --rate 20000 --wait 0 \
    --no-progress --exclude "$EXCL" -o "$WORK/wire.json" 198.19.0.0/24 198.19.1.0-198.19.1.15 2>"$WORK/wire.err"
check "scan exits 0" [ $? = 0 ]
sleep 1; kill "$dump"; wait "$dump" 2>/dev/null
tcpdump -r "$WORK/syn.pcap" -n 2>/dev/null >"$WORK/syn.txt"
python3 - "$WORK/syn.txt" "$EXCL" <<'PY' >"$WORK/wire.verdict" 2>&1
import ipaddress, re, sys, collections
def expand(item):
    if "/" in item:
        return {int(a) for a in ipaddress.ip_network(item)}
    if "-" in item:
        a, b = (int(ipaddress.IPv4Address(x)) for x in item.split("-"))
        return set(range(a, b + 1))
    return {int(ipaddress.IPv4Address(item))}
excl = set().union(*(expand(x) for x in sys.argv[2].split(",")))
targets = expand("198.19.0.0/24") | expand("198.19.1.0-198.19.1.15")
want = {(a, p) for a in targets - excl for p in (80, 443)}
seen = collections.Counter()
for line in open(sys.argv[1]):
    m = re.search(r"IP 198\.18\.0\.1\.\d+ > (\d+\.\d+\.\d+\.\d+)\.(\d+):", line)
    if m: seen[(int(ipaddress.IPv4Address(m.group(1))), int(m.group(2)))] += 1
bad = [k for k in seen if k[0] in excl]
dup = [k for k, n in seen.items() if n > 1]
ok = not bad and set(seen) == want and not dup
print(("ok " if ok else "FAIL ") + f"{sum(seen.values())} SYNs captured, {len(want)} expected, "
      f"{len(bad)} to excluded addresses, {len(want - set(seen))} missing, {len(dup)} repeated")
PY
v=$(cat "$WORK/wire.verdict")
if [ "${v%% *}" = ok ]; then pass "${v#ok }"; else fail "${v#FAIL }"; fi

echo "-- on the wire, IPv6: random exclude sets of every form never reached"
# The sink drops 2001:2::/48 (blackhole route, no ICMPv6): every SYN is seen once, none answered.
python3 - "$WORK/v6" <<'PY'
import ipaddress, random, sys
rng = random.Random(15)
lo = int(ipaddress.ip_address("2001:2::"))           # targets: 2001:2::/116, 4096 addresses
excl = []
for _ in range(6):
    kind = rng.choice(("cidr", "range", "single"))
    if kind == "single":
        excl.append(str(ipaddress.IPv6Address(lo + rng.randrange(4096))))
    elif kind == "cidr":
        plen = rng.randint(120, 127)
        a = (lo + rng.randrange(4096)) & ~((1 << (128 - plen)) - 1)
        excl.append(f"{ipaddress.IPv6Address(a).exploded}/{plen}")
    else:
        a = lo + rng.randrange(4000)
        excl.append(f"{ipaddress.IPv6Address(a)}-{ipaddress.IPv6Address(a + rng.randint(1, 90))}".upper())
excl.append("2001:2::ffff")                           # outside the targets: excludes nothing
excl.append("198.19.0.7")                             # the other family's
open(sys.argv[1] + ".excl", "w").write(",".join(excl[:4]))
open(sys.argv[1] + ".exclfile", "w").write("# IPv6 excludes\n" + "\n".join(excl[4:]) + "\n")
PY
EXCL6=$(cat "$WORK/v6.excl")
ip netns exec "$TB_PREFIX-sink" tcpdump -i "$TB_PREFIX-k0" -n -U -s 96 -w "$WORK/syn6.pcap" tcp 2>/dev/null &
dump=$!
for _ in $(seq 1 30); do [ -s "$WORK/syn6.pcap" ] && break; sleep 0.1; done
sleep 0.5
# shellcheck disable=SC2206
timeout 60 ip netns exec "$TB_PREFIX-scan" "$XSWEEP" -i "$TB_PREFIX-s0" --router-mac 02:58:53:00:00:02 \
    ${EXCLUSION_NET6_FLAGS:-} -p 80,443 --retries 0 --rate 20000 --wait 0 --no-progress --exclude "$EXCL6" \
    --exclude-file "$WORK/v6.exclfile" -o "$WORK/wire6.json" 2001:2::/116 198.19.0.0/28 2>"$WORK/wire6.err"
rc=$?
check "mixed scan with IPv6 excludes exits 0 (got $rc: $(head -c 200 "$WORK/wire6.err"))" [ $rc = 0 ]
sleep 1; kill "$dump"; wait "$dump" 2>/dev/null
tcpdump -r "$WORK/syn6.pcap" -n 2>/dev/null >"$WORK/syn6.txt"
python3 - "$WORK/syn6.txt" "$EXCL6,$(grep -v '^#' "$WORK/v6.exclfile" | paste -sd,)" <<'PY' >"$WORK/wire6.verdict" 2>&1
import collections, ipaddress, re, sys
def expand(item):
    if "/" in item:
        return {int(a) for a in ipaddress.ip_network(item)}
    if "-" in item:
        a, b = (int(ipaddress.ip_address(x)) for x in item.split("-"))
        return set(range(a, b + 1))
    return {int(ipaddress.ip_address(item))}
excl = set().union(*(expand(x) for x in sys.argv[2].split(",")))
targets = expand("2001:2::/116") | expand("198.19.0.0/28")
want = {(a, p) for a in targets - excl for p in (80, 443)}
seen, frames = collections.Counter(), 0
for line in open(sys.argv[1]):
    m = re.search(r"IP6? (?:2001:2:0:ff::1|198\.18\.0\.1)\.\d+ > ([0-9a-f:.]+)\.(\d+): Flags \[S\],", line)
    frames += " > " in line
    if m: seen[(int(ipaddress.ip_address(m.group(1))), int(m.group(2)))] += 1
bad = [k for k in seen if k[0] in excl]
dup = [k for k, n in seen.items() if n > 1]
ok = not bad and set(seen) == want and not dup
v6 = sum(n for (a, _), n in seen.items() if a >= 1 << 32)
print(("ok " if ok else "FAIL ") + f"IPv6 + IPv4: {sum(seen.values())} SYNs captured ({v6} IPv6) ({frames} frames), {len(want)} expected, "
      f"{len(excl & targets)} target addresses excluded, {len(bad)} SYNs to excluded addresses, "
      f"{len(want - set(seen))} missing, {len(dup)} repeated")
PY
v=$(cat "$WORK/wire6.verdict")
if [ "${v%% *}" = ok ]; then pass "${v#ok }"; else fail "${v#FAIL }"; fi

finish
