#!/usr/bin/env bash
# The TLS audit of services that are not HTTP (--checks tls-config): real Debian servers in the
# sink (tests/checks/starttls_servers.sh) reached through their STARTTLS upgrade - postfix
# (SMTP STARTTLS on 25 and 587), dovecot (IMAP STARTTLS, POP3 STLS), vsftpd (AUTH TLS), PostgreSQL
# (SSLRequest), MariaDB (the SSL request packet), slapd (the LDAP StartTLS extended operation),
# prosody (XMPP <starttls/>) -
# plus implicit FTPS and an FTP server without TLS. Each server's own weakness is
# found and nothing on its twins; slapd's log shows the probe's anonymous search and StartTLS,
# never a bind, and prosody's no login; on the wire (tcpdump in the sink) every audit connection
# upgrades before its ClientHello, and no IP:port sees two connection starts within 1 s.
source "$(dirname "$0")/lib.sh"

testbed_up xsst --answer
NET=(-i "$TB_PREFIX-s0" --source-ip 198.18.0.1 --router-mac 02:58:53:00:00:02)
SINK=(setsid ip netns exec "$TB_PREFIX-sink")
PIDS=()
PG_DIRS=()
. "$ROOT/tests/checks/starttls_servers.sh"
trap 'starttls_servers_down; cleanup' EXIT

echo "-- postfix, dovecot, vsftpd, PostgreSQL, MariaDB, slapd and prosody in the sink"
starttls_servers_up
for ep in $STARTTLS_ENDPOINTS; do
    if "${SINK[@]}" ss -ltnH "src $ep" | grep -q LISTEN; then pass "$ep listens"; else
        fail "$ep listens"
        tail -3 "$WORK/postfix.out" "$WORK/postfix/maillog" "$WORK/dovecot.out" "$WORK/dovecot/log" "$WORK/pgs.log" 2>/dev/null
    fi
done
printf '%s\n' $STARTTLS_ENDPOINTS >"$WORK/endpoints.txt"
ip netns exec "$TB_PREFIX-sink" tcpdump --immediate-mode -i "$TB_PREFIX-k0" -n -tt -U -s 0 -w "$WORK/wire.pcap" \
    'tcp and dst net 198.19.6.0/24' 2>/dev/null & dump=$!
sleep 1
t0=$(date +%s)
in_scan env SSL_CERT_FILE="$WORK/spki/ca.pem" "$XSWEEP" "${NET[@]}" --endpoints "$WORK/endpoints.txt" \
    --rate 1000 --wait 1 --checks tls-config -o "$WORK/out.json" 2>"$WORK/out.err"
rc=$?
check "scan exits 0 in $(( $(date +%s) - t0 )) s" [ $rc = 0 ]
sleep 1.5; kill "$dump"; wait "$dump" 2>/dev/null
tcpdump -r "$WORK/wire.pcap" -n -tt 'tcp[tcpflags] & (tcp-syn|tcp-ack) == tcp-syn' 2>/dev/null >"$WORK/syn.txt"
tcpdump -r "$WORK/wire.pcap" -n -A 2>/dev/null >"$WORK/wire.txt"
cp "$WORK/out.json" /tmp/xsst-out.json 2>/dev/null

python3 - "$WORK/out.json" "$WORK/syn.txt" "$WORK/wire.txt" "$WORK/slapd-bad.log" "$WORK/slapd-good.log" \
    "$WORK/prosody-bad/log" "$WORK/prosody-good/log" <<'PY' >"$WORK/py.out" 2>&1
import collections, json, re, sys
recs = {"%s:%d" % (r["ip"], r["port"]): r for r in map(json.loads, open(sys.argv[1]))}
ok = bad = 0
def check(what, cond):
    global ok, bad
    print(("  ok   " if cond else "  FAIL ") + what)
    ok, bad = (ok + 1, bad) if cond else (ok, bad + 1)
want = {"198.19.6.1:25": ("smtp", {"tls-cert-self-signed", "tls-deprecated-protocol"}),
        "198.19.6.1:587": ("smtp", set()),
        "198.19.6.2:143": ("imap", {"tls-cert-expired"}),
        "198.19.6.2:110": ("pop3", {"tls-cert-expired"}),
        "198.19.6.3:21": ("ftp", {"tls-hostname-mismatch"}),
        "198.19.6.4:5432": ("postgres", set()),
        "198.19.6.6:990": (None, set()),
        "198.19.6.7:3306": ("mysql", {"tls-cert-self-signed"}),
        "198.19.6.8:389": ("ldap", {"tls-cert-self-signed", "tls-deprecated-protocol"}),
        "198.19.6.9:389": ("ldap", set()),
        "198.19.6.10:5222": ("xmpp", {"tls-cert-self-signed", "tls-deprecated-protocol"}),
        "198.19.6.11:5222": ("xmpp", set())}
for ep, (st, w) in want.items():
    c = recs.get(ep, {}).get("checks", {})
    got = {f["id"] for f in c.get("findings", [])}
    check("%s %s: %s (got %s; starttls %s)" % (ep, recs.get(ep, {}).get("probe", {}).get("protocol"),
          sorted(w) or "none", sorted(got), c.get("starttls")),
          got == w and "tls_protocols" in c and c.get("starttls") == st)
p25 = recs.get("198.19.6.1:25", {}).get("checks", {}).get("tls_protocols", {})
check("postfix on 25: TLS 1.0 and 1.1 accepted, SSLv3 rejected (%s)" % p25,
      p25.get("TLSv1.0") == "accepted" and p25.get("TLSv1.1") == "accepted" and p25.get("SSLv3") == "rejected")
p587 = recs.get("198.19.6.1:587", {}).get("checks", {}).get("tls_protocols", {})
check("postfix on 587: TLS 1.2 and 1.3 only (%s)" % p587,
      p587 == {"SSLv3": "rejected", "TLSv1.0": "rejected", "TLSv1.1": "rejected", "TLSv1.2": "accepted",
               "TLSv1.3": "accepted"})
pl = recs.get("198.19.6.5:21", {}).get("checks", {})
check("vsftpd without TLS: AUTH TLS refused, not audited, one connection (%s)" % pl,
      pl.get("starttls") == "ftp" and "tls_protocols" not in pl and pl.get("requests") == 1 and not pl.get("findings"))
for ep in ("198.19.6.8:389", "198.19.6.9:389"):
    pr = recs.get(ep, {}).get("probe", {})
    check("%s found by the ldap probe: OpenLDAP, StartTLS offered (%s %s tls=%s)" % (
          ep, pr.get("kind"), pr.get("product"), pr.get("tls")),
          pr.get("kind") == "ldap" and pr.get("protocol") == "ldap" and pr.get("product") == "OpenLDAP"
          and pr.get("tls") is True and pr.get("attempts") == 1)
for log in sys.argv[4:6]:
    ops = re.findall(r"conn=\d+ op=\d+ ([A-Z]+)", open(log, errors="replace").read())
    check("%s: one rootDSE search, StartTLS per audit connection, no bind (%s)" % (
          log.rsplit("/", 1)[1], " ".join(sorted(set(ops)))),
          ops.count("SRCH") >= 1 and "STARTTLS" in ops and "BIND" not in ops)
for ep in ("198.19.6.10:5222", "198.19.6.11:5222"):
    pr = recs.get(ep, {}).get("probe", {})
    check("%s found by the xmpp probe: STARTTLS among the features (%s tls=%s %s)" % (
          ep, pr.get("kind"), pr.get("tls"), pr.get("detail")),
          pr.get("kind") == "xmpp" and pr.get("tls") is True and pr.get("attempts") == 1
          and "from=" + ep.split(":")[0] in (pr.get("detail") or ""))
for log in sys.argv[6:8]:
    t = open(log, errors="replace").read()
    check("%s: connections, no login (%d connected, authenticated %d)" % (
          log.rsplit("/", 2)[1], t.count("Client connected"), t.count("uthenticated")),
          t.count("Client connected") >= 2 and "uthenticated" not in t)
wire = open(sys.argv[3], errors="replace").read()
for cmd in ("EHLO xsweep.invalid", "STARTTLS", "xs1 STARTTLS", "STLS", "AUTH TLS", "1.3.6.1.4.1.1466.20037",
            "<starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>"):
    check("the upgrade on the wire: %r" % cmd, cmd in wire)
syn = collections.defaultdict(list)
for line in open(sys.argv[2]):
    m = re.match(r"(\d+\.\d+) IP 198\.18\.0\.1\.\d+ > (198\.19\.6\.\d+)\.(\d+): Flags \[S\]", line)
    if m:
        syn["%s:%s" % (m.group(2), m.group(3))].append(float(m.group(1)))
gaps = [b - a for t in syn.values() for a, b in zip(t, t[1:])]
check("no endpoint sees two connection starts within 1 s (min gap %.4f s over %d gaps)" % (min(gaps or [0]), len(gaps)),
      gaps and min(gaps) >= 1.0)
# per endpoint: the SYN probe, the protocol probe (or the TLS GET), then the audit's connections
mism = [(ep, len(t), recs[ep]["checks"]["requests"]) for ep, t in syn.items()
        if ep in recs and "checks" in recs[ep] and len(t) != recs[ep]["checks"]["requests"] + 2]
check("SYNs per endpoint = SYN probe + first contact + the audit's connections %s" % mism, not mism)
print("PY %d %d" % (ok, bad))
PY
grep -v '^PY' "$WORK/py.out"
read -r _ o b < <(grep '^PY' "$WORK/py.out" || echo "PY 0 1")
PASSED=$((PASSED + o)); FAILED=$((FAILED + b))
[ "$b" = 0 ] || { tail -3 "$WORK/out.err"; }
finish
