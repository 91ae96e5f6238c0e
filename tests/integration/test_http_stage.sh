#!/usr/bin/env bash
# The HTTP/fingerprint/severity stage, from one `xsweep --endpoints … -p supported` run over the
# namespace testbed against real servers in the sink: nginx (plain, TLS with a self-signed
# certificate, auth_basic, 403), apache2 (digest auth), a responder for NTLM/Negotiate and SSO
# redirects/pages, a WordPress page, redis on an HTTP port ("Client error") and on its own port,
# an invalid path ("Unsupported HTTP Path"), a bucket-tagged endpoint. Then the seed's worked
# example (basic auth) under the three policies.
source "$(dirname "$0")/lib.sh"

testbed_with_servers xsht --answer

echo "-- servers in the sink namespace"
openssl req -x509 -newkey rsa:2048 -nodes -days 30 -subj "/O=xsweep test/CN=xsht.test" \
    -addext "subjectAltName=DNS:xsht.test" -keyout "$WORK/key.pem" -out "$WORK/cert.pem" 2>/dev/null
printf 'alice:%s\n' "$(openssl passwd -apr1 secret)" >"$WORK/htpasswd"
printf 'bob:digest-realm:%s\n' "$(printf 'bob:digest-realm:secret' | md5sum | cut -d' ' -f1)" >"$WORK/htdigest"
mkdir -p "$WORK/www" "$WORK/tmp"
printf '<html><head><title>xsweep &amp; nginx</title></head><body>hello</body></html>\n' >"$WORK/www/index.html"
chmod -R a+rX "$WORK"
nginx_conf_head 1024 >"$WORK/nginx.conf"
cat >>"$WORK/nginx.conf" <<NGX
    server { listen 80; root $WORK/www;
             location /forbidden { return 403; }
             location /moved { return 301 https://login.microsoftonline.com/x/oauth2/authorize; } }
    server { listen 443 ssl; ssl_certificate $WORK/cert.pem; ssl_certificate_key $WORK/key.pem;
             root $WORK/www; }
    server { listen 8080; root $WORK/www; auth_basic "xsweep basic";
             auth_basic_user_file $WORK/htpasswd; }
}
NGX
"${SINK[@]}" nginx -c "$WORK/nginx.conf" -p "$WORK" 2>"$WORK/nginx.stderr" & PIDS+=($!)
. "$ROOT/tests/tools/apache_digest.sh"
write_apache_digest_conf "$WORK" "8000"
"${SINK[@]}" apache2 -f "$WORK/apache.conf" -DFOREGROUND 2>"$WORK/apache.stderr" & PIDS+=($!)
# responder: HTTP on 8081 (NTLM, Negotiate, SSO redirects and pages), garbage on 8082, silence on 8088
"${SINK[@]}" env XHT_BIND=0.0.0.0 python3 "$ROOT/tests/http/responder.py" 8081 8082 8088 >"$WORK/resp.log" 2>&1 & PIDS+=($!)
# the WordPress page, replayed byte for byte on 8888
"${SINK[@]}" python3 -c '
import socket, sys, threading
raw = open(sys.argv[1], "rb").read().replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")
head, _, body = raw.partition(b"\r\n\r\n")
msg = head + b"\r\nContent-Length: %d\r\nConnection: close\r\n\r\n" % len(body) + body
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("0.0.0.0", 8888)); s.listen(64); s.settimeout(120)
def serve(c):
    c.settimeout(5)
    try: c.recv(65536); c.sendall(msg)
    except OSError: pass
    c.close()
while True:
    c, _ = s.accept(); threading.Thread(target=serve, args=(c,), daemon=True).start()
' "$ROOT/tests/fingerprint/corpus/wordpress.http" >/dev/null 2>&1 & PIDS+=($!)
# a page that leaks secrets, on 8001
"${SINK[@]}" python3 -c '
import socket, threading
tok = "ghp_" + "A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8"
body = ("<html><head><title>debug " + tok + "</title></head><body><pre>\n"
        "aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYzz9yX3kq1T\n"
        "-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA7v1xQk3yZ8b2Lm4nP0qRsT6uVwXyZaBcDeFgHiJkLmNoPqRsTuVw\n"
        "XyZ0123456789abcdefghijABCDEFGHIJklmnopqrstuvwxyz0123456789ABCDEFGH\n"
        "-----END RSA PRIVATE KEY-----\n"
        "</pre></body></html>\n").encode()
msg = (b"HTTP/1.1 200 OK\r\nServer: leaky/1.0\r\nX-Debug-Token: " + tok.encode() +
       b"\r\nContent-Type: text/html\r\nContent-Length: %d\r\nConnection: close\r\n\r\n" % len(body) + body)
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("0.0.0.0", 8001)); s.listen(16); s.settimeout(120)
def serve(c):
    c.settimeout(5)
    try: c.recv(65536); c.sendall(msg)
    except OSError: pass
    c.close()
while True:
    c, _ = s.accept(); threading.Thread(target=serve, args=(c,), daemon=True).start()
' >/dev/null 2>&1 & PIDS+=($!)
for port in 9090 6379; do
    "${SINK[@]}" redis-server --port $port --bind 0.0.0.0 --save '' --appendonly no \
        --protected-mode no --daemonize no >"$WORK/redis-$port.log" 2>&1 & PIDS+=($!)
done
for port in 80 443 8080 8000 8001 8081 8082 8088 8888 9090 6379; do
    for _ in $(seq 50); do
        "${SINK[@]}" ss -ltnH "sport = :$port" | grep -q LISTEN && break
        sleep 0.1
    done
    "${SINK[@]}" ss -ltnH "sport = :$port" | grep -q LISTEN || { fail "nothing listens on $port"; finish; exit 1; }
done
pass "servers up in the sink namespace"

# One address per scenario: the sink answers for all of 198.19.0.0/16.
cat >"$WORK/endpoints.txt" <<'EOT'
198.19.1.1:80
198.19.1.2:443 host=xsht.test
198.19.1.3:8080
198.19.1.4:8000
198.19.1.5:8081 path=/ntlm
198.19.1.6:8081 path=/negotiate
198.19.1.7:8081 path=/sso/google
198.19.1.8:8081 path=/sso/entra
198.19.1.9:8081 path=/sso/okta
198.19.1.10:8081 path=/sso/ping
198.19.1.11:8081 path=/sso/duo
198.19.1.12:8081 path=/page/okta
198.19.1.13:80 path=/moved
198.19.1.14:8888
198.19.1.15:9090
198.19.1.16:6379
198.19.1.17:80 path=/{path}/foo
198.19.1.18:80 path=/forbidden bucket
198.19.1.19:80 path=/forbidden
198.19.1.20:8082
198.19.1.21:12345
198.19.1.22:80
198.19.1.23:8001
198.19.1.24:8081 path=/mention/okta-help
198.19.1.25:8081 path=/mention/duo-status
198.19.1.26:8081 path=/mention/samlrequest
198.19.1.27:8081 path=/mention/cdn
198.19.1.28:8081 path=/basic200
198.19.1.29:8081 path=/login-form
EOT

echo "-- one run: --endpoints ... -p supported --all-statuses --exclude 198.19.1.22"
t0=$(date +%s)
in_scan "$XSWEEP" "${NET[@]}" --endpoints "$WORK/endpoints.txt" -p supported --all-statuses \
    --exclude 198.19.1.22 --rate 1000 --wait 1 --http-timeout 4 --connect-timeout 2 \
    -o "$WORK/out.json" 2>"$WORK/out.err"
rc=$?
check "scan exits 0 in $(( $(date +%s) - t0 )) s" [ $rc = 0 ]

python3 - "$WORK/out.json" >"$WORK/py.out" 2>&1 <<'PY'
import json, sys
recs = {}
for line in open(sys.argv[1]):
    r = json.loads(line)
    recs[(r["ip"].split(".")[-1], r["port"])] = r
ok = fail = 0
def check(what, cond):
    global ok, fail
    print(("  ok   " if cond else "  FAIL ") + what)
    if cond: ok += 1
    else: fail += 1
def get(n, port): return recs.get((str(n), port), {})
def http(n, port): return get(n, port).get("http", {})

check("29 records, one per input endpoint", len(recs) == 29)
r = get(1, 80)
check("nginx: status line, code, title", http(1, 80).get("status") == "HTTP/1.1 200 OK"
      and http(1, 80).get("status_code") == 200 and http(1, 80).get("title") == "xsweep & nginx")
check("nginx: body preview and server header", "hello" in (http(1, 80).get("body_preview") or "")
      and (http(1, 80).get("server") or "").startswith("nginx"))
check("nginx: tech has Nginx", any(t["name"] == "Nginx" for t in r.get("tech", [])))
check("nginx: 2XX without auth is critical (moderate)", r.get("severity") == "critical"
      and r.get("auth", {}).get("method") == "none")
t = get(2, 443).get("tls", {})
check("TLS: self-signed certificate recorded", t.get("self_signed") is True and t.get("subject_cn") == "xsht.test"
      and "DNS:xsht.test" in t.get("sans", []) and t.get("not_after", "").endswith("Z"))
check("TLS: HTTP status over TLS", http(2, 443).get("status_code") == 200)
check("basic auth: 401 + basic, high", http(3, 8080).get("status_code") == 401
      and get(3, 8080).get("auth", {}).get("method") == "basic" and get(3, 8080).get("severity") == "high")
check("digest auth (apache): digest, high", get(4, 8000).get("auth", {}).get("method") == "digest"
      and get(4, 8000).get("severity") == "high")
check("NTLM challenge: ntlm", get(5, 8081).get("auth", {}).get("method") in ("ntlm", "negotiate"))
check("Negotiate challenge: negotiate", get(6, 8081).get("auth", {}).get("method") == "negotiate")
for n, prov in ((7, "google"), (8, "entra_id"), (9, "okta"), (10, "ping"), (11, "duo")):
    a = get(n, 8081).get("auth", {})
    check("SSO redirect -> %s" % prov, a.get("method") == "sso" and a.get("provider") == prov
          and http(n, 8081).get("location"))
check("SSO login page (Okta widget) -> okta", get(12, 8081).get("auth", {}).get("provider") == "okta")
check("redirect recorded, not followed (301 + Location)", http(13, 80).get("status_code") == 301
      and "login.microsoftonline.com" in http(13, 80).get("location", ""))
wp = {t["name"]: t for t in get(14, 8888).get("tech", [])}
# What Wappalyzer 6.10.47's data predicts for this page: WordPress from the generator meta;
# jQuery Migrate's version through the "\1?\1:\2" ternary on "?ver=3.4.1"; jQuery itself without a
# version, since none of its scriptSrc patterns reads "?ver=" (checked in technologies/j.json).
versions = {k: v["version"] for k, v in wp.items()}
check("WordPress page fingerprinted as the data predicts (%s)" % sorted(versions.items()),
      versions.get("WordPress") == "6.4.2" and versions.get("jQuery Migrate") == "3.4.1"
      and "jQuery" in versions and versions["jQuery"] is None
      and versions.get("Contact Form 7") == "5.8.4" and versions.get("PHP") == "8.2.7")
check("WordPress implies PHP and MySQL", "PHP" in wp and "MySQL" in wp)
check("WordPress title with entity decoded", http(14, 8888).get("title", "").startswith("Example Blog \u2013"))
check("redis on an HTTP port -> Client error", http(15, 9090).get("status") == "Client error"
      and http(15, 9090).get("status_code") == 0)
check("redis on an HTTP port graded by the handshake: critical", get(15, 9090).get("severity") == "critical")
check("redis on 6379: open, protocol Redis, no GET, critical", get(16, 6379).get("status") == "open"
      and get(16, 6379).get("protocol") == "Redis" and "http" not in get(16, 6379)
      and get(16, 6379).get("severity") == "critical")
pr = get(16, 6379).get("probe", {})
check("redis on 6379 probed: protocol redis, version, open without auth (%s)" % pr,
      pr.get("protocol") == "redis" and pr.get("auth") == "none" and pr.get("version"))
check("invalid path -> Unsupported HTTP Path", http(17, 80).get("status") == "Unsupported HTTP Path")
check("403 on a bucket: medium; on another resource: high (moderate)",
      get(18, 80).get("severity") == "medium" and get(19, 80).get("severity") == "high")
check("garbage answer -> Client error", http(20, 8082).get("status") == "Client error")
check("port outside the supported list -> unsupported, critical (not scanned)",
      get(21, 12345).get("status") == "unsupported" and get(21, 12345).get("severity") == "critical")
check("excluded endpoint -> excluded, critical", get(22, 80).get("status") == "excluded"
      and get(22, 80).get("severity") == "critical")
leak = get(23, 8001)
ids = {f["id"] for f in leak.get("findings", [])}
check("secrets found: github token, AWS secret, private key (%s)" % sorted(ids),
      {"github-token", "aws-secret-access-key", "private-key"} <= ids)
check("findings carry location and fingerprint, never the value",
      all(len(f["fingerprint"]) == 16 and f["where"] for f in leak["findings"] if f["id"] != "email-address"))
raw = open(sys.argv[1]).read()
check("no secret byte sequence anywhere in the output",
      "A1b2C3d4E5f6G7h8I9j0" not in raw and "wJalrXUtnFEMI/K7MDENG" not in raw and "MIIEowIBAAKCAQEA7v1x" not in raw)
cookies = [h["value"] for h in http(14, 8888).get("headers", []) if h["name"].lower() == "set-cookie"]
check("cookie values never leave (%s)" % cookies,
      cookies and all("[redacted]" in c for c in cookies) and "abc123def" not in raw)
check("host configuration issue: nginx discloses its version (%s)" %
      [c["id"] for c in get(1, 80).get("config_issues", [])],
      any("version" in c["id"] for c in get(1, 80).get("config_issues", [])))
for n, what in ((24, "okta help link"), (25, "duo status link"), (26, "quoted SAMLRequest="),
                (27, "IdP CDN assets")):
    r = get(n, 8081)
    check("open page with %s: not SSO, 2XX not detected -> critical (%s)" % (what, r.get("severity_reason")),
          r.get("auth", {}).get("method") == "none" and r.get("severity") == "critical")
r = get(28, 8081)
check("200 with WWW-Authenticate Basic: basic, high (%s)" % r.get("severity_reason"),
      r.get("auth", {}).get("method") == "basic" and r.get("severity") == "high")
r = get(29, 8081)
check("login form page: auth.form_login true, method none, still critical (%s)" % r.get("auth"),
      r.get("auth", {}).get("form_login") is True and r.get("auth", {}).get("method") == "none"
      and r.get("severity") == "critical")
check("other pages: form_login false", get(1, 80).get("auth", {}).get("form_login") is False)
check("every record has severity and severity_reason",
      all(r.get("severity") and r.get("severity_reason") for r in recs.values()))
print("PYRESULT %d %d" % (ok, fail))
PY
grep -v PYRESULT "$WORK/py.out"
read -r _ p f < <(grep PYRESULT "$WORK/py.out" 2>/dev/null || echo "PYRESULT 0 1")
PASSED=$((PASSED + p)); FAILED=$((FAILED + f))

echo "-- validation screenshots (headless Chromium, as the dropped user)"
printf '198.19.3.1:80\n198.19.3.2:8001\n198.19.3.3:8080\n198.19.3.4:8081 path=/canvas-secret\n' >"$WORK/shots.txt"
in_scan "$XSWEEP" "${NET[@]}" --endpoints "$WORK/shots.txt" --screenshots "$WORK/shots" --screenshot-timeout 60 --rate 100 \
    --wait 1 -o "$WORK/shots.json" 2>"$WORK/shots.err"
check "screenshot scan exits 0" [ $? = 0 ]
python3 - "$WORK/shots.json" "$WORK/shots" >"$WORK/shots.out" 2>&1 <<'PY'
import json, os, struct, sys
recs = {json.loads(l)["ip"]: json.loads(l) for l in open(sys.argv[1])}
def png_size(path):
    with open(path, "rb") as f:
        head = f.read(24)
    assert head[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", head[16:24])
ok = fail = 0
def check(what, cond):
    global ok, fail
    print(("  ok   " if cond else "  FAIL ") + what)
    ok, fail = ok + bool(cond), fail + (not cond)
s1 = recs["198.19.3.1"].get("screenshot", {})
check("nginx page: a 1280x800 PNG with the page's text (%s)" % s1,
      s1.get("path") and os.path.exists(s1["path"]) and png_size(s1["path"]) == (1280, 800)
      and s1.get("text_chars", 0) > 0)
s2 = recs["198.19.3.2"].get("screenshot", {})
check("page with secrets: screenshot removed (%s)" % s2,
      s2.get("removed") == "secrets detected" and not os.path.exists(os.path.join(sys.argv[2], "198.19.3.2_8001.png")))
check("401 page: no screenshot (not a successful GET)", "screenshot" not in recs["198.19.3.3"])
s4 = recs["198.19.3.4"].get("screenshot", {})
check("secret drawn by canvas, flagged by the findings: no PNG kept (%s)" % s4,
      s4.get("removed") == "secrets detected" and not os.path.exists(os.path.join(sys.argv[2], "198.19.3.4_8081.png"))
      and any(f["id"] == "github-token" for f in recs["198.19.3.4"].get("findings", [])))
print("PYRESULT %d %d" % (ok, fail))
PY
grep -v PYRESULT "$WORK/shots.out"
read -r _ p f < <(grep PYRESULT "$WORK/shots.out" 2>/dev/null || echo "PYRESULT 0 1")
PASSED=$((PASSED + p)); FAILED=$((FAILED + f))

echo "-- the seed's example: basic auth under each policy"
echo "198.19.2.1:8080" >"$WORK/basic.txt"
for pol in permissive:medium moderate:high strict:critical; do
    in_scan "$XSWEEP" "${NET[@]}" --endpoints "$WORK/basic.txt" --policy "${pol%%:*}" --rate 100 \
        --wait 1 -o "$WORK/basic-${pol%%:*}.json" 2>/dev/null
    got=$(python3 -c 'import json,sys; print(json.loads(open(sys.argv[1]).readline())["severity"])' \
          "$WORK/basic-${pol%%:*}.json" 2>/dev/null)
    check "policy ${pol%%:*}: basic auth is ${pol##*:} (got $got)" [ "$got" = "${pol##*:}" ]
done
"$XSWEEP" --policy /nonexistent.policy --dry-run 198.19.0.1 >/dev/null 2>"$WORK/pol.err"
check "unreadable policy file: exit 2, one line" [ $? = 2 -a "$(wc -l <"$WORK/pol.err")" = 1 ]

finish
