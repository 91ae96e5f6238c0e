/* The plain-text upgrade before a TLS handshake, as testssl.sh --starttls and openssl s_client
 * -starttls do it: SMTP (RFC 3207), IMAP (RFC 9051 6.2.1), POP3 (RFC 2595 4), FTP (RFC 4217 4)
 * PostgreSQL (SSLRequest, protocol 3.0) and MySQL/MariaDB (the SSL request packet of the client
 * protocol 4.1), LDAP (the StartTLS extended operation, RFC 4511 4.14) and XMPP (RFC 6120 5.4:
 * a client stream header, <starttls/>, <proceed/>). Only the protocol's
 * greeting and its answer to the upgrade are read (a line at a time, or exactly the announced
 * length), so no byte of the server's handshake is consumed here. */
#include <string.h>
#include <strings.h>
#include <stdio.h>
#include <sys/socket.h>
#include "xsweep/addr.h"
#include "xsweep/checks.h"
#include "xsweep/probe.h"
#include "tls_internal.h"

#define LINE_MAX_BYTES 1024
#define LINES_MAX      64

static const char *const names[XS_STARTTLS_COUNT] = {"",         "smtp",  "imap", "pop3", "ftp",
                                                     "postgres", "mysql", "ldap", "xmpp"};

const char *xs_starttls_name(xs_starttls s)
{
    return (unsigned)s < XS_STARTTLS_COUNT ? names[s] : "";
}

xs_starttls xs_starttls_for_protocol(const char *protocol)
{
    static const struct {
        const char *probe;
        xs_starttls s;
    } map[] = {
        {"smtp", XS_STARTTLS_SMTP},           {"imap", XS_STARTTLS_IMAP},
        {"pop3", XS_STARTTLS_POP3},           {"ftp", XS_STARTTLS_FTP},
        {"postgresql", XS_STARTTLS_POSTGRES}, {"mysql", XS_STARTTLS_MYSQL},
        {"ldap", XS_STARTTLS_LDAP},           {"xmpp", XS_STARTTLS_XMPP},
    };
    for (size_t i = 0; protocol && i < sizeof map / sizeof *map; i++)
        if (!strcmp(protocol, map[i].probe))
            return map[i].s;
    return XS_STARTTLS_NONE;
}

/* One line (CRLF or LF), NUL-terminated without its end; its length, or -1 (timeout, close,
 * too long). recv() one byte at a time: the socket has SO_RCVTIMEO from check_connect. */
static int read_line(int fd, char *line, size_t cap)
{
    size_t n = 0;
    for (;;) {
        char c;
        if (recv(fd, &c, 1, 0) != 1)
            return -1;
        if (c == '\n')
            break;
        if (n + 1 >= cap)
            return -1;
        line[n++] = c;
    }
    if (n && line[n - 1] == '\r')
        n--;
    line[n] = '\0';
    return (int)n;
}

static int say(int fd, const char *s)
{
    size_t n = strlen(s);
    return send(fd, s, n, MSG_NOSIGNAL) == (ssize_t)n ? 0 : -1;
}

/* An SMTP or FTP reply: "NNN-..." lines, then "NNN ...". Its code, or -1; *seen_starttls when
 * a line of it names STARTTLS (the EHLO reply). */
static int reply_code(int fd, bool *seen_starttls)
{
    char line[LINE_MAX_BYTES];
    for (int i = 0; i < LINES_MAX; i++) {
        int n = read_line(fd, line, sizeof line);
        if (n < 3)
            return -1;
        if (seen_starttls && n >= 12 && !strncasecmp(line + 4, "STARTTLS", 8))
            *seen_starttls = true;
        if (n == 3 || line[3] == ' ')
            return (line[0] - '0') * 100 + (line[1] - '0') * 10 + (line[2] - '0');
        if (line[3] != '-')
            return -1;
    }
    return -1;
}

static int smtp(int fd)
{
    bool offered = false;
    if (reply_code(fd, NULL) != 220 || say(fd, "EHLO xsweep.invalid\r\n") < 0 ||
        reply_code(fd, &offered) != 250 || !offered)
        return -1;
    return say(fd, "STARTTLS\r\n") == 0 && reply_code(fd, NULL) == 220 ? 0 : -1;
}

static int ftp(int fd)
{
    if (reply_code(fd, NULL) != 220 || say(fd, "AUTH TLS\r\n") < 0)
        return -1;
    return reply_code(fd, NULL) == 234 ? 0 : -1;
}

static int imap(int fd)
{
    char line[LINE_MAX_BYTES];
    if (read_line(fd, line, sizeof line) < 4 || strncasecmp(line, "* OK", 4) ||
        say(fd, "xs1 STARTTLS\r\n") < 0)
        return -1;
    for (int i = 0; i < LINES_MAX; i++) { /* untagged lines may come before our tag */
        if (read_line(fd, line, sizeof line) < 0)
            return -1;
        if (!strncasecmp(line, "xs1 ", 4))
            return !strncasecmp(line + 4, "OK", 2) ? 0 : -1;
    }
    return -1;
}

static int pop3(int fd)
{
    char line[LINE_MAX_BYTES];
    if (read_line(fd, line, sizeof line) < 3 || strncmp(line, "+OK", 3) || say(fd, "STLS\r\n") < 0)
        return -1;
    return read_line(fd, line, sizeof line) >= 3 && !strncmp(line, "+OK", 3) ? 0 : -1;
}

static int postgres(int fd)
{
    static const unsigned char ssl_request[8] = {0, 0, 0, 8, 0x04, 0xd2, 0x16, 0x2f}; /* 80877103 */
    char answer;
    if (send(fd, ssl_request, sizeof ssl_request, MSG_NOSIGNAL) != (ssize_t)sizeof ssl_request ||
        recv(fd, &answer, 1, 0) != 1)
        return -1;
    return answer == 'S' ? 0 : -1; /* 'N': no TLS on this server */
}

static int recv_all(int fd, unsigned char *b, size_t n)
{
    for (size_t got = 0; got < n;) {
        ssize_t r = recv(fd, b + got, n - got, 0);
        if (r <= 0)
            return -1;
        got += (size_t)r;
    }
    return 0;
}

/* The server's greeting (protocol 10) must offer CLIENT_SSL; the answer is an SSL request: the
 * first 32 bytes of a handshake response (capabilities, max packet, charset, 23 zeros). */
static int mysql(int fd)
{
    unsigned char h[4], g[1024];
    if (recv_all(fd, h, 4) < 0)
        return -1;
    size_t len = (size_t)h[0] | (size_t)h[1] << 8 | (size_t)h[2] << 16;
    if (len < 2 || len > sizeof g || recv_all(fd, g, len) < 0 || g[0] != 10)
        return -1; /* 0xff: an error packet (host not allowed ...); other: not protocol 10 */
    const unsigned char *end = memchr(g + 1, '\0', len - 1);   /* the server version */
    size_t at = end ? (size_t)(end - g) + 1 + 4 + 8 + 1 : len; /* conn id, scramble, filler */
    if (at + 2 > len)
        return -1;
    unsigned caps = (unsigned)g[at] | (unsigned)g[at + 1] << 8;
    if (!(caps & 0x0800)) /* CLIENT_SSL */
        return -1;
    static const unsigned char ssl_request[4 + 32] = {
        32,   0,    0,
        1, /* length 32, sequence 1 */
        0x05, 0xaa, 0x00,
        0x00, /* LONG_PASSWORD, LONG_FLAG, PROTOCOL_41, SSL, TRANSACTIONS,
                                         * SECURE_CONNECTION */
        0x00, 0x00, 0x00,
        0x01, /* max packet 16 MiB */
        0x21, /* utf8_general_ci */
    };
    return send(fd, ssl_request, sizeof ssl_request, MSG_NOSIGNAL) == (ssize_t)sizeof ssl_request
               ? 0
               : -1;
}

/* The StartTLS ExtendedRequest; its ExtendedResponse read to its last byte (header first, then
 * the announced length) and no further: the server's TLS bytes come only after our ClientHello. */
static int ldap(int fd)
{
    unsigned char m[LINE_MAX_BYTES];
    if (send(fd, xs_ldap_starttls_request, sizeof xs_ldap_starttls_request, MSG_NOSIGNAL) !=
            (ssize_t)sizeof xs_ldap_starttls_request ||
        recv_all(fd, m, 2) < 0 || m[0] != 0x30)
        return -1;
    size_t hdr = 2, len = m[1];
    if (m[1] & 0x80) {
        size_t k = m[1] & 0x7fu;
        if (k == 0 || k > 2 || recv_all(fd, m + 2, k) < 0)
            return -1;
        hdr += k;
        len = k == 1 ? m[2] : (size_t)m[2] << 8 | m[3];
    }
    if (len > sizeof m - hdr || recv_all(fd, m + hdr, len) < 0)
        return -1;
    xs_ldap_message msg;
    if (xs_ldap_message_read(m, hdr + len, &msg) != XS_PROBE_PARSE_OK || msg.id != 1 ||
        msg.op != 24) /* ExtendedResponse to ours (id 0: a Notice of Disconnection) */
        return -1;
    return xs_ldap_result_code(&msg) == 0 ? 0 : -1; /* protocolError 2: no TLS configured */
}

/* Reads one byte at a time into b[0..cap) until done(b, n) says the element it waits for is
 * whole; its length, or -1 (timeout, close, cap reached). */
static int read_until(int fd, char *b, size_t cap, bool (*done)(const char *, size_t))
{
    for (size_t n = 0; n + 1 < cap;) {
        if (recv(fd, b + n, 1, 0) != 1)
            return -1;
        b[++n] = '\0';
        if (b[n - 1] == '>' && done(b, n))
            return (int)n;
    }
    return -1;
}

static bool features_done(const char *b, size_t n)
{
    return xs_probe_xmpp_features_end((const unsigned char *)b, n) != SIZE_MAX;
}

static bool proceed_done(const char *b, size_t n)
{
    (void)n;
    return strstr(b, "<proceed") || strstr(b, "<failure");
}

/* The client stream header to the server's address (no name is known; testssl.sh -t xmpp needs
 * --xmpphost ADDRESS for the same), the features must offer STARTTLS, then <starttls/> and the server's <proceed/>. */
static int xmpp(int fd)
{
    struct sockaddr_storage ss;
    socklen_t sl = sizeof ss;
    xs_addr peer;
    char host[XS_ADDR_STRLEN] = "", b[4096];
    if (getpeername(fd, (struct sockaddr *)&ss, &sl) == 0 &&
        xs_addr_from_sockaddr((struct sockaddr *)&ss, &peer, NULL))
        xs_addr_format(&peer, host);
    int n = snprintf(b, sizeof b,
                     "<?xml version='1.0'?><stream:stream to='%s' xmlns='jabber:client' "
                     "xmlns:stream='http://etherx.jabber.org/streams' version='1.0'>",
                     host);
    if (n < 0 || (size_t)n >= sizeof b || say(fd, b) < 0 ||
        read_until(fd, b, sizeof b, features_done) < 0 ||
        !strstr(b, "urn:ietf:params:xml:ns:xmpp-tls") || strstr(b, "<stream:error") ||
        say(fd, "<starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>") < 0 ||
        read_until(fd, b, sizeof b, proceed_done) < 0)
        return -1;
    return strstr(b, "<proceed") ? 0 : -1;
}

int tls_starttls(int fd, xs_starttls kind)
{
    switch (kind) {
    case XS_STARTTLS_NONE:
        return 0;
    case XS_STARTTLS_SMTP:
        return smtp(fd);
    case XS_STARTTLS_IMAP:
        return imap(fd);
    case XS_STARTTLS_POP3:
        return pop3(fd);
    case XS_STARTTLS_FTP:
        return ftp(fd);
    case XS_STARTTLS_POSTGRES:
        return postgres(fd);
    case XS_STARTTLS_MYSQL:
        return mysql(fd);
    case XS_STARTTLS_LDAP:
        return ldap(fd);
    case XS_STARTTLS_XMPP:
        return xmpp(fd);
    default:
        return -1;
    }
}
