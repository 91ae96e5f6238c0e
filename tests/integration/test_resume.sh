#!/usr/bin/env bash
# Pause and resume: a scan split by SIGINT and resumed equals the scan in one go, each endpoint
# probed once on the wire across both runs; after kill -9, resuming from the last checkpoint
# loses nothing and duplicates nothing; config files and --echo round-trip.
source "$(dirname "$0")/lib.sh"

testbed_up xsrs --answer --listen 80
NET=(-i "$TB_PREFIX-s0" --source-ip 198.18.0.1 --router-mac 02:58:53:00:00:02)
SCAN=(-p 80,81 --show closed --no-http --seed 5 --wait 1 198.19.0.0/18)   # 32768 probes

keys() { python3 -c '
import json, sys
ks = [(r["ip"], r["port"], r["status"]) for r in map(json.loads, open(sys.argv[1]))]
assert len(ks) == len(set((a, b) for a, b, _ in ks)), "duplicate endpoint records"
print("\n".join("%s:%d %s" % k for k in sorted(ks)))' "$1"; }

echo "-- the scan in one go"
in_scan "$XSWEEP" "${NET[@]}" "${SCAN[@]}" --rate 40000 -o "$WORK/full.json" 2>/dev/null
keys "$WORK/full.json" >"$WORK/full.keys"
check "one-go scan finds all 32768 endpoints" [ "$(wc -l <"$WORK/full.keys")" = 32768 ]

echo "-- interrupted by SIGINT, then resumed; SYNs counted at the sink"
ip netns exec "$TB_PREFIX-sink" tcpdump -i "$TB_PREFIX-k0" -n -U -w "$WORK/syn.pcap" \
    'tcp[tcpflags] == tcp-syn' 2>/dev/null & dump=$!
sleep 1
ip netns exec "$TB_PREFIX-scan" "$XSWEEP" "${NET[@]}" "${SCAN[@]}" --retries 0 --rate 8000 \
    -o "$WORK/split.json" 2>"$WORK/split1.err" & pid=$!
sleep 2; kill -INT "$pid"; wait "$pid"; rc=$?
check "first half stopped with 130 (got $rc)" [ "$rc" = 130 ]
check "resume file written" [ -s "$WORK/split.json.resume" ]
first=$(wc -l <"$WORK/split.json")
check "first half found part of the set ($first)" [ "$first" -gt 1000 -a "$first" -lt 32768 ]
in_scan "$XSWEEP" --resume "$WORK/split.json.resume" 2>"$WORK/split2.err"
check "resumed scan exits 0" [ $? = 0 ]
sleep 1; kill "$dump"; wait "$dump" 2>/dev/null
keys "$WORK/split.json" >"$WORK/split.keys" || fail "duplicate records after resume"
check "interrupted + resumed = one go (same endpoints, same statuses)" diff -q "$WORK/full.keys" "$WORK/split.keys"
# Removed; or, where the dropped user may not unlink in this root-only directory, marked complete.
if [ -e "$WORK/split.json.resume" ]; then
    "$XSWEEP" --resume "$WORK/split.json.resume" >/dev/null 2>"$WORK/done.err"
    check "completed resume file is refused ($(cat "$WORK/done.err"))" grep -q "nothing to resume" "$WORK/done.err"
else
    pass "resume file removed when the scan completed"
fi
tcpdump -r "$WORK/syn.pcap" -n 2>/dev/null | python3 -c '
import sys, re, collections
c = collections.Counter(re.search(r"> (198\.19\.\d+\.\d+)\.(\d+):", l).groups() for l in sys.stdin if "> 198.19." in l)
assert len(c) == 32768, len(c)
assert set(c.values()) == {1}, collections.Counter(c.values())' \
    && pass "every endpoint probed exactly once across the two runs (--retries 0)" \
    || fail "probes on the wire across the two runs"

echo "-- kill -9, then resume from the last checkpoint"
ip netns exec "$TB_PREFIX-scan" "$XSWEEP" "${NET[@]}" "${SCAN[@]}" --rate 8000 --checkpoint 0.5 \
    -o "$WORK/k9.json" 2>/dev/null & pid=$!
sleep 2.5; kill -9 "$pid"; wait "$pid" 2>/dev/null
before=$(grep -c "}$" "$WORK/k9.json")   # the last line may be torn
check "checkpoint exists after kill -9" [ -s "$WORK/k9.json.resume" ]
in_scan "$XSWEEP" --resume "$WORK/k9.json.resume" 2>/dev/null
check "resume after kill -9 exits 0" [ $? = 0 ]
keys "$WORK/k9.json" >"$WORK/k9.keys" || fail "duplicate records after kill -9 + resume"
check "kill -9 + resume = one go ($before records before the kill)" diff -q "$WORK/full.keys" "$WORK/k9.keys"

echo "-- resume refuses damaged or finished files"
printf 'rate = 10\ntarget = 198.19.0.1\n# checksum = 0000000000000000\n' >"$WORK/bad.resume"
"$XSWEEP" --resume "$WORK/bad.resume" >/dev/null 2>"$WORK/bad.err"
check "damaged resume file: exit 2, one line" [ $? = 2 -a "$(wc -l <"$WORK/bad.err")" = 1 ]

echo "-- config file and --echo"
cat >"$WORK/sweep.conf" <<'EOT'
# weekly sweep
ports = 80,81
rate = 20000
target = 198.19.0.0/24
show = closed
no-http = true
wait = 1
EOT
"$XSWEEP" -c "$WORK/sweep.conf" --rate 30000 --echo >"$WORK/echo.conf"
check "--echo shows the command line overriding the file" grep -qx 'rate = 30000' "$WORK/echo.conf"
check "--echo keeps the file's targets" grep -qx 'target = 198.19.0.0/24' "$WORK/echo.conf"
in_scan "$XSWEEP" "${NET[@]}" -c "$WORK/echo.conf" -o "$WORK/conf.json" 2>/dev/null
check "a scan from the echoed config finds 512 endpoints" [ "$(wc -l <"$WORK/conf.json")" = 512 ]

finish
