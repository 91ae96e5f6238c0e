#!/usr/bin/env python3
"""Loopback servers for tests/screenshot/run.sh.
  serve.py http  PORT DIR            static files
  serve.py https PORT DIR CERT KEY   static files over TLS
  serve.py silent PORT               accepts connections and never answers
  serve.py canary PORT LOG           answers 404 and logs every request line to LOG
Each one exits by itself after 300 s."""
import http.server, socket, ssl, sys, threading, time, functools

def deadline():
    time.sleep(300)
    import os; os._exit(0)

threading.Thread(target=deadline, daemon=True).start()
mode, port = sys.argv[1], int(sys.argv[2])

class Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *a):
        pass

if mode in ("http", "https"):
    handler = functools.partial(Quiet, directory=sys.argv[3])
    srv = http.server.ThreadingHTTPServer(("127.0.0.1", port), handler)
    if mode == "https":
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(sys.argv[4], sys.argv[5])
        srv.socket = ctx.wrap_socket(srv.socket, server_side=True)
    srv.serve_forever()
elif mode == "silent":
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("127.0.0.1", port))
    s.listen(64)
    held = []
    while True:
        held.append(s.accept()[0])
elif mode == "canary":
    log = open(sys.argv[3], "a", buffering=1)
    class Canary(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            log.write(self.requestline + "\n")
            self.send_error(404)
        def log_message(self, *a):
            pass
    http.server.ThreadingHTTPServer(("127.0.0.1", port), Canary).serve_forever()
