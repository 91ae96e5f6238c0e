/* Hand-built ClientHellos for what OpenSSL 3 will not send: an SSLv3 hello, and TLS hellos that
 * offer only weak cipher suites. Only the ServerHello's version and chosen suite are read; no
 * handshake is completed, so nothing depends on the local library supporting those suites. */
#include <string.h>
#include <sys/socket.h>
#include <sys/random.h>
#include <unistd.h>
#include "tls_internal.h"

static size_t put16(unsigned char *b, size_t o, unsigned v)
{
    b[o] = (unsigned char)(v >> 8);
    b[o + 1] = (unsigned char)v;
    return o + 2;
}

size_t tls_build_hello(unsigned char *b, size_t cap, unsigned version, const uint16_t *suites,
                       size_t nsuites, const char *sni)
{
    if (cap < 512 + nsuites * 2)
        return 0;
    size_t o = 0;
    b[o++] = 0x16; /* handshake record */
    o = put16(b, o, version == 0x0300 ? 0x0300 : 0x0301);
    size_t rec_len = o;
    o += 2;
    b[o++] = 0x01; /* ClientHello */
    size_t hs_len = o;
    o += 3;
    o = put16(b, o, version);
    if (getrandom(b + o, 32, 0) != 32)
        memset(b + o, 0x5a, 32);
    o += 32;
    b[o++] = 0; /* no session id */
    o = put16(b, o, (unsigned)(nsuites * 2 + 2));
    for (size_t i = 0; i < nsuites; i++)
        o = put16(b, o, suites[i]);
    o = put16(b, o, 0x00ff); /* renegotiation SCSV */
    b[o++] = 1;
    b[o++] = 0; /* null compression */
    if (version > 0x0300) {
        size_t ext_len = o;
        o += 2;
        size_t sl = sni ? strlen(sni) : 0;
        if (sl && sl < 200) {
            o = put16(b, o, 0x0000);
            o = put16(b, o, (unsigned)sl + 5);
            o = put16(b, o, (unsigned)sl + 3);
            b[o++] = 0;
            o = put16(b, o, (unsigned)sl);
            memcpy(b + o, sni, sl);
            o += sl;
        }
        static const unsigned char groups[] = {0x00, 0x0a, 0x00, 0x08, 0x00, 0x06,
                                               0x00, 0x17, 0x00, 0x18, 0x00, 0x1d};
        memcpy(b + o, groups, sizeof groups);
        o += sizeof groups;
        static const unsigned char points[] = {0x00, 0x0b, 0x00, 0x02, 0x01, 0x00};
        memcpy(b + o, points, sizeof points);
        o += sizeof points;
        static const unsigned char sigalgs[] = {0x00, 0x0d, 0x00, 0x10, 0x00, 0x0e, 0x04,
                                                0x01, 0x05, 0x01, 0x06, 0x01, 0x02, 0x01,
                                                0x04, 0x03, 0x05, 0x03, 0x08, 0x04};
        memcpy(b + o, sigalgs, sizeof sigalgs);
        o += sizeof sigalgs;
        put16(b, ext_len, (unsigned)(o - ext_len - 2));
    }
    put16(b, rec_len, (unsigned)(o - rec_len - 2));
    b[hs_len] = 0;
    put16(b, hs_len + 1, (unsigned)(o - hs_len - 3));
    return o;
}

int tls_read_server_hello(int fd, unsigned *version, unsigned *suite)
{
    unsigned char b[512]; /* header, version, random, a session id of up to 32 bytes, suite */
    size_t n = 0;
    while (n < 5 + 4 + 2 + 32 + 1) {
        ssize_t r = recv(fd, b + n, sizeof b - n, 0);
        if (r <= 0)
            break;
        n += (size_t)r;
    }
    if (n >= 7 && b[0] == 0x15)
        return 0; /* alert: refused */
    if (n < 5 + 4 + 2 + 32 + 1 || b[0] != 0x16 || b[5] != 0x02)
        return n ? 0 : -1; /* not a ServerHello; -1 when nothing came */
    *version = (unsigned)(b[9] << 8 | b[10]);
    size_t sid = b[43];
    size_t need = 44 + sid + 2;
    while (n < need && n < sizeof b) {
        ssize_t r = recv(fd, b + n, sizeof b - n, 0);
        if (r <= 0)
            break;
        n += (size_t)r;
    }
    if (n < need || need > sizeof b)
        return 0;
    *suite = (unsigned)(b[44 + sid] << 8 | b[45 + sid]);
    return 1;
}
