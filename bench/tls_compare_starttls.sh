#!/usr/bin/env bash
# The TLS audit of STARTTLS services next to testssl.sh --starttls and sslscan --starttls-* (both
# from Debian) on the same real servers (tests/checks/starttls_servers.sh: postfix, dovecot,
# vsftpd, PostgreSQL, MariaDB, slapd (LDAP StartTLS), prosody (XMPP), implicit FTPS) in a throwaway testbed. Prints one table: per server and
# property, what each tool says. Takes a few minutes (testssl.sh dominates).
#   sudo XS_NS_TAG=c bench/tls_compare_starttls.sh [OUT.md]
set -uo pipefail
source "$(dirname "$0")/../tests/integration/lib.sh"
OUT=${1:-/dev/stdout}
testbed_up xsts --answer
NET=(-i "$TB_PREFIX-s0" --source-ip 198.18.0.1 --router-mac 02:58:53:00:00:02)
SINK=(setsid ip netns exec "$TB_PREFIX-sink")
PIDS=()
PG_DIRS=()
. "$ROOT/tests/checks/starttls_servers.sh"
trap 'starttls_servers_down; cleanup' EXIT
starttls_servers_up
# ep  starttls-kind (testssl name; sslscan's is the same but psql)
TARGETS="198.19.6.1:25:smtp 198.19.6.1:587:smtp 198.19.6.2:143:imap 198.19.6.2:110:pop3 198.19.6.3:21:ftp 198.19.6.4:5432:postgres 198.19.6.6:990:- 198.19.6.7:3306:mysql 198.19.6.8:389:ldap 198.19.6.9:389:ldap 198.19.6.10:5222:xmpp 198.19.6.11:5222:xmpp"
: >"$WORK/endpoints.txt"
for t in $TARGETS; do echo "${t%:*}" >>"$WORK/endpoints.txt"; done
t0=$(date +%s.%N)
in_scan env SSL_CERT_FILE="$WORK/spki/ca.pem" "$XSWEEP" "${NET[@]}" --endpoints "$WORK/endpoints.txt" \
    --rate 1000 --wait 1 --checks tls-config -o "$WORK/xsweep.json" 2>/dev/null
t1=$(date +%s.%N)
JOBS=()
for t in $TARGETS; do
    ep=${t%:*} k=${t##*:}; n=${ep//[.:]/_}
    st=(); [ "$k" != - ] && st=(--starttls-"${k/postgres/psql}")
    ( in_scan timeout 300 sslscan --no-colour "${st[@]}" --xml="$WORK/sslscan-$n.xml" "$ep" >/dev/null 2>&1 ) & JOBS+=($!)
done
wait "${JOBS[@]}"
t2=$(date +%s.%N)
JOBS=()
for t in $TARGETS; do
    ep=${t%:*} k=${t##*:}; n=${ep//[.:]/_}
    st=(); [ "$k" != - ] && st=(--starttls "$k")
    [ "$k" = ldap ] && st+=(--ssl-native)   # testssl.sh 3.0.8: "LDAP+STARTTLS over sockets not supported yet"
    [ "$k" = xmpp ] && st+=(--xmpphost "${ep%:*}")   # else it looks for a PTR name (and hangs)
    ( in_scan timeout 600 testssl --quiet --color 0 --warnings off --nodns none "${st[@]}" \
          --add-ca "$WORK/spki/ca.pem" -p -S --jsonfile "$WORK/testssl-$n.json" "$ep" \
          >"$WORK/testssl-$n.log" 2>&1 ) & JOBS+=($!)
done
wait "${JOBS[@]}"
t3=$(date +%s.%N)
cp -r "$WORK" /tmp/xsts-last 2>/dev/null
python3 - "$WORK" "$t0" "$t1" "$t2" "$t3" $TARGETS >"$OUT" <<'PY'
import json, sys, xml.etree.ElementTree as ET
work = sys.argv[1]
t0, t1, t2, t3 = map(float, sys.argv[2:6])
targets = [t.rsplit(":", 1) for t in sys.argv[6:]]
props = ["SSLv3", "TLSv1.0", "TLSv1.1", "TLSv1.2", "TLSv1.3", "self-signed", "expired", "name mismatch", "chain"]
xs = {"%s:%d" % (r["ip"], r["port"]): r for r in map(json.loads, open(work + "/xsweep.json"))}
yn = lambda b: "yes" if b else "no"
def xsweep(ep):
    c = xs.get(ep, {}).get("checks", {})
    p = c.get("tls_protocols", {})
    ids = {f["id"] for f in c.get("findings", [])}
    d = {k: {"accepted": "yes", "rejected": "no"}.get(p.get(k), "n/t") for k in props[:5]}
    d["self-signed"] = yn("tls-cert-self-signed" in ids)
    d["expired"] = yn("tls-cert-expired" in ids)
    d["name mismatch"] = yn("tls-hostname-mismatch" in ids)
    d["chain"] = "bad" if "tls-cert-chain" in ids or "tls-cert-self-signed" in ids else "ok"
    return d
def sslscan(ep):
    d = {k: "?" for k in props}
    try:
        root = ET.parse("%s/sslscan-%s.xml" % (work, ep.replace(".", "_").replace(":", "_"))).getroot()
    except Exception:
        return d
    if root.find("error") is not None:   # no answer at all (2.0.7 on slapd's StartTLS): not compared
        return {k: "n/a" for k in props}
    for pr in root.iter("protocol"):
        name = {"ssl3": "SSLv3", "tls1.0": "TLSv1.0", "tls1.1": "TLSv1.1", "tls1.2": "TLSv1.2",
                "tls1.3": "TLSv1.3"}.get(pr.get("type") + pr.get("version"))
        if name:
            d[name] = "yes" if pr.get("enabled") == "1" else "no"
    cert = next(root.iter("certificate"), None)
    if cert is not None:
        g = lambda t: (cert.findtext(t) or "").strip()
        d["self-signed"] = "yes" if g("self-signed") == "true" else "no"
        d["expired"] = "yes" if g("expired") == "true" else "no"
    d["name mismatch"] = d["chain"] = "n/a"
    return d
def testssl(ep):
    d = {k: "?" for k in props}
    try:
        js = json.load(open("%s/testssl-%s.json" % (work, ep.replace(".", "_").replace(":", "_"))))
    except Exception:
        return d
    f = {}
    for e in js:
        f.setdefault(e["id"], e)
    for k, tid in (("SSLv3", "SSLv3"), ("TLSv1.0", "TLS1"), ("TLSv1.1", "TLS1_1"), ("TLSv1.2", "TLS1_2"),
                   ("TLSv1.3", "TLS1_3")):
        s = f.get(tid, {}).get("finding", "")
        d[k] = "no" if "not offered" in s or "connection failed" in s else "yes" if "offered" in s else "?"
    ct = f.get("cert_chain_of_trust", {}).get("finding", "")
    d["self-signed"] = "yes" if "self signed" in ct.lower() or "self-signed" in ct.lower() else "no"
    d["chain"] = "ok" if ct.startswith("passed") else "bad" if ct else "?"
    exp = f.get("cert_expirationStatus", {}).get("finding", "")
    d["expired"] = "yes" if "expired" in exp.lower() else "no" if exp else "?"
    tr = f.get("cert_trust", {}).get("finding", "")
    d["name mismatch"] = "yes" if "does not match" in tr.lower() or "mismatch" in tr.lower() else "no" if tr else "?"
    return d
print("| server | property | xsweep | testssl.sh | sslscan |")
print("| --- | --- | --- | --- | --- |")
agree = total = 0
for ep, kind in targets:
    a, b, c = xsweep(ep), testssl(ep), sslscan(ep)
    for k in props:
        x, y, z = a[k], b[k], c[k]
        same = x == y and (z == x or z == "n/a")
        total += 1
        agree += same
        print("| %s %s | %s | %s | %s | %s |%s" % (ep, kind if kind != "-" else "implicit TLS", k, x, y, z,
                                                 "" if same else " **"))
print()
print("%d of %d answers agree (** = they differ). xsweep %.1f s (throttled: >= 1 s between connections per "
      "endpoint), sslscan %.1f s, testssl.sh %.1f s (both unthrottled, %d servers in parallel)."
      % (agree, total, t1 - t0, t2 - t1, t3 - t2, len(targets)))
PY
