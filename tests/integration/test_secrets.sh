#!/usr/bin/env bash
# No secret in any artifact (issue 13.2) and keyed fingerprints (13.7). Real servers in the sink
# namespace plant one distinct secret in each place the output could carry one: nginx over TLS
# with a certificate whose subject/issuer and subjectAltName hold tokens, a header *name* holding
# a token, X-Powered-By carrying a card number and X-AspNet-Version a token (technology versions
# are read from both),
# a body token; OpenSSH with the token in its banner (VersionAddendum); an FTP banner (socat).
# Every artifact is grepped: JSON, CSV, XML, list outputs, the SQLite history, the resume file,
# stderr. Fingerprints: HMAC-SHA256 under the host key file, never the bare SHA-256.
source "$(dirname "$0")/lib.sh"

testbed_up xssc --answer
NET=(-i "$TB_PREFIX-s0" --source-ip 198.18.0.1 --router-mac 02:58:53:00:00:02)
SINK=(ip netns exec "$TB_PREFIX-sink")
PIDS=()
stop_servers() {
    for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; done
    [ -s "$WORK/nginx.pid" ] && kill "$(cat "$WORK/nginx.pid" 2>/dev/null)" 2>/dev/null
    [ -s "$WORK/sshd.pid" ] && kill "$(cat "$WORK/sshd.pid" 2>/dev/null)" 2>/dev/null
    sleep 0.3
}
trap 'stop_servers; cleanup' EXIT
tally() {   # counts the ok/FAIL lines a python check block wrote to $WORK/py.txt
    cat "$WORK/py.txt"
    PASSED=$((PASSED + $(grep -c '^  ok' "$WORK/py.txt")))
    local f; f=$(grep -c '^  FAIL' "$WORK/py.txt"); [ -s "$WORK/py.txt" ] || f=1
    grep -q Traceback "$WORK/py.txt" && f=$((f + 1))
    FAILED=$((FAILED + f))
}

# One secret per place, each matching a shipped rule on its own.
S_SUBJECT=AKIASUBJECTSUBJECTSU                       # aws-access-key-id, certificate subject+issuer
S_SAN=ghp_SANSANSANSANSANSANSANSANSANSANSANSAN       # github-token, subjectAltName
S_HNAME=ghp_HDRNAMEHDRNAMEHDRNAMEHDRNAMEHDRNAME1     # github-token, a header name
S_CARD="4111 1111 1111 1111"                            # credit-card-number, X-Powered-By: PHP/<card>
S_VER=ghp_VERSIONVERSIONVERSIONVERSIONVERSIONV    # github-token, X-AspNet-Version (a tech version)
S_BODY=sk_live_BODYBODYBODYBODYBODYBODY1             # stripe-secret-key, the body
S_SSH=sk_live_SSHBANNERSSHBANNERSSHBANNER1           # stripe-secret-key, the SSH banner
S_FTP=xoxb-12345-FTPBANNERFTPBANNER                  # slack-token, the FTP banner
ALL=("$S_SUBJECT" "$S_SAN" "$S_HNAME" "$S_CARD" "$S_VER" "$S_BODY" "$S_SSH" "$S_FTP")

echo "-- servers in the sink namespace"
openssl req -x509 -newkey rsa:2048 -nodes -days 30 -subj "/O=corp $S_SUBJECT/CN=xssc.test" \
    -addext "subjectAltName=DNS:xssc.test,DNS:$S_SAN" -keyout "$WORK/key.pem" -out "$WORK/cert.pem" 2>/dev/null
mkdir -p "$WORK/www" "$WORK/tmp"
printf '<html><head><title>t</title></head><body>key %s</body></html>\n' "$S_BODY" >"$WORK/www/index.html"
chmod -R a+rX "$WORK"
cat >"$WORK/nginx.conf" <<NGX
worker_processes 1;
daemon off;
pid $WORK/nginx.pid;
error_log $WORK/nginx-error.log;
events { worker_connections 64; }
http {
    access_log off;
    client_body_temp_path $WORK/tmp; proxy_temp_path $WORK/tmp; fastcgi_temp_path $WORK/tmp;
    uwsgi_temp_path $WORK/tmp; scgi_temp_path $WORK/tmp;
    server { listen 443 ssl; ssl_certificate $WORK/cert.pem; ssl_certificate_key $WORK/key.pem;
             root $WORK/www;
             add_header "X-Token-$S_HNAME" "1" always;
             add_header X-Powered-By "PHP/$S_CARD" always;
             add_header X-AspNet-Version "$S_VER" always; }
}
NGX
"${SINK[@]}" nginx -c "$WORK/nginx.conf" -p "$WORK" 2>"$WORK/nginx.stderr" & PIDS+=($!)
ssh-keygen -q -t ed25519 -N '' -f "$WORK/ssh_host_ed25519_key"
mkdir -p /run/sshd
cat >"$WORK/sshd_config" <<CFG
Port 22
HostKey $WORK/ssh_host_ed25519_key
PidFile $WORK/sshd.pid
VersionAddendum $S_SSH
UsePAM no
PasswordAuthentication no
KbdInteractiveAuthentication no
StrictModes no
CFG
"${SINK[@]}" /usr/sbin/sshd -D -e -f "$WORK/sshd_config" 2>"$WORK/sshd.log" & PIDS+=($!)
printf '#!/bin/sh\nprintf "220 files ready %s\\r\\n"; sleep 2\n' "$S_FTP" >"$WORK/ftp.sh"; chmod +x "$WORK/ftp.sh"
"${SINK[@]}" socat TCP-LISTEN:21,fork,reuseaddr EXEC:"$WORK/ftp.sh" 2>/dev/null & PIDS+=($!)
for i in $(seq 50); do
    "${SINK[@]}" bash -c 'exec 3<>/dev/tcp/127.0.0.1/443 && exec 4<>/dev/tcp/127.0.0.1/22 && exec 5<>/dev/tcp/127.0.0.1/21' \
        2>/dev/null && break
    sleep 0.1
done

KEY=$WORK/host.key
SCAN=(-p 21,22,443 --wait 1 --retries 0 --connect-timeout 2 --http-timeout 5 --checkpoint 0.2
      --key-file "$KEY" 198.19.0.5)
echo "-- one scan per output format, the JSON one with --db"
in_scan "$XSWEEP" "${NET[@]}" "${SCAN[@]}" -o "$WORK/out.json" --db "$WORK/hist.db" 2>"$WORK/json.err"
check "JSON scan exits 0 ($(tail -1 "$WORK/json.err"))" [ $? = 0 ]
for f in csv xml list; do
    in_scan "$XSWEEP" "${NET[@]}" "${SCAN[@]}" --output-format $f -o "$WORK/out.$f" 2>"$WORK/$f.err"
done
# A resume file mid-scan (the scan is stopped before its HTTP fetches end).
in_scan "$XSWEEP" "${NET[@]}" "${SCAN[@]}" --http-timeout 30 -o "$WORK/stop.json" 2>"$WORK/stop.err" & pid=$!
sleep 1.5; kill -INT $pid; wait $pid

python3 - "$WORK/out.json" <<'PY' >"$WORK/py.txt" 2>&1
import json, sys
recs = {r["port"]: r for r in map(json.loads, open(sys.argv[1]))}
ok = 443 in recs and "tls" in recs[443] and recs.get(22, {}).get("probe") and recs.get(21, {}).get("probe")
print("  ok   the TLS, SSH and FTP records are there" if ok else "  FAIL records: %s" % sorted(recs))
PY
tally

echo "-- every artifact, grepped for every planted secret"
sqlite3 "$WORK/hist.db" .dump >"$WORK/hist.dump" 2>/dev/null
ARTIFACTS=("$WORK"/out.* "$WORK/hist.dump" "$WORK"/hist.db* "$WORK"/stop.json* "$WORK"/*.err)
for s in "${ALL[@]}"; do
    hits=$(grep -l -a -F -- "$s" "${ARTIFACTS[@]}" 2>/dev/null | xargs -r -n1 basename | tr '\n' ' ')
    check "no artifact holds ${s:0:12}... ${hits:+(found in: $hits)}" [ -z "$hits" ]
done
python3 - "$WORK/out.json" <<'PY' >"$WORK/py.txt" 2>&1
import json, sys
recs = {r["port"]: r for r in map(json.loads, open(sys.argv[1]))}
def check(what, ok):
    print(("  ok   " if ok else "  FAIL ") + what)
tls = recs[443]
ids = lambda r: sorted({f["id"] + "@" + f["where"] for f in r.get("findings", [])})
where = {f["where"] for f in tls.get("findings", [])}
check("certificate, SAN and header-name secrets are reported as findings (%s)" % ids(tls),
      {"tls.subject", "tls.san", "header_name"} <= where)
check("no finding's where names a header by its secret name",
      not any("HDRNAME" in f["where"] for f in tls.get("findings", [])))
tech = [t for t in tls.get("tech", []) if t.get("name") in ("PHP", "Microsoft ASP.NET")]
check("tech[].version never comes from a redacted header value (%s)" % tech,
      len(tech) == 2 and all(not t.get("version") or "*" in t["version"] for t in tech)
      and not any("4111" in (t.get("version") or "") or "VERSION" in (t.get("version") or "") for t in tech))
check("SSH banner secret reported (%s)" % ids(recs[22]), any(f["id"] == "stripe-secret-key" for f in recs[22].get("findings", [])))
check("FTP banner secret reported (%s)" % ids(recs[21]), any(f["id"] == "slack-token" for f in recs[21].get("findings", [])))
check("the SSH banner still names OpenSSH", "OpenSSH" in (recs[22]["probe"].get("banner") or ""))
PY
tally

echo "-- fingerprints: keyed with the host key file"
check "key file created, 32 bytes, mode 0600" \
    [ "$(stat -c '%s %a' "$KEY" 2>/dev/null)" = "32 600" ]
python3 - "$WORK/out.json" "$KEY" "$S_BODY" <<'PY' >"$WORK/py.txt" 2>&1
import hashlib, hmac, json, sys
recs = [json.loads(l) for l in open(sys.argv[1])]
key, body = open(sys.argv[2], "rb").read(), sys.argv[3].encode()
fps = [f["fingerprint"] for r in recs for f in r.get("findings", []) if f["id"] == "stripe-secret-key" and f["where"] == "body"]
want = hmac.new(key, body, hashlib.sha256).hexdigest()[:16]
bare = hashlib.sha256(body).hexdigest()[:16]
print(("  ok   " if fps == [want] else "  FAIL ") + "body fingerprint is HMAC-SHA256(key, value)[:16] (%s, want %s)" % (fps, want))
print(("  ok   " if bare not in open(sys.argv[1]).read() else "  FAIL ") + "the bare SHA-256 prefix appears nowhere")
PY
tally
in_scan "$XSWEEP" "${NET[@]}" "${SCAN[@]}" -o "$WORK/again.json" 2>/dev/null
a=$(grep -o '"fingerprint":"[0-9a-f]*"' "$WORK/out.json" | sort | head -3)
b=$(grep -o '"fingerprint":"[0-9a-f]*"' "$WORK/again.json" | sort | head -3)
check "same key file: fingerprints compare equal across sweeps" [ -n "$a" -a "$a" = "$b" ]
head -c 32 /dev/urandom >"$WORK/other.key"; chmod 600 "$WORK/other.key"
in_scan "$XSWEEP" "${NET[@]}" "${SCAN[@]/$KEY/$WORK/other.key}" -o "$WORK/other.json" 2>/dev/null
c=$(grep -o '"fingerprint":"[0-9a-f]*"' "$WORK/other.json" | sort | head -3)
check "another key: different fingerprints" [ -n "$c" -a "$a" != "$c" ]
ln -s "$KEY" "$WORK/link.key"
in_scan "$XSWEEP" "${NET[@]}" "${SCAN[@]/$KEY/$WORK/link.key}" -o "$WORK/link.json" 2>"$WORK/link.err"; rc=$?
check "a key file that is a symlink is refused (exit $rc: $(cat "$WORK/link.err"))" [ $rc = 1 ] && grep -q "symbolic link" "$WORK/link.err"
chmod 644 "$WORK/other.key"
in_scan "$XSWEEP" "${NET[@]}" "${SCAN[@]/$KEY/$WORK/other.key}" -o "$WORK/loose.json" 2>"$WORK/loose.err"; rc=$?
check "a key file readable by others is refused (exit $rc)" [ $rc = 1 ] && grep -q "mode 0600" "$WORK/loose.err"
rm -f "$WORK"/*.err
finish
