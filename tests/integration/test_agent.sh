#!/usr/bin/env bash
# xsweep agent against the reference platform (tests/tools/platform_receiver.py, HTTPS, in the
# sink namespace). The agent runs in the scan namespace and scans test servers with planted
# secrets (bodies, cookies, token headers, titles, a banner). Every byte the agent sends is logged
# by the receiver (after TLS) and captured by tcpdump (on the wire): none of the planted values
# appears, and the agent talks to nothing but the platform and the scan targets. A 60 s platform
# outage and two kill -9 of the agent (mid-scan, then with a full spool) lose no report; the same
# findings keep their ids in the next sweep; TLS is verified (no CA file: refused).
source "$(dirname "$0")/lib.sh"
all_of() { local c; for c in "$@"; do eval "$c" || return 1; done; }
T=$ROOT/tests/tools
AG=$WORK/agent
mkdir -p "$AG" "$WORK/rx1" "$WORK/rx2"

testbed_up xsag --answer
MINE=()   # every process this test starts, ended by PID on exit
trap 'for p in "${MINE[@]}"; do kill -9 "$p" 2>/dev/null; done; cleanup' EXIT
ip netns exec "$TB_PREFIX-sink" python3 "$T/secret_server.py" 80,8080 2222 >"$WORK/servers.log" 2>&1 & servers=$!; MINE+=($!)
PLATFORM_IP=198.19.200.1   # owned by the sink (--answer), outside the job's targets
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=xsweep test CA" \
    -keyout "$WORK/ca.key" -out "$WORK/ca.pem" 2>/dev/null
openssl req -newkey rsa:2048 -nodes -subj "/CN=platform" -keyout "$WORK/srv.key" -out "$WORK/srv.csr" 2>/dev/null
printf 'subjectAltName=IP:%s\n' "$PLATFORM_IP" >"$WORK/san.ext"
openssl x509 -req -in "$WORK/srv.csr" -CA "$WORK/ca.pem" -CAkey "$WORK/ca.key" -CAcreateserial \
    -days 2 -extfile "$WORK/san.ext" -out "$WORK/srv.pem" 2>/dev/null
TOKEN=agenttoken-$(openssl rand -hex 16)
echo "$TOKEN" >"$WORK/token"; chmod 600 "$WORK/token"
job() { printf '{"id":"%s","targets":["198.19.0.0/28"],"ports":"80,8080,2222","policy":"moderate","rate":400,"schedule":{"not_before":"2026-01-01T00:00:00Z"}}\n' "$1" >"$WORK/$1.json"; }
job week-49; job week-50

receiver() {  # receiver LOGDIR [options]: the platform, in the sink
    local d=$1; shift
    ip netns exec "$TB_PREFIX-sink" python3 "$T/platform_receiver.py" --cert "$WORK/srv.pem" --key "$WORK/srv.key" \
        --port 8443 --token-file "$WORK/token" --log-dir "$d" --run-for 300 "$@" 2>"$d/stderr" &
    RX=$!; MINE+=($RX)
    for _ in $(seq 50); do grep -q listening "$d/events.log" 2>/dev/null && return 0; sleep 0.1; done
    echo "receiver did not start"; cat "$d/stderr"; return 1
}
cat >"$WORK/agent.conf" <<EOC
# the platform, and what it may ask for
platform = https://$PLATFORM_IP:8443
token-file = $WORK/token
ca-file = $WORK/ca.pem
spool = $AG
agent-id = lab-1
allow = 198.19.0.0/24
max-rate = 2000
poll = 1
backoff-max = 8
# the operator's network setup for the scanner
scan-args = -i $TB_PREFIX-s0 --source-ip 198.18.0.1 --router-mac 02:58:53:00:00:02 --wait 1 --seed 3
EOC
agent() { ip netns exec "$TB_PREFIX-scan" "$XSWEEP" agent -c "$WORK/agent.conf" "$@" 2>>"$WORK/agent.log" & AGENT=$!; MINE+=($AGENT); }
wait_for() {  # wait_for SECONDS CMD...: until CMD succeeds (bounded)
    local n=$(( $1 * 5 )); shift
    for _ in $(seq "$n"); do "$@" && return 0; sleep 0.2; done; return 1
}
finished_spooled() { grep -lq '"state":"finished"' "$AG"/outbox/*.json 2>/dev/null; }

ip netns exec "$TB_PREFIX-scan" tcpdump -Z root -i "$TB_PREFIX-s0" -n -U -s 0 -w "$WORK/wire.pcap" \
    'src host 198.18.0.1' 2>"$WORK/tcpdump.err" & dump=$!; MINE+=($dump)
wait_for 10 grep -q "listening on" "$WORK/tcpdump.err" || { echo "tcpdump did not start"; cat "$WORK/tcpdump.err"; exit 1; }

echo "-- sweep 1: a 60 s platform outage right after the job; kill -9 mid-scan and with a full spool"
receiver "$WORK/rx1" --job "$WORK/week-49.json" --outage-after-job 60 || exit 1
t0=$(date +%s)
agent --max-jobs 1
check "the agent took the job" wait_for 20 grep -q "job served" "$WORK/rx1/events.log"
sleep 0.5; kill -9 "$AGENT"; wait "$AGENT" 2>/dev/null
check "killed mid-scan: the job is still in the spool" [ -s "$AG/jobs/week-49.job" ]
agent --max-jobs 0
check "restarted agent ran the job again and spooled its reports" wait_for 60 finished_spooled
kill -9 "$AGENT"; wait "$AGENT" 2>/dev/null
spooled=$(ls "$AG"/outbox/*.json | wc -l)
check "killed with $spooled reports in the spool while the platform is down" [ "$spooled" -ge 3 ]
agent --max-jobs 0 --exit-when-idle
wait_for 110 bash -c "! kill -0 $AGENT 2>/dev/null"; wait "$AGENT"; rc=$?
t1=$(date +%s)
check "the agent delivered everything and exited 0 after the outage (rc $rc, $((t1 - t0)) s)" [ "$rc" = 0 ]
check "the spool is empty" [ -z "$(ls "$AG/outbox")" ]
check "the platform was down 60 s and the agent retried meanwhile" \
    all_of 'grep -q "outage ends" "$WORK/rx1/events.log"' 'grep -q "report not delivered" "$WORK/agent.log"'
kill "$RX" 2>/dev/null; wait "$RX" 2>/dev/null

echo "-- sweep 2: the same job again, no outage"
receiver "$WORK/rx2" --job "$WORK/week-50.json" || exit 1
agent --max-jobs 1 --exit-when-idle
wait_for 60 bash -c "! kill -0 $AGENT 2>/dev/null"; wait "$AGENT"
check "second sweep: agent exits 0" [ $? = 0 ]
kill "$RX" 2>/dev/null; wait "$RX" 2>/dev/null

SECRETS=(AKIAZ7QWERTYUIOP2345 PLANTEDPassw0rd PLANTEDCOOKIE123 PLANTEDHEADERTOKEN987 PLANTEDTITLE42
         PLANTEDBODYTEXT PLANTEDBANNERSECRET PlantedServer "Planted Title")
echo "-- sweep 3: a job with checks (max-checks = safe): the check findings arrive, what they read does not"
mkdir -p "$WORK/rx3"
printf '{"id":"week-51","targets":["198.19.0.9"],"ports":"8080","policy":"moderate","rate":400,"checks":"safe"}\n' >"$WORK/week-51.json"
{ cat "$WORK/agent.conf"; echo "max-checks = safe"; } >"$WORK/checks.conf"
receiver "$WORK/rx3" --job "$WORK/week-51.json" || exit 1
ip netns exec "$TB_PREFIX-scan" "$XSWEEP" agent -c "$WORK/checks.conf" --max-jobs 1 --exit-when-idle 2>>"$WORK/agent.log" & AGENT=$!; MINE+=($AGENT)
wait_for 110 bash -c "! kill -0 $AGENT 2>/dev/null"; wait "$AGENT"
check "checks sweep: agent exits 0" [ $? = 0 ]
kill "$RX" 2>/dev/null; wait "$RX" 2>/dev/null
python3 - "$WORK/rx3/reports.jsonl" <<'PY' && pass "check findings arrived: check:env-file-exposed and check:git-head-exposed, with CWE and remediation, the endpoint's path" || fail "check findings"
import json, sys
reps = [json.loads(l) for l in open(sys.argv[1])]
got = {f["type"]: f for r in reps if r["kind"] == "findings" for f in r["findings"]}
print("   ", sorted(got))
for t, cwe in (("check:env-file-exposed", "CWE-538"), ("check:git-head-exposed", "CWE-538")):
    f = got[t]
    assert f["cwe"] == [cwe] and f["category"] == "exposure" and f["severity"] == "high", f
    assert f["remediation"] and f["path"] == "/" and f["ip"] == "198.19.0.9" and f["port"] == 8080, f
assert any(t.startswith("check:missing-") for t in got), "no missing-header finding"
PY
check "the checks read /.env and /.git/HEAD on the wire" \
    bash -c "tcpdump -r '$WORK/wire.pcap' -A -n 'dst host 198.19.0.9 and dst port 8080' 2>/dev/null | grep -q 'GET /.env HTTP' && tcpdump -r '$WORK/wire.pcap' -A -n 'dst host 198.19.0.9' 2>/dev/null | grep -q 'GET /.git/HEAD HTTP'"
leaks=""
for s in PLANTEDENVNAME PLANTEDENVVALUE PLANTEDDBPASS PLANTEDBRANCH "${SECRETS[@]}"; do
    grep -aqF "$s" "$WORK/rx3/raw.log" && leaks+="[$s] "
done
check "no value the checks read (.env names and values, the branch) nor any planted secret in what the agent sent (${leaks:-none})" [ -z "$leaks" ]

sleep 1; kill "$dump"; wait "$dump" 2>/dev/null
kill "$servers" 2>/dev/null

echo "-- what arrived"
python3 - "$WORK/rx1/reports.jsonl" "$WORK/rx2/reports.jsonl" <<'PY' && pass "every report of both sweeps arrived; findings complete and with stable ids" || fail "reports"
import json, sys, collections
def load(p):
    reps = [json.loads(l) for l in open(p)]
    fin = [r for r in reps if r["kind"] == "progress" and r["state"] == "finished"]
    assert fin, "no finished report in %s" % p
    last = max(fin, key=lambda r: r["attempt"])
    got = [f for r in reps if r["kind"] == "findings" and r["attempt"] == last["attempt"] for f in r["findings"]]
    assert len(got) == last["findings"], (len(got), last["findings"])
    nrep = sum(1 for r in reps if r["kind"] == "findings" and r["attempt"] == last["attempt"])
    assert nrep == last["findings_reports"], (nrep, last)
    assert last["records"] == 48 and last["open"] == 48, last
    return {f["id"]: f for f in got}
a, b = load(sys.argv[1]), load(sys.argv[2])
assert set(a) == set(b), "finding ids differ between sweeps"
types = collections.Counter(f["type"] for f in a.values())
print("   ", dict(types))
assert types["exposed-service"] == 48
assert types["secret:aws-access-key-id@body"] == 0 and types["secret:aws-access-key-id"] == 32, types
ssh = [f for f in a.values() if f["port"] == 2222 and f["type"] == "exposed-service"]
assert ssh and all(f["product"] == "OpenSSH" and f["version"] == "9.2p1" for f in ssh), ssh[:1]
aws = [f for f in a.values() if f["type"] == "secret:aws-access-key-id"][0]
assert aws["cwe"] == ["CWE-798"] and aws["severity"] in ("high", "critical") and aws["path"] == "/" and aws["remediation"]
PY
python3 - "$WORK/rx1/reports.jsonl" "$WORK/rx2/reports.jsonl" "$WORK/rx3/reports.jsonl" <<'PY' && pass "reports hold only the documented fields" || fail "unexpected fields in reports"
import json, sys
ENV = {"schema", "report_id", "agent", "job", "attempt", "seq", "kind", "time", "state", "targets",
       "records", "open", "findings", "findings_reports", "exit_status", "reason"}
FIND = {"id", "type", "category", "severity", "ip", "port", "path", "cwe", "cve", "remediation",
        "protocol", "product", "version", "location", "count"}
for p in sys.argv[1:]:
    for r in map(json.loads, open(p)):
        assert set(r) <= ENV, set(r) - ENV
        if r["kind"] == "findings":
            for f in r["findings"]:
                assert set(f) <= FIND, set(f) - FIND
PY
leaks=""
for s in "${SECRETS[@]}"; do
    grep -aqF "$s" "$WORK/rx1/raw.log" "$WORK/rx2/raw.log" && leaks+="[$s] "
done
check "no planted secret, body, cookie, token, title or banner in any byte the agent sent (${leaks:-none})" [ -z "$leaks" ]
check "the receiver logged the agent's requests ($(cat "$WORK"/rx?/raw.log | wc -c) bytes)" grep -aq '^POST /api/v1/agents/lab-1/reports' "$WORK/rx1/raw.log"
check "the agent's token appears only in its Authorization header" \
    [ "$(grep -ac "$TOKEN" "$WORK/rx1/raw.log")" = "$(grep -ac "^Authorization: Bearer $TOKEN" "$WORK/rx1/raw.log")" ]
npkt=$(tcpdump -r "$WORK/wire.pcap" -n 2>/dev/null | wc -l)
nplat=$(tcpdump -r "$WORK/wire.pcap" -n "tcp and dst host $PLATFORM_IP and dst port 8443" 2>/dev/null | wc -l)
check "tcpdump captured the agent's traffic ($npkt packets, $nplat to the platform)" [ "$npkt" -gt 100 -a "$nplat" -gt 20 ]
others=$(tcpdump -r "$WORK/wire.pcap" -n 'ip and not (dst host '"$PLATFORM_IP"' and dst port 8443) and not (dst net 198.19.0.0/28 and (dst port 80 or dst port 8080 or dst port 2222))' 2>/dev/null | grep -v ' ARP' | head -3)
check "tcpdump: nothing else leaves the scan host (${others:-nothing})" [ -z "$others" ]
check "tcpdump: no planted secret in clear on the wire either" bash -c "! grep -aqE 'PLANTED|AKIAZ7QWERTYUIOP2345' '$WORK/wire.pcap'"

echo "-- TLS verification and bad input"
sed "/^ca-file/d" "$WORK/agent.conf" >"$WORK/noca.conf"
receiver "$WORK/rx2" || exit 1
ip netns exec "$TB_PREFIX-scan" timeout 6 "$XSWEEP" agent -c "$WORK/noca.conf" --max-jobs 1 2>"$WORK/noca.log"
kill "$RX" 2>/dev/null; wait "$RX" 2>/dev/null
check "without the CA file the platform's certificate is refused" grep -qi "certificate" "$WORK/noca.log"
"$XSWEEP" agent -c /nonexistent 2>"$WORK/e1"; rc=$?
check "missing config: exit 1, one line" all_of "[ $rc = 1 ]" "[ \$(wc -l <'$WORK/e1') = 1 ]"
"$XSWEEP" agent 2>/dev/null
check "no -c: usage error 2" [ $? = 2 ]
sed 's|^platform = https|platform = http|' "$WORK/agent.conf" >"$WORK/http.conf"
"$XSWEEP" agent -c "$WORK/http.conf" 2>"$WORK/e2"
check "a plain-http platform is refused" grep -q "platform must be https" "$WORK/e2"

finish
