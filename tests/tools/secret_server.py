#!/usr/bin/env python3
"""Scanned test servers with planted secrets: HTTP on the given ports (a body with an AWS key,
a password and a marker text, a session cookie, a token header, a secret title) and an
SSH-looking banner with a secret after the version on --banner-port. Everything planted contains
"PLANTED" or the AWS key, so a test can grep for it in what the agent sends."""
import socket, socketserver, sys, threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

BODY = (b"<html><head><title>Planted Title PLANTEDTITLE42</title></head><body>"
        b"PLANTEDBODYTEXT aws_access_key_id = AKIAZ7QWERTYUIOP2345 "
        b"password = PLANTEDPassw0rd! </body></html>")


# What the active checks read (--checks): a .env and a Git HEAD with planted values.
CHECKED = {"/.env": b"PLANTEDENVNAME=PLANTEDENVVALUE\nDB_PASSWORD=PLANTEDDBPASS\n",
           "/.git/HEAD": b"ref: refs/heads/PLANTEDBRANCH\n"}


class H(BaseHTTPRequestHandler):
    def log_message(self, *a):
        pass

    def do_GET(self):
        if self.path in CHECKED:
            self.send_response(200)
            self.send_header("Content-Type", "text/plain")
            self.send_header("Content-Length", str(len(CHECKED[self.path])))
            self.end_headers()
            self.wfile.write(CHECKED[self.path])
            return
        self.send_response(200)
        self.send_header("Server", "PlantedServer/1.2.3")
        self.send_header("Set-Cookie", "session=PLANTEDCOOKIE123; Path=/")
        self.send_header("X-Api-Token", "PLANTEDHEADERTOKEN987")
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(BODY)))
        self.end_headers()
        self.wfile.write(BODY)


class Banner(socketserver.BaseRequestHandler):
    def handle(self):
        self.request.sendall(b"SSH-2.0-OpenSSH_9.2p1 PLANTEDBANNERSECRET\r\n")
        self.request.settimeout(3)
        try:
            self.request.recv(4096)
        except OSError:
            pass


http_ports = [int(p) for p in sys.argv[1].split(",")]
banner_port = int(sys.argv[2])
for p in http_ports:
    s = ThreadingHTTPServer(("0.0.0.0", p), H)
    threading.Thread(target=s.serve_forever, daemon=True).start()
socketserver.ThreadingTCPServer.allow_reuse_address = True
b = socketserver.ThreadingTCPServer(("0.0.0.0", banner_port), Banner)
b.daemon_threads = True
print("ready", flush=True)
b.serve_forever()
