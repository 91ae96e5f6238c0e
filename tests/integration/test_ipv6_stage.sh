#!/usr/bin/env bash
# Everything after the SYN over IPv6 (issue 15), with the real binary against real Debian servers
# in the sink of an IPv6 testbed (2001:2::/112 owned by the sink; the stage in its sandboxed child):
#  - HTTP and HTTPS to [2001:2::20] (status, title, certificate), the protocol probes (redis,
#    OpenSSH) to [2001:2::21] / [2001:2::22], an IPv4 twin beside them, a closed IPv6 port;
#  - what reached the wire, from nginx's own log: the Host header in brackets
#    ([2001:2::20]:8443, the default port left out), no SNI for an address, a DNS name as SNI
#    when host= gives one; every contact to an IPv6 endpoint (SYN probe, GET, screenshot GET,
#    active checks) at least 1 s after the previous one (tcpdump in the sink);
#  - the screenshot file of an IPv6 endpoint (2001-2--20_80.png), the active checks' requests;
#  - every output format with IPv6 (-oA: JSON, CSV, list, XML with addrtype="ipv6" and xmllint,
#    grepable) and the history store (--db, read back with sqlite3 and xsweep diff).
# Every xsweep run is inside the scanner namespace.
source "$(dirname "$0")/lib.sh"

testbed_up e6 --answer --ipv6
IF=$TB_PREFIX-s0
SINKNS=$TB_PREFIX-sink
XS=(timeout -k 5 100 ip netns exec "$TB_PREFIX-scan" "$XSWEEP" -i "$IF" --no-progress)
DUMP=""
stop_dump() { [ -n "$DUMP" ] && kill "$DUMP" 2>/dev/null; [ -n "$DUMP" ] && wait "$DUMP" 2>/dev/null; DUMP=""; }
WATCHDOG=""
trap 'stop_dump; [ -n "$WATCHDOG" ] && kill "$WATCHDOG" 2>/dev/null; cleanup' EXIT
# Hard bound: the whole test stops within 120 s whatever hangs.
( trap 'kill $s 2>/dev/null; exit 0' TERM; sleep 120 >/dev/null 2>&1 & s=$!; wait $s
  echo "test_ipv6_stage.sh: time limit reached" >&2; kill -TERM $$ ) & WATCHDOG=$!

W6=2001:2::20; R6=2001:2::21; S6=2001:2::22; C6=2001:2::23; W4=198.19.0.20
echo "-- real servers in the sink: nginx (plain + TLS) on $W6 and $W4, redis on $R6, sshd on $S6"
sink_tls_cert
N=$WORK/nginx-v6; mkdir -p "$N/www" "$N/tmp"
printf '<html><head><title>v6 page</title></head><body>hello over IPv6</body></html>\n' >"$N/www/index.html"
cp "$N/www/index.html" "$N/www/named"
# One log line per request: what the server saw of the Host header and SNI ("-" when none).
cat >"$N/nginx.conf" <<NGX
worker_processes 1; daemon off; pid $N/nginx.pid; error_log $N/error.log;
events { worker_connections 256; }
http { log_format wire '\$server_addr|\$server_port|\$http_host|\$ssl_server_name|\$request_uri';
       access_log $N/access.log wire; client_body_temp_path $N/tmp; proxy_temp_path $N/tmp;
       fastcgi_temp_path $N/tmp; uwsgi_temp_path $N/tmp; scgi_temp_path $N/tmp;
       server { listen [$W6]:80; listen [$W6]:8443 ssl; listen $W4:80; root $N/www;
                ssl_certificate $WORK/tls-cert.pem; ssl_certificate_key $WORK/tls-key.pem; } }
NGX
chmod -R a+rX "$N"; chmod a+x "$WORK"
sink_bg nginx -c "$N/nginx.conf" -p "$N"
SINK_PIDFILES+=("$N/nginx.pid")
sink_redis "$R6" 6379
sink_sshd v6 "$S6" 22
sink_wait_listen "$W6" 80 8443; sink_wait_listen "$W4" 80; sink_wait_listen "$R6" 6379; sink_wait_listen "$S6" 22

cat >"$WORK/endpoints.txt" <<EOT
[$W6]:80
[$W6]:8443
[$W6]:8443 host=www.xsweep.test path=/named
$W4:80
[$R6]:6379
[$S6]:22
[$C6]:80
EOT

echo "-- xsweep --endpoints (IPv6 + IPv4) -oA --db --screenshots --checks safe, tcpdump in the sink"
ip netns exec "$SINKNS" tcpdump -i "$TB_PREFIX-k0" -n -tt -U -s 128 -w "$WORK/wire.pcap" \
    "ip6 and tcp" 2>/dev/null &   # (BPF's tcp[] offsets are IPv4-only: SYNs are picked below)
DUMP=$!
for _ in $(seq 30); do [ -s "$WORK/wire.pcap" ] && break; sleep 0.1; done
sleep 0.3
"${XS[@]}" --endpoints "$WORK/endpoints.txt" --show closed --rate 1000 --wait 1 -oA "$WORK/out" \
    --db "$WORK/h.db" --screenshots "$WORK/shots" --screenshot-timeout 60 --checks safe --checks-max-requests 3 2>"$WORK/run.err"
rc=$?
sleep 0.5; stop_dump
tcpdump -r "$WORK/wire.pcap" -n -tt 2>/dev/null >"$WORK/wire.txt"
check "the scan exits 0 (got $rc: $(tail -c 300 "$WORK/run.err"))" [ $rc = 0 ]

python3 - "$WORK/out.json" "$N/access.log" "$WORK/wire.txt" "$WORK/shots" >"$WORK/verdicts" <<'PY'
import json, os, re, sys, collections
recs = [json.loads(l) for l in open(sys.argv[1])]
by = collections.defaultdict(list)
for r in recs:
    by[(r["ip"], r["port"])].append(r)
def v(ok, what):
    print(("ok " if ok else "FAIL ") + what)
W6, R6, S6, C6, W4 = "2001:2::20", "2001:2::21", "2001:2::22", "2001:2::23", "198.19.0.20"
opened = {k for k, rs in by.items() if any(r["status"] == "open" for r in rs)}
want = {(W6, 80), (W6, 8443), (W4, 80), (R6, 6379), (S6, 22)}
v(opened == want, "open set = the sink's listeners over both families (%s)" % sorted(opened ^ want))
v([r["status"] for r in by[(C6, 80)]] == ["closed"], "[%s]:80 closed (RST over IPv6)" % C6)
def http(k, path="/"):
    for r in by.get(k, []):
        if (r.get("http") or {}).get("path") == path:
            return r
    return by.get(k, [{}])[0]
h = http((W6, 80)).get("http") or {}
v(h.get("status_code") == 200 and h.get("title") == "v6 page", "HTTP over IPv6: 200, title (%s %s)" % (h.get("status_code"), h.get("title")))
t = http((W6, 8443))
v((t.get("http") or {}).get("status_code") == 200 and (t.get("tls") or {}).get("version", "").startswith("TLS"),
  "HTTPS over IPv6: 200 over TLS (%s)" % json.dumps(t.get("tls"))[:120])
n = http((W6, 8443), "/named").get("http") or {}
v(n.get("status_code") == 200 and n.get("host") == "www.xsweep.test", "host= over IPv6: 200 (%s)" % n.get("status_code"))
h4 = http((W4, 80)).get("http") or {}
v(h4.get("status_code") == 200 and h4.get("title") == "v6 page", "the IPv4 twin as well")
p = (by[(R6, 6379)] or [{}])[0].get("probe") or {}
v(p.get("product") == "redis" and p.get("version"), "redis probe over IPv6: %s %s" % (p.get("product"), p.get("version")))
p = (by[(S6, 22)] or [{}])[0].get("probe") or {}
v(p.get("product") == "OpenSSH", "ssh probe over IPv6: %s %s" % (p.get("product"), p.get("version")))

# nginx's log: what the requests carried on the wire
log = [l.rstrip("\n").split("|") for l in open(sys.argv[2])]
def lines(addr, port):
    return [l for l in log if l[0] == addr and l[1] == str(port)]
l80, l8443 = lines(W6, 80), lines(W6, 8443)
v(l80 and all(l[2] == "[%s]" % W6 for l in l80), "Host on [%s]:80 is [%s] (default port left out): %s" % (W6, W6, sorted({l[2] for l in l80})))
plain = [l for l in l8443 if l[4] != "/named"]
v(plain and all(l[2] == "[%s]:8443" % W6 and l[3] == "-" for l in plain),
  "TLS to an address: Host [%s]:8443, no SNI: %s" % (W6, sorted({(l[2], l[3]) for l in plain})))
named = [l for l in l8443 if l[4] == "/named"]
v(named and all(l[2] == "www.xsweep.test:8443" and l[3] == "www.xsweep.test" for l in named),
  "host=www.xsweep.test: that name as Host and SNI: %s" % sorted({(l[2], l[3]) for l in named}))
v(all(l[2] == W4 for l in lines(W4, 80)), "IPv4 Host unchanged (%s)" % sorted({l[2] for l in lines(W4, 80)}))
v(not [l for l in log if re.match(r"^[0-9a-f]*:[0-9a-f:]*$", l[2])], "no Host header holds an unbracketed IPv6 address")
checks = [l for l in l80 + plain if l[4] != "/"]
r80 = http((W6, 80))
v(r80.get("checks") is not None and (r80["checks"].get("requests") or 0) > 0 and checks,
  "active checks ran over IPv6 (%s requests in the record, %d check requests in nginx's log)" % ((r80.get("checks") or {}).get("requests"), len(checks)))

# screenshot of an IPv6 endpoint: file name without colons
s = r80.get("screenshot") or {}
path = s.get("path") or ""
v(os.path.basename(path) == "2001-2--20_80.png" and os.path.exists(os.path.join(sys.argv[4], "2001-2--20_80.png")) and
  open(os.path.join(sys.argv[4], "2001-2--20_80.png"), "rb").read(8) == b"\x89PNG\r\n\x1a\n",
  "screenshot %s (%s)" % (path, s.get("error")))

# the wire: every contact to an IPv6 endpoint at least 1 s after the one before
syn = collections.defaultdict(list)
for line in open(sys.argv[3]):
    m = re.match(r"^(\d+\.\d+) IP6 \S+ > ([0-9a-f:]+)\.(\d+): Flags \[S\]", line)
    if m:
        syn[(m.group(2), int(m.group(3)))].append(float(m.group(1)))
gaps = {k: min(b - a for a, b in zip(ts, ts[1:])) for k, ts in syn.items() if len(ts) > 1}
v(len(syn.get((W6, 80), [])) >= 3 and all(g >= 0.999 for g in gaps.values()),
  "one-second rule over IPv6: SYNs per endpoint %s, smallest gaps %s" %
  ({"[%s]:%d" % k: len(ts) for k, ts in syn.items()}, {"[%s]:%d" % k: round(g, 3) for k, g in gaps.items()}))
PY
while read -r word rest; do
    case "$word" in ok) pass "$rest" ;; FAIL) fail "$rest" ;; *) echo "   $word $rest" ;; esac
done <"$WORK/verdicts"
[ -s "$WORK/verdicts" ] || fail "no verdict from the checks"

echo "-- every format, the store and diff carry the IPv6 addresses"
check "list: masscan's layout, the IPv6 address as it is" grep -q "^open tcp 80 $W6 [0-9]*$" "$WORK/out.list"
check "grepable: Host: $W6 ()" grep -qP "^Host: \Q$W6\E \(\)\tPorts: 80/open/tcp//http" "$WORK/out.gnmap"
check "CSV: $W6,8443,tcp,open" grep -q "^$W6,8443,tcp,open," "$WORK/out.csv"
check "XML: addrtype=ipv6 for $W6, ipv4 for $W4" bash -c \
    "grep -q '<address addr=\"$W6\" addrtype=\"ipv6\"/>' '$WORK/out.xml' && grep -q '<address addr=\"$W4\" addrtype=\"ipv4\"/>' '$WORK/out.xml' && ! grep -q 'addr=\"$W6\" addrtype=\"ipv4\"' '$WORK/out.xml'"
check "xmllint accepts the XML" xmllint --noout "$WORK/out.xml"
check "the store: the two [$W6] rows as text in endpoints_text, 16 bytes in endpoints" [ \
    "$(sqlite3 "$WORK/h.db" "SELECT count(*) FROM endpoints_text WHERE ip = '$W6'") $(sqlite3 "$WORK/h.db" "SELECT DISTINCT length(ip) FROM endpoints")" = "2 16" ]
kill "$(cat "$WORK/sshd-v6.pid")" 2>/dev/null
"${XS[@]}" --endpoints "$WORK/endpoints.txt" --show closed --rate 1000 --wait 1 --no-http -o "$WORK/second.json" \
    --db "$WORK/h.db" 2>"$WORK/second.err"
check "a second sweep into the same store exits 0" [ $? = 0 ]
"$XSWEEP" diff --db "$WORK/h.db" -oJ >"$WORK/diff.json"
check "xsweep diff: [$S6]:22 disappeared (sshd stopped)" [ \
    "$(jq -s "map(select(.ip == \"$S6\" and .port == 22 and .change == \"disappeared\")) | length" "$WORK/diff.json")" = 1 ]
"$XSWEEP" diff --db "$WORK/h.db" >"$WORK/diff.txt"
check "the diff table writes it [$S6]:22" grep -qF "[$S6]:22" "$WORK/diff.txt"

finish
