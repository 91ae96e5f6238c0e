#!/usr/bin/env bash
# The exclude list as a property: for 200 seeds, random targets and excludes in 198.18.0.0/15 go
# through `xsweep --dry-run` (as nobody: no privilege, nothing sent). No excluded address may be
# probed, and every pass must probe every non-excluded target x port exactly once
# (tests/tools/exclusion_property.py). Then one real scan in the testbed, captured in the sink:
# the probes on the wire are exactly the non-excluded endpoints.
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
testbed_up xrle
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

finish
