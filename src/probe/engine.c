/* The probe engine: non-blocking kernel TCP sockets, a fixed pool of connection slots, on the
 * event loop it was created on (the stage's one loop: one epoll set, one timer heap). A probe
 * waits in the wait queue (src/loop/wait_queue.c): for its not_before time (a timer, holding no
 * slot), then in the FIFO of due probes waiting for a slot; then in a slot (connected, talking), whose deadline is a timer too. A hook of the
 * loop starts ready probes in free slots before each wait. */
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "probe_internal.h"
#include "xsweep/clock.h"
#include "xsweep/event_loop.h"
#include "xsweep/fdlimit.h"
#include "xsweep/record.h"
#include "xsweep/throttle.h"
#include "xsweep/wait_queue.h"

#define NS_PER_MS 1000000ULL
#define OUT_CAP   512

typedef struct req_node {
    xs_wait_item wait; /* in the engine's queue until it takes a slot */
    uint64_t not_before;
    uint64_t submitted_ns;
    xs_addr addr;
    uint16_t port;
    xs_probe_kind kind;
    void *user;
    xs_probe_kind fallback[XS_PROBE_MAX_FALLBACKS];
    size_t n_fallback, next_fallback;
    unsigned attempts;
    char tried[64];
    bool carry; /* a follow-up: res.info starts from what the last probe learned */
    xs_probe_info carried;
} req_node;

typedef enum { C_FREE = 0, C_CONNECTING, C_TALKING } conn_state;

typedef struct conn {
    conn_state state;
    int fd;
    xs_io io;          /* fd's registration with the loop (io.events = interest) */
    xs_timer deadline; /* the slot's deadline */
    struct conn *next_free;
    req_node *req;
    uint64_t t_start, t_connected;
    unsigned step;
    bool close_after_send;
    unsigned char out[OUT_CAP];
    size_t outlen, outoff;
    unsigned char *in; /* max_bytes, carved from the engine's buffer */
    size_t inlen;
    xs_probe_result res;
} conn;

struct xs_probe_engine {
    xs_probe_config cfg;
    xs_loop *loop;
    bool own_loop, hooked; /* own_loop: made by xs_probe_engine_new, freed with it */
    conn *conns;
    unsigned char *inbufs;
    conn *free_list;
    size_t active, pending;
    xs_wait_queue queue; /* not due yet (timers in the loop), then due: the ready FIFO */
    xs_probe_done_fn done;
    void *done_arg;
    int delivered;
};

void xs_probe_config_defaults(xs_probe_config *cfg)
{
    cfg->concurrency = 256;
    cfg->connect_timeout_ms = 3000;
    cfg->total_timeout_ms = 5000;
    cfg->banner_timeout_ms = 2000;
    cfg->max_bytes = XS_PROBE_MAX_BYTES;
}

static bool engine_hook(void *arg);
static void on_io(xs_io *io, uint32_t revents, void *arg);
static void on_deadline(xs_timer *t, void *arg);

/* ---------------------------------------------------------------- setup */
xs_probe_engine *xs_probe_engine_new(const xs_probe_config *cfg)
{
    xs_loop *loop = xs_loop_new();
    if (!loop)
        return NULL;
    xs_probe_engine *e = xs_probe_engine_new_on(loop, cfg, NULL, NULL);
    if (!e) {
        xs_loop_free(loop);
        return NULL;
    }
    e->own_loop = true;
    return e;
}

xs_probe_engine *xs_probe_engine_new_on(xs_loop *loop, const xs_probe_config *cfg,
                                        xs_probe_done_fn done, void *arg)
{
    xs_probe_engine *e = calloc(1, sizeof *e);
    if (!e)
        return NULL;
    e->loop = loop;
    xs_wait_queue_init(&e->queue, loop);
    e->done = done;
    e->done_arg = arg;
    xs_probe_config_defaults(&e->cfg);
    if (cfg) {
        if (cfg->concurrency)
            e->cfg.concurrency = cfg->concurrency;
        if (cfg->connect_timeout_ms)
            e->cfg.connect_timeout_ms = cfg->connect_timeout_ms;
        if (cfg->total_timeout_ms)
            e->cfg.total_timeout_ms = cfg->total_timeout_ms;
        if (cfg->banner_timeout_ms)
            e->cfg.banner_timeout_ms = cfg->banner_timeout_ms;
        if (cfg->max_bytes && cfg->max_bytes < XS_PROBE_MAX_BYTES)
            e->cfg.max_bytes = cfg->max_bytes;
    }
    if (e->cfg.max_bytes < 64)
        e->cfg.max_bytes = 64;
    e->conns = calloc(e->cfg.concurrency, sizeof *e->conns);
    e->inbufs = malloc((size_t)e->cfg.concurrency * e->cfg.max_bytes);
    if (!e->conns || !e->inbufs || xs_loop_hook_add(loop, engine_hook, e) != 0) {
        xs_probe_engine_free(e);
        return NULL;
    }
    e->hooked = true;
    for (unsigned i = e->cfg.concurrency; i-- > 0;) {
        conn *c = &e->conns[i];
        c->fd = -1;
        xs_io_init(&c->io, -1, on_io, e);
        xs_timer_init(&c->deadline, on_deadline, e);
        c->in = e->inbufs + (size_t)i * e->cfg.max_bytes;
        c->next_free = e->free_list;
        e->free_list = c;
    }
    xs_raise_fd_limit(e->cfg.concurrency + 64UL);
    return e;
}

size_t xs_probe_engine_pending(const xs_probe_engine *e)
{
    return e->pending;
}
size_t xs_probe_engine_active(const xs_probe_engine *e)
{
    return e->active;
}

/* Closes c's socket; registered with the loop, it is closed through it (no stale event). */
static void close_conn_fd(xs_probe_engine *e, conn *c)
{
    if (c->io.events)
        xs_loop_io_close(e->loop, &c->io);
    else if (c->fd >= 0)
        close(c->fd);
    c->fd = c->io.fd = -1;
}

void xs_probe_engine_free(xs_probe_engine *e)
{
    if (!e)
        return;
    if (e->conns && e->hooked) { /* the slots were set up */
        for (unsigned i = 0; i < e->cfg.concurrency; i++) {
            close_conn_fd(e, &e->conns[i]);
            xs_loop_timer_cancel(e->loop, &e->conns[i].deadline);
            free(e->conns[i].req);
        }
    }
    for (xs_wait_item *it; (it = xs_wait_queue_take_any(&e->queue));)
        free(XS_CONTAINER_OF(it, req_node, wait));
    if (e->hooked)
        xs_loop_hook_remove(e->loop, engine_hook, e);
    if (e->own_loop)
        xs_loop_free(e->loop);
    free(e->inbufs);
    free(e->conns);
    free(e);
}

/* ---------------------------------------------------------------- queues */
/* n waits for its not_before holding no slot (its timer moves it to the ready FIFO), or, when
 * that is past, is ready now. Out of memory for the timer: ready now, and the clock decides. */
static void waiting_or_ready(xs_probe_engine *e, req_node *n)
{
    if (n->not_before > xs_now_ns() && xs_wait_queue_defer(&e->queue, &n->wait, n->not_before) == 0)
        return;
    xs_wait_queue_ready(&e->queue, &n->wait);
}

int xs_probe_engine_submit_kind(xs_probe_engine *e, const xs_addr *addr, uint16_t port,
                                xs_probe_kind kind, uint64_t not_before_ns, void *user)
{
    if ((unsigned)kind >= XS_PROBE_KIND_COUNT) {
        errno = EINVAL;
        return -1;
    }
    req_node *n = calloc(1, sizeof *n);
    if (!n)
        return -1;
    xs_wait_item_init(&e->queue, &n->wait);
    n->addr = *addr;
    n->port = port;
    n->kind = kind == XS_PROBE_AUTO ? xs_probe_kind_for_port(port) : kind;
    if (!e->cfg.no_fallbacks)
        n->n_fallback = xs_probe_fallbacks_for_port(port, n->fallback);
    n->user = user;
    n->submitted_ns = xs_now_ns();
    n->not_before = not_before_ns;
    if (not_before_ns > n->submitted_ns) {
        if (xs_wait_queue_defer(&e->queue, &n->wait, not_before_ns) != 0) {
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

int xs_probe_engine_submit(xs_probe_engine *e, const xs_addr *addr, uint16_t port,
                           uint64_t not_before_ns, void *user)
{
    return xs_probe_engine_submit_kind(e, addr, port, XS_PROBE_AUTO, not_before_ns, user);
}

/* ---------------------------------------------------------------- connections */
static void set_interest(xs_probe_engine *e, conn *c, uint32_t events)
{
    if (!c->io.events)
        c->io.fd = c->fd;
    xs_loop_io_set(e->loop, &c->io, events);
}

/* The slot's deadline; no memory = no deadline: I/O (or the peer) still ends it. */
static void set_deadline(xs_probe_engine *e, conn *c, uint64_t when)
{
    xs_loop_timer_set(e->loop, &c->deadline, when);
}

/* Nothing named yet: the next probe of the fallback order on a new connection (the clock keeps it
 * a second after this one), or, when that next probe is the HTTP stage's, a hand-off. */
static bool requeue(xs_probe_engine *e, conn *c, xs_probe_kind next, bool always);

static bool retry_with_fallback(xs_probe_engine *e, conn *c)
{
    req_node *n = c->req;
    if (c->res.info.protocol[0] || n->next_fallback >= n->n_fallback)
        return false;
    /* Refused or unreachable: no other probe would fare better. */
    if (c->state == C_CONNECTING || c->t_connected == 0)
        return false;
    xs_probe_kind next = n->fallback[n->next_fallback++];
    return requeue(e, c, next, false);
}

/* SMB answered: one more connection asks whether SMBv1 is still accepted. */
static bool follow_up(xs_probe_engine *e, conn *c)
{
    req_node *n = c->req;
    if (n->kind != XS_PROBE_SMB || strcmp(c->res.info.protocol, "smb") != 0 || n->carry)
        return false;
    n->carried = c->res.info;
    n->carry = true;
    return requeue(e, c, XS_PROBE_SMB1, true);
}

static bool requeue(xs_probe_engine *e, conn *c, xs_probe_kind next, bool always)
{
    req_node *n = c->req;
    if (!always && (next == XS_PROBE_HTTP_STAGE || next == XS_PROBE_TLS)) {
        c->res.handoff = next;
        return false;
    }
    close_conn_fd(e, c);
    xs_loop_timer_cancel(e->loop, &c->deadline);
    c->state = C_FREE;
    c->req = NULL;
    c->next_free = e->free_list;
    e->free_list = c;
    e->active--;
    n->kind = next;
    n->not_before = xs_now_ns();
    waiting_or_ready(e, n);
    return true;
}

static void finish(xs_probe_engine *e, conn *c, xs_probe_error err, const char *why)
{
    uint64_t now = xs_now_ns();
    xs_probe_result *r = &c->res;
    if (c->req->kind == XS_PROBE_SMB1 && c->t_connected &&
        c->res.info.facts[XS_PROBE_FACT_SMB1] == 0)
        c->res.info.facts[XS_PROBE_FACT_SMB1] = -1; /* closed on NT LM 0.12: not offered */
    if (retry_with_fallback(e, c) || follow_up(e, c))
        return;
    if (r->info.protocol[0]) {
        err = XS_PROBE_ERR_NONE; /* we have an answer: how the connection ended is moot */
    } else if (err == XS_PROBE_ERR_NONE || err == XS_PROBE_ERR_NO_RESPONSE) {
        err = r->bytes_received ? XS_PROBE_ERR_UNRECOGNIZED : XS_PROBE_ERR_NO_RESPONSE;
        if (!why)
            why = r->bytes_received ? "answer not recognised" : "no bytes received";
    }
    r->error = err;
    if (err != XS_PROBE_ERR_NONE && why)
        snprintf(r->error_text, sizeof r->error_text, "%s", why);
    r->queued_ns = c->t_start > c->req->submitted_ns ? c->t_start - c->req->submitted_ns : 0;
    r->connect_ns = c->t_connected ? c->t_connected - c->t_start : 0;
    r->total_ns = now - c->t_start;
    r->finished_realtime_ns = xs_realtime_ns();
    r->attempts = c->req->attempts;
    snprintf(r->tried, sizeof r->tried, "%s", c->req->tried);
    if (!strcmp(r->info.protocol, "http") || !strcmp(r->info.protocol, "http2"))
        r->handoff = XS_PROBE_HTTP_STAGE; /* an HTTP answer on any port: the HTTP stage's */
    else if (!strcmp(r->info.protocol, "tls"))
        r->handoff = XS_PROBE_TLS;
    close_conn_fd(e, c); /* also leaves the epoll set */
    xs_loop_timer_cancel(e->loop, &c->deadline);
    c->state = C_FREE;
    free(c->req);
    c->req = NULL;
    c->next_free = e->free_list;
    e->free_list = c;
    e->active--;
    e->pending--;
    e->delivered++;
    if (e->done)
        e->done(r, e->done_arg);
}

static void do_send(xs_probe_engine *e, conn *c);

/* Hands what arrived to the conversation and acts on its answer. */
static void converse(xs_probe_engine *e, conn *c, bool final)
{
    if (c->inlen >= e->cfg.max_bytes)
        final = true;
    size_t out_len = 0;
    xs_probe_step st = xs_probe_feed(c->req->kind, &c->step, c->in, c->inlen, final, &c->res.info,
                                     c->out, sizeof c->out, &out_len);
    switch (st) {
    case XS_PROBE_STEP_MORE:
        if (final)
            finish(e, c, XS_PROBE_ERR_NONE, NULL);
        return;
    case XS_PROBE_STEP_DONE:
        finish(e, c, XS_PROBE_ERR_NONE, NULL);
        return;
    case XS_PROBE_STEP_SEND:
    case XS_PROBE_STEP_SEND_CLOSE:
        if (final && st == XS_PROBE_STEP_SEND) {
            finish(e, c, XS_PROBE_ERR_NONE, NULL); /* the peer is gone: nobody to ask */
            return;
        }
        c->inlen = 0;
        c->outlen = out_len;
        c->outoff = 0;
        c->close_after_send = st == XS_PROBE_STEP_SEND_CLOSE;
        do_send(e, c);
        return;
    }
}

static void do_send(xs_probe_engine *e, conn *c)
{
    while (c->outoff < c->outlen) {
        ssize_t w =
            send(c->fd, c->out + c->outoff, c->outlen - c->outoff, MSG_NOSIGNAL | MSG_DONTWAIT);
        if (w > 0) {
            c->outoff += (size_t)w;
            continue;
        }
        if (w < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) && !c->close_after_send) {
            set_interest(e, c, EPOLLIN | EPOLLOUT);
            return;
        }
        break; /* failed or best-effort: read what the peer said */
    }
    if (c->close_after_send) {
        finish(e, c, XS_PROBE_ERR_NONE, NULL);
        return;
    }
    c->outlen = c->outoff = 0;
    set_interest(e, c, EPOLLIN);
}

static void do_recv(xs_probe_engine *e, conn *c)
{
    for (;;) {
        size_t room = e->cfg.max_bytes - c->inlen;
        if (room == 0) {
            converse(e, c, true);
            return;
        }
        ssize_t r = recv(c->fd, c->in + c->inlen, room, MSG_DONTWAIT);
        if (r > 0) {
            c->inlen += (size_t)r;
            c->res.bytes_received += (size_t)r;
            unsigned step_before = c->step;
            converse(e, c, false);
            if (c->state == C_FREE || c->step != step_before)
                return; /* finished, or a new exchange began */
            continue;
        }
        if (r == 0) {
            converse(e, c, true);
            return;
        }
        if (errno == EAGAIN || errno == EWOULDBLOCK)
            return;
        if (errno == EINTR)
            continue;
        int err = errno;
        if (c->inlen) {
            converse(e, c, true); /* reset after some bytes: judge what came */
            return;
        }
        finish(e, c, err == ECONNRESET ? XS_PROBE_ERR_RESET : XS_PROBE_ERR_NETWORK, strerror(err));
        return;
    }
}

static void established(xs_probe_engine *e, conn *c)
{
    uint64_t now = xs_now_ns();
    c->t_connected = now;
    c->state = C_TALKING;
    xs_probe_kind k = c->req->kind;
    bool passive =
        k == XS_PROBE_BANNER || k == XS_PROBE_HTTP_STAGE || k == XS_PROBE_TLS || k == XS_PROBE_AUTO;
    set_deadline(e, c,
                 now + (uint64_t)(passive ? e->cfg.banner_timeout_ms : e->cfg.total_timeout_ms) *
                           NS_PER_MS);
    c->outlen = xs_probe_first_request(k, &c->req->addr, c->req->port, c->out, sizeof c->out);
    c->outoff = 0;
    c->close_after_send = false;
    if (c->outlen)
        do_send(e, c);
    else
        set_interest(e, c, EPOLLIN);
}

static void connect_failed(xs_probe_engine *e, conn *c, int err)
{
    xs_probe_error pe = err == ECONNREFUSED ? XS_PROBE_ERR_CONNECT_REFUSED
                        : err == ETIMEDOUT  ? XS_PROBE_ERR_CONNECT_TIMEOUT
                                            : XS_PROBE_ERR_NETWORK;
    finish(e, c, pe, strerror(err));
}

/* The per-endpoint clock: false (and n back in the wait queue) when the endpoint was contacted
 * less than the gap ago. */
static bool clock_allows(xs_probe_engine *e, req_node *n)
{
    if (!e->cfg.clock)
        return true;
    uint64_t now = xs_now_ns();
    uint64_t wait = xs_throttle_acquire(e->cfg.clock, xs_endpoint_key(&n->addr, n->port), now);
    if (wait == 0)
        return true;
    n->not_before = now + wait;
    if (xs_wait_queue_defer(&e->queue, &n->wait, n->not_before) != 0)
        xs_wait_queue_ready(&e->queue, &n->wait); /* out of memory: try again on the next admit */
    return false;
}

/* The SYN leaves inside connect(): the contact counts from its return, not from the clock's
 * read before it, so a thread preempted in between (a loaded host) cannot shorten the gap on
 * the wire below the clock's. */
static void contact_sent(xs_probe_engine *e, const req_node *n)
{
    if (e->cfg.clock)
        xs_throttle_note(e->cfg.clock, xs_endpoint_key(&n->addr, n->port), xs_now_ns());
}

static void start(xs_probe_engine *e, req_node *n)
{
    if (!clock_allows(e, n))
        return;
    n->attempts++;
    size_t tl = strlen(n->tried);
    snprintf(n->tried + tl, sizeof n->tried - tl, "%s%s", tl ? "," : "",
             xs_probe_kind_name(n->kind));
    conn *c = e->free_list;
    e->free_list = c->next_free;
    e->active++;
    memset(&c->res, 0, sizeof c->res);
    c->res.addr = n->addr;
    c->res.port = n->port;
    c->res.kind = n->kind;
    c->res.user = n->user;
    if (n->carry)
        c->res.info = n->carried;
    c->req = n;
    c->step = 0;
    c->inlen = c->outlen = c->outoff = 0;
    c->t_connected = 0;
    c->t_start = xs_now_ns();
    set_deadline(e, c, c->t_start + (uint64_t)e->cfg.connect_timeout_ms * NS_PER_MS);
    c->state = C_CONNECTING;
    struct sockaddr_storage sa;
    socklen_t salen = xs_addr_to_sockaddr(&n->addr, n->port, &sa);
    c->fd = socket(sa.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (c->fd < 0) {
        connect_failed(e, c, errno);
        return;
    }
    int rc = connect(c->fd, (struct sockaddr *)&sa, salen);
    int err = errno;
    contact_sent(e, n);
    if (rc == 0) {
        established(e, c);
        return;
    }
    if (err != EINPROGRESS) {
        connect_failed(e, c, err);
        return;
    }
    set_interest(e, c, EPOLLOUT);
}

static void on_event(xs_probe_engine *e, conn *c, uint32_t ev)
{
    if (c->state == C_CONNECTING) {
        int err = 0;
        socklen_t l = sizeof err;
        if (getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &err, &l) != 0)
            err = errno;
        if (err) {
            connect_failed(e, c, err);
            return;
        }
        if (ev & (EPOLLOUT | EPOLLIN))
            established(e, c);
        return;
    }
    if (c->state != C_TALKING)
        return;
    if ((ev & EPOLLOUT) && c->outoff < c->outlen) {
        do_send(e, c);
        if (c->state != C_TALKING)
            return;
    }
    if (ev & (EPOLLIN | EPOLLHUP | EPOLLERR))
        do_recv(e, c);
}

/* ---------------------------------------------------------------- the loop */
/* Before each wait: ready probes take free slots. */
static bool engine_hook(void *arg)
{
    xs_probe_engine *e = arg;
    int before = e->delivered;
    for (size_t budget = e->pending + 1;
         e->free_list && xs_wait_queue_has_ready(&e->queue) && budget > 0; budget--)
        start(e, XS_CONTAINER_OF(xs_wait_queue_pop(&e->queue), req_node, wait));
    return e->delivered != before || (xs_wait_queue_has_ready(&e->queue) && e->free_list);
}

static void on_io(xs_io *io, uint32_t revents, void *arg)
{
    on_event(arg, XS_CONTAINER_OF(io, conn, io), revents);
}

static void on_deadline(xs_timer *t, void *arg)
{
    xs_probe_engine *e = arg;
    conn *c = XS_CONTAINER_OF(t, conn, deadline);
    if (c->state == C_FREE)
        return;
    if (c->state == C_CONNECTING)
        finish(e, c, XS_PROBE_ERR_CONNECT_TIMEOUT, "connect timed out");
    else if (c->inlen)
        converse(e, c, true); /* judge what came before the deadline */
    else
        finish(e, c, XS_PROBE_ERR_NO_RESPONSE, "timed out waiting for bytes");
}

int xs_probe_engine_poll(xs_probe_engine *e, int timeout_ms, xs_probe_done_fn done, void *arg)
{
    xs_probe_done_fn keep = e->done;
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
