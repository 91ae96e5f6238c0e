#!/usr/bin/env python3
"""Canned HTTP responses for tests/http/run.sh (loopback only).

usage: responder.py HTTP_PORT GARBAGE_PORT SILENT_PORT
  HTTP_PORT    answers by path: NTLM / Negotiate challenges, redirects to each SSO provider, SSO
               login pages, chunked bodies, titles with entities, a big body.
  GARBAGE_PORT answers any request with binary junk (-> "Client error").
  SILENT_PORT  accepts and says nothing (-> timeout, "Client error").
Exits by itself after 120 s.
"""
import os
import socket
import socketserver
import sys
import threading

SSO_REDIRECTS = {
    "/sso/google": "https://accounts.google.com/o/oauth2/v2/auth?client_id=1&response_type=code",
    "/sso/entra": "https://login.microsoftonline.com/common/oauth2/v2.0/authorize?client_id=1",
    "/sso/okta": "https://acme.okta.com/app/acme_app_1/exk1/sso/saml",
    "/sso/ping": "https://auth.pingone.com/env-1/as/authorize?client_id=1",
    "/sso/duo": "https://sso-1a2b.sso.duosecurity.com/saml2/sp/DIxxxx/sso",
}

SSO_PAGES = {
    "/page/google": '<script src="https://accounts.google.com/gsi/client" async></script>'
                    '<div id="g_id_onload" data-client_id="1"></div>Sign in with Google',
    "/page/okta": '<div id="okta-sign-in"></div>'
                  '<script src="https://global.oktacdn.com/okta-signin-widget/7.0/js/okta-sign-in.min.js"></script>',
    "/page/saml-google": '<form method="post" action="https://accounts.google.com/o/saml2/idp?idpid=C01">'
                         '<input type="hidden" name="SAMLRequest" value="PHNhbWxwOkF1dGhuUmVxdWVzdA=="/></form>'
                         '<script>document.forms[0].submit();</script>',
    "/page/saml-entra": '<form method="post" action="https://login.microsoftonline.com/t/saml2">'
                        '<input type="hidden" name="SAMLRequest" value="PHNhbWxwOkF1dGhuUmVxdWVzdA=="/></form>',
}

# Open pages that merely mention a provider: not SSO (the seed's "2XX, not detected": critical).
MENTION_PAGES = {
    "/mention/okta-help": 'Questions? See <a href="https://help.okta.com/en-us/content/index.htm">Okta help</a>.',
    "/mention/duo-status": 'MFA outage? <a href="https://status.duosecurity.com/">Duo status</a>',
    "/mention/samlrequest": '<p>The SP sends SAMLRequest=fZJNT8MwDIb%2F in the redirect binding.</p>',
    "/mention/cdn": '<script src="https://ok1static.oktacdn.com/assets/js/sdk/okta-sign-in.min.js"></script>'
                    '<script src="https://accounts.google.com/gsi/client"></script>Open dashboard',
}


def response(status, headers=(), body=b""):
    head = "HTTP/1.1 %s\r\n" % status
    for k, v in headers:
        head += "%s: %s\r\n" % (k, v)
    if not any(k.lower() in ("content-length", "transfer-encoding") for k, _ in headers):
        head += "Content-Length: %d\r\n" % len(body)
    return head.encode() + b"Connection: close\r\n\r\n" + body


def answer(path):
    if path == "/ntlm":
        return response("401 Unauthorized", [("WWW-Authenticate", "NTLM"),
                                             ("WWW-Authenticate", "Negotiate")])
    if path == "/negotiate":
        return response("401 Unauthorized", [("WWW-Authenticate", "Negotiate")])
    if path in SSO_REDIRECTS:
        return response("302 Found", [("Location", SSO_REDIRECTS[path])])
    if path == "/basic200":   # a 200 that still carries a challenge: the seed's "2XX with Basic"
        return response("200 OK", [("WWW-Authenticate", 'Basic realm="x"'), ("Content-Type", "text/html")],
                        b"<html><title>ok</title>open</html>")
    if path == "/login-form":   # a password field: form_login, no auth method
        body = b'<html><title>Sign in</title><form method="post" action="/session"><input name="user">'                b'<input type="password" name="pass"><button>Sign in</button></form></html>'
        return response("200 OK", [("Content-Type", "text/html")], body)
    if path == "/latin1":   # declared ISO-8859-1, with HTML5-only entities
        body = "<title>Caf\u00e9 &eacute;&uuml;ber &hearts;</title><p>na\u00efve \u00a9</p>".encode("latin-1")
        return response("200 OK", [("Content-Type", "text/html; charset=ISO-8859-1")], body)
    if path == "/canvas-secret":   # a secret drawn by canvas: no DOM text shows it
        tok = "ghp_" + "Z9y8X7w6V5u4T3s2R1q0P9o8N7m6L5k4J3i2"
        body = ('<html><head><title>board</title></head><body><canvas id="c" width="600" height="80">'
                '</canvas><script>var k="%s";var x=document.getElementById("c").getContext("2d");'
                'x.font="20px monospace";x.fillText(k,10,40);</script></body></html>' % tok).encode()
        return response("200 OK", [("Content-Type", "text/html")], body)
    if path in MENTION_PAGES:
        body = ("<html><head><title>Dashboard</title></head><body>%s</body></html>" % MENTION_PAGES[path]).encode()
        return response("200 OK", [("Content-Type", "text/html")], body)
    if path in SSO_PAGES:
        body = ("<html><head><title>Sign in</title></head><body>%s</body></html>" % SSO_PAGES[path]).encode()
        return response("200 OK", [("Content-Type", "text/html")], body)
    if path == "/chunked":
        chunks = [b"<html><title>Chunked &amp; ", b"decoded</title>", b"</html>"]
        body = b"".join(b"%x\r\n%s\r\n" % (len(c), c) for c in chunks) + b"0\r\n\r\n"
        return response("200 OK", [("Transfer-Encoding", "chunked")], body)
    if path == "/title":
        body = "<title>\n  Caf\u00e9 &lt;Admin&gt;\t&#8212; &quot;Console&quot;  </title>".encode()
        return response("200 OK", [("Set-Cookie", "sid=1; HttpOnly"), ("Set-Cookie", "b=2")], body)
    if path == "/big":
        return response("200 OK", [("Content-Type", "text/plain")], b"x" * 300000)
    if path == "/error":
        return response("500 Internal Server Error", [], b"boom")
    return response("404 Not Found", [], b"not here")


class HttpHandler(socketserver.BaseRequestHandler):
    def handle(self):
        self.request.settimeout(5)
        data = b""
        while b"\r\n\r\n" not in data and len(data) < 65536:
            chunk = self.request.recv(4096)
            if not chunk:
                return
            data += chunk
        try:
            path = data.split(b" ")[1].decode("latin-1")
        except IndexError:
            path = "/"
        try:
            self.request.sendall(answer(path))
        except OSError:
            pass


class GarbageHandler(socketserver.BaseRequestHandler):
    def handle(self):
        self.request.settimeout(5)
        try:
            self.request.recv(4096)
            self.request.sendall(b"\x00\x01\x02garbage\xff\xfe not http at all\r\n")
        except OSError:
            pass


class SilentHandler(socketserver.BaseRequestHandler):
    def handle(self):
        self.request.settimeout(10)
        try:
            while self.request.recv(4096):
                pass
        except OSError:
            pass


class Server(socketserver.ThreadingTCPServer):
    allow_reuse_address = True
    daemon_threads = True


def main():
    ports = [int(p) for p in sys.argv[1:4]]
    bind = os.environ.get("XHT_BIND", "127.0.0.1")   # the namespace test binds every address
    servers = [Server((bind, p), h)
               for p, h in zip(ports, (HttpHandler, GarbageHandler, SilentHandler))]
    for s in servers:
        threading.Thread(target=s.serve_forever, daemon=True).start()
    threading.Event().wait(120)


if __name__ == "__main__":
    main()
