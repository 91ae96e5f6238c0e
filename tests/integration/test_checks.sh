#!/usr/bin/env bash
# Active checks (--checks): deliberately vulnerable apps (tests/checks/vulnapp.py) in the sink,
# each with a fixed twin. Every check's finding on its vulnerable app and none on the twin; the
# SSRF canary (the test's own listener in the sink) is reached only through the vulnerable app;
# on the wire (tcpdump in the sink) no IP:port sees two connection starts within 1 s, and the
# per-endpoint cap holds; no body the checks read reaches the record.
source "$(dirname "$0")/lib.sh"

testbed_with_servers xsck --answer

echo "-- vulnerable apps and twins in the sink namespace"
in_sink python3 "$ROOT/tests/checks/canary.py" 9300 >"$WORK/canary.log" 2>&1 & PIDS+=($!)
in_sink python3 "$ROOT/tests/checks/vulnapp.py" >"$WORK/app.log" 2>&1 & PIDS+=($!)
for _ in $(seq 50); do grep -q ready "$WORK/app.log" && break; sleep 0.1; done
check "apps up" grep -q ready "$WORK/app.log"

: >"$WORK/endpoints.txt"
for nn in $(seq 1 19); do
    printf '198.19.2.%d:%d\n198.19.3.%d:%d\n' "$nn" $((9100 + nn)) "$nn" $((9200 + nn)) >>"$WORK/endpoints.txt"
done
ip netns exec "$TB_PREFIX-sink" tcpdump --immediate-mode -i "$TB_PREFIX-k0" -n -tt -U -w "$WORK/syn.pcap" \
    'tcp[tcpflags] & (tcp-syn|tcp-ack) == tcp-syn and dst portrange 9101-9219' 2>/dev/null & dump=$!
sleep 1

if [ -z "${CK_ONLY_CAP:-}" ]; then
echo "-- xsweep --checks all --checks-canary http://127.0.0.1:9300/ over 38 endpoints"
t0=$(date +%s)
in_scan "$XSWEEP" "${NET[@]}" --endpoints "$WORK/endpoints.txt" --rate 1000 --wait 1 --http-ports 9101-9219 \
    --checks all --checks-canary http://127.0.0.1:9300/ -o "$WORK/out.json" 2>"$WORK/out.err"
rc=$?
check "scan exits 0 in $(( $(date +%s) - t0 )) s" [ $rc = 0 ]
[ $rc = 0 ] || grep -v '^xsweep: [0-9]* probes' "$WORK/out.err" | head -40
sleep 1.5; kill "$dump"; wait "$dump" 2>/dev/null
tcpdump -r "$WORK/syn.pcap" -n -tt 2>/dev/null >"$WORK/syn.txt"

python3 - "$WORK/out.json" "$WORK/syn.txt" "$WORK/canary.log" <<'PY' >"$WORK/py.out" 2>&1
import collections, json, re, sys
recs = {(r["ip"], r["port"]): r for r in map(json.loads, open(sys.argv[1]))}
ok = bad = 0
def check(what, cond):
    global ok, bad
    print(("  ok   " if cond else "  FAIL ") + what)
    ok, bad = (ok + 1, bad) if cond else (ok, bad + 1)
expected = {1: {"git-head-exposed"}, 2: {"svn-entries-exposed"}, 3: {"hg-exposed"}, 4: {"env-file-exposed"},
            5: {"backup-files-exposed"}, 6: {"apache-server-status"}, 7: {"apache-server-info"},
            8: {"directory-listing"}, 9: {"http-trace-enabled"}, 10: {"http-dangerous-methods"},
            11: {"open-redirect"}, 12: {"cors-any-origin"},
            13: {"missing-csp", "missing-x-frame-options", "missing-x-content-type-options"},
            14: {"sqli-error", "sqli-boolean"}, 15: {"sqli-boolean"}, 16: {"xss-reflected"},
            17: {"path-traversal"}, 18: {"ssrf-canary"}, 19: {"cmdi-timing"}}
check("38 records", len(recs) == 38)
for nn, want in expected.items():
    v = recs.get(("198.19.2.%d" % nn, 9100 + nn), {}).get("checks", {})
    f = recs.get(("198.19.3.%d" % nn, 9200 + nn), {}).get("checks", {})
    got_v = {x["id"] for x in v.get("findings", [])}
    got_f = {x["id"] for x in f.get("findings", [])}
    check("app %d: vulnerable gives %s (got %s), twin gives none (got %s)" % (nn, sorted(want), sorted(got_v),
          sorted(got_f)), got_v == want and not got_f and "requests" in f)
allf = [x for r in recs.values() for x in r.get("checks", {}).get("findings", [])]
check("every finding has id, type, severity, cwe, path, remediation",
      allf and all(x["id"] and x["type"] in ("http", "payload") and x["severity"] and x["cwe"].startswith("CWE-")
                   and x["path"].startswith("/") and x["remediation"] for x in allf))
g = [x for x in allf if x["id"] == "git-head-exposed"]
check("git finding: path /.git/HEAD, extracted branch", g and g[0]["path"] == "/.git/HEAD"
      and g[0]["detail"] == "refs/heads/main")
e = [x for x in allf if x["id"] == "env-file-exposed"]
check("env finding names the first variable only", e and e[0]["detail"] == "APP_ENV")
p = [x for x in allf if x["id"] == "sqli-boolean" and "9115" in json.dumps(x) or x["id"] == "sqli-boolean"]
check("payload findings name the parameter", all(x["detail"].startswith("parameter ") for x in allf if x["type"] == "payload"))
raw = open(sys.argv[1]).read()
check("no body the checks read is in the record", "xsweep-test-not-a-secret" not in raw and "root:x:0:0" not in raw
      and "CREATE TABLE users" not in raw)
# the wire: every SYN to each IP:port, from the SYN probe on
syn = collections.defaultdict(list)
for line in open(sys.argv[2]):
    m = re.match(r"(\d+\.\d+) IP 198\.18\.0\.1\.\d+ > (198\.19\.\d+\.\d+)\.(\d+): Flags \[S\]", line)
    if m:
        syn[(m.group(2), int(m.group(3)))].append(float(m.group(1)))
gaps = [b - a for t in syn.values() for a, b in zip(sorted(t), sorted(t)[1:])]
worst = min(((b - a, k, i) for k, t in syn.items() for i, (a, b) in enumerate(zip(sorted(t), sorted(t)[1:]))),
            default=None)
print("  info worst gap %s; requests per endpoint: %s" % (worst, sorted(r["checks"]["requests"] for r in recs.values())))
check("SYNs seen to all 38 endpoints (%d SYNs)" % sum(map(len, syn.values())), len(syn) == 38)
check("no IP:port sees two connection starts within 1 s (min gap %.4f s over %d gaps)" % (min(gaps), len(gaps)),
      gaps and min(gaps) >= 1.0)
mism = [(k, len(t), recs[k]["checks"]["requests"]) for k, t in syn.items()
        if k in recs and len(t) != recs[k]["checks"]["requests"] + 2]
check("SYNs per endpoint = 1 probe + 1 GET + the checks' requests (%s)" % mism[:3], not mism)
check("no endpoint above the default cap (60)", all(r["checks"]["requests"] <= 60 for r in recs.values()))
hits = [l for l in open(sys.argv[3]) if "xsweep-ssrf-" in l]
check("canary reached %d time(s), through the vulnerable app only" % len(hits), len(hits) >= 1)
print("PY %d %d" % (ok, bad))
PY
cat "$WORK/py.out" | grep -v '^PY'
read -r _ o b < <(grep '^PY' "$WORK/py.out" || echo "PY 0 1")
PASSED=$((PASSED + o)); FAILED=$((FAILED + b))
[ "$b" = 0 ] || { tail -5 "$WORK/out.err"; }
fi

echo "-- --checks-max-requests 3 --checks git-head-exposed,backup-files-exposed on one endpoint"
ip netns exec "$TB_PREFIX-sink" tcpdump --immediate-mode -i "$TB_PREFIX-k0" -n -tt -U -w "$WORK/cap.pcap" \
    'tcp[tcpflags] & (tcp-syn|tcp-ack) == tcp-syn and dst port 9105' 2>/dev/null & dump=$!
sleep 1
echo "198.19.4.5:9105" >"$WORK/one.txt"
in_scan "$XSWEEP" "${NET[@]}" --endpoints "$WORK/one.txt" --rate 1000 --wait 1 --http-ports 9105 \
    --checks git-head-exposed,backup-files-exposed --checks-max-requests 3 -o "$WORK/cap.json" 2>/dev/null
sleep 1.5; kill "$dump"; wait "$dump" 2>/dev/null
tcpdump -r "$WORK/cap.pcap" -n -tt 2>/dev/null >"$WORK/cap.txt"
n=$(grep -c 'Flags \[S\]' "$WORK/cap.txt")
[ "$n" = 5 ] || { cat "$WORK/cap.txt"; cp "$WORK/cap.json" "$WORK/cap.pcap" /tmp/; }
check "cap: 1 probe + 1 GET + 3 check connections on the wire ($n SYNs)" [ "$n" = 5 ]
check "cap: the record says capped, 3 requests" grep -q '"checks":{"requests":3,"capped":true' "$WORK/cap.json"

echo "-- bad input"
# In the scanner namespace: should the list load after all, the probe stays in the testbed.
in_scan "$XSWEEP" "${NET[@]}" --checks nosuch 198.19.9.1 >/dev/null 2>"$WORK/e1"; rc=$?
check "unknown check id: one line, exit 2" [ $rc = 2 -a "$(wc -l <"$WORK/e1")" = 1 ]
printf 'id: raw-one\ninfo: {name: x, severity: low}\nhttp:\n  - raw: ["GET / HTTP/1.1"]\n' >"$WORK/raw.yaml"
in_scan "$XSWEEP" "${NET[@]}" --checks "$WORK/raw.yaml" 198.19.9.1 >/dev/null 2>"$WORK/e2"; rc=$?
check "unsupported template (raw): named in one line, exit 2" [ $rc = 2 ] && grep -q "raw" "$WORK/e2"
"$XSWEEP" --list-checks >"$WORK/list.txt"
check "--list-checks lists every shipped template and the TLS audit in a section of their own" \
    [ "$(sed -n '/^Active checks/,$p' "$WORK/list.txt" | grep -cE '^[a-z]')" = "$(( $(ls "$ROOT"/data/checks/*.yaml | wc -l) + 1 ))" ]
finish
