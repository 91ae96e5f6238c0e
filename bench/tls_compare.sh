#!/usr/bin/env bash
# The TLS audit next to testssl.sh and sslscan (both from Debian) on the same servers: nginx with
# one weakness per address and a good twin (tests/checks/tls_servers.sh), in a throwaway testbed.
# Prints one table: per server and property, what each tool says. Takes about 2 minutes.
#   sudo XS_NS_TAG=c bench/tls_compare.sh [OUT.md]
set -uo pipefail
source "$(dirname "$0")/../tests/integration/lib.sh"
OUT=${1:-/dev/stdout}
testbed_up xstc --answer
NET=(-i "$TB_PREFIX-s0" --source-ip 198.18.0.1 --router-mac 02:58:53:00:00:02)
SINK=(ip netns exec "$TB_PREFIX-sink")
PIDS=()
stop_all() {
    for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; done
    [ -s "$WORK/nginx.pid" ] && kill "$(cat "$WORK/nginx.pid" 2>/dev/null)" 2>/dev/null
    sleep 0.2
}
trap 'stop_all; cleanup' EXIT
. "$ROOT/tests/checks/tls_servers.sh"
tls_servers_up
: >"$WORK/endpoints.txt"
for n in $(seq 1 $TLS_SCENARIOS); do echo "198.19.5.$n:443 host=tls.test" >>"$WORK/endpoints.txt"; done
t0=$(date +%s.%N)
in_scan env SSL_CERT_FILE="$WORK/pki/ca.pem" "$XSWEEP" "${NET[@]}" --endpoints "$WORK/endpoints.txt" \
    --rate 1000 --wait 1 --checks tls-config -o "$WORK/xsweep.json" 2>/dev/null
t1=$(date +%s.%N)
JOBS=()
for n in $(seq 1 $TLS_SCENARIOS); do
    ( in_scan timeout 300 sslscan --no-colour --sni-name=tls.test --xml="$WORK/sslscan-$n.xml" "198.19.5.$n:443" \
          >/dev/null 2>&1 ) & JOBS+=($!)
done
wait "${JOBS[@]}"   # not a bare wait: the servers are children too
t2=$(date +%s.%N)
JOBS=()
for n in $(seq 1 $TLS_SCENARIOS); do
    ( in_scan timeout 500 testssl --quiet --color 0 --warnings off --nodns none --ip "198.19.5.$n" \
          --add-ca "$WORK/pki/ca.pem" -p -S -s --jsonfile "$WORK/testssl-$n.json" "tls.test:443" \
          >"$WORK/testssl-$n.log" 2>&1 ) & JOBS+=($!)
done
wait "${JOBS[@]}"
t3=$(date +%s.%N)
cp -r "$WORK" /tmp/xstc-last 2>/dev/null
python3 - "$WORK" "$TLS_SCENARIOS" "$t0" "$t1" "$t2" "$t3" >"$OUT" <<'PY'
import json, sys, xml.etree.ElementTree as ET
work, n = sys.argv[1], int(sys.argv[2])
t0, t1, t2, t3 = map(float, sys.argv[3:7])
props = ["SSLv3", "TLSv1.0", "TLSv1.1", "TLSv1.2", "TLSv1.3", "weak suites", "self-signed", "expired",
         "name mismatch", "chain", "key bits"]
xs = {int(r["ip"].split(".")[-1]): r for r in map(json.loads, open(work + "/xsweep.json"))}
def xsweep(i):
    c = xs.get(i, {}).get("checks", {})
    p = c.get("tls_protocols", {})
    ids = {f["id"]: f for f in c.get("findings", [])}
    yn = lambda b: "yes" if b else "no"
    d = {k: {"accepted": "yes", "rejected": "no"}.get(p.get(k), "n/t") for k in props[:5]}
    d["weak suites"] = ids["tls-weak-cipher"]["detail"] if "tls-weak-cipher" in ids else "none"
    d["self-signed"] = yn("tls-cert-self-signed" in ids)
    d["expired"] = yn("tls-cert-expired" in ids)
    d["name mismatch"] = yn("tls-hostname-mismatch" in ids)
    d["chain"] = "bad" if "tls-cert-chain" in ids else "ok"
    d["key bits"] = ids["tls-weak-key"]["detail"].split()[1] if "tls-weak-key" in ids else ">=2048"
    return d
def sslscan(i):
    d = {k: "?" for k in props}
    try:
        root = ET.parse("%s/sslscan-%d.xml" % (work, i)).getroot()
    except Exception:
        return d
    for pr in root.iter("protocol"):
        name = {"ssl3": "SSLv3", "tls1.0": "TLSv1.0", "tls1.1": "TLSv1.1", "tls1.2": "TLSv1.2",
                "tls1.3": "TLSv1.3"}.get(pr.get("type") + pr.get("version"))
        if name:
            d[name] = "yes" if pr.get("enabled") == "1" else "no"
    weak = [c.get("cipher") for c in root.iter("cipher")
            if c.get("status") in ("accepted", "preferred") and ("NULL" in c.get("cipher") or c.get("cipher").startswith(("ADH", "AECDH"))
                                                                   or "DES" in c.get("cipher") or "RC4" in c.get("cipher"))]
    d["weak suites"] = " ".join(weak) or "none"
    cert = next(root.iter("certificate"), None)
    if cert is not None:
        g = lambda t: (cert.findtext(t) or "").strip()
        d["self-signed"] = "yes" if g("self-signed") == "true" else "no"
        d["expired"] = "yes" if g("expired") == "true" else "no"
        d["key bits"] = cert.find("pk").get("bits") if cert.find("pk") is not None else "?"
        d["name mismatch"] = "n/a"
        d["chain"] = "n/a"
    return d
def testssl(i):
    d = {k: "?" for k in props}
    try:
        js = json.load(open("%s/testssl-%d.json" % (work, i)))
    except Exception:
        return d
    f = {}
    for e in js:
        f.setdefault(e["id"], e)
    for k, tid in (("SSLv3", "SSLv3"), ("TLSv1.0", "TLS1"), ("TLSv1.1", "TLS1_1"), ("TLSv1.2", "TLS1_2"),
                   ("TLSv1.3", "TLS1_3")):
        s = f.get(tid, {}).get("finding", "")
        d[k] = "no" if "not offered" in s or "connection failed" in s else "yes" if "offered" in s else "?"
    weak = [c for c, tid in (("NULL", "cipherlist_NULL"), ("aNULL", "cipherlist_aNULL"), ("EXPORT", "cipherlist_EXPORT"),
                             ("LOW", "cipherlist_LOW"), ("3DES/IDEA", "cipherlist_3DES_IDEA"))
            if f.get(tid, {}).get("finding", "").startswith("offered")]
    d["weak suites"] = " ".join(weak) or "none"
    ct = f.get("cert_chain_of_trust", {}).get("finding", "")
    d["self-signed"] = "yes" if "self signed" in ct.lower() or "self-signed" in ct.lower() else "no"
    d["chain"] = "ok" if ct.startswith("passed") else "bad"
    exp = f.get("cert_expirationStatus", {}).get("finding", "")
    d["expired"] = "yes" if "expired" in exp.lower() else "no"
    tr = f.get("cert_trust", {}).get("finding", "")
    d["name mismatch"] = "yes" if "does not match" in tr.lower() or "mismatch" in tr.lower() else "no"
    ks = f.get("cert_keySize", {}).get("finding", "")
    d["key bits"] = ks.split()[1] if len(ks.split()) > 1 else "?"
    return d
names = {1: "old protocols", 2: "NULL/anon suites", 3: "self-signed", 4: "expired", 5: "name mismatch",
         6: "chain incomplete", 7: "1024-bit RSA", 8: "SSLv3 stub", 9: "good"}
print("| server | property | xsweep | testssl.sh | sslscan |")
print("| --- | --- | --- | --- | --- |")
agree = total = 0
for i in range(1, n + 1):
    a, b, c = xsweep(i), testssl(i), sslscan(i)
    for k in props:
        norm = lambda v: {">=2048": "2048"}.get(v, v)
        x, y, z = norm(a[k]), norm(b[k]), norm(c[k])
        mark = "" if x == y == z or (k == "weak suites" and (x == "none") == (y == "none") == (z == "none")) else " **"
        if k in ("name mismatch", "chain") and z == "n/a":
            mark = "" if (x == y or (k == "weak suites")) else " **"
        print("| %d %s | %s | %s | %s | %s |%s" % (i, names.get(i, ""), k, a[k], b[k], c[k], mark))
print()
print("xsweep %.1f s (throttled: >= 1 s between connections per endpoint), sslscan %.1f s, testssl.sh %.1f s "
      "(both unthrottled, 9 servers in parallel). ** = the tools disagree." % (t1 - t0, t2 - t1, t3 - t2))
PY
