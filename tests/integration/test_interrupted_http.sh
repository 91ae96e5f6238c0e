#!/usr/bin/env bash
# Issue 13.11: one SIGINT after the SYN stage stops the HTTP fetches still in flight. Their
# records are written marked "http":{"error":"interrupted"}, and --resume fetches exactly those
# again: afterwards the output holds each endpoint once, every one with its HTTP fields.
source "$(dirname "$0")/lib.sh"

testbed_up xsih --answer
NET=(-i "$TB_PREFIX-s0" --source-ip 198.18.0.1 --router-mac 02:58:53:00:00:02)
SINK=(ip netns exec "$TB_PREFIX-sink")
SLOW=""; FAST=""
stop_servers() {
    [ -n "$SLOW" ] && kill -- -"$SLOW" 2>/dev/null
    [ -n "$FAST" ] && kill "$FAST" 2>/dev/null
    sleep 0.2
}
trap 'stop_servers; cleanup' EXIT

echo "-- a server that accepts and never answers"
setsid "${SINK[@]}" socat TCP-LISTEN:80,fork,reuseaddr,backlog=64 EXEC:"sleep 60" 2>/dev/null & SLOW=$!
sleep 0.5
ip netns exec "$TB_PREFIX-scan" "$XSWEEP" "${NET[@]}" -p 80 --wait 0.5 --retries 0 --http-timeout 30 \
    --key-file "$WORK/k" 198.19.0.0/28 -o "$WORK/out.json" 2>"$WORK/first.err" & pid=$!
sleep 3; kill -INT $pid; wait $pid; rc=$?
check "stopped with 130 (got $rc)" [ $rc = 130 ]
python3 - "$WORK/out.json" <<'PY' >"$WORK/py.txt" 2>&1
import json, sys
recs = [json.loads(l) for l in open(sys.argv[1])]
marked = [r for r in recs if r.get("http") == {"error": "interrupted"}]
print(("  ok   " if len(recs) == 16 and len(marked) == 16 else "  FAIL ") +
      "all 16 in-flight fetches written, each marked interrupted (%d records, %d marked)" % (len(recs), len(marked)))
PY
cat "$WORK/py.txt"; grep -q '^  ok' "$WORK/py.txt" && PASSED=$((PASSED + 1)) || FAILED=$((FAILED + 1))
check "a resume file is left" [ -s "$WORK/out.json.resume" ]

echo "-- the server answers now; --resume fetches the interrupted ones"
kill -- -"$SLOW" 2>/dev/null; SLOW=""; sleep 0.3
mkdir -p "$WORK/www"; echo '<html><head><title>back</title></head><body>ok</body></html>' >"$WORK/www/index.html"
"${SINK[@]}" python3 -m http.server 80 --bind 0.0.0.0 --directory "$WORK/www" >/dev/null 2>&1 & FAST=$!
for i in $(seq 50); do "${SINK[@]}" bash -c 'exec 3<>/dev/tcp/127.0.0.1/80' 2>/dev/null && break; sleep 0.1; done
ip netns exec "$TB_PREFIX-scan" "$XSWEEP" --resume "$WORK/out.json.resume" --key-file "$WORK/k" 2>"$WORK/second.err"; rc=$?
check "resumed scan exits 0 (got $rc: $(tail -1 "$WORK/second.err"))" [ $rc = 0 ]
python3 - "$WORK/out.json" <<'PY' >"$WORK/py.txt" 2>&1
import json, sys
recs = [json.loads(l) for l in open(sys.argv[1])]
keys = [(r["ip"], r["port"]) for r in recs]
good = [r for r in recs if (r.get("http") or {}).get("status_code") == 200 and r["http"].get("title") == "back"]
print(("  ok   " if len(keys) == 16 == len(set(keys)) else "  FAIL ") + "each endpoint once after the resume (%d records, %d distinct)" % (len(keys), len(set(keys))))
print(("  ok   " if len(good) == 16 else "  FAIL ") + "every record now has its HTTP fields (%d of 16)" % len(good))
print(("  ok   " if "interrupted" not in open(sys.argv[1]).read() else "  FAIL ") + "no interrupted marker left")
PY
cat "$WORK/py.txt"
PASSED=$((PASSED + $(grep -c '^  ok' "$WORK/py.txt"))); FAILED=$((FAILED + $(grep -c '^  FAIL' "$WORK/py.txt")))
grep -q Traceback "$WORK/py.txt" && FAILED=$((FAILED + 1))
finish
