/* The probe engine: one thread, one epoll set, non-blocking kernel TCP sockets, a fixed pool of
 * connection slots. A probe lives in the waiting heap (not_before in the future), then the ready
 * queue (due, waiting for a slot), then a slot (connected, talking). Slots carry one deadline each;
 * with a few hundred slots a linear scan per poll is cheaper than keeping a heap in step. */
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "probe_internal.h"
#include "xsweep/ratelimit.h"
#include "xsweep/record.h"
#include "xsweep/throttle.h"

#define NS_PER_MS   1000000ULL
#define EPOLL_BATCH 128
#define OUT_CAP     512

typedef struct req_node {
    struct req_node *next;       /* ready queue */
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
    bool carry;                  /* a follow-up: res.info starts from what the last probe learned */
    xs_probe_info carried;
} req_node;

typedef enum { C_FREE = 0, C_CONNECTING, C_TALKING } conn_state;

typedef struct conn {
    conn_state state;
    int fd;
    uint32_t events;             /* current epoll interest, 0 = not registered */
    struct conn *next_free;
    req_node *req;
    uint64_t deadline, t_start, t_connected;
    unsigned step;
    bool close_after_send;
    unsigned char out[OUT_CAP];
    size_t outlen, outoff;
    unsigned char *in;           /* max_bytes, carved from the engine's buffer */
    size_t inlen;
    xs_probe_result res;
} conn;

struct xs_probe_engine {
    xs_probe_config cfg;
    int epfd, wakefd;
    conn *conns;
    unsigned char *inbufs;
    conn *free_list;
    size_t active, pending;
    req_node *ready_head, *ready_tail;
    req_node **waiting;          /* min-heap on not_before */
    size_t n_waiting, cap_waiting;
    xs_probe_done_fn done;
    void *done_arg;
    int delivered;
};

uint64_t xs_probe_now_ns(void)
{
    return xs_now_ns();   /* one monotonic clock for the whole program */
}

void xs_probe_config_defaults(xs_probe_config *cfg)
{
    cfg->concurrency = 256;
    cfg->connect_timeout_ms = 3000;
    cfg->total_timeout_ms = 5000;
    cfg->banner_timeout_ms = 2000;
    cfg->max_bytes = XS_PROBE_MAX_BYTES;
}

/* ---------------------------------------------------------------- setup */
xs_probe_engine *xs_probe_engine_new(const xs_probe_config *cfg)
{
    xs_probe_engine *e = calloc(1, sizeof *e);
    if (!e)
        return NULL;
    xs_probe_config_defaults(&e->cfg);
    if (cfg) {
        if (cfg->concurrency) e->cfg.concurrency = cfg->concurrency;
        if (cfg->connect_timeout_ms) e->cfg.connect_timeout_ms = cfg->connect_timeout_ms;
        if (cfg->total_timeout_ms) e->cfg.total_timeout_ms = cfg->total_timeout_ms;
        if (cfg->banner_timeout_ms) e->cfg.banner_timeout_ms = cfg->banner_timeout_ms;
        if (cfg->max_bytes && cfg->max_bytes < XS_PROBE_MAX_BYTES) e->cfg.max_bytes = cfg->max_bytes;
    }
    if (e->cfg.max_bytes < 64)
        e->cfg.max_bytes = 64;
    e->epfd = e->wakefd = -1;
    e->conns = calloc(e->cfg.concurrency, sizeof *e->conns);
    e->inbufs = malloc((size_t)e->cfg.concurrency * e->cfg.max_bytes);
    e->epfd = epoll_create1(EPOLL_CLOEXEC);
    e->wakefd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    if (!e->conns || !e->inbufs || e->epfd < 0 || e->wakefd < 0) {
        xs_probe_engine_free(e);
        return NULL;
    }
    struct epoll_event ev = {.events = EPOLLIN, .data.ptr = NULL};
    if (epoll_ctl(e->epfd, EPOLL_CTL_ADD, e->wakefd, &ev) != 0) {
        xs_probe_engine_free(e);
        return NULL;
    }
    for (unsigned i = e->cfg.concurrency; i-- > 0;) {
        conn *c = &e->conns[i];
        c->fd = -1;
        c->in = e->inbufs + (size_t)i * e->cfg.max_bytes;
        c->next_free = e->free_list;
        e->free_list = c;
    }
    struct rlimit rl;
    rlim_t need = e->cfg.concurrency + 64;
    if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < need) {
        rl.rlim_cur = need < rl.rlim_max ? need : rl.rlim_max;
        setrlimit(RLIMIT_NOFILE, &rl);
    }
    return e;
}

size_t xs_probe_engine_pending(const xs_probe_engine *e) { return e->pending; }
size_t xs_probe_engine_active(const xs_probe_engine *e) { return e->active; }

void xs_probe_engine_wakeup(xs_probe_engine *e)
{
    uint64_t one = 1;
    ssize_t r = write(e->wakefd, &one, sizeof one);
    (void)r;
}

void xs_probe_engine_free(xs_probe_engine *e)
{
    if (!e)
        return;
    if (e->conns) {
        for (unsigned i = 0; i < e->cfg.concurrency; i++) {
            if (e->conns[i].fd >= 0)
                close(e->conns[i].fd);
            free(e->conns[i].req);
        }
    }
    while (e->ready_head) {
        req_node *n = e->ready_head;
        e->ready_head = n->next;
        free(n);
    }
    for (size_t i = 0; i < e->n_waiting; i++)
        free(e->waiting[i]);
    free(e->waiting);
    if (e->epfd >= 0)
        close(e->epfd);
    if (e->wakefd >= 0)
        close(e->wakefd);
    free(e->inbufs);
    free(e->conns);
    free(e);
}

/* ---------------------------------------------------------------- queues */
static void ready_push(xs_probe_engine *e, req_node *n)
{
    n->next = NULL;
    if (e->ready_tail)
        e->ready_tail->next = n;
    else
        e->ready_head = n;
    e->ready_tail = n;
}

static req_node *ready_pop(xs_probe_engine *e)
{
    req_node *n = e->ready_head;
    if (n) {
        e->ready_head = n->next;
        if (!e->ready_head)
            e->ready_tail = NULL;
    }
    return n;
}

static int waiting_push(xs_probe_engine *e, req_node *n)
{
    if (e->n_waiting == e->cap_waiting) {
        size_t cap = e->cap_waiting ? e->cap_waiting * 2 : 64;
        req_node **w = realloc(e->waiting, cap * sizeof *w);
        if (!w)
            return -1;
        e->waiting = w;
        e->cap_waiting = cap;
    }
    size_t i = e->n_waiting++;
    while (i > 0) {
        size_t p = (i - 1) / 2;
        if (e->waiting[p]->not_before <= n->not_before)
            break;
        e->waiting[i] = e->waiting[p];
        i = p;
    }
    e->waiting[i] = n;
    return 0;
}

static req_node *waiting_pop(xs_probe_engine *e)
{
    req_node *top = e->waiting[0];
    req_node *last = e->waiting[--e->n_waiting];
    size_t i = 0, n = e->n_waiting;
    for (;;) {
        size_t l = 2 * i + 1, r = l + 1, m = i;
        uint64_t mv = last->not_before;
        if (l < n && e->waiting[l]->not_before < mv) { m = l; mv = e->waiting[l]->not_before; }
        if (r < n && e->waiting[r]->not_before < mv) { m = r; }
        if (m == i)
            break;
        e->waiting[i] = e->waiting[m];
        i = m;
    }
    if (n)
        e->waiting[i] = last;
    return top;
}

int xs_probe_engine_submit_kind(xs_probe_engine *e, const xs_addr *addr, uint16_t port, xs_probe_kind kind,
                                uint64_t not_before_ns, void *user)
{
    if ((unsigned)kind >= XS_PROBE_KIND_COUNT) {
        errno = EINVAL;
        return -1;
    }
    req_node *n = calloc(1, sizeof *n);
    if (!n)
        return -1;
    n->addr = *addr;
    n->port = port;
    n->kind = kind == XS_PROBE_AUTO ? xs_probe_kind_for_port(port) : kind;
    if (!e->cfg.no_fallbacks)
        n->n_fallback = xs_probe_fallbacks_for_port(port, n->fallback);
    n->user = user;
    n->submitted_ns = xs_probe_now_ns();
    n->not_before = not_before_ns;
    if (not_before_ns > n->submitted_ns) {
        if (waiting_push(e, n) != 0) {
            free(n);
            errno = ENOMEM;
            return -1;
        }
    } else {
        ready_push(e, n);
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
    if (c->events == events)
        return;
    struct epoll_event ev = {.events = events, .data.ptr = c};
    epoll_ctl(e->epfd, c->events ? EPOLL_CTL_MOD : EPOLL_CTL_ADD, c->fd, &ev);
    c->events = events;
}

static void waiting_or_ready(xs_probe_engine *e, req_node *n);

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
    if (c->fd >= 0)
        close(c->fd);
    c->fd = -1;
    c->events = 0;
    c->state = C_FREE;
    c->req = NULL;
    c->next_free = e->free_list;
    e->free_list = c;
    e->active--;
    n->kind = next;
    n->not_before = xs_probe_now_ns();
    waiting_or_ready(e, n);
    return true;
}

static void finish(xs_probe_engine *e, conn *c, xs_probe_error err, const char *why)
{
    uint64_t now = xs_probe_now_ns();
    xs_probe_result *r = &c->res;
    if (c->req->kind == XS_PROBE_SMB1 && c->t_connected && c->res.info.facts[XS_PROBE_FACT_SMB1] == 0)
        c->res.info.facts[XS_PROBE_FACT_SMB1] = -1;   /* closed on NT LM 0.12: not offered */
    if (retry_with_fallback(e, c) || follow_up(e, c))
        return;
    if (r->info.protocol[0]) {
        err = XS_PROBE_ERR_NONE;         /* we have an answer: how the connection ended is moot */
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
        r->handoff = XS_PROBE_HTTP_STAGE;     /* an HTTP answer on any port: the HTTP stage's */
    else if (!strcmp(r->info.protocol, "tls"))
        r->handoff = XS_PROBE_TLS;
    if (c->fd >= 0)
        close(c->fd);                    /* also leaves the epoll set */
    c->fd = -1;
    c->events = 0;
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
        ssize_t w = send(c->fd, c->out + c->outoff, c->outlen - c->outoff, MSG_NOSIGNAL | MSG_DONTWAIT);
        if (w > 0) {
            c->outoff += (size_t)w;
            continue;
        }
        if (w < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) && !c->close_after_send) {
            set_interest(e, c, EPOLLIN | EPOLLOUT);
            return;
        }
        break;                           /* failed or best-effort: read what the peer said */
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
                return;                  /* finished, or a new exchange began */
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
            converse(e, c, true);        /* reset after some bytes: judge what came */
            return;
        }
        finish(e, c, err == ECONNRESET ? XS_PROBE_ERR_RESET : XS_PROBE_ERR_NETWORK, strerror(err));
        return;
    }
}

static void established(xs_probe_engine *e, conn *c)
{
    uint64_t now = xs_probe_now_ns();
    c->t_connected = now;
    c->state = C_TALKING;
    xs_probe_kind k = c->req->kind;
    bool passive = k == XS_PROBE_BANNER || k == XS_PROBE_HTTP_STAGE || k == XS_PROBE_TLS ||
                   k == XS_PROBE_AUTO;
    c->deadline = now + (uint64_t)(passive ? e->cfg.banner_timeout_ms : e->cfg.total_timeout_ms) * NS_PER_MS;
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
                      : err == ETIMEDOUT    ? XS_PROBE_ERR_CONNECT_TIMEOUT
                                            : XS_PROBE_ERR_NETWORK;
    finish(e, c, pe, strerror(err));
}

static void waiting_or_ready(xs_probe_engine *e, req_node *n)
{
    if (n->not_before > xs_probe_now_ns() && waiting_push(e, n) == 0)
        return;
    ready_push(e, n);
}

/* The per-endpoint clock: false (and n back in the waiting heap) when the endpoint was contacted
 * less than the gap ago. */
static bool clock_allows(xs_probe_engine *e, req_node *n)
{
    if (!e->cfg.clock)
        return true;
    uint64_t now = xs_probe_now_ns();
    uint64_t wait = xs_throttle_acquire(e->cfg.clock, xs_endpoint_key(&n->addr, n->port), now);
    if (wait == 0)
        return true;
    n->not_before = now + wait;
    if (waiting_push(e, n) != 0)
        ready_push(e, n);   /* out of memory: try again on the next admit */
    return false;
}

static void start(xs_probe_engine *e, req_node *n)
{
    if (!clock_allows(e, n))
        return;
    n->attempts++;
    size_t tl = strlen(n->tried);
    snprintf(n->tried + tl, sizeof n->tried - tl, "%s%s", tl ? "," : "", xs_probe_kind_name(n->kind));
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
    c->events = 0;
    c->t_connected = 0;
    c->t_start = xs_probe_now_ns();
    c->deadline = c->t_start + (uint64_t)e->cfg.connect_timeout_ms * NS_PER_MS;
    c->state = C_CONNECTING;
    struct sockaddr_storage sa;
    socklen_t salen = xs_addr_to_sockaddr(&n->addr, n->port, &sa);
    c->fd = socket(sa.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (c->fd < 0) {
        connect_failed(e, c, errno);
        return;
    }
    if (connect(c->fd, (struct sockaddr *)&sa, salen) == 0) {
        established(e, c);
        return;
    }
    if (errno != EINPROGRESS) {
        connect_failed(e, c, errno);
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
static void admit(xs_probe_engine *e)
{
    uint64_t now = xs_probe_now_ns();
    while (e->n_waiting && e->waiting[0]->not_before <= now)
        ready_push(e, waiting_pop(e));
    for (size_t budget = e->pending + 1; e->free_list && e->ready_head && budget > 0; budget--)
        start(e, ready_pop(e));
}

static void expire(xs_probe_engine *e)
{
    uint64_t now = xs_probe_now_ns();
    for (unsigned i = 0; i < e->cfg.concurrency; i++) {
        conn *c = &e->conns[i];
        if (c->state == C_FREE || c->deadline > now)
            continue;
        if (c->state == C_CONNECTING)
            finish(e, c, XS_PROBE_ERR_CONNECT_TIMEOUT, "connect timed out");
        else if (c->inlen)
            converse(e, c, true);        /* judge what came before the deadline */
        else
            finish(e, c, XS_PROBE_ERR_NO_RESPONSE, "timed out waiting for bytes");
    }
}

/* Milliseconds until the next timer (a waiting probe or a slot deadline), capped by limit. */
static int next_timeout(const xs_probe_engine *e, int limit)
{
    uint64_t now = xs_probe_now_ns(), next = UINT64_MAX;
    if (e->n_waiting)
        next = e->waiting[0]->not_before;
    if (e->active)
        for (unsigned i = 0; i < e->cfg.concurrency; i++)
            if (e->conns[i].state != C_FREE && e->conns[i].deadline < next)
                next = e->conns[i].deadline;
    if (e->ready_head && e->free_list)
        return 0;
    if (next == UINT64_MAX)
        return limit;
    uint64_t ms = next <= now ? 0 : (next - now + NS_PER_MS - 1) / NS_PER_MS;
    if (limit >= 0 && ms > (uint64_t)limit)
        return limit;
    return ms > 60000 ? 60000 : (int)ms;
}

int xs_probe_engine_poll(xs_probe_engine *e, int timeout_ms, xs_probe_done_fn done, void *arg)
{
    e->done = done;
    e->done_arg = arg;
    e->delivered = 0;
    admit(e);
    int wait = e->delivered ? 0 : next_timeout(e, timeout_ms);
    struct epoll_event evs[EPOLL_BATCH];
    int n = epoll_wait(e->epfd, evs, EPOLL_BATCH, wait);
    if (n < 0 && errno != EINTR)
        return -1;
    for (int i = 0; i < n; i++) {
        if (!evs[i].data.ptr) {
            uint64_t v;
            ssize_t r = read(e->wakefd, &v, sizeof v);
            (void)r;
            continue;
        }
        on_event(e, evs[i].data.ptr, evs[i].events);
    }
    expire(e);
    admit(e);
    e->done = NULL;
    return e->delivered;
}
