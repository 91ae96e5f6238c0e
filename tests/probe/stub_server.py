#!/usr/bin/env python3
"""Banner stubs for tests/probe/run.sh, on 127.0.0.1 (or ::1 with XPB_BIND=::1) only: ftp, smtp
(records the commands: EHLO, then QUIT), es200 / es401 (Elasticsearch root answers; es200 records the
request's Host line), http2 (a SETTINGS frame first), silent.
Usage: stub_server.py MODE PORT [LOGFILE]. Runs until killed; every connection is bounded."""
import os
import socket
import sys
import threading

MODE, PORT = sys.argv[1], int(sys.argv[2])
LOG = sys.argv[3] if len(sys.argv) > 3 else None

ES_BODY = (b'{\n  "name" : "node-1",\n  "cluster_name" : "xpb-cluster",\n  "cluster_uuid" : "x",\n'
           b'  "version" : {\n    "number" : "8.13.4",\n    "build_flavor" : "default",\n'
           b'    "lucene_version" : "9.10.0"\n  },\n  "tagline" : "You Know, for Search"\n}\n')


def serve(c):
    c.settimeout(5)
    try:
        if MODE == "ftp":
            c.sendall(b"220-Welcome to the xpb FTP stub\r\n220 (vsFTPd 3.0.3)\r\n")
            c.recv(100)
        elif MODE == "smtp":
            c.sendall(b"220 mail.xpb.test ESMTP Postfix (Debian/GNU)\r\n")
            for _ in range(4):   # what the probe says, command by command, until QUIT
                data = c.recv(100)
                if not data:
                    break
                if LOG:
                    with open(LOG, "ab") as f:
                        f.write(data)
                if data.startswith(b"EHLO"):
                    c.sendall(b"250-mail.xpb.test\r\n250-STARTTLS\r\n250 8BITMIME\r\n")
                else:
                    c.sendall(b"221 2.0.0 Bye\r\n")
                    break
        elif MODE in ("es200", "es401"):
            req = c.recv(4096)
            if LOG:
                with open(LOG, "ab") as f:
                    f.write(b"".join(l + b"\n" for l in req.split(b"\r\n") if l.lower().startswith(b"host:")))
            if MODE == "es200":
                c.sendall(b"HTTP/1.1 200 OK\r\nX-elastic-product: Elasticsearch\r\n"
                          b"content-type: application/json\r\ncontent-length: %d\r\n\r\n" % len(ES_BODY)
                          + ES_BODY)
            else:
                body = b'{"error":{"type":"security_exception"},"status":401}'
                c.sendall(b"HTTP/1.1 401 Unauthorized\r\n"
                          b"WWW-Authenticate: Basic realm=\"security\" charset=\"UTF-8\"\r\n"
                          b"content-type: application/json\r\ncontent-length: %d\r\n\r\n" % len(body) + body)
        elif MODE == "http2":
            c.sendall(bytes([0, 0, 6, 4, 0, 0, 0, 0, 0, 0, 3, 0, 0, 0, 100]))
            c.recv(100)
        elif MODE == "silent":
            c.recv(100)
    except OSError:
        pass
    finally:
        c.close()


BIND = os.environ.get("XPB_BIND", "127.0.0.1")
s = socket.socket(socket.AF_INET6 if ":" in BIND else socket.AF_INET)
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind((BIND, PORT))
s.listen(64)
while True:
    conn, _ = s.accept()
    threading.Thread(target=serve, args=(conn,), daemon=True).start()
