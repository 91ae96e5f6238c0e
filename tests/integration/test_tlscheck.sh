#!/usr/bin/env bash
# The TLS configuration audit (--checks tls-config) against nginx in the sink with one weakness
# per address (tests/checks/tls_servers.sh) and a good twin: protocols (SSLv3 through a stub,
# TLS 1.0-1.3), 3DES, self-signed, expired, name mismatch, incomplete chain, 1024-bit key. The
# trust store is the test's own CA (SSL_CERT_FILE). On the wire: >= 1 s between connection
# starts to each endpoint.
source "$(dirname "$0")/lib.sh"

testbed_with_servers xstl --answer
. "$ROOT/tests/checks/tls_servers.sh"

echo "-- nginx with bad and good TLS configurations, the SSLv3 stub"
tls_servers_up
check "servers up" "${SINK[@]}" ss -ltnH "src 198.19.5.9:443" | grep -q LISTEN
: >"$WORK/endpoints.txt"
for n in $(seq 1 $TLS_SCENARIOS); do echo "198.19.5.$n:443 host=tls.test" >>"$WORK/endpoints.txt"; done
ip netns exec "$TB_PREFIX-sink" tcpdump --immediate-mode -i "$TB_PREFIX-k0" -n -tt -U -w "$WORK/syn.pcap" \
    'tcp[tcpflags] & (tcp-syn|tcp-ack) == tcp-syn and dst port 443' 2>/dev/null & dump=$!
sleep 1
t0=$(date +%s)
in_scan env SSL_CERT_FILE="$WORK/pki/ca.pem" "$XSWEEP" "${NET[@]}" --endpoints "$WORK/endpoints.txt" \
    --rate 1000 --wait 1 --checks tls-config -o "$WORK/out.json" 2>"$WORK/out.err"
rc=$?
check "scan exits 0 in $(( $(date +%s) - t0 )) s" [ $rc = 0 ]
sleep 1.5; kill "$dump"; wait "$dump" 2>/dev/null
tcpdump -r "$WORK/syn.pcap" -n -tt 2>/dev/null >"$WORK/syn.txt"
cp "$WORK/out.json" /tmp/xstl-out.json 2>/dev/null

python3 - "$WORK/out.json" "$WORK/syn.txt" <<'PY' >"$WORK/py.out" 2>&1
import collections, json, re, sys
recs = {int(r["ip"].split(".")[-1]): r for r in map(json.loads, open(sys.argv[1]))}
ok = bad = 0
def check(what, cond):
    global ok, bad
    print(("  ok   " if cond else "  FAIL ") + what)
    ok, bad = (ok + 1, bad) if cond else (ok, bad + 1)
want = {1: {"tls-deprecated-protocol"}, 2: {"tls-weak-cipher"}, 3: {"tls-cert-self-signed"},
        4: {"tls-cert-expired"}, 5: {"tls-hostname-mismatch"}, 6: {"tls-cert-chain"},
        7: {"tls-weak-key"}, 8: {"tls-sslv3"}, 9: set()}
for n, w in want.items():
    c = recs.get(n, {}).get("checks", {})
    got = {f["id"] for f in c.get("findings", [])}
    check("198.19.5.%d: %s (got %s)" % (n, sorted(w) or "none", sorted(got)), got == w and "tls_protocols" in c)
proto = lambda n: recs.get(n, {}).get("checks", {}).get("tls_protocols", {})
check("old-protocol server: TLSv1.0 and TLSv1.1 accepted (%s)" % proto(1),
      proto(1).get("TLSv1.0") == "accepted" and proto(1).get("TLSv1.1") == "accepted")
check("good server: SSLv3, TLS 1.0, 1.1 rejected; 1.2, 1.3 accepted (%s)" % proto(9),
      proto(9) == {"SSLv3": "rejected", "TLSv1.0": "rejected", "TLSv1.1": "rejected",
                   "TLSv1.2": "accepted", "TLSv1.3": "accepted"})
check("SSLv3 stub: SSLv3 accepted (%s)" % proto(8), proto(8).get("SSLv3") == "accepted")
w = [f for f in recs.get(2, {}).get("checks", {}).get("findings", []) if f["id"] == "tls-weak-cipher"]
check("weak-suite server: the NULL and anonymous suites it picked are named (%s)" % (w[0]["detail"] if w else None),
      w and "NULL-SHA256" in w[0]["detail"] and "AECDH-AES128-SHA" in w[0]["detail"])
k = [f for f in recs.get(7, {}).get("checks", {}).get("findings", []) if f["id"] == "tls-weak-key"]
check("weak key: RSA 1024 bits", k and k[0]["detail"] == "RSA 1024 bits")
syn = collections.defaultdict(list)
for line in open(sys.argv[2]):
    m = re.match(r"(\d+\.\d+) IP 198\.18\.0\.1\.\d+ > (198\.19\.5\.\d+)\.443: Flags \[S\]", line)
    if m:
        syn[m.group(2)].append(float(m.group(1)))
gaps = [b - a for t in syn.values() for a, b in zip(t, t[1:])]
check("no endpoint sees two connection starts within 1 s (min gap %.4f s, %d SYNs)" % (min(gaps), len(gaps) + len(syn)),
      gaps and min(gaps) >= 1.0)
mism = [(ip, len(t)) for ip, t in syn.items() if len(t) != recs[int(ip.split(".")[-1])]["checks"]["requests"] + 2]
check("SYNs per endpoint = probe + GET + the audit's connections %s" % mism, not mism)
print("PY %d %d" % (ok, bad))
PY
grep -v '^PY' "$WORK/py.out"
read -r _ o b < <(grep '^PY' "$WORK/py.out" || echo "PY 0 1")
PASSED=$((PASSED + o)); FAILED=$((FAILED + b))
[ "$b" = 0 ] || { tail -3 "$WORK/out.err"; tail -3 "$WORK/nginx-error.log"; }
finish
