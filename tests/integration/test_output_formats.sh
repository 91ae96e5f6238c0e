#!/usr/bin/env bash
# Output formats (one module each: JSON, CSV, list, nmap XML, grepable) against real servers in
# the sink (nginx, redis, a silent HTTP port): what lands on disk is parsed by the tools that read
# it (python json/csv, xmllint, xsltproc + nmap.xsl, ndiff); every format interrupted by SIGINT
# and resumed equals the scan in one go, and a resumed -oX is one valid document; the nmap-style
# flags (-oX FILE, -oG FILE, -oA BASE); the progress line (retry passes, the HTTP stage draining,
# 100 % at the end); RSTs in the summary without --show closed; absolute paths in resume files.
source "$(dirname "$0")/lib.sh"

testbed_with_servers xsof --answer

echo "-- servers in the sink: nginx on 80, redis on 6379, silence on 8088"
mkdir -p "$WORK/www" "$WORK/tmp"
printf '<html><head><title>Sales, "Q4" board</title></head><body>hi</body></html>\n' >"$WORK/www/index.html"
chmod -R a+rX "$WORK"
nginx_conf_head 256 >"$WORK/nginx.conf"
cat >>"$WORK/nginx.conf" <<NGX
    server { listen 80; root $WORK/www; }
}
NGX
"${SINK[@]}" nginx -c "$WORK/nginx.conf" -p "$WORK" 2>"$WORK/nginx.stderr" & PIDS+=($!)
"${SINK[@]}" redis-server --port 6379 --bind 0.0.0.0 --save '' --appendonly no \
    --protected-mode no --daemonize no >"$WORK/redis.log" 2>&1 & PIDS+=($!)
"${SINK[@]}" timeout 110 python3 -c '
import socket, time
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("0.0.0.0", 8088)); s.listen(256)
held = []
while True:
    c, _ = s.accept(); held.append(c)   # accepted, never answered
' >/dev/null 2>&1 & PIDS+=($!)
for i in $(seq 50); do
    "${SINK[@]}" bash -c 'exec 3<>/dev/tcp/127.0.0.1/80 && exec 4<>/dev/tcp/127.0.0.1/6379 && exec 5<>/dev/tcp/127.0.0.1/8088' 2>/dev/null && break
    sleep 0.1
done

# keys FMT FILE: "ip:port status" per record, sorted; fails on a duplicate endpoint.
keys() { python3 - "$1" "$2" <<'PY'
import csv, json, re, sys
import xml.etree.ElementTree as ET
fmt, path = sys.argv[1], sys.argv[2]
recs = []
if fmt == "json":
    for line in open(path):
        r = json.loads(line)
        assert r["schema"] == 1, r
        recs.append((r["ip"], r["port"], r["status"]))
elif fmt == "csv":
    for r in csv.DictReader(open(path, newline="")):
        recs.append((r["ip"], int(r["port"]), r["status"]))
elif fmt == "list":
    for line in open(path):
        if not line.startswith("#"):
            st, _, port, ip, _ = line.split()
            recs.append((ip, int(port), st))
elif fmt == "xml":
    for h in ET.parse(path).getroot().iter("host"):
        p = h.find("ports/port")
        st = p.find("state").get("state")
        recs.append((h.find("address").get("addr"), int(p.get("portid")), "open" if st == "open" else "closed"))
elif fmt == "gnmap":
    for line in open(path):
        m = re.match(r"Host: (\S+) \(\)\tPorts: (\d+)/(\w+)/tcp//", line)
        if m:
            recs.append((m[1], int(m[2]), "open" if m[3] == "open" else "closed"))
assert len(recs) == len(set((a, b) for a, b, _ in recs)), "duplicate endpoint records in " + path
print("\n".join("%s:%d %s" % r for r in sorted(recs)))
PY
}

echo "-- -oA: every format from one scan (HTTP stage, probes, retries, progress)"
in_scan "$XSWEEP" "${NET[@]}" -p 80,81,6379,8088 --retries 1 --wait 1 --http-timeout 3 \
    --progress -oA "$WORK/a" 198.19.0.0/29 2>"$WORK/a.err"
check "-oA scan exits 0" [ $? = 0 ]
for ext in json csv list xml gnmap; do
    check "-oA wrote a.$ext" [ -s "$WORK/a.$ext" ]
done
for ext in json csv list xml gnmap; do keys "$ext" "$WORK/a.$ext" >"$WORK/a.$ext.keys"; done
same_keys() {
    [ "$(wc -l <"$WORK/a.json.keys")" = 24 ] || return 1
    for e in csv list xml gnmap; do diff -q "$WORK/a.json.keys" "$WORK/a.$e.keys" || return 1; done
}
check "all five formats hold the same 24 open endpoints" same_keys

python3 - "$WORK/a.csv" <<'PY' && pass "CSV: RFC 4180 columns parsed by python csv (status code, title with comma and quotes, server, product, version)" || fail "CSV columns"
import csv, sys
rows = list(csv.reader(open(sys.argv[1], newline="")))
head = rows[0]
assert head == ["ip", "port", "proto", "status", "ttl", "ts", "protocol", "severity", "severity_reason",
                "http_status_code", "http_title", "http_server", "tech", "product", "version", "service"], head
d = [dict(zip(head, r)) for r in rows[1:]]
assert all(len(r) == len(head) for r in rows), "ragged rows"
web = [r for r in d if r["port"] == "80"]
assert len(web) == 8 and all(r["http_status_code"] == "200" for r in web), web[:1]
assert all(r["http_title"] == 'Sales, "Q4" board' for r in web), web[0]["http_title"]
assert all(r["http_server"].startswith("nginx") for r in web), web[0]
assert any("Nginx" in r["tech"] or "nginx" in r["tech"] for r in web), web[0]["tech"]
red = [r for r in d if r["port"] == "6379"]
assert len(red) == 8 and all(r["product"].lower().startswith(("redis", "valkey")) and r["version"] for r in red), red[:1]
assert all(r["service"] == "redis" for r in red), red[:1]   # what the probe identified
raw = open(sys.argv[1]).read()
assert '"Sales, ""Q4"" board"' in raw, "title not quoted as RFC 4180 says"
PY
python3 - "$WORK/a.json" <<'PY' && pass "JSON: one key set with schema 1; http.status_code/title/server, probe.product" || fail "JSON keys"
import json, sys
rs = [json.loads(l) for l in open(sys.argv[1])]
for r in rs:
    assert r["schema"] == 1 and {"ip", "port", "proto", "status", "ttl", "ts"} <= set(r), r
w = [r for r in rs if r["port"] == 80]
assert all(r["http"]["status_code"] == 200 and r["http"]["title"] == 'Sales, "Q4" board' for r in w)
assert all(r["probe"]["product"] for r in rs if r["port"] == 6379)
PY
check "list: #masscan header and # end trailer, once each" \
    bash -c "[ \"\$(head -1 '$WORK/a.list')\" = '#masscan' ] && [ \"\$(tail -1 '$WORK/a.list')\" = '# end' ] && [ \$(grep -c '^#' '$WORK/a.list') = 2 ]"
check "grepable: nmap's Host/Ports line for nginx" \
    grep -qP '^Host: 198\.19\.0\.\d+ \(\)\tPorts: 80/open/tcp//http//[^/]*/$' "$WORK/a.gnmap"
check "grepable: redis with its product and version" \
    grep -qP '^Host: 198\.19\.0\.\d+ \(\)\tPorts: 6379/open/tcp//redis//(redis|valkey) [0-9.]+/$' "$WORK/a.gnmap"
check "xmllint: a.xml is well-formed" xmllint --noout "$WORK/a.xml"
xsltproc /usr/share/nmap/nmap.xsl "$WORK/a.xml" >"$WORK/a.html" 2>"$WORK/xslt.err"
check "xsltproc + nmap.xsl renders a.xml" grep -q "198.19.0.1" "$WORK/a.html"
ndiff "$WORK/a.xml" "$WORK/a.xml" >"$WORK/ndiff.out" 2>&1; rc=$?
check "ndiff reads a.xml (exit $rc)" [ "$rc" = 0 ]

echo "-- progress line and summary"
tr '\r' '\n' <"$WORK/a.err" | grep -a "done" >"$WORK/a.progress"
check "progress: the HTTP stage's queue and rate shown while it drains" grep -q "HTTP/probe stage: queued [1-9]" "$WORK/a.progress"
check "progress: the last line says 100.0% done (retry pass included)" \
    bash -c "tail -1 '$WORK/a.progress' | grep -q '100.0% done'"
python3 - "$WORK/a.progress" <<'PY' && pass "progress: percent never goes back, retry pass included" || fail "progress percent"
import re, sys
p = [float(m[1]) for l in open(sys.argv[1]) for m in [re.search(r"([0-9.]+)% done", l)] if m]
assert p and all(a <= b for a, b in zip(p, p[1:])) and p[-1] == 100.0, p
PY
check "summary counts the 8 RSTs as closed without --show closed" grep -q " 24 open, 8 closed," "$WORK/a.err"

echo "-- flags: -oX FILE, -oG FILE, -oJ -o FILE, -oJ TARGET"
in_scan "$XSWEEP" "${NET[@]}" -p 81 --no-http --wait 0.5 -oX "$WORK/x.xml" 198.19.0.1 2>/dev/null
check "-oX FILE writes nmap XML to FILE" xmllint --noout "$WORK/x.xml"
in_scan "$XSWEEP" "${NET[@]}" -p 80 --no-http --wait 0.5 -oG "$WORK/g.gnmap" 198.19.0.1 2>/dev/null
check "-oG FILE writes grepable output to FILE" grep -qP '^Host: 198\.19\.0\.1 \(\)\tPorts: 80/open/tcp//http///$' "$WORK/g.gnmap"
check "no file named G" [ ! -e G ]
in_scan "$XSWEEP" "${NET[@]}" -p 80 --no-http --wait 0.5 -oC -o "$WORK/c.csv" 198.19.0.1 2>/dev/null
check "-oC -o FILE still works" grep -q '^198.19.0.1,80,tcp,open,' "$WORK/c.csv"
in_scan "$XSWEEP" "${NET[@]}" -p 80 --no-http --wait 0.5 -oL 198.19.0.1 >"$WORK/l.out" 2>/dev/null
check "-oL TARGET: the address stays a target" grep -q '^open tcp 80 198.19.0.1 ' "$WORK/l.out"

echo "-- every format: SIGINT mid-scan, then --resume, equals the scan in one go"
SCAN=(-p 80,81 --show closed --no-http --seed 7 --wait 1 198.19.0.0/18)   # 32768 probes
in_scan "$XSWEEP" "${NET[@]}" "${SCAN[@]}" --rate 40000 -oA "$WORK/full" 2>/dev/null
ip netns exec "$TB_PREFIX-scan" "$XSWEEP" "${NET[@]}" "${SCAN[@]}" --rate 8000 -oA "$WORK/split" \
    2>"$WORK/split1.err" & pid=$!
sleep 2; kill -INT "$pid"; wait "$pid"; rc=$?
check "interrupted run exits 130 (got $rc)" [ "$rc" = 130 ]
first=$(grep -c '^{' "$WORK/split.json")
check "interrupted run wrote part of the set ($first)" [ "$first" -gt 1000 -a "$first" -lt 32768 ]
check "interrupted XML is complete (footer written)" xmllint --noout "$WORK/split.xml"
in_scan "$XSWEEP" --resume "$WORK/split.resume" 2>"$WORK/split2.err"
check "resumed run exits 0" [ $? = 0 ]
for ext in json csv list xml gnmap; do
    keys "$ext" "$WORK/full.$ext" >"$WORK/full.$ext.keys"
    if keys "$ext" "$WORK/split.$ext" >"$WORK/split.$ext.keys"; then
        check "$ext: interrupted + resumed = one go ($(wc -l <"$WORK/full.$ext.keys") records)" \
            diff -q "$WORK/full.$ext.keys" "$WORK/split.$ext.keys"
    else
        fail "$ext: duplicate records after resume"
    fi
done
check "resumed XML: one valid document" xmllint --noout "$WORK/split.xml"
check "resumed XML: one <?xml and one </nmaprun>" \
    [ "$(grep -c '<?xml version' "$WORK/split.xml")" = 1 -a "$(grep -c '</nmaprun>' "$WORK/split.xml")" = 1 ]
ndiff "$WORK/full.xml" "$WORK/split.xml" >/dev/null 2>"$WORK/ndiff2.err"; rc=$?
check "ndiff compares one-go and resumed XML (exit $rc, no error)" [ "$rc" != 2 ]
check "resumed list: one #masscan, one # end" \
    [ "$(grep -c '^#masscan' "$WORK/split.list")" = 1 -a "$(grep -c '^# end' "$WORK/split.list")" = 1 ]
check "resumed grepable: one header, one footer" \
    [ "$(grep -c 'scan initiated' "$WORK/split.gnmap")" = 1 -a "$(grep -c '^# xsweep done' "$WORK/split.gnmap")" = 1 ]
check "resumed CSV: one header line" [ "$(grep -c '^ip,port' "$WORK/split.csv")" = 1 ]

echo "-- -oX alone, interrupted and resumed (the old two-documents case)"
ip netns exec "$TB_PREFIX-scan" "$XSWEEP" "${NET[@]}" "${SCAN[@]}" --rate 8000 -oX "$WORK/x2.xml" \
    2>/dev/null & pid=$!
sleep 2; kill -INT "$pid"; wait "$pid"
in_scan "$XSWEEP" --resume "$WORK/x2.xml.resume" 2>/dev/null
keys xml "$WORK/x2.xml" >"$WORK/x2.keys" || fail "duplicate hosts in resumed -oX"
check "resumed -oX = one go, valid, one document" \
    bash -c "diff -q '$WORK/full.xml.keys' '$WORK/x2.keys' && xmllint --noout '$WORK/x2.xml' && [ \$(grep -c '<?xml version' '$WORK/x2.xml') = 1 ]"

echo "-- the resume file stores absolute paths; --resume works from another directory"
mkdir -p "$WORK/runA" "$WORK/runB"
(cd "$WORK/runA" && exec ip netns exec "$TB_PREFIX-scan" "$XSWEEP" "${NET[@]}" "${SCAN[@]}" --rate 8000 \
    -o rel.json 2>/dev/null) & pid=$!
sleep 2; kill -INT "$pid"; wait "$pid"
check "resume file names the output by its absolute path" grep -qx "output = $WORK/runA/rel.json" "$WORK/runA/rel.json.resume"
(cd "$WORK/runB" && ip netns exec "$TB_PREFIX-scan" "$XSWEEP" --resume ../runA/rel.json.resume 2>/dev/null)
check "resumed from another directory: nothing written there" [ -z "$(ls "$WORK/runB")" ]
keys json "$WORK/runA/rel.json" >"$WORK/rel.keys" || fail "duplicates in rel.json"
check "resumed from another directory = one go" diff -q "$WORK/full.json.keys" "$WORK/rel.keys"

finish
