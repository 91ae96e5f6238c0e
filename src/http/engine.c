/* The HTTP engine: one thread, one epoll set, non-blocking kernel TCP sockets, OpenSSL for TLS.
 *
 * A request lives in one of: the wait queue (src/loop/wait_queue.c: a timer while not_before is
 * in the future, no slot held, then the FIFO of due requests waiting for a connection slot), a
 * connection slot (in flight), or the invalid list (rejected path, delivered on the next turn).
 * Each in-flight connection has one deadline: the current phase's timeout, capped by the
 * attempt's total timeout. Sockets, waiting requests and deadlines are all registered with the
 * event loop the engine was created on (one epoll set and one timer heap for the whole stage); a
 * hook of the loop delivers rejected paths and starts ready requests in free slots before each
 * wait. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/ssl.h>

#include "xsweep/clock.h"
#include "xsweep/event_loop.h"
#include "xsweep/fdlimit.h"
#include "xsweep/http.h"
#include "xsweep/record.h"
#include "xsweep/wait_queue.h"
#include "http_internal.h"

#define RECV_CHUNK 16384
#define NS_PER_MS  1000000ULL

typedef struct req_node {
    xs_wait_item wait;     /* in the engine's queue until it takes a slot */
    struct req_node *next; /* the invalid list */
    xs_addr addr;
    uint16_t port;
    xs_tls_mode tls;
    uint64_t submitted_ns;
    void *user;
    char *host; /* NULL or points into this allocation */
    char *path; /* points into this allocation */
} req_node;

/* C_CLOCK: the fallback attempt waits for the endpoint's clock (deadline = when it may connect). */
typedef enum { C_FREE, C_CONNECTING, C_HANDSHAKE, C_SENDING, C_RECEIVING, C_CLOCK } conn_state;

typedef struct conn {
    xs_timer deadline;
    struct conn *next_free;
    conn_state state;
    int fd;
    xs_io io; /* fd's registration with the loop (io.events = interest) */
    req_node *req;
    xs_http_result *res;
    xs_http_parser *parser;
    SSL *ssl;
    bool use_tls;
    bool tls_first; /* the first attempt used TLS */
    bool peeked;    /* saw the peer's first bytes during the handshake */
    bool peer_not_tls;
    unsigned attempt;
    xs_http_error first_err; /* why the first attempt gave up, when it fell back */
    const char *first_why;   /* static text */
    char *reqbuf;
    size_t reqlen, reqoff;
    uint64_t t_first_start, t_attempt_start, t_connected, t_hs_start, t_sent, t_first_byte;
    uint64_t attempt_deadline;
} conn;

struct xs_http_engine {
    xs_http_config cfg;
    char *user_agent;
    xs_loop *loop;
    bool own_loop; /* made by xs_http_engine_new: freed with the engine */
    bool hooked;
    SSL_CTX *ssl_ctx;
    conn *conns;
    conn *free_list;
    size_t active;
    xs_wait_queue queue; /* not due yet (timers in the loop), then due: the ready FIFO */
    req_node *invalid_head, *invalid_tail;
    size_t pending;
    xs_http_done_fn done; /* the delivery target (xs_http_engine_poll's, during it) */
    void *done_arg;
    int delivered;
};

static bool engine_hook(void *arg);
static void on_io(xs_io *io, uint32_t revents, void *arg);
static void on_deadline(xs_timer *t, void *arg);

void xs_http_config_defaults(xs_http_config *cfg)
{
    cfg->concurrency = 500;
    cfg->connect_timeout_ms = 3000;
    cfg->tls_timeout_ms = 5000;
    cfg->total_timeout_ms = 10000;
    cfg->max_body = 64 * 1024;
    cfg->user_agent = "xsweep/0.1";
    cfg->clock = NULL; /* callers that fill a stack config get no stray pointer */
}

/* ---------------------------------------------------------------- setup */
static SSL_CTX *make_ssl_ctx(void)
{
    SSL_CTX *ctx = SSL_CTX_new(TLS_client_method());
    if (!ctx)
        return NULL;
    /* We record certificates, we do not judge them; and we want to talk to old servers too. */
    SSL_CTX_set_verify(ctx, SSL_VERIFY_NONE, NULL);
    SSL_CTX_set_security_level(ctx, 0);
    SSL_CTX_set_min_proto_version(ctx, TLS1_VERSION);
    SSL_CTX_set_options(ctx, SSL_OP_IGNORE_UNEXPECTED_EOF | SSL_OP_LEGACY_SERVER_CONNECT |
                                 SSL_OP_NO_COMPRESSION | SSL_OP_NO_TICKET);
    SSL_CTX_set_cipher_list(ctx, "ALL:@SECLEVEL=0");
    SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_OFF);
    static const unsigned char alpn[] = {8, 'h', 't', 't', 'p', '/', '1', '.', '1'};
    SSL_CTX_set_alpn_protos(ctx, alpn, sizeof alpn);
    return ctx;
}

xs_http_engine *xs_http_engine_new(const xs_http_config *cfg)
{
    xs_loop *loop = xs_loop_new();
    if (!loop)
        return NULL;
    xs_http_engine *e = xs_http_engine_new_on(loop, cfg, NULL, NULL);
    if (!e) {
        xs_loop_free(loop);
        return NULL;
    }
    e->own_loop = true;
    return e;
}

xs_http_engine *xs_http_engine_new_on(xs_loop *loop, const xs_http_config *cfg,
                                      xs_http_done_fn done, void *arg)
{
    xs_http_engine *e = calloc(1, sizeof *e);
    if (!e)
        return NULL;
    e->loop = loop;
    xs_wait_queue_init(&e->queue, loop);
    e->done = done;
    e->done_arg = arg;
    xs_http_config_defaults(&e->cfg);
    if (cfg) {
        if (cfg->concurrency)
            e->cfg.concurrency = cfg->concurrency;
        if (cfg->connect_timeout_ms)
            e->cfg.connect_timeout_ms = cfg->connect_timeout_ms;
        if (cfg->tls_timeout_ms)
            e->cfg.tls_timeout_ms = cfg->tls_timeout_ms;
        if (cfg->total_timeout_ms)
            e->cfg.total_timeout_ms = cfg->total_timeout_ms;
        e->cfg.max_body = cfg->max_body;
        if (cfg->user_agent)
            e->cfg.user_agent = cfg->user_agent;
        e->cfg.clock = cfg->clock;
    }
    e->user_agent = strdup(e->cfg.user_agent);
    e->cfg.user_agent = e->user_agent;
    e->conns = calloc(e->cfg.concurrency, sizeof *e->conns);
    e->ssl_ctx = make_ssl_ctx();
    if (!e->user_agent || !e->conns || !e->ssl_ctx || xs_loop_hook_add(loop, engine_hook, e) != 0) {
        xs_http_engine_free(e);
        return NULL;
    }
    e->hooked = true;
    for (unsigned i = e->cfg.concurrency; i-- > 0;) {
        conn *c = &e->conns[i];
        c->fd = -1;
        xs_io_init(&c->io, -1, on_io, e);
        xs_timer_init(&c->deadline, on_deadline, e);
        c->next_free = e->free_list;
        e->free_list = c;
    }
    xs_raise_fd_limit(e->cfg.concurrency + 64UL);
    /* OpenSSL writes to sockets with write(): a peer that closed would kill us with SIGPIPE. */
    struct sigaction sa;
    if (sigaction(SIGPIPE, NULL, &sa) == 0 && sa.sa_handler == SIG_DFL)
        signal(SIGPIPE, SIG_IGN);
    return e;
}

size_t xs_http_engine_pending(const xs_http_engine *e)
{
    return e->pending;
}
size_t xs_http_engine_active(const xs_http_engine *e)
{
    return e->active;
}

void xs_http_engine_wakeup(xs_http_engine *e)
{
    xs_loop_wakeup(e->loop);
}

/* ---------------------------------------------------------------- submit */
static void list_append(req_node **head, req_node **tail, req_node *n)
{
    n->next = NULL;
    if (*tail)
        (*tail)->next = n;
    else
        *head = n;
    *tail = n;
}

int xs_http_engine_submit(xs_http_engine *e, const xs_http_request *req)
{
    if (req->host && !xs_http_host_valid(req->host)) {
        errno = EINVAL;
        return -1;
    }
    const char *path = req->path ? req->path : "/";
    size_t hl = req->host ? strlen(req->host) + 1 : 0, pl = strlen(path) + 1;
    req_node *n = malloc(sizeof *n + hl + pl);
    if (!n)
        return -1;
    memset(n, 0, sizeof *n);
    xs_wait_item_init(&e->queue, &n->wait);
    n->addr = req->addr;
    n->port = req->port;
    n->tls = req->tls;
    n->user = req->user;
    n->submitted_ns = xs_now_ns();
    char *tail = (char *)(n + 1);
    if (req->host) {
        n->host = tail;
        memcpy(n->host, req->host, hl);
        tail += hl;
    }
    n->path = tail;
    memcpy(n->path, path, pl);

    if (!xs_http_path_valid(path)) {
        list_append(&e->invalid_head, &e->invalid_tail, n);
    } else if (req->not_before_ns > n->submitted_ns) {
        if (xs_wait_queue_defer(&e->queue, &n->wait, req->not_before_ns) != 0) {
            free(n);
            errno = ENOMEM;
            return -1;
        }
    } else {
        xs_wait_queue_ready(&e->queue, &n->wait);
    }
    e->pending++;
    return 0;
}

/* ---------------------------------------------------------------- results */
static xs_http_result *result_for(const req_node *n)
{
    xs_http_result *r = calloc(1, sizeof *r);
    if (!r)
        return NULL;
    r->addr = n->addr;
    r->port = n->port;
    r->user = n->user;
    r->host = n->host ? strdup(n->host) : NULL;
    r->path = strdup(n->path);
    r->status_text = "";
    return r;
}

static void deliver(xs_http_engine *e, xs_http_result *r)
{
    e->pending--;
    e->delivered++;
    if (!r)
        return; /* out of memory building it: nothing to hand over */
    r->finished_realtime_ns = xs_realtime_ns();
    if (e->done)
        e->done(r, e->done_arg);
    else
        xs_http_result_free(r);
}

static void deliver_invalid(xs_http_engine *e)
{
    while (e->invalid_head) {
        req_node *n = e->invalid_head;
        e->invalid_head = n->next;
        if (!e->invalid_head)
            e->invalid_tail = NULL;
        xs_http_result *r = result_for(n);
        if (r) {
            r->status_text = XS_HTTP_STATUS_UNSUPPORTED_PATH;
            r->error = XS_HTTP_ERR_INVALID_PATH;
            snprintf(r->error_text, sizeof r->error_text, "invalid request path");
        }
        free(n);
        deliver(e, r);
    }
}

/* ---------------------------------------------------------------- connection plumbing */
static void set_interest(xs_http_engine *e, conn *c, uint32_t events)
{
    if (!c->io.events)
        c->io.fd = c->fd;
    xs_loop_io_set(e->loop, &c->io, events);
}

static void set_deadline(xs_http_engine *e, conn *c, uint64_t when)
{
    /* No memory: the total timeout is lost, I/O still ends it. */
    xs_loop_timer_set(e->loop, &c->deadline,
                      when < c->attempt_deadline ? when : c->attempt_deadline);
}

static void close_transport(xs_http_engine *e, conn *c)
{
    if (c->ssl) {
        SSL_free(c->ssl);
        c->ssl = NULL;
    }
    if (c->io.events)
        xs_loop_io_close(e->loop, &c->io); /* closes c->fd: it also leaves the epoll set */
    else if (c->fd >= 0)
        close(c->fd);
    c->fd = c->io.fd = -1;
    free(c->reqbuf);
    c->reqbuf = NULL;
}

static void finish(xs_http_engine *e, conn *c, xs_http_error err, const char *text)
{
    uint64_t now = xs_now_ns();
    xs_http_result *r = c->res;
    if (r) {
        if (c->parser)
            xs_http_parser_fill_result(c->parser, r);
        bool has_status = r->status_code != 0;
        if (has_status) {
            r->error = XS_HTTP_ERR_NONE; /* we have an answer; text says how it ended */
            if (err != XS_HTTP_ERR_NONE && text)
                snprintf(r->error_text, sizeof r->error_text, "after status: %s", text);
        } else {
            r->error = err;
            if (text)
                snprintf(r->error_text, sizeof r->error_text, "%s", text);
            /* The port took the connection but gave no HTTP answer: the seed's "Client error". */
            r->status_text = c->t_connected ? XS_HTTP_STATUS_CLIENT_ERROR : "";
            if (err == XS_HTTP_ERR_NONE) {
                r->error = XS_HTTP_ERR_NOT_HTTP;
                if (!text)
                    snprintf(r->error_text, sizeof r->error_text, "empty reply");
            }
        }
        r->attempts = c->attempt;
        r->tls_attempted = c->use_tls;
        r->queued_ns = c->t_first_start - c->req->submitted_ns;
        r->connect_ns = c->t_connected ? c->t_connected - c->t_attempt_start : 0;
        r->first_byte_ns = c->t_first_byte && c->t_sent ? c->t_first_byte - c->t_sent : 0;
        r->total_ns = now - c->t_first_start;
    }
    close_transport(e, c);
    xs_http_parser_free(c->parser);
    c->parser = NULL;
    xs_loop_timer_cancel(e->loop, &c->deadline);
    free(c->req);
    c->req = NULL;
    c->res = NULL;
    c->state = C_FREE;
    c->next_free = e->free_list;
    e->free_list = c;
    e->active--;
    deliver(e, r);
}

static void start_attempt(xs_http_engine *e, conn *c, bool use_tls);

/* Nanoseconds until the endpoint may be contacted; 0 = now, and the contact is recorded. */
static uint64_t clock_wait(xs_http_engine *e, const req_node *n, uint64_t now)
{
    return e->cfg.clock ? xs_throttle_acquire(e->cfg.clock, xs_endpoint_key(&n->addr, n->port), now)
                        : 0;
}

/* The SYN leaves inside connect(): the contact counts from its return, not from the clock's
 * read before it, so a thread preempted in between (a loaded host) cannot shorten the gap on
 * the wire below min_gap. */
static void contact_sent(xs_http_engine *e, const req_node *n)
{
    if (e->cfg.clock)
        xs_throttle_note(e->cfg.clock, xs_endpoint_key(&n->addr, n->port), xs_now_ns());
}

/* Tears down the current attempt and starts the other flavour (at most once per request). */
static void retry_other_flavour(xs_http_engine *e, conn *c)
{
    close_transport(e, c);
    xs_http_parser_free(c->parser);
    c->parser = NULL;
    xs_cert_info_clear(&c->res->tls.cert);
    memset(&c->res->tls, 0, sizeof c->res->tls);
    c->attempt++;
    c->use_tls = !c->use_tls;
    uint64_t now = xs_now_ns();
    uint64_t wait = clock_wait(e, c->req, now);
    if (wait > 0) { /* the second connection is a contact of its own */
        c->state = C_CLOCK;
        c->attempt_deadline = now + wait;
        set_deadline(e, c, now + wait);
        return;
    }
    start_attempt(e, c, c->use_tls);
}

static bool may_fall_back(const conn *c)
{
    return c->req->tls == XS_TLS_AUTO && c->attempt == 1;
}

/* ---------------------------------------------------------------- I/O steps */
static void do_recv(xs_http_engine *e, conn *c);

static void begin_receiving(xs_http_engine *e, conn *c)
{
    c->state = C_RECEIVING;
    c->t_sent = xs_now_ns();
    set_interest(e, c, EPOLLIN);
    do_recv(e, c);
}

static void do_send(xs_http_engine *e, conn *c)
{
    while (c->reqoff < c->reqlen) {
        if (c->ssl) {
            int w = SSL_write(c->ssl, c->reqbuf + c->reqoff, (int)(c->reqlen - c->reqoff));
            if (w > 0) {
                c->reqoff += (size_t)w;
                continue;
            }
            int err = SSL_get_error(c->ssl, w);
            ERR_clear_error();
            if (err == SSL_ERROR_WANT_WRITE) {
                set_interest(e, c, EPOLLOUT);
                return;
            }
            if (err == SSL_ERROR_WANT_READ) {
                set_interest(e, c, EPOLLIN);
                return;
            }
            break; /* failed: read whatever the peer said */
        }
        ssize_t w = send(c->fd, c->reqbuf + c->reqoff, c->reqlen - c->reqoff, MSG_NOSIGNAL);
        if (w > 0) {
            c->reqoff += (size_t)w;
            continue;
        }
        if (w < 0 && (errno == EAGAIN || errno == EINTR)) {
            set_interest(e, c, EPOLLOUT);
            return;
        }
        break; /* EPIPE / ECONNRESET: read what is there */
    }
    begin_receiving(e, c);
}

static void start_sending(xs_http_engine *e, conn *c)
{
    const req_node *n = c->req;
    size_t cap = strlen(n->path) + (n->host ? strlen(n->host) : 0) + strlen(e->user_agent) + 256;
    free(c->reqbuf);
    c->reqbuf = malloc(cap);
    c->reqlen = c->reqbuf ? xs_http_format_request(c->reqbuf, cap, &n->addr, n->port, n->host,
                                                   n->path, c->use_tls, e->user_agent)
                          : 0;
    c->reqoff = 0;
    if (c->reqlen == 0) {
        finish(e, c, XS_HTTP_ERR_NETWORK, "out of memory");
        return;
    }
    c->state = C_SENDING;
    set_deadline(e, c, c->attempt_deadline);
    do_send(e, c);
}

static void record_tls(conn *c)
{
    xs_tls_info *t = &c->res->tls;
    t->used = true;
    snprintf(t->version, sizeof t->version, "%s", SSL_get_version(c->ssl));
    const SSL_CIPHER *ci = SSL_get_current_cipher(c->ssl);
    snprintf(t->cipher, sizeof t->cipher, "%s", ci ? SSL_CIPHER_get_name(ci) : "");
    const unsigned char *alpn = NULL;
    unsigned alen = 0;
    SSL_get0_alpn_selected(c->ssl, &alpn, &alen);
    if (alpn && alen < sizeof t->alpn) {
        memcpy(t->alpn, alpn, alen);
        t->alpn[alen] = '\0';
    }
    X509 *cert = SSL_get1_peer_certificate(c->ssl);
    if (cert) {
        xs_cert_summarize(cert, &t->cert);
        t->have_cert = true;
        X509_free(cert);
    }
    c->res->tls_ns = xs_now_ns() - c->t_hs_start;
}

static void handshake_failed(xs_http_engine *e, conn *c, xs_http_error err, const char *why)
{
    /* A plain server answers a ClientHello with HTTP (or with nothing and a close): try plain. */
    if (may_fall_back(c) && (c->peer_not_tls || (!c->peeked && err != XS_HTTP_ERR_TIMEOUT))) {
        c->first_err = err;
        c->first_why = "TLS handshake failed";
        retry_other_flavour(e, c);
        return;
    }
    /* A TLS retry the peer never answered says less than the plain attempt did. */
    if (c->attempt > 1 && !c->peeked && c->first_why) {
        finish(e, c, c->first_err, c->first_why);
        return;
    }
    finish(e, c, err, why);
}

static void do_handshake(xs_http_engine *e, conn *c, bool readable)
{
    if (readable && !c->peeked) {
        unsigned char b[8];
        ssize_t n = recv(c->fd, b, sizeof b, MSG_PEEK | MSG_DONTWAIT);
        if (n > 0) {
            c->peeked = true;
            /* TLS records start with a content type 20..23 and a 3.x version. */
            c->peer_not_tls = b[0] < 0x14 || b[0] > 0x17 || (n > 1 && b[1] != 0x03);
            if (c->peer_not_tls) {
                handshake_failed(e, c, XS_HTTP_ERR_TLS_FAILED, "peer does not speak TLS");
                return;
            }
        }
    }
    ERR_clear_error();
    int r = SSL_connect(c->ssl);
    if (r == 1) {
        record_tls(c);
        start_sending(e, c);
        return;
    }
    int err = SSL_get_error(c->ssl, r);
    if (err == SSL_ERROR_WANT_READ) {
        set_interest(e, c, EPOLLIN);
        return;
    }
    if (err == SSL_ERROR_WANT_WRITE) {
        set_interest(e, c, EPOLLOUT);
        return;
    }
    char why[120];
    unsigned long code = ERR_peek_last_error();
    if (code)
        snprintf(why, sizeof why, "tls: %s",
                 ERR_reason_error_string(code) ? ERR_reason_error_string(code)
                                               : "handshake failed");
    else if (err == SSL_ERROR_SYSCALL && errno == ECONNRESET)
        snprintf(why, sizeof why, "tls: connection reset");
    else
        snprintf(why, sizeof why, "tls: peer closed during handshake");
    ERR_clear_error();
    handshake_failed(e, c, XS_HTTP_ERR_TLS_FAILED, why);
}

static void start_handshake(xs_http_engine *e, conn *c)
{
    c->ssl = SSL_new(e->ssl_ctx);
    if (!c->ssl || SSL_set_fd(c->ssl, c->fd) != 1) {
        finish(e, c, XS_HTTP_ERR_NETWORK, "SSL_new failed");
        return;
    }
    char name[256]; /* SNI carries a DNS name only: no port, no IP literal of either family */
    if (xs_http_sni_name(c->req->host, name, sizeof name))
        SSL_set_tlsext_host_name(c->ssl, name);
    SSL_set_connect_state(c->ssl);
    c->state = C_HANDSHAKE;
    c->peeked = c->peer_not_tls = false;
    c->t_hs_start = xs_now_ns();
    set_deadline(e, c, c->t_hs_start + (uint64_t)e->cfg.tls_timeout_ms * NS_PER_MS);
    do_handshake(e, c, false);
}

static void on_connected(xs_http_engine *e, conn *c)
{
    int soerr = 0;
    socklen_t sl = sizeof soerr;
    if (getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &soerr, &sl) != 0)
        soerr = errno;
    if (soerr == EINPROGRESS || soerr == EALREADY)
        return;
    if (soerr != 0) {
        char why[96];
        snprintf(why, sizeof why, "connect: %s", strerror(soerr));
        finish(e, c,
               soerr == ECONNREFUSED ? XS_HTTP_ERR_CONNECT_REFUSED
               : soerr == ETIMEDOUT  ? XS_HTTP_ERR_TIMEOUT
                                     : XS_HTTP_ERR_NETWORK,
               why);
        return;
    }
    c->t_connected = xs_now_ns();
    if (c->use_tls)
        start_handshake(e, c);
    else
        start_sending(e, c);
}

static void start_attempt(xs_http_engine *e, conn *c, bool use_tls)
{
    uint64_t now = xs_now_ns();
    c->use_tls = use_tls;
    c->t_attempt_start = now;
    c->t_connected = c->t_hs_start = c->t_sent = c->t_first_byte = 0;
    c->attempt_deadline = now + (uint64_t)e->cfg.total_timeout_ms * NS_PER_MS;
    c->parser = xs_http_parser_new(e->cfg.max_body);
    if (!c->parser) {
        finish(e, c, XS_HTTP_ERR_NETWORK, "out of memory");
        return;
    }
    struct sockaddr_storage sa;
    socklen_t salen = xs_addr_to_sockaddr(&c->req->addr, c->req->port, &sa);
    c->fd = socket(sa.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (c->fd < 0) {
        char why[96];
        snprintf(why, sizeof why, "socket: %s", strerror(errno));
        finish(e, c, XS_HTTP_ERR_NETWORK, why);
        return;
    }
    int one = 1;
    setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    c->state = C_CONNECTING;
    set_deadline(e, c, now + (uint64_t)e->cfg.connect_timeout_ms * NS_PER_MS);
    int rc = connect(c->fd, (struct sockaddr *)&sa, salen);
    int er = errno;
    contact_sent(e, c->req);
    if (rc == 0) {
        set_interest(e, c, EPOLLOUT);
        on_connected(e, c);
        return;
    }
    if (er == EINPROGRESS) {
        set_interest(e, c, EPOLLOUT);
        return;
    }
    char why[96];
    snprintf(why, sizeof why, "connect: %s", strerror(er));
    finish(e, c, er == ECONNREFUSED ? XS_HTTP_ERR_CONNECT_REFUSED : XS_HTTP_ERR_NETWORK, why);
}

/* Bodies that nginx, Go, Apache and friends send when plain HTTP hits a TLS port. */
static bool says_use_tls(const xs_http_result *r)
{
    static const char *const hints[] = {
        "plain HTTP request was sent to HTTPS port",
        "Client sent an HTTP request to an HTTPS server",
        "speaking plain HTTP to an SSL-enabled server port",
        "This combination of host and port requires TLS",
    };
    if (r->status_code != 400 || !r->body)
        return false;
    for (size_t i = 0; i < sizeof hints / sizeof hints[0]; i++)
        if (memmem(r->body, r->body_len, hints[i], strlen(hints[i])))
            return true;
    return false;
}

/* Releases the response fields of r (the plain answer a TLS retry replaces). */
static void clear_response(xs_http_result *r)
{
    free(r->status_line);
    free(r->title);
    free(r->body_preview);
    free(r->headers);
    free(r->set_cookies);
    free(r->raw_headers);
    free(r->body);
    r->status_line = r->title = r->body_preview = r->raw_headers = NULL;
    r->headers = NULL;
    r->set_cookies = NULL;
    r->body = NULL;
    r->n_headers = r->n_set_cookies = r->body_preview_len = r->raw_headers_len = r->body_len = 0;
    r->server = r->location = NULL;
    r->status_code = 0;
    r->status_text = "";
    r->body_truncated = r->headers_truncated = false;
}

/* The response is complete (or as complete as it will get). */
static void response_ended(xs_http_engine *e, conn *c, xs_http_error err, const char *why)
{
    if (!c->use_tls && may_fall_back(c)) {
        xs_http_parser_fill_result(c->parser, c->res);
        xs_http_parser_free(c->parser);
        c->parser = NULL;
        if (says_use_tls(c->res)) { /* "plain HTTP sent to HTTPS port": try TLS */
            clear_response(c->res);
            retry_other_flavour(e, c);
            return;
        }
    }
    finish(e, c, err, why);
}

static void do_recv(xs_http_engine *e, conn *c)
{
    unsigned char buf[RECV_CHUNK];
    for (;;) {
        ssize_t n;
        int ssl_err = SSL_ERROR_NONE;
        if (c->ssl) {
            ERR_clear_error();
            int r = SSL_read(c->ssl, buf, sizeof buf);
            n = r;
            if (r <= 0)
                ssl_err = SSL_get_error(c->ssl, r);
        } else {
            n = recv(c->fd, buf, sizeof buf, 0);
        }
        if (n > 0) {
            if (!c->t_first_byte)
                c->t_first_byte = xs_now_ns();
            xs_http_parse_state st = xs_http_parser_feed(c->parser, buf, (size_t)n);
            if (st == XS_HTTP_PARSE_DONE) {
                response_ended(e, c, XS_HTTP_ERR_NONE, NULL);
                return;
            }
            if (st == XS_HTTP_PARSE_NOT_HTTP) {
                if (!c->use_tls && may_fall_back(c) && xs_http_parser_saw_tls_record(c->parser))
                    retry_other_flavour(e, c); /* a TLS alert/record: the port speaks TLS */
                else
                    finish(e, c, XS_HTTP_ERR_NOT_HTTP, "response is not HTTP");
                return;
            }
            continue;
        }
        if (c->ssl) {
            if (ssl_err == SSL_ERROR_WANT_READ) {
                set_interest(e, c, EPOLLIN);
                return;
            }
            if (ssl_err == SSL_ERROR_WANT_WRITE) {
                set_interest(e, c, EPOLLOUT);
                return;
            }
            if (ssl_err == SSL_ERROR_SYSCALL && errno == ECONNRESET && !c->t_first_byte) {
                finish(e, c, XS_HTTP_ERR_RESET, "connection reset");
                return;
            }
            ERR_clear_error();
            n = 0; /* close_notify, EOF or a TLS error: end */
        } else if (n < 0) {
            if (errno == EAGAIN || errno == EINTR) {
                set_interest(e, c, EPOLLIN);
                return;
            }
            if (!c->t_first_byte) {
                /* Reset without a byte: on a plain-first port that may be a TLS server. */
                if (may_fall_back(c) && !c->tls_first) {
                    c->first_err = XS_HTTP_ERR_RESET;
                    c->first_why = "connection reset on the plain GET";
                    retry_other_flavour(e, c);
                    return;
                }
                finish(e, c, errno == ECONNRESET ? XS_HTTP_ERR_RESET : XS_HTTP_ERR_NETWORK,
                       errno == ECONNRESET ? "connection reset" : "recv failed");
                return;
            }
        }
        /* EOF (or reset after some bytes). */
        if (!c->t_first_byte && !c->use_tls && may_fall_back(c)) {
            c->first_err = XS_HTTP_ERR_RESET;
            c->first_why = "closed without a response to the plain GET";
            retry_other_flavour(e, c); /* closed on our plain GET: try TLS */
            return;
        }
        xs_http_parse_state st = xs_http_parser_eof(c->parser);
        if (st == XS_HTTP_PARSE_NOT_HTTP)
            finish(e, c, XS_HTTP_ERR_NOT_HTTP, "response is not HTTP");
        else if (!xs_http_parser_has_status(c->parser))
            finish(e, c, c->t_first_byte ? XS_HTTP_ERR_NOT_HTTP : XS_HTTP_ERR_RESET,
                   c->t_first_byte ? "response is not HTTP" : "closed without a response");
        else
            response_ended(e, c, XS_HTTP_ERR_NONE, NULL);
        return;
    }
}

static void on_event(xs_http_engine *e, conn *c, uint32_t ev)
{
    switch (c->state) {
    case C_CONNECTING:
        on_connected(e, c);
        break;
    case C_HANDSHAKE:
        do_handshake(e, c, (ev & (EPOLLIN | EPOLLHUP | EPOLLERR)) != 0);
        break;
    case C_SENDING:
        do_send(e, c);
        break;
    case C_RECEIVING:
        do_recv(e, c);
        break;
    case C_CLOCK:
    case C_FREE:
        break;
    }
}

static void on_timeout(xs_http_engine *e, conn *c)
{
    switch (c->state) {
    case C_CONNECTING:
        finish(e, c, XS_HTTP_ERR_TIMEOUT, "connect timeout");
        break;
    case C_HANDSHAKE:
        handshake_failed(e, c, XS_HTTP_ERR_TIMEOUT, "tls handshake timeout");
        break;
    case C_SENDING:
    case C_RECEIVING:
        if (xs_http_parser_has_status(c->parser)) {
            xs_http_parser_eof(c->parser); /* keep what came: body ends here */
            response_ended(e, c, XS_HTTP_ERR_TIMEOUT, "timeout");
        } else {
            finish(e, c, XS_HTTP_ERR_TIMEOUT,
                   c->t_first_byte ? "timeout inside the response" : "no response before timeout");
        }
        break;
    case C_CLOCK: {
        uint64_t now = xs_now_ns(), wait = clock_wait(e, c->req, now);
        if (wait > 0) {
            c->attempt_deadline = now + wait;
            set_deadline(e, c, now + wait);
        } else {
            start_attempt(e, c, c->use_tls);
        }
        break;
    }
    case C_FREE:
        break;
    }
}

/* ---------------------------------------------------------------- scheduling */
static void start_ready(xs_http_engine *e)
{
    while (e->free_list && xs_wait_queue_has_ready(&e->queue)) {
        req_node *n = XS_CONTAINER_OF(xs_wait_queue_pop(&e->queue), req_node, wait);
        uint64_t now = xs_now_ns(), wait = clock_wait(e, n, now);
        if (wait > 0) { /* contacted less than a gap ago: back to waiting */
            if (xs_wait_queue_defer(&e->queue, &n->wait, now + wait) == 0)
                continue;
            /* out of memory: wait here rather than break the rule */
            struct timespec ts = {(time_t)(wait / 1000000000ULL), (long)(wait % 1000000000ULL)};
            nanosleep(&ts, NULL);
            xs_throttle_acquire(e->cfg.clock, xs_endpoint_key(&n->addr, n->port), xs_now_ns());
        }
        conn *c = e->free_list;
        e->free_list = c->next_free;
        e->active++;
        c->req = n;
        c->attempt = 1;
        c->first_err = XS_HTTP_ERR_NONE;
        c->first_why = NULL;
        c->res = result_for(n);
        c->t_first_start = xs_now_ns();
        if (!c->res) {
            finish(e, c, XS_HTTP_ERR_NETWORK, "out of memory");
            continue;
        }
        bool tls =
            n->tls == XS_TLS_ON || (n->tls == XS_TLS_AUTO && xs_http_port_prefers_tls(n->port));
        c->tls_first = tls;
        start_attempt(e, c, tls);
    }
}

static void on_io(xs_io *io, uint32_t revents, void *arg)
{
    on_event(arg, XS_CONTAINER_OF(io, conn, io), revents);
}

static void on_deadline(xs_timer *t, void *arg)
{
    on_timeout(arg, XS_CONTAINER_OF(t, conn, deadline));
}

/* Before each wait: rejected paths are delivered, ready requests take free slots. */
static bool engine_hook(void *arg)
{
    xs_http_engine *e = arg;
    int before = e->delivered;
    deliver_invalid(e);
    start_ready(e);
    return e->delivered != before || (xs_wait_queue_has_ready(&e->queue) && e->free_list);
}

int xs_http_engine_poll(xs_http_engine *e, int timeout_ms, xs_http_done_fn done, void *arg)
{
    xs_http_done_fn keep = e->done;
    void *keep_arg = e->done_arg;
    e->done = done;
    e->done_arg = arg;
    e->delivered = 0;
    int rc = xs_loop_run_once(e->loop, timeout_ms);
    int d = e->delivered;
    e->done = keep;
    e->done_arg = keep_arg;
    return rc < 0 ? -1 : d;
}

void xs_http_engine_free(xs_http_engine *e)
{
    if (!e)
        return;
    for (unsigned i = 0; e->conns && i < e->cfg.concurrency; i++) {
        conn *c = &e->conns[i];
        if (c->state == C_FREE)
            continue;
        close_transport(e, c);
        xs_loop_timer_cancel(e->loop, &c->deadline);
        xs_http_parser_free(c->parser);
        xs_http_result_free(c->res);
        free(c->req);
    }
    for (xs_wait_item *it; (it = xs_wait_queue_take_any(&e->queue));)
        free(XS_CONTAINER_OF(it, req_node, wait));
    for (req_node *n = e->invalid_head, *next; n; n = next) {
        next = n->next;
        free(n);
    }
    if (e->hooked)
        xs_loop_hook_remove(e->loop, engine_hook, e);
    if (e->ssl_ctx)
        SSL_CTX_free(e->ssl_ctx);
    if (e->own_loop)
        xs_loop_free(e->loop);
    free(e->conns);
    free(e->user_agent);
    free(e);
}
