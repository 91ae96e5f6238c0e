#!/usr/bin/env bash
# The receiver under a flood of forged and broken replies. While xsweep scans 198.19.0.0/20 x 2 ports
# (the sink answers: SYN-ACK on 80, RST on 9999), tests/tools/flood.c sends from the sink, for at
# most 10 s, SYN-ACKs and RSTs with wrong cookies (random ack numbers) to the scanner's address and
# source-port range, plus truncated and malformed frames. None may become a result: the open and
# closed sets must equal the true ones exactly, and xsweep must not crash.
source "$(dirname "$0")/lib.sh"

SPORTS=61000-62023
FLOOD_S=10
FLOOD_PPS=${FLOOD_PPS:-100000}
FLOOD_N=$((FLOOD_S * FLOOD_PPS))

FLOOD_PID=""
stop_flood() {
    if [ -n "$FLOOD_PID" ] && [ "$(readlink "/proc/$FLOOD_PID/exe" 2>/dev/null)" = "$WORK/flood" ]; then
        kill "$FLOOD_PID" 2>/dev/null
    fi
    [ -n "$FLOOD_PID" ] && wait "$FLOOD_PID" 2>/dev/null
    FLOOD_PID=""
}
trap 'stop_flood; cleanup' EXIT

cc -O2 -Wall -Wextra -o "$WORK/flood" "$ROOT/tests/tools/flood.c" || { fail "build tests/tools/flood.c"; finish; exit 1; }

testbed_up xrlf --answer --listen 80
NET=(-i "$TB_PREFIX-s0" --source-ip 198.18.0.1 --router-mac 02:58:53:00:00:02 --source-port "$SPORTS")

python3 - "$WORK/expect" <<'PY'
import sys, ipaddress
with open(sys.argv[1] + ".open", "w") as o, open(sys.argv[1] + ".closed", "w") as c:
    for ip in ipaddress.ip_network("198.19.0.0/20"):
        o.write(f"{ip}:80\n"); c.write(f"{ip}:9999\n")
PY

echo "-- flood: forged SYN-ACK/RST (random ack) and malformed frames, $FLOOD_PPS pps for <= ${FLOOD_S}s"
# ip netns exec execs, so $! is the flood process itself.
ip netns exec "$TB_PREFIX-sink" "$WORK/flood" -i "$TB_PREFIX-k0" --src-mac 02:58:53:00:00:02 \
    --dst-mac 02:58:53:00:00:01 --dst-ip 198.18.0.1 --dst-ports "$SPORTS" --src-net 198.19.0.0/20 \
    --src-ports 80,9999,443 --seconds "$FLOOD_S" --count "$FLOOD_N" --pps "$FLOOD_PPS" --seed 11 \
    >"$WORK/flood.out" 2>&1 &
FLOOD_PID=$!
sleep 0.5

# --no-http: this test is about the receiver; ~4 s of probes at 2000 pps all fall inside the flood.
# --retries 3: a true reply lost to a full capture buffer under the flood is re-probed.
timeout 120 ip netns exec "$TB_PREFIX-scan" "$XSWEEP" "${NET[@]}" -p 80,9999 --rate 2000 --wait 2 \
    --retries 3 --show closed --no-http --no-progress --stats-interval 1 --seed 5 \
    -o "$WORK/scan.json" 198.19.0.0/20 2>"$WORK/scan.err"
rc=$?
wait "$FLOOD_PID"; FLOOD_PID=""
echo "   $(cat "$WORK/flood.out")"
grep '^xsweep: ' "$WORK/scan.err" | sed 's/^/   /'

check "scan exits 0 (got $rc)" [ $rc = 0 ]
check "no sanitizer or crash report on stderr" bash -c "! grep -qiE 'sanitizer|segmentation|abort' '$WORK/scan.err'"
sent=$(sed -n 's/^flood: sent=\([0-9]*\).*/\1/p' "$WORK/flood.out")
check "flood sent frames (${sent:-0})" [ "${sent:-0}" -gt 10000 ]

python3 - "$WORK/scan.json" "$WORK/expect" <<'PY' >"$WORK/verdicts" 2>&1
import json, sys
got = {"open": [], "closed": []}
for n, raw in enumerate(open(sys.argv[1], "rb"), 1):
    r = json.loads(raw.decode("utf-8"))
    got.setdefault(r["status"], []).append(f"{r['ip']}:{r['port']}")
for st in ("open", "closed"):
    want = set(open(f"{sys.argv[2]}.{st}").read().split())
    have = got[st]
    extra, missing = set(have) - want, want - set(have)
    ok = not extra and not missing and len(have) == len(set(have))
    print(("ok   " if ok else "FAIL ") + f"{st} set is exactly the true one ({len(have)}/{len(want)}; "
          f"{len(extra)} forged, {len(missing)} missing, {len(have) - len(set(have))} duplicates)"
          + ("" if ok else f" e.g. {sorted(extra)[:3]} {sorted(missing)[:3]}"))
others = {k: len(v) for k, v in got.items() if k not in ("open", "closed")}
print(("ok   " if not others else "FAIL ") + f"no other statuses {others}")
PY
while read -r word rest; do
    if [ "$word" = ok ]; then pass "$rest"; else fail "$rest"; fi
done <"$WORK/verdicts"
check "verdicts complete" [ "$(grep -c '' "$WORK/verdicts")" = 3 ]

# The final summary line has no invalid-reply count; the --stats-interval line does (rx_invalid).
inv=$(grep -o 'rx_invalid=[0-9]*' "$WORK/scan.err" | tail -1 | cut -d= -f2)
check "rx_invalid counts the forged replies (${inv:-none})" [ "${inv:-0}" -gt 0 ]
if grep '^xsweep: ' "$WORK/scan.err" | grep -q 'invalid'; then
    echo "   the summary line reports invalid replies"
else
    echo "   note: the summary line does not report invalid replies (only --stats-interval does)"
fi

finish
