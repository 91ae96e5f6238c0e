#!/usr/bin/env python3
"""A TLS server on ADDR:443 that also 'accepts' SSLv3: an SSLv3 ClientHello gets an SSLv3
ServerHello (then the connection closes: no Debian library speaks SSLv3 any more, so this stub
is how the hand-built hello's detection is tested). Everything else is served over TLS 1.2+
with CERT/KEY, as a small HTTPS page.
usage: sslv3_stub.py ADDR CERT KEY"""
import os, socket, ssl, sys, threading

addr, cert, key = sys.argv[1:4]
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
ctx.minimum_version = ssl.TLSVersion.TLSv1_2
ctx.load_cert_chain(cert, key)
PAGE = (b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 13\r\nConnection: close\r\n\r\n"
        b"<html></html>")


def sslv3_server_hello():
    body = b"\x03\x00" + os.urandom(32) + b"\x00" + b"\x00\x0a" + b"\x00"
    hs = b"\x02" + len(body).to_bytes(3, "big") + body
    return b"\x16\x03\x00" + len(hs).to_bytes(2, "big") + hs


def serve(c):
    c.settimeout(5)
    try:
        head = c.recv(11, socket.MSG_PEEK)
        if len(head) >= 11 and head[0] == 0x16 and head[1:3] == b"\x03\x00" and head[9:11] == b"\x03\x00":
            c.recv(4096)
            c.sendall(sslv3_server_hello())
            return
        s = ctx.wrap_socket(c, server_side=True)
        s.recv(4096)
        s.sendall(PAGE)
        s.close()
    except (OSError, ssl.SSLError):
        pass
    finally:
        c.close()


ls = socket.socket()
ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
ls.bind((addr, 443))
ls.listen(16)
ls.settimeout(300)
print("ready", flush=True)
while True:
    conn, _ = ls.accept()
    threading.Thread(target=serve, args=(conn,), daemon=True).start()
