#!/usr/bin/env python3
"""Deliberately vulnerable web apps for tests/integration/test_checks.sh, and their fixed twins.

One port per scenario: 91NN is the vulnerable app, 92NN its fixed twin (same NN). Every twin
pair differs only in the one weakness, and every response carries the security headers except
where the weakness is their absence, so each vulnerable app should give exactly its own finding
and its twin none. Runs only inside the test's sink namespace.
usage: vulnapp.py CANARY_URL_BASE   (listens on every port of SCENARIOS, both twins)
"""
import html, os, re, sqlite3, subprocess, sys, threading, urllib.parse, urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

SCENARIOS = {
    1: "git", 2: "svn", 3: "hg", 4: "env", 5: "backup", 6: "server-status", 7: "server-info",
    8: "listing", 9: "trace", 10: "methods", 11: "redirect", 12: "cors", 13: "headers",
    14: "sqli-error", 15: "sqli-boolean", 16: "xss", 17: "traversal", 18: "ssrf", 19: "cmdi",
}
SECURITY = [("Content-Security-Policy", "default-src 'self'"), ("X-Frame-Options", "DENY"),
            ("X-Content-Type-Options", "nosniff")]
DB = sqlite3.connect(":memory:", check_same_thread=False)
DB.execute("CREATE TABLE items (name TEXT, info TEXT)")
DB.execute("INSERT INTO items VALUES ('apple', '%s')" % ("A crisp fruit that grows on trees. " * 8))
DB_LOCK = threading.Lock()
FILES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "files")
CANARY = sys.argv[1] if len(sys.argv) > 1 else ""


def query(sql):
    with DB_LOCK:
        return DB.execute(sql).fetchall()


class App(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "vulnapp/1"

    def log_message(self, fmt, *args):
        pass

    @property
    def kind(self):
        return SCENARIOS[self.server.server_port % 100]

    @property
    def vuln(self):
        return self.server.server_port // 100 == 91

    def reply(self, code, body=b"", ctype="text/html", headers=()):
        if isinstance(body, str):
            body = body.encode()
        self.send_response(code)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        if not (self.kind == "headers" and self.vuln):
            for k, v in SECURITY:
                self.send_header(k, v)
        for k, v in headers:
            self.send_header(k, v)
        self.send_header("Connection", "close")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)
        self.close_connection = True

    def index(self):
        forms = {
            "sqli-error": '<form action="/search" method="get"><input name="q" value="apple"></form>',
            "sqli-boolean": '<form action="/lookup" method="post"><input name="item" value="apple">'
                            '<input type="submit" value="go"></form>',
            "xss": '<a href="/greet?name=friend">greet</a>',
            "traversal": '<a href="/view?file=readme.txt">readme</a>',
            "ssrf": '<form action="/fetch"><input name="url" value="http://127.0.0.1/"></form>',
            "cmdi": '<form action="/ping"><input name="host" value="127.0.0.1"></form>',
            "listing": '<a href="/pub/notes.txt">notes</a>',
        }.get(self.kind, "")
        return "<html><head><title>%s</title></head><body><h1>%s</h1>%s</body></html>" % (
            self.kind, self.kind, forms)

    def params(self):
        u = urllib.parse.urlsplit(self.path)
        p = dict(urllib.parse.parse_qsl(u.query, keep_blank_values=True))
        if self.command == "POST":
            n = int(self.headers.get("Content-Length") or 0)
            p.update(urllib.parse.parse_qsl(self.rfile.read(n).decode("latin-1"), keep_blank_values=True))
        return u.path, p

    def do_HEAD(self):
        self.do_GET()

    def do_POST(self):
        self.do_GET()

    def do_TRACE(self):
        if self.kind == "trace" and self.vuln:
            echo = self.requestline + "\r\n" + str(self.headers)
            return self.reply(200, echo, "message/http")
        self.reply(405, "no")

    def do_OPTIONS(self):
        allow = "GET, HEAD, POST, OPTIONS"
        if self.kind == "methods" and self.vuln:
            allow = "GET, HEAD, POST, OPTIONS, PUT, DELETE"
        self.reply(200, "", headers=[("Allow", allow)])

    def do_GET(self):
        path, p = self.params()
        k, v = self.kind, self.vuln
        if k == "cors" and v and self.headers.get("Origin"):
            extra = [("Access-Control-Allow-Origin", self.headers["Origin"]),
                     ("Access-Control-Allow-Credentials", "true")]
        else:
            extra = [("Access-Control-Allow-Origin", "https://app.example")] if k == "cors" else []
        if path == "/" and k == "redirect" and "next" in p:
            return self.reply(302, "", headers=[("Location", p["next"] if v else "/")])
        if path == "/":
            return self.reply(200, self.index(), headers=extra)
        static = {("git", "/.git/HEAD"): "ref: refs/heads/main\n",
                  ("svn", "/.svn/entries"): "12\n",
                  ("hg", "/.hg/requires"): "revlogv1\nstore\nfncache\ndotencode\n",
                  ("env", "/.env"): "APP_ENV=production\nDB_PASSWORD=xsweep-test-not-a-secret\n",
                  ("backup", "/backup.sql"): "-- MySQL dump 10.13\nCREATE TABLE users (id int);\n",
                  ("server-status", "/server-status"):
                      "<html><title>Apache Status</title><h1>Apache Server Status for 198.19.2.6</h1>"
                      "Server uptime: 3 hours</html>",
                  ("server-info", "/server-info"):
                      "<html><title>Server Information</title><h1>Apache Server Information</h1></html>",
                  ("listing", "/pub/"): "<html><head><title>Index of /pub/</title></head><body>"
                      "<h1>Index of /pub/</h1><a href=\"notes.txt\">notes.txt</a></body></html>"}
        if (k, path) in static:
            if not v:
                return self.reply(403 if k == "listing" else 404, "<html>no</html>")
            body = static[(k, path)]
            return self.reply(200, body, "text/html" if body.startswith("<html") else "text/plain")
        if k == "sqli-error" and path == "/search":
            q = p.get("q", "")
            try:
                rows = query("SELECT name, info FROM items WHERE name = '%s'" % q) if v else \
                    [tuple(r) for r in DB.execute("SELECT name, info FROM items WHERE name = ?", (q,)).fetchall()]
            except sqlite3.Error as e:
                return self.reply(500, "<pre>sqlite3.OperationalError: %s</pre>" % html.escape(str(e)))
            return self.reply(200, "<ul>%s</ul>" % "".join("<li>%s: %s</li>" % (html.escape(a), html.escape(b))
                                                           for a, b in rows))
        if k == "sqli-boolean" and path == "/lookup":
            q = p.get("item", "")
            try:
                if v:
                    rows = query("SELECT name, info FROM items WHERE name = '%s'" % q)
                else:
                    with DB_LOCK:
                        rows = DB.execute("SELECT name, info FROM items WHERE name = ?", (q,)).fetchall()
            except sqlite3.Error:
                rows = []   # errors hidden: only the page's content gives it away
            return self.reply(200, "<p>%d found</p><ul>%s</ul>" % (len(rows), "".join(
                "<li>%s: %s</li>" % (html.escape(a), html.escape(b)) for a, b in rows)))
        if k == "xss" and path == "/greet":
            name = p.get("name", "")
            return self.reply(200, "<p>Hello %s</p>" % (name if v else html.escape(name, quote=True)))
        if k == "traversal" and path == "/view":
            f = p.get("file", "")
            target = os.path.join(FILES, f) if v else os.path.join(FILES, os.path.basename(f))
            try:
                with open(target, "rb") as fh:
                    return self.reply(200, fh.read(4096), "text/plain")
            except OSError:
                return self.reply(404, "<html>no such file</html>")
        if k == "ssrf" and path == "/fetch":
            url = p.get("url", "")
            if not v and not url.startswith("http://127.0.0.1/"):
                return self.reply(400, "<html>host not allowed</html>")
            try:
                with urllib.request.urlopen(url, timeout=3) as r:
                    return self.reply(200, r.read(2048), "text/plain")
            except Exception as e:
                return self.reply(502, "<html>fetch failed</html>")
        if k == "cmdi" and path == "/ping":
            host = p.get("host", "")
            if v:
                out = subprocess.run("echo pinging " + host, shell=True, capture_output=True, timeout=8).stdout
            else:
                out = b"pinging " + (host.encode() if re.fullmatch(r"[0-9.]+", host) else b"(invalid)")
            return self.reply(200, b"<pre>" + html.escape(out.decode(errors="replace")).encode() + b"</pre>")
        self.reply(404, "<html>not found</html>", headers=extra)


def main():
    servers = []
    for nn in SCENARIOS:
        for base in (9100, 9200):
            s = ThreadingHTTPServer(("0.0.0.0", base + nn), App)
            s.daemon_threads = True
            servers.append(s)
            threading.Thread(target=s.serve_forever, daemon=True).start()
    print("ready", flush=True)
    threading.Event().wait(600)   # bounded: the test is over long before


if __name__ == "__main__":
    main()
