#!/usr/bin/env bash
# HTTP stage against real servers on loopback: nginx (plain, TLS with a self-signed cert,
# auth_basic, TLS on a plain-first port, plain on a TLS-first port), apache2 (mod_auth_digest),
# redis-server, and tests/http/responder.py (NTLM/Negotiate, SSO redirects and pages, chunked,
# garbage, silence). Every server is started here, stopped by PID, and the run is time-bounded.
# Needs: nginx, apache2, redis-server, openssl, python3, libjansson-dev, libssl-dev.
# Usage: tests/http/run.sh [--bench N]   (--bench: N GETs against local nginx, prints the rate)
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
BENCH=0
[ "${1:-}" = --bench ] && BENCH=${2:-20000}

for tool in nginx apache2 redis-server openssl python3; do
    command -v "$tool" >/dev/null || { echo "run.sh: $tool is not installed" >&2; exit 1; }
done

WORK=$(mktemp -d /tmp/xht-run.XXXXXX)
PIDS=()
cleanup() {
    for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
    for f in "$WORK"/nginx.pid "$WORK"/apache.pid; do
        [ -s "$f" ] && kill "$(cat "$f" 2>/dev/null)" 2>/dev/null || true
    done
    sleep 0.3
    for pid in "${PIDS[@]}"; do kill -9 "$pid" 2>/dev/null || true; done
    rm -rf "$WORK"
}
trap cleanup EXIT
# Hard bound on the whole run, whatever hangs.
# (its sleep is killed with it, so nothing outlives the run holding our output open)
( trap 'kill $sl 2>/dev/null; exit 0' TERM; sleep 240 & sl=$!; wait $sl
  echo "run.sh: time limit reached" >&2; kill -TERM $$ ) >/dev/null & PIDS+=($!)

# Ports: a base below the ephemeral range (32768+), so no outgoing connection can hold one;
# 7443 and 5443 are on the seed's TLS-first list.
B=${XHT_PORT_BASE:-28400}
P_PLAIN=$B; P_TLS_PLAINFIRST=$((B+1)); P_BASIC=$((B+2)); P_DIGEST=$((B+3)); P_RESP=$((B+4))
P_GARBAGE=$((B+5)); P_SILENT=$((B+6)); P_REDIS=$((B+7)); P_CLOSED=$((B+8))
P_TLS=7443; P_PLAIN_TLSFIRST=5443

echo "== building the probe"
[ -f build/release/libxsweep.a ] || make -s build/release/libxsweep.a
cc -std=c17 -D_GNU_SOURCE -Iinclude -O2 -g -Wall -Wextra -Werror -o "$WORK/probe" \
   tests/http/xht_probe.c build/release/libxsweep.a \
   $(make -s --no-print-directory print-libs)

echo "== certificate and password files"
openssl req -x509 -newkey rsa:2048 -nodes -days 30 -subj "/O=xsweep test/CN=xht.test" \
    -addext "subjectAltName=DNS:xht.test,DNS:www.xht.test,IP:127.0.0.1" \
    -keyout "$WORK/key.pem" -out "$WORK/cert.pem" 2>/dev/null
printf 'alice:%s\n' "$(openssl passwd -apr1 secret)" > "$WORK/htpasswd"
printf 'bob:digest-realm:%s\n' "$(printf 'bob:digest-realm:secret' | md5sum | cut -d' ' -f1)" > "$WORK/htdigest"
mkdir -p "$WORK/www"
printf '<html><head><title>xsweep &amp; nginx</title></head><body>hello</body></html>\n' > "$WORK/www/index.html"

echo "== nginx"
cat > "$WORK/nginx.conf" <<NGX
worker_processes 1;
daemon off;
pid $WORK/nginx.pid;
error_log $WORK/nginx-error.log;
events { worker_connections 4096; }
http {
    access_log off;
    client_body_temp_path $WORK/tmp; proxy_temp_path $WORK/tmp; fastcgi_temp_path $WORK/tmp;
    uwsgi_temp_path $WORK/tmp; scgi_temp_path $WORK/tmp;
    server { listen 127.0.0.1:$P_PLAIN; listen [::1]:$P_PLAIN; root $WORK/www;
             location /moved { return 301 https://login.microsoftonline.com/x/oauth2/authorize; }
             location /whoami { return 200 "host=[\$http_host] addr=[\$server_addr]\n"; } }
    server { listen 127.0.0.1:$P_PLAIN_TLSFIRST; root $WORK/www; }
    server { listen 127.0.0.1:$P_TLS ssl; listen [::1]:$P_TLS ssl; ssl_certificate $WORK/cert.pem;
             ssl_certificate_key $WORK/key.pem; root $WORK/www;
             location /whoami { return 200 "host=[\$http_host] sni=[\$ssl_server_name] addr=[\$server_addr]\n"; } }
    server { listen 127.0.0.1:$P_TLS_PLAINFIRST ssl; listen [::1]:$P_TLS_PLAINFIRST ssl; ssl_certificate $WORK/cert.pem;
             ssl_certificate_key $WORK/key.pem; root $WORK/www; }
    server { listen 127.0.0.1:$P_BASIC; root $WORK/www;
             auth_basic "xsweep basic"; auth_basic_user_file $WORK/htpasswd; }
}
NGX
mkdir -p "$WORK/tmp"
nginx -c "$WORK/nginx.conf" -p "$WORK" 2>"$WORK/nginx.stderr" & PIDS+=($!)

echo "== apache2 (mod_auth_digest)"
. tests/tools/apache_digest.sh
write_apache_digest_conf "$WORK" "127.0.0.1:$P_DIGEST"
chmod 755 "$WORK" "$WORK/www"
apache2 -f "$WORK/apache.conf" -DFOREGROUND 2>"$WORK/apache.stderr" & PIDS+=($!)

echo "== redis-server and the python responder"
redis-server --port "$P_REDIS" --bind 127.0.0.1 --save '' --appendonly no --daemonize no \
    --protected-mode no >"$WORK/redis.log" 2>&1 & PIDS+=($!)
python3 tests/http/responder.py "$P_RESP" "$P_GARBAGE" "$P_SILENT" >"$WORK/resp.log" 2>&1 & PIDS+=($!)

# Wait (bounded) for every listener.
for port in $P_PLAIN $P_PLAIN_TLSFIRST $P_TLS $P_TLS_PLAINFIRST $P_BASIC $P_DIGEST $P_REDIS \
            $P_RESP $P_GARBAGE $P_SILENT; do
    for _ in $(seq 50); do
        ss -ltnH "sport = :$port" | grep -q LISTEN && break
        sleep 0.1
    done
    ss -ltnH "sport = :$port" | grep -q LISTEN || {
        echo "run.sh: nothing listens on $port" >&2
        cat "$WORK"/*.stderr "$WORK"/*error.log 2>/dev/null >&2 || true
        exit 1
    }
done

L=127.0.0.1
cat > "$WORK/endpoints" <<EOT
$L $P_PLAIN
$L $P_PLAIN path=/moved
$L $P_PLAIN path=/nope
$L $P_PLAIN_TLSFIRST
$L $P_TLS host=xht.test
$L $P_TLS_PLAINFIRST
$L $P_TLS_PLAINFIRST tls=off path=/forced-plain
$L $P_BASIC
$L $P_DIGEST
$L $P_RESP path=/ntlm
$L $P_RESP path=/negotiate
$L $P_RESP path=/sso/google
$L $P_RESP path=/sso/entra
$L $P_RESP path=/sso/okta
$L $P_RESP path=/sso/ping
$L $P_RESP path=/sso/duo
$L $P_RESP path=/page/google
$L $P_RESP path=/page/okta
$L $P_RESP path=/page/saml-entra
$L $P_RESP path=/page/saml-google
$L $P_RESP path=/mention/okta-help
$L $P_RESP path=/mention/duo-status
$L $P_RESP path=/mention/samlrequest
$L $P_RESP path=/mention/cdn
$L $P_RESP path=/basic200
$L $P_RESP path=/latin1
$L $P_RESP path=/chunked
$L $P_RESP path=/title
$L $P_RESP path=/big
$L $P_RESP path=/error delay_ms=300
$L $P_GARBAGE
$L $P_SILENT
$L $P_REDIS
$L $P_CLOSED
$L $P_PLAIN path=/*/foo
$L $P_PLAIN path=/{path}/foo
$L $P_PLAIN path=/a%%20b
::1 $P_PLAIN
::1 $P_PLAIN path=/whoami
::1 $P_TLS path=/whoami
::1 $P_TLS path=/whoami?named host=xht.test
::1 $P_TLS_PLAINFIRST
::1 $P_CLOSED
EOT
echo "== probing $(wc -l < "$WORK/endpoints") endpoints"
"$WORK/probe" -t 2000 < "$WORK/endpoints" > "$WORK/results.jsonl"

python3 - "$WORK/results.jsonl" <<PY
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
by, by6 = {}, {}
for r in rows:
    (by6 if r["ip"] == "::1" else by)[(r["port"], r["path"])] = r
P = dict(plain=$P_PLAIN, tls_pf=$P_TLS_PLAINFIRST, basic=$P_BASIC, digest=$P_DIGEST, resp=$P_RESP,
         garbage=$P_GARBAGE, silent=$P_SILENT, redis=$P_REDIS, closed=$P_CLOSED, tls=$P_TLS,
         plain_tf=$P_PLAIN_TLSFIRST)
passed = failed = 0
def check(name, port, path, v6=False, **want):
    global passed, failed
    r = (by6 if v6 else by).get((port, path))
    bad = []
    if r is None:
        bad.append("no result")
    else:
        for k, v in want.items():
            got = r.get(k)
            ok = v(got) if callable(v) else got == v
            if not ok:
                bad.append("%s=%r" % (k, got))
    if bad:
        failed += 1
        print("FAIL %-28s %s  %s" % (name, ", ".join(bad), json.dumps(r)[:400] if r else ""))
    else:
        passed += 1
        print("ok   %s" % name)

check("nginx plain 200 + title", P["plain"], "/", code=200, status="HTTP/1.1 200 OK",
      title="xsweep & nginx", server=lambda s: s.startswith("nginx"), auth="none", tls=False)
check("nginx 301 to Entra ID", P["plain"], "/moved", code=301, auth="sso", provider="entra_id",
      location=lambda s: "login.microsoftonline.com" in s)
check("nginx 404", P["plain"], "/nope", code=404, status="HTTP/1.1 404 Not Found")
check("plain on TLS-first port", P["plain_tf"], "/", code=200, tls=False, attempts=2)
check("TLS self-signed cert", P["tls"], "/", code=200, tls=True, attempts=1, cert_cn="xht.test",
      self_signed=True, sans=["DNS:xht.test", "DNS:www.xht.test", "IP:127.0.0.1"],
      tls_version=lambda v: v.startswith("TLSv1"), cert_not_after=lambda s: len(s) == 20 and s.endswith("Z"))
check("TLS on plain-first port", P["tls_pf"], "/", code=200, tls=True, attempts=2,
      title="xsweep & nginx")
check("TLS port, plain forced", P["tls_pf"], "/forced-plain", code=400, tls=False, attempts=1,
      preview=lambda p: "plain HTTP request was sent to HTTPS port" in p)
check("nginx basic auth", P["basic"], "/", code=401, auth="basic")
check("apache digest auth", P["digest"], "/", code=401, auth="digest",
      server=lambda s: s is not None and "Apache" in s)
check("NTLM + Negotiate", P["resp"], "/ntlm", code=401, auth="negotiate")
check("Negotiate", P["resp"], "/negotiate", code=401, auth="negotiate")
for prov, name in [("google", "google"), ("entra", "entra_id"), ("okta", "okta"), ("ping", "ping"),
                   ("duo", "duo")]:
    check("redirect to " + name, P["resp"], "/sso/" + prov, code=302, auth="sso", provider=name)
check("Google button (CDN script) on an open page: not SSO", P["resp"], "/page/google", code=200, auth="none")
check("SAML POST form to Google", P["resp"], "/page/saml-google", code=200, auth="sso", provider="google")
for m in ("okta-help", "duo-status", "samlrequest", "cdn"):
    check("mention only (%s): not SSO" % m, P["resp"], "/mention/" + m, code=200, auth="none")
check("200 with a Basic challenge: basic", P["resp"], "/basic200", code=200, auth="basic")
check("ISO-8859-1 page: title and preview in UTF-8, HTML5 entities", P["resp"], "/latin1", code=200,
      title="Caf\u00e9 \u00e9\u00fcber \u2665", preview=lambda p: p is not None and "na\u00efve \u00a9" in p)
check("Okta widget page", P["resp"], "/page/okta", code=200, auth="sso", provider="okta")
check("SAMLRequest form to Entra", P["resp"], "/page/saml-entra", code=200, auth="sso",
      provider="entra_id")
check("chunked body + title", P["resp"], "/chunked", code=200, title="Chunked & decoded")
check("title entities, cookies", P["resp"], "/title", title="Caf\u00e9 <Admin> \u2014 \"Console\"",
      cookies=["sid=1; HttpOnly", "b=2"])
check("big body bounded", P["resp"], "/big", code=200, body_len=65536, truncated=True,
      preview=lambda p: len(p) == 1000)
check("throttled request", P["resp"], "/error", code=500, queued_ms=lambda q: q >= 290)
check("garbage -> Client error", P["garbage"], "/", status="Client error", code=0, error="not_http")
check("silent -> Client error", P["silent"], "/", status="Client error", code=0, error="timeout")
check("redis -> Client error", P["redis"], "/", status="Client error", code=0,
      error=lambda e: e in ("not_http", "reset"))
check("closed port", P["closed"], "/", status="", code=0, error="connect_refused")
for p in ["/*/foo", "/{path}/foo", "/a b"]:
    check("invalid path " + p, P["plain"], p, status="Unsupported HTTP Path", code=0,
          error="invalid_path")
# IPv6: the same servers on [::1]; nginx echoes the Host header and SNI it received
check("IPv6 plain 200 + title", P["plain"], "/", v6=True, code=200, title="xsweep & nginx", tls=False)
check("IPv6 Host header in brackets", P["plain"], "/whoami", v6=True, code=200,
      preview=lambda p: p is not None and "host=[[::1]:%d] addr=[::1]" % P["plain"] in p)
check("IPv6 TLS: bracketed Host, no SNI for an address", P["tls"], "/whoami", v6=True, code=200, tls=True,
      preview=lambda p: p is not None and "host=[[::1]:%d] sni=[] addr=[::1]" % P["tls"] in p)
check("IPv6 TLS with host=: that name as SNI and Host", P["tls"], "/whoami?named", v6=True, code=200, tls=True,
      preview=lambda p: p is not None and "host=[xht.test:%d] sni=[xht.test]" % P["tls"] in p)
check("IPv6 TLS on a plain-first port (fallback)", P["tls_pf"], "/", v6=True, code=200, tls=True, attempts=2)
check("IPv6 closed port", P["closed"], "/", v6=True, status="", code=0, error="connect_refused")
print("%d passed, %d failed" % (passed, failed))
sys.exit(1 if failed else 0)
PY

if [ "$BENCH" -gt 0 ]; then
    echo "== bench: $BENCH GETs against local nginx (plain), concurrency 200"
    for _ in $(seq "$BENCH"); do echo "$L $P_PLAIN"; done > "$WORK/bench"
    "$WORK/probe" -q -c 200 < "$WORK/bench"
    echo "== bench: $((BENCH / 4)) GETs against local nginx (TLS), concurrency 200"
    head -n $((BENCH / 4)) "$WORK/bench" | sed "s/ $P_PLAIN\$/ $P_TLS/" > "$WORK/bench_tls"
    "$WORK/probe" -q -c 200 < "$WORK/bench_tls"
fi
