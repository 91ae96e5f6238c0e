#!/usr/bin/env bash
# --tx-threads: several transmitters share one scan. Counted on the wire (tcpdump in the sink):
# every (address, port) is probed exactly once per pass, never twice within a second across
# threads, at the total --rate; the summary counts every thread; with the HTTP stage on the
# receiver finds the whole open set; a scan with 3 threads stopped and resumed (SIGINT, and
# kill -9 from a checkpoint) loses nothing and sends nothing twice; shards and endpoint files
# compose with the split.
source "$(dirname "$0")/lib.sh"

NET=(-i "${XS_NS_TAG:-}xstt-s0" --source-ip 198.18.0.1 --router-mac 02:58:53:00:00:02)

# SYNs in a pcap per endpoint: "ip port t" lines (t in seconds, microsecond precision).
syns() { tcpdump -r "$1" -n -tt 2>/dev/null | python3 -c '
import sys, re
for l in sys.stdin:
    m = re.match(r"(\d+\.\d+) IP 198\.18\.0\.1\.\d+ > (198\.19\.\d+\.\d+)\.(\d+):", l)
    if m: print(m.group(2), m.group(3), m.group(1))'; }

dump_start() {   # dump_start FILE: SYNs arriving at the sink; returns once tcpdump captures
    ip netns exec "$TB_PREFIX-sink" tcpdump -i "$TB_PREFIX-k0" -n -U -B 16384 -w "$1" \
        'tcp[tcpflags] == tcp-syn' 2>"$1.log" &
    DUMP=$!
    # On a loaded machine tcpdump may take more than a second to start: wait for its banner.
    for _ in $(seq 1 100); do grep -q "listening on" "$1.log" 2>/dev/null && break; sleep 0.1; done
    sleep 0.2
}
dump_stop() { sleep 0.5; kill "$DUMP"; wait "$DUMP" 2>/dev/null; }

testbed_up xstt
for sender in xdp sendmmsg; do
echo "-- silent sink, --sender $sender: 3 threads, 2 retries; every endpoint exactly 3 times, >= 1 s apart"
dump_start "$WORK/silent.pcap"
in_scan "$XSWEEP" "${NET[@]}" -p 80,81 --no-http --tx-threads 3 --retries 2 --retry-delay 1 \
    --rate 20000 --wait 0.5 --seed 11 --sender $sender 198.19.0.0/19 -o "$WORK/silent.json" 2>"$WORK/silent.err"
check "scan with 3 threads exits 0" [ $? = 0 ]
dump_stop
syns "$WORK/silent.pcap" >"$WORK/silent.syns"
python3 - "$WORK/silent.syns" "$WORK/silent.err" <<'EOF' && pass "$sender: 16384 endpoints x 3 passes, each exactly 3 SYNs, >= 1 s apart, rate and summary agree with the wire" || fail "$sender: silent-sink wire check"
import sys, re, collections
by = collections.defaultdict(list)
ts = []
for l in open(sys.argv[1]):
    ip, port, t = l.split()
    by[(ip, port)].append(float(t)); ts.append(float(t))
assert len(by) == 16384, ("endpoints", len(by))
counts = collections.Counter(len(v) for v in by.values())
assert set(counts) == {3}, ("SYNs per endpoint", counts)
gap = min(b - a for v in by.values() for a, b in zip(sorted(v), sorted(v)[1:]))
assert gap >= 0.999, ("closest two probes of one endpoint", gap)
rate = (len(ts) - 1) / (max(ts) - min(ts))
# Retries wait for the pass clock, so the whole run may be slower than --rate; never faster.
assert rate <= 20000 * 1.05, ("rate on the wire", rate)
summary = open(sys.argv[2]).read()
m = re.search(r"(\d+) probes sent", summary)
assert m and int(m.group(1)) == len(ts), ("summary", m and m.group(1), len(ts))
print("  closest gap %.3f s, rate %.0f/s" % (gap, rate))
EOF
done

echo "-- the total rate is --rate, split between the threads"
dump_start "$WORK/rate.pcap"
in_scan "$XSWEEP" "${NET[@]}" -p 80 --no-http --tx-threads 3 --retries 0 --rate 15000 --wait 0 \
    --stats-interval 0.5 198.19.0.0/17 -o /dev/null 2>"$WORK/rate.err"
dump_stop
syns "$WORK/rate.pcap" | python3 -c '
import sys
ts = sorted(float(l.split()[2]) for l in sys.stdin)
assert len(ts) == 32768, len(ts)
r = (len(ts) - 1) / (ts[-1] - ts[0])
# The threads do not keep step (one bucket, whoever is scheduled takes it), so some finish first;
# the last quarter of the run must still go at the full rate.
t3 = ts[0] + 0.75 * (ts[-1] - ts[0])
tail = [t for t in ts if t >= t3]
rt = (len(tail) - 1) / (ts[-1] - t3)
print("  %.0f probes/s on the wire, %.0f/s in the last quarter" % (r, rt))
assert 15000 * 0.95 <= r <= 15000 * 1.05, r
assert 15000 * 0.9 <= rt <= 15000 * 1.1, rt' && pass "3 threads at --rate 15000 send 15000/s in total (within 5 %), still in the last quarter" \
    || fail "total rate with 3 threads"
# A stats line in mid-scan: sent/elapsed is the total rate only when every thread is counted.
grep -o 'elapsed=[0-9.]* sent=[0-9]*' "$WORK/rate.err" | sed -n 3p | tr '=' ' ' >"$WORK/mid.stats"
python3 -c '
import sys
_, e, _, n = open(sys.argv[1]).read().split()
r = int(n) / float(e)
print("  mid-scan stats: sent=%s after %s s (%.0f/s)" % (n, e, r))
assert 15000 * 0.8 <= r <= 15000 * 1.05, r' "$WORK/mid.stats" \
    && pass "--stats-interval counts every thread" || fail "--stats-interval counts every thread"
grep -q "32768 probes sent" "$WORK/rate.err"
check "the summary line counts all 32768 probes of the 3 threads" [ $? = 0 ]

echo "-- shards and endpoint files compose with the thread split (dry run)"
"$XSWEEP" --dry-run --seed 3 -p 80,443 --tx-threads 1 198.19.0.0/22 | jq -r '"\(.ip):\(.port)"' | sort >"$WORK/one.txt"
for i in 1 2 3; do
    "$XSWEEP" --dry-run --seed 3 -p 80,443 --tx-threads 4 --shard $i/3 198.19.0.0/22 | jq -r '"\(.ip):\(.port)"'
done | sort >"$WORK/shards.txt"
check "3 shards x 4 threads = the one-thread scan, nothing twice" cmp -s "$WORK/one.txt" "$WORK/shards.txt"
printf '198.19.1.%d:80\n' $(seq 1 50) >"$WORK/ep.txt"
n=$("$XSWEEP" --dry-run --tx-threads 4 --endpoints "$WORK/ep.txt" | jq -r '"\(.ip):\(.port)"' | sort -u | wc -l)
check "--endpoints with 4 threads probes the 50 listed endpoints ($n)" [ "$n" = 50 ]
"$XSWEEP" --dry-run --tx-threads 0 198.19.0.1 >/dev/null 2>"$WORK/bad.err"
check "--tx-threads 0: exit 2, one line" [ $? = 2 -a "$(wc -l <"$WORK/bad.err")" = 1 ]

bash "$TESTBED" down --prefix "$TB_PREFIX" >/dev/null 2>&1

echo "-- answering sink, HTTP stage on: 2 threads find the whole open set"
testbed_up xstt --answer --listen 80
in_scan "$XSWEEP" "${NET[@]}" -p 80,81 --show closed --tx-threads 2 --rate 30000 --wait 2 --seed 5 \
    198.19.0.0/20 -o "$WORK/recall.json" 2>"$WORK/recall.err"
rc=$?
check "scan with the HTTP stage exits 0 (got $rc$(grep -v '^xsweep: [0-9]' "$WORK/recall.err" | tail -1 | sed 's/^/: /'))" [ $rc = 0 ]
open=$(jq -r 'select(.status == "open") | "\(.ip):\(.port)"' "$WORK/recall.json" | sort -u | wc -l)
closed=$(jq -r 'select(.status == "closed") | "\(.ip):\(.port)"' "$WORK/recall.json" | sort -u | wc -l)
http=$(jq -r 'select(.status == "open" and .http != null) | .ip' "$WORK/recall.json" | sort -u | wc -l)
check "recall: 4096 open on port 80 ($open), 4096 closed on 81 ($closed)" [ "$open" = 4096 -a "$closed" = 4096 ]
check "every open endpoint has its HTTP record ($http)" [ "$http" = 4096 ]

echo "-- 3 threads, SIGINT, resume: nothing lost, nothing twice on the wire"
SCAN=(-p 80,81 --show closed --no-http --seed 5 --wait 1 --tx-threads 3 198.19.0.0/18)   # 32768
dump_start "$WORK/split.pcap"
ip netns exec "$TB_PREFIX-scan" "$XSWEEP" "${NET[@]}" "${SCAN[@]}" --retries 0 --rate 8000 \
    -o "$WORK/split.json" 2>"$WORK/split1.err" & pid=$!
sleep 2; kill -INT "$pid"; wait "$pid"; rc=$?
check "first part stopped with 130 (got $rc)" [ "$rc" = 130 ]
npos=$(grep '^resume-position' "$WORK/split.json.resume" | tr ',' '\n' | wc -l)
check "resume file holds 3 threads' positions ($npos)" [ "$npos" = 3 ]
"$XSWEEP" --resume "$WORK/split.json.resume" --tx-threads 2 --dry-run >/dev/null 2>"$WORK/mismatch.err"
rc=$?
check "resuming with another thread count is refused (exit $rc): $(cat "$WORK/mismatch.err")" [ $rc = 2 ]
in_scan "$XSWEEP" --resume "$WORK/split.json.resume" 2>"$WORK/split2.err"
check "resumed scan exits 0" [ $? = 0 ]
dump_stop
n=$(jq -r '"\(.ip):\(.port)"' "$WORK/split.json" | sort -u | wc -l)
d=$(jq -r '"\(.ip):\(.port)"' "$WORK/split.json" | sort | uniq -d | wc -l)
check "interrupted + resumed: all 32768 endpoints recorded ($n), none twice ($d)" [ "$n" = 32768 -a "$d" = 0 ]
syns "$WORK/split.pcap" | python3 -c '
import sys, collections
c = collections.Counter(tuple(l.split()[:2]) for l in sys.stdin)
assert len(c) == 32768, len(c)
assert set(c.values()) == {1}, collections.Counter(c.values())' \
    && pass "every endpoint probed exactly once across the two runs" || fail "SYNs across the two runs"

echo "-- 3 threads, 1 retry, kill -9, resume from the last checkpoint"
ip netns exec "$TB_PREFIX-scan" "$XSWEEP" "${NET[@]}" "${SCAN[@]}" --retries 1 --rate 8000 \
    --checkpoint 0.5 -o "$WORK/k9.json" 2>/dev/null & pid=$!
sleep 2.5; kill -9 "$pid"; wait "$pid" 2>/dev/null
check "checkpoint exists after kill -9" [ -s "$WORK/k9.json.resume" ]
npos=$(grep '^resume-position' "$WORK/k9.json.resume" | tr ',' '\n' | wc -l)
check "checkpoint holds 3 threads x 2 passes ($npos)" [ "$npos" = 6 ]
in_scan "$XSWEEP" --resume "$WORK/k9.json.resume" 2>/dev/null
check "resume after kill -9 exits 0" [ $? = 0 ]
n=$(jq -r '"\(.ip):\(.port)"' "$WORK/k9.json" 2>/dev/null | sort -u | wc -l)
d=$(jq -r '"\(.ip):\(.port)"' "$WORK/k9.json" | sort | uniq -d | wc -l)
check "kill -9 + resume: all 32768 endpoints ($n), none twice ($d)" [ "$n" = 32768 -a "$d" = 0 ]

finish
