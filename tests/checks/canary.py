#!/usr/bin/env python3
"""The SSRF canary: answers every GET with a page holding "xsweep-canary" and logs the path."""
import sys
from http.server import BaseHTTPRequestHandler, HTTPServer


class Canary(BaseHTTPRequestHandler):
    def log_message(self, fmt, *args):
        pass

    def do_GET(self):
        print("hit", self.path, flush=True)
        body = b"xsweep-canary reached\n"
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


HTTPServer(("127.0.0.1", int(sys.argv[1])), Canary).serve_forever()
