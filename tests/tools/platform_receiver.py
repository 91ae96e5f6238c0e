#!/usr/bin/env python3
"""Reference platform for `xsweep agent` tests: HTTPS (python's http.server + ssl), one bearer
token, hands out each job file once, stores the reports, and logs every byte the agent sends
(after TLS) to LOGDIR/raw.log.

  platform_receiver.py --cert C --key K --port 8443 --token-file T --log-dir D
                       [--job JOB.json ...] [--outage-after-job SECONDS]

GET  /api/v1/agents/ID/jobs/next   200 + the next unserved job, or 204
POST /api/v1/agents/ID/reports     200 (a report_id seen before is acknowledged, not stored twice)
--outage-after-job N: once the first job was handed out, the listening socket is closed for N
seconds (connections are refused), then opened again: a platform outage.
"""
import argparse, json, os, socket, ssl, sys, threading, time
from http.server import BaseHTTPRequestHandler, HTTPServer

ap = argparse.ArgumentParser()
ap.add_argument("--cert", required=True)
ap.add_argument("--key", required=True)
ap.add_argument("--bind", default="0.0.0.0")
ap.add_argument("--port", type=int, default=8443)
ap.add_argument("--token-file", required=True)
ap.add_argument("--log-dir", required=True)
ap.add_argument("--job", action="append", default=[])
ap.add_argument("--outage-after-job", type=float, default=0)
ap.add_argument("--run-for", type=float, default=600, help="exit after this many seconds")
args = ap.parse_args()

TOKEN = open(args.token_file).read().strip()
jobs = [open(j).read() for j in args.job]
raw = open(os.path.join(args.log_dir, "raw.log"), "ab", buffering=0)
events = open(os.path.join(args.log_dir, "events.log"), "a", buffering=1)
reports_path = os.path.join(args.log_dir, "reports.jsonl")
seen = set()
outage = threading.Event()


def event(msg):
    events.write("%.3f %s\n" % (time.time(), msg))


class Tee:
    """The request stream as read, copied byte for byte into raw.log."""
    def __init__(self, f):
        self.f = f
    def read(self, n=-1):
        b = self.f.read(n)
        raw.write(b)
        return b
    def readline(self, n=-1):
        b = self.f.readline(n)
        raw.write(b)
        return b
    def __getattr__(self, name):
        return getattr(self.f, name)


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def setup(self):
        super().setup()
        self.rfile = Tee(self.rfile)

    def log_message(self, *a):
        pass

    def reply(self, code, body=b""):
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def authorized(self):
        if self.headers.get("Authorization") != "Bearer " + TOKEN:
            event("401 %s" % self.path)
            self.reply(401, b'{"error":"unauthorized"}')
            return False
        return True

    def do_GET(self):
        if not self.authorized():
            return
        if self.path.endswith("/jobs/next"):
            if jobs:
                body = jobs.pop(0).encode()
                self.reply(200, body)
                event("job served")
                if args.outage_after_job:
                    outage.set()
                return
            self.reply(204)
            return
        self.reply(404)

    def do_POST(self):
        n = int(self.headers.get("Content-Length", "0"))
        body = self.rfile.read(n)
        if not self.authorized():
            return
        if not self.path.endswith("/reports"):
            self.reply(404)
            return
        try:
            rep = json.loads(body)
            rid = rep["report_id"]
        except Exception:
            self.reply(400, b'{"error":"bad report"}')
            return
        if rid not in seen:
            seen.add(rid)
            with open(reports_path, "a") as f:
                f.write(json.dumps(rep) + "\n")
            event("report %s" % rid)
        else:
            event("duplicate %s" % rid)
        self.reply(200, b'{"ok":true}')


ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
ctx.load_cert_chain(args.cert, args.key)
deadline = time.time() + args.run_for
while time.time() < deadline:
    srv = HTTPServer((args.bind, args.port), Handler, bind_and_activate=False)
    srv.socket.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.server_bind()
    srv.server_activate()
    srv.socket = ctx.wrap_socket(srv.socket, server_side=True)
    srv.timeout = 0.2
    event("listening")
    while time.time() < deadline and not outage.is_set():
        try:
            srv.handle_request()
        except Exception as e:   # a failed handshake must not stop the platform
            event("error %r" % e)
    srv.server_close()
    if outage.is_set():
        event("outage begins")
        time.sleep(args.outage_after_job)
        outage.clear()
        args.outage_after_job = 0
        event("outage ends")
