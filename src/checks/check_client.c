/* One HTTP/1.1 exchange for a check: a fresh connection (the clock was asked before this call),
 * Connection: close, TLS without verification (the audit judges certificates, not this client),
 * and a response read up to a fixed cap within one deadline. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/ssl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include "check_internal.h"
#include "xsweep/clock.h"

#define RESPONSE_CAP (256u * 1024u)

/* When this thread last started a connection (CLOCK_MONOTONIC, just after the SYN went out): the
 * gate hands it to the clock, because the grant came earlier and the next one must count from it. */
_Thread_local uint64_t check_last_connect_ns;

/* A connected socket within the timeout, or -1. */
int check_connect(const xs_addr *addr, uint16_t port, unsigned timeout_ms)
{
    struct sockaddr_storage sa;
    socklen_t salen = xs_addr_to_sockaddr(addr, port, &sa);
    int fd = socket(sa.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return -1;
    int rc = connect(fd, (struct sockaddr *)&sa, salen), saved = errno;
    /* Read after connect(): the SYN left inside that call, so the contact is never dated before it
     * (a thread preempted between a clock read and connect() would otherwise shorten the gap). */
    check_last_connect_ns = xs_now_ns();
    if (rc < 0 && saved != EINPROGRESS) {
        close(fd);
        return -1;
    }
    struct pollfd p = {fd, POLLOUT, 0};
    int soerr = 0;
    socklen_t sl = sizeof soerr;
    if (poll(&p, 1, (int)timeout_ms) != 1 ||
        getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &sl) < 0 || soerr) {
        close(fd);
        return -1;
    }
    /* Blocking from here on, bounded by socket timeouts. */
    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
    struct timeval tv = {(time_t)(timeout_ms / 1000), (suseconds_t)(timeout_ms % 1000) * 1000};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    return fd;
}

typedef struct {
    int fd;
    SSL_CTX *ctx;
    SSL *ssl;
} link_t;

static SSL_CTX *client_ctx(void)
{
    SSL_CTX *ctx = SSL_CTX_new(TLS_client_method());
    if (ctx) {
        SSL_CTX_set_verify(ctx, SSL_VERIFY_NONE, NULL);
        SSL_CTX_set_security_level(ctx,
                                   0); /* talk to old servers too: judging is the audit's job */
        SSL_CTX_set_min_proto_version(ctx, TLS1_VERSION);
    }
    return ctx;
}

static int link_open(link_t *l, const check_conn *c)
{
    memset(l, 0, sizeof *l);
    if ((l->fd = check_connect(&c->addr, c->port, c->timeout_ms)) < 0)
        return -1;
    if (!c->tls)
        return 0;
    if (!(l->ctx = client_ctx()) || !(l->ssl = SSL_new(l->ctx)))
        return -1;
    SSL_set_fd(l->ssl, l->fd);
    if (c->host && !strchr(c->host, ':') && inet_addr(c->host) == INADDR_NONE)
        SSL_set_tlsext_host_name(l->ssl, c->host);
    return SSL_connect(l->ssl) == 1 ? 0 : -1;
}

static void link_close(link_t *l)
{
    if (l->ssl)
        SSL_free(l->ssl);
    if (l->ctx)
        SSL_CTX_free(l->ctx);
    if (l->fd >= 0)
        close(l->fd);
}

static int link_write(link_t *l, const char *buf, size_t n)
{
    size_t off = 0;
    while (off < n) {
        long w = l->ssl ? SSL_write(l->ssl, buf + off, (int)(n - off))
                        : send(l->fd, buf + off, n - off, MSG_NOSIGNAL);
        if (w <= 0)
            return -1;
        off += (size_t)w;
    }
    return 0;
}

static long link_read(link_t *l, char *buf, size_t n)
{
    return l->ssl ? SSL_read(l->ssl, buf, (int)n) : recv(l->fd, buf, n, 0);
}

static const char *find_header(const char *head, size_t len, const char *name, size_t *vlen)
{
    size_t nl = strlen(name);
    for (const char *p = head; p && p < head + len;) {
        const char *eol = memchr(p, '\n', (size_t)(head + len - p));
        size_t ll = eol ? (size_t)(eol - p) : (size_t)(head + len - p);
        if (ll > nl && p[nl] == ':' && !strncasecmp(p, name, nl)) {
            const char *v = p + nl + 1;
            while (*v == ' ' || *v == '\t')
                v++;
            *vlen = (size_t)(p + ll - v);
            while (*vlen && (v[*vlen - 1] == '\r' || v[*vlen - 1] == ' '))
                (*vlen)--;
            return v;
        }
        p = eol ? eol + 1 : NULL;
    }
    return NULL;
}

/* In place; a malformed chunk stream keeps what was decoded so far. */
static size_t dechunk(char *b, size_t n)
{
    size_t in = 0, out = 0;
    while (in < n) {
        char *end;
        unsigned long sz = strtoul(b + in, &end, 16);
        char *eol = memchr(b + in, '\n', n - in);
        if (!eol || end == b + in)
            break;
        in = (size_t)(eol - b) + 1;
        if (sz == 0 || sz > n - in)
            break;
        memmove(b + out, b + in, sz);
        out += sz;
        in += sz;
        if (in < n && b[in] == '\r')
            in++;
        if (in < n && b[in] == '\n')
            in++;
    }
    return out;
}

static int parse_response(char *buf, size_t n, check_response *r)
{
    char *sep = NULL;
    for (size_t i = 0; i + 3 < n; i++)
        if (!memcmp(buf + i, "\r\n\r\n", 4)) {
            sep = buf + i;
            break;
        }
    if (n < 12 || strncmp(buf, "HTTP/", 5))
        return -1;
    const char *sp = memchr(buf, ' ', n);
    if (!sp)
        return -1;
    r->status = atoi(sp + 1);
    /* nuclei's header part starts at the status line */
    char *head = buf;
    char *hend = sep ? sep + 2 : buf + n;
    r->head_len = (size_t)(hend - head);
    r->head = malloc(r->head_len + 1);
    char *body = sep ? sep + 4 : buf + n;
    r->body_len = (size_t)(buf + n - body);
    r->body = malloc(r->body_len + 1);
    if (!r->head || !r->body)
        return -1;
    memcpy(r->head, head, r->head_len);
    r->head[r->head_len] = '\0';
    memcpy(r->body, body, r->body_len);
    size_t vl;
    const char *te = find_header(r->head, r->head_len, "Transfer-Encoding", &vl);
    if (te && vl >= 7 && !strncasecmp(te, "chunked", 7))
        r->body_len = dechunk(r->body, r->body_len);
    r->body[r->body_len] = '\0';
    const char *loc = find_header(r->head, r->head_len, "Location", &vl);
    if (loc)
        snprintf(r->location, sizeof r->location, "%.*s", (int)vl, loc);
    return 0;
}

int check_http(const check_conn *c, const char *method, const char *target, const check_header *h,
               size_t nh, const char *body, size_t body_len, check_response *r)
{
    memset(r, 0, sizeof *r);
    link_t l;
    char hostbuf[64];
    const char *host = c->host;
    if (!host) {
        char ip[XS_ADDR_STRLEN + 2];
        xs_addr_format_host(&c->addr, ip); /* [2001:2::5] for IPv6 (RFC 7230 5.4) */
        bool dflt = (c->tls && c->port == 443) || (!c->tls && c->port == 80);
        snprintf(hostbuf, sizeof hostbuf, dflt ? "%s" : "%s:%u", ip, c->port);
        host = hostbuf;
    }
    size_t cap = 2048 + strlen(target) + body_len;
    for (size_t i = 0; i < nh; i++)
        cap += strlen(h[i].name) + strlen(h[i].value) + 4;
    char *req = malloc(cap);
    char *buf = malloc(RESPONSE_CAP + 1);
    int rc = -1;
    if (!req || !buf)
        goto out;
    int off = snprintf(req, cap, "%s %s HTTP/1.1\r\nHost: %s\r\n", method, target, host);
    bool ua = false, ctype = false;
    for (size_t i = 0; i < nh; i++) {
        ua |= !strcasecmp(h[i].name, "User-Agent");
        ctype |= !strcasecmp(h[i].name, "Content-Type");
        off += snprintf(req + off, cap - (size_t)off, "%s: %s\r\n", h[i].name, h[i].value);
    }
    if (!ua)
        off += snprintf(req + off, cap - (size_t)off, "User-Agent: xsweep/0.1 (checks)\r\n");
    if (body && body_len) {
        if (!ctype)
            off += snprintf(req + off, cap - (size_t)off,
                            "Content-Type: application/x-www-form-urlencoded\r\n");
        off += snprintf(req + off, cap - (size_t)off, "Content-Length: %zu\r\n", body_len);
    }
    off += snprintf(req + off, cap - (size_t)off, "Accept: */*\r\nConnection: close\r\n\r\n");
    if (body && body_len) {
        memcpy(req + off, body, body_len);
        off += (int)body_len;
    }
    double t0 = xs_now_s();
    if (link_open(&l, c) < 0) {
        link_close(&l);
        goto out;
    }
    double deadline = xs_now_s() + c->timeout_ms / 1000.0;
    t0 = xs_now_s();
    size_t n = 0;
    if (link_write(&l, req, (size_t)off) == 0) {
        long got;
        bool head_only = !strcmp(method, "HEAD");
        while (n < RESPONSE_CAP && xs_now_s() < deadline &&
               (got = link_read(&l, buf + n, RESPONSE_CAP - n)) > 0) {
            n += (size_t)got;
            buf[n] = '\0';
            if (head_only && strstr(buf, "\r\n\r\n"))
                break;
        }
    }
    r->seconds = xs_now_s() - t0;
    link_close(&l);
    buf[n] = '\0';
    rc = parse_response(buf, n, r);
    if (rc < 0)
        check_response_free(r);
out:
    free(req);
    free(buf);
    return rc;
}

void check_response_free(check_response *r)
{
    free(r->head);
    free(r->body);
    r->head = r->body = NULL;
    r->head_len = r->body_len = 0;
}
