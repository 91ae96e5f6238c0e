#!/usr/bin/env bash
# The one-second rule on the wire, for every kind of connection xsweep opens: the SYN probe, the
# GET, the TLS<->plain fallback (both directions), the screenshot's document GET, anything
# chromium would fetch (it must fetch nothing), and the protocol probe. tcpdump in the sink
# records every SYN; each IP:port's SYNs must be at least 1 s apart.
source "$(dirname "$0")/lib.sh"

testbed_with_servers xsck --answer

openssl req -x509 -newkey rsa:2048 -nodes -days 30 -subj "/CN=xsck.test" \
    -keyout "$WORK/key.pem" -out "$WORK/cert.pem" 2>/dev/null
chmod -R a+rX "$WORK"
# 443: plain HTTP on a TLS-first port (TLS, then plain); 80: TLS on a plain-first port (plain,
# then TLS); 8080: a page full of sub-resources, favicon and preconnects (screenshot); every GET
# is logged with its time.
"${SINK[@]}" python3 - "$WORK" >"$WORK/srv.log" 2>&1 <<'PY' & PIDS+=($!)
import socket, ssl, sys, threading, time
work = sys.argv[1]
page = (b"<html><head><title>clock</title><link rel=icon href=/favicon.ico>"
        b"<link rel=preconnect href=//198.19.5.3:8080><link rel=stylesheet href=/a.css>"
        b"<script src=/b.js></script></head><body>hello<img src=/c.png><img src=/d.png>"
        b"<iframe src=/e.html></iframe><img src=http://198.19.5.9:8080/x.png></body></html>")
def reply(body):
    return (b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: %d\r\n"
            b"Connection: close\r\n\r\n" % len(body)) + body
log = open(work + "/gets.log", "a", buffering=1)
def serve(port, tls):
    s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("0.0.0.0", port)); s.listen(64); s.settimeout(150)
    ctx = None
    if tls:
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER); ctx.load_cert_chain(work + "/cert.pem", work + "/key.pem")
    def one(c):
        c.settimeout(5)
        try:
            if ctx: c = ctx.wrap_socket(c, server_side=True)
            req = c.recv(65536)
            line = req.split(b"\r\n")[0].decode("latin-1").replace("\n", " ").replace("\r", " ")
            log.write("%.6f %s:%d %s\n" % (time.time(), c.getsockname()[0], port, line))
            c.sendall(reply(page))
        except Exception:
            pass
        try: c.close()
        except Exception: pass
    while True:
        try: c, _ = s.accept()
        except OSError: return
        threading.Thread(target=one, args=(c,), daemon=True).start()
for port, tls in ((443, False), (80, True), (8080, False)):
    threading.Thread(target=serve, args=(port, tls), daemon=True).start()
time.sleep(150)
PY
"${SINK[@]}" redis-server --port 6379 --bind 0.0.0.0 --save '' --appendonly no --protected-mode no \
    --daemonize no >"$WORK/redis.log" 2>&1 & PIDS+=($!)
for port in 80 443 8080 6379; do
    for _ in $(seq 50); do "${SINK[@]}" ss -ltnH "sport = :$port" | grep -q LISTEN && break; sleep 0.1; done
done
pass "servers up in the sink"

cat >"$WORK/endpoints.txt" <<'EOT'
198.19.5.1:443
198.19.5.2:80
198.19.5.3:8080
198.19.5.4:6379
198.19.5.5:8080 path=/a
198.19.5.5:8080 path=/b
198.19.5.5:8080 path=/a
198.19.5.5:8080 path=/c?x=1
EOT
ip netns exec "$TB_PREFIX-sink" tcpdump -i "$TB_IF_SINK" -n -tt -U -w "$WORK/syn.pcap" \
    'tcp[tcpflags] & tcp-syn != 0 and tcp[tcpflags] & tcp-ack == 0' 2>/dev/null & dump=$!
sleep 1
in_scan "$XSWEEP" "${NET[@]}" --endpoints "$WORK/endpoints.txt" --screenshots "$WORK/shots" --screenshot-timeout 60 \
    --rate 1000 --wait 1 -o "$WORK/out.json" 2>"$WORK/out.err"
check "scan exits 0" [ $? = 0 ]
sleep 1; kill "$dump"; wait "$dump" 2>/dev/null
tcpdump -r "$WORK/syn.pcap" -n -tt 2>/dev/null >"$WORK/syn.txt"

python3 - "$WORK/syn.txt" "$WORK/out.json" "$WORK/gets.log" >"$WORK/py.out" 2>&1 <<'PY'
import collections, json, re, sys
syn = collections.defaultdict(list)
for line in open(sys.argv[1]):
    m = re.match(r"(\d+\.\d+) IP [\d.]+\.\d+ > ([\d.]+)\.(\d+):", line)
    if m:
        syn["%s:%s" % (m.group(2), m.group(3))].append(float(m.group(1)))
rows = [json.loads(l) for l in open(sys.argv[2])]
recs = {"%s:%d" % (r["ip"], r["port"]): r for r in rows}
# the TLS tries on 443 log binary ClientHellos: keep whole "time port request-line" lines only
gets = [f for f in (l.split(None, 2) for l in open(sys.argv[3], errors="replace")) if len(f) == 3]
ok = fail = 0
def check(what, cond):
    global ok, fail
    print(("  ok   " if cond else "  FAIL ") + what)
    ok, fail = ok + bool(cond), fail + (not cond)
gaps = {ep: [b - a for a, b in zip(t, t[1:])] for ep, t in syn.items()}
for ep, g in sorted(gaps.items()):
    check("%s: %d connections (SYNs), gaps %s s, all >= 1 s" % (ep, len(syn[ep]), ["%.4f" % x for x in g]),
          all(x >= 1.0 for x in g))
check("nothing but the listed endpoints was contacted (%s)" % sorted(syn), set(syn) <= set(recs))
# SYN probe, first attempt, fallback attempt, screenshot document GET
r1 = recs.get("198.19.5.1:443", {})
check("TLS-first port serving plain: answered in plain after the TLS try; 4 connections (%d)"
      % len(syn["198.19.5.1:443"]), r1.get("http", {}).get("status_code") == 200 and not r1.get("tls")
      and len(syn["198.19.5.1:443"]) == 4)
r2 = recs.get("198.19.5.2:80", {})
check("plain-first port serving TLS: answered over TLS after the plain try; 4 connections (%d)"
      % len(syn["198.19.5.2:80"]), r2.get("http", {}).get("status_code") == 200 and r2.get("tls")
      and len(syn["198.19.5.2:80"]) == 4)
shot = recs.get("198.19.5.3:8080", {}).get("screenshot", {})
check("screenshot taken (%s)" % shot, shot.get("path") and shot.get("width") == 1280)
g8080 = [g for g in gets if g[1] == "198.19.5.3:8080"]
check("screenshot endpoint: exactly SYN probe + GET + document GET (%d SYNs), no sub-resource,"
      " no favicon, no preconnect (%s)" % (len(syn["198.19.5.3:8080"]), [g[2].strip() for g in g8080]),
      len(syn["198.19.5.3:8080"]) == 3 and len(g8080) == 2 and all(" / " in g[2] for g in g8080))
pr = recs.get("198.19.5.4:6379", {}).get("probe", {})
check("redis probed (%s) >= 1 s after its SYN probe" % pr.get("protocol"),
      pr.get("protocol") == "redis" and len(syn["198.19.5.4:6379"]) == 2)
# endpoint paths (issue 11.5): the same ip:port with /a, /b, /a again, /c?x=1
multi = [r for r in rows if r["ip"] == "198.19.5.5"]
paths = sorted(r.get("http", {}).get("path") for r in multi)
check("one record per distinct path (%s)" % paths, paths == ["/a", "/b", "/c?x=1"])
g5 = [g[2].split()[1] for g in gets if g[1] == "198.19.5.5:8080"]
check("each path fetched (GET and screenshot document GET), duplicates once (%s)" % g5,
      sorted(g5) == ["/a", "/a", "/b", "/b", "/c?x=1", "/c?x=1"])
check("one SYN probe for the endpoint, then one connection per GET, all >= 1 s apart (%d SYNs)"
      % len(syn["198.19.5.5:8080"]), len(syn["198.19.5.5:8080"]) == 7)
shots = sorted(r.get("screenshot", {}).get("path", "").rsplit("/", 1)[-1] for r in multi)
check("one PNG per path, names distinct (%s)" % shots, len(set(shots)) == 3 and all(shots))
print("PYRESULT %d %d" % (ok, fail))
PY
grep -v PYRESULT "$WORK/py.out"
read -r _ p f < <(grep PYRESULT "$WORK/py.out" 2>/dev/null || echo "PYRESULT 0 1")
PASSED=$((PASSED + p)); FAILED=$((FAILED + f))
finish
