#!/usr/bin/env python3
"""Hostile HTTP servers for xsweep's HTTP stage: one TCP port per misbehaviour, one asyncio loop.

    hostile_server.py [--bind ADDR] [--base PORT] [--tag TEXT] [--ready FILE]

Ports are BASE + offset (see BEHAVIOURS), except the TLS ones, which sit on 443 and 8443 so xsweep
tries TLS first there. With --ready, the port map "name port" is written to FILE once every
socket listens. Every connection is bounded in time (LIFETIME s) so nothing outlives a test.
The --tag argument is ignored; it only marks the command line so a test can find its own process.
"""
import argparse
import asyncio
import os
import socket
import struct
import sys

LIFETIME = 30.0                  # no connection is kept longer than this
GIB = 1 << 30
CHUNK = b"A" * 65536             # the 1 GB body is this, streamed, never held


async def close(writer, rst=False):
    try:
        if rst:
            sock = writer.get_extra_info("socket")
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            writer.transport.abort()
        else:
            writer.close()
            await writer.wait_closed()
    except (OSError, ConnectionError):
        pass


async def read_request(reader):
    """Reads up to the end of the request head (or 8 KiB, or 3 s): enough to know it is a GET."""
    try:
        return await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), 3)
    except (asyncio.TimeoutError, asyncio.IncompleteReadError, asyncio.LimitOverrunError, ConnectionError):
        return b""


async def normal(reader, writer, port):
    await read_request(reader)
    body = (b"<html><head><title>Normal Page</title></head>"
            b"<body><h1>hostile-normal</h1><p>All fine here.</p></body></html>\n")
    writer.write(b"HTTP/1.1 200 OK\r\nServer: hostile-normal/1.0\r\nContent-Type: text/html; charset=utf-8\r\n"
                 b"Content-Length: %d\r\nConnection: close\r\n\r\n" % len(body) + body)
    await writer.drain()


async def silent(reader, writer, port):
    await asyncio.sleep(LIFETIME)       # accepts, reads nothing, says nothing


async def drip(reader, writer, port):
    await read_request(reader)
    for b in b"HTTP/1.1 200 OK\r\nServer: drip\r\n\r\nslow":
        writer.write(bytes([b]))
        await writer.drain()
        await asyncio.sleep(1)


async def huge_body(reader, writer, port):
    await read_request(reader)
    writer.write(b"HTTP/1.1 200 OK\r\nServer: huge-body\r\nContent-Type: text/html\r\n"
                 b"Content-Length: %d\r\n\r\n<html><head><title>Huge</title></head><body>" % GIB)
    sent = 0
    while sent < GIB:                   # the peer closing ends this with an exception
        writer.write(CHUNK)
        await writer.drain()
        sent += len(CHUNK)


async def many_headers(reader, writer, port):
    await read_request(reader)
    writer.write(b"HTTP/1.1 200 OK\r\nServer: many-headers\r\n")
    block = []
    for i in range(100000):
        block.append(b"X-Header-%d: value-%d\r\n" % (i, i))
        if len(block) == 1000:
            writer.write(b"".join(block)); block = []
            await writer.drain()
    writer.write(b"Content-Length: 2\r\n\r\nok")
    await writer.drain()


async def long_header(reader, writer, port):
    await read_request(reader)
    writer.write(b"HTTP/1.1 200 OK\r\nServer: long-header\r\nX-Long: ")
    for _ in range(160):                # 160 x 64 KiB = 10 MiB on one header line
        writer.write(CHUNK)
        await writer.drain()
    writer.write(b"\r\nContent-Length: 2\r\n\r\nok")
    await writer.drain()


async def bad_utf8_title(reader, writer, port):
    await read_request(reader)
    body = (b"<html><head><title>bad\xff\xfe utf8 \xc3\x28 nul\x00here \xed\xa0\x80 \"q\" \\ \x01\x1f end"
            b"</title></head><body>\x00\xff\x80 body</body></html>")
    writer.write(b"HTTP/1.1 200 OK\r\nServer: bad\xffutf8\r\nX-Nul: a\x01b\r\nContent-Type: text/html\r\n"
                 b"Content-Length: %d\r\n\r\n" % len(body) + body)
    await writer.drain()


async def redirect_loop(reader, writer, port):
    await read_request(reader)
    writer.write(b"HTTP/1.1 302 Found\r\nServer: redirect-loop\r\nLocation: http://%s:%d/\r\n"
                 b"Content-Length: 0\r\n\r\n" % (writer.get_extra_info("sockname")[0].encode(), port))
    await writer.drain()


async def tls_garbage(reader, writer, port):
    try:
        await asyncio.wait_for(reader.read(4096), 3)   # the ClientHello (or a GET)
    except (asyncio.TimeoutError, ConnectionError):
        pass
    writer.write(b"\x16\x03\x01\xff\xffNOT-TLS " + os.urandom(2048) + b"\r\n\r\n")
    await writer.drain()
    await asyncio.sleep(1)


async def tls_reset(reader, writer, port):
    try:
        head = await asyncio.wait_for(reader.readexactly(5), 3)       # TLS record header
        if head[0] == 0x16:
            await asyncio.wait_for(reader.readexactly(struct.unpack("!H", head[3:5])[0]), 3)
    except (asyncio.TimeoutError, asyncio.IncompleteReadError, ConnectionError):
        pass
    await close(writer, rst=True)


BEHAVIOURS = [  # (name, port offset or fixed port, handler)
    ("normal", 0, normal),
    ("silent", 1, silent),
    ("drip", 2, drip),
    ("huge_body", 3, huge_body),
    ("many_headers", 4, many_headers),
    ("long_header", 5, long_header),
    ("bad_utf8_title", 6, bad_utf8_title),
    ("redirect_loop", 7, redirect_loop),
    ("tls_garbage", "443", tls_garbage),
    ("tls_reset", "8443", tls_reset),
]


def port_of(offset, base):
    return int(offset) if isinstance(offset, str) else base + offset


def make_handler(fn, port):
    async def handle(reader, writer):
        try:
            await asyncio.wait_for(fn(reader, writer, port), LIFETIME)
        except (asyncio.TimeoutError, ConnectionError, OSError):
            pass
        finally:
            if not writer.transport.is_closing():
                await close(writer)
    return handle


async def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bind", default="0.0.0.0")
    ap.add_argument("--base", type=int, default=8000)
    ap.add_argument("--tag", default="")
    ap.add_argument("--ready")
    a = ap.parse_args()
    servers, lines = [], []
    for name, off, fn in BEHAVIOURS:
        port = port_of(off, a.base)
        servers.append(await asyncio.start_server(make_handler(fn, port), a.bind, port,
                                                  reuse_address=True, backlog=1024))
        lines.append(f"{name} {port}\n")
    if a.ready:
        with open(a.ready + ".tmp", "w") as f:
            f.writelines(lines)
        os.rename(a.ready + ".tmp", a.ready)
    await asyncio.gather(*(s.serve_forever() for s in servers))


if __name__ == "__main__":
    try:
        asyncio.run(main())
    except KeyboardInterrupt:
        sys.exit(0)
