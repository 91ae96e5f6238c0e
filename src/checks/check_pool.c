/* Worker threads for the checks, and the gate that keeps them on the stage's clock. A worker
 * that wants to connect raises its gate, rings the pool's eventfd and sleeps; the stage thread's
 * event loop wakes on the eventfd, asks the clock (which only it touches) and opens the gates
 * whose endpoint may be contacted now. A gate the clock holds back is looked at again when a
 * timer (in the loop's heap) says its endpoint's gap has passed. */
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/random.h>
#include <sys/epoll.h>
#include <time.h>
#include <unistd.h>
#include "xsweep/event_loop.h"
#include "xsweep/record.h"
#include "xsweep/clock.h"
#include "check_internal.h"
#include "../tlscheck/tls_internal.h"

struct check_gate {
    struct xs_checks_pool *pool;
    pthread_cond_t cv;
    xs_epkey key;
    uint64_t connected_ns; /* the worker's last real connection start, not yet on the clock */
    bool waiting, granted;
};

typedef struct job {
    xs_check_target t;
    char *host, *page, *page_path;
    void *user;
    xs_epkey key;
    uint64_t connected_ns; /* the endpoint's last connection start, for the clock */
    xs_check_report *rep;
    struct job *next;
} job;

typedef struct {
    struct xs_checks_pool *pool;
    pthread_t th;
    check_gate gate;
    bool started;
} worker;

struct xs_checks_pool {
    xs_checks_config cfg;
    pthread_mutex_t mu;
    pthread_cond_t work_cv;
    job *queue, *queue_tail, *done;
    size_t pending; /* submitted, not yet handed back (stage thread only) */
    bool stop;
    bool rung; /* the eventfd holds a write the loop has not read (under mu) */
    worker *w;
    unsigned nw;
    char marker[16];
    /* stage thread only */
    xs_loop *loop;
    xs_io bell;     /* eventfd: a gate was raised or a job finished */
    xs_timer retry; /* the earliest time a held-back gate may open */
    xs_checks_done_fn done_fn;
    void *done_arg;
};

/* Under p->mu: wakes the stage's loop (once until it has looked). */
static void ring(struct xs_checks_pool *p)
{
    if (p->rung || p->bell.fd < 0)
        return;
    p->rung = true;
    uint64_t one = 1;
    ssize_t r = write(p->bell.fd, &one, sizeof one);
    (void)r;
}

/* The SYN leaves a little after the clock is read before connect(); counting the contact this
 * much later keeps the gap on the wire at or above the clock's, even on a loaded host. */
#define CONNECT_GUARD_NS 2000000ull

bool check_gate_wait(check_gate *g)
{
    struct xs_checks_pool *p = g->pool;
    pthread_mutex_lock(&p->mu);
    g->connected_ns = check_last_connect_ns;
    check_last_connect_ns = 0;
    g->waiting = true;
    g->granted = false;
    ring(p);
    while (!g->granted && !p->stop)
        pthread_cond_wait(&g->cv, &p->mu);
    bool ok = g->granted;
    g->waiting = false;
    pthread_mutex_unlock(&p->mu);
    return ok;
}

static void *worker_main(void *arg)
{
    worker *w = arg;
    struct xs_checks_pool *p = w->pool;
    check_env env = {.db = p->cfg.db,
                     .gate = &w->gate,
                     .max_requests = p->cfg.max_requests,
                     .timeout_ms = p->cfg.timeout_ms,
                     .canary = p->cfg.canary_url,
                     .marker = p->marker};
    pthread_mutex_lock(&p->mu);
    for (;;) {
        while (!p->queue && !p->stop)
            pthread_cond_wait(&p->work_cv, &p->mu);
        if (p->stop)
            break;
        job *j = p->queue;
        p->queue = j->next;
        if (!p->queue)
            p->queue_tail = NULL;
        w->gate.key = xs_endpoint_key(&j->t.addr, j->t.port);
        pthread_mutex_unlock(&p->mu);
        check_last_connect_ns = 0;
        check_run_endpoint(&env, &j->t, j->rep);
        pthread_mutex_lock(&p->mu);
        j->key = w->gate.key;
        j->connected_ns = check_last_connect_ns;
        j->next = p->done;
        p->done = j;
        ring(p);
    }
    pthread_mutex_unlock(&p->mu);
    return NULL;
}

static void on_bell(xs_io *io, uint32_t revents, void *arg);
static void on_retry(xs_timer *t, void *arg);

xs_checks_pool *xs_checks_pool_new(const xs_checks_config *cfg, struct xs_loop *loop,
                                   xs_checks_done_fn done, void *arg, char *err, size_t errlen)
{
    if (!cfg->db || !cfg->clock || !loop) {
        snprintf(err, errlen, "checks: no checks or no clock");
        return NULL;
    }
    struct xs_checks_pool *p = calloc(1, sizeof *p);
    if (!p) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    p->cfg = *cfg;
    p->loop = loop;
    p->done_fn = done;
    p->done_arg = arg;
    xs_io_init(&p->bell, eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC), on_bell, p);
    xs_timer_init(&p->retry, on_retry, p);
    if (p->bell.fd < 0 || xs_loop_io_set(loop, &p->bell, EPOLLIN) != 0) {
        snprintf(err, errlen, "checks: eventfd: %s", strerror(errno));
        if (p->bell.fd >= 0)
            close(p->bell.fd);
        free(p);
        return NULL;
    }
    if (!p->cfg.max_requests)
        p->cfg.max_requests = XS_CHECKS_DEFAULT_MAX_REQUESTS;
    if (!p->cfg.timeout_ms)
        p->cfg.timeout_ms = 10000;
    p->nw = cfg->workers ? cfg->workers : 64;
    unsigned char rnd[4] = {0};
    if (getrandom(rnd, sizeof rnd, 0) != sizeof rnd)
        memcpy(rnd, &(uint64_t){xs_now_ns()}, sizeof rnd);
    snprintf(p->marker, sizeof p->marker, "xsw%02x%02x%02x%02x", rnd[0], rnd[1], rnd[2], rnd[3]);
    pthread_mutex_init(&p->mu, NULL);
    pthread_cond_init(&p->work_cv, NULL);
    p->w = calloc(p->nw, sizeof *p->w);
    for (unsigned i = 0; p->w && i < p->nw; i++) {
        p->w[i].pool = p;
        p->w[i].gate.pool = p;
        pthread_cond_init(&p->w[i].gate.cv, NULL);
        p->w[i].started = pthread_create(&p->w[i].th, NULL, worker_main, &p->w[i]) == 0;
    }
    if (!p->w || !p->w[0].started) {
        snprintf(err, errlen, "cannot start the check workers");
        xs_checks_pool_free(p, NULL, NULL);
        return NULL;
    }
    return p;
}

static char *dup_or_null(const char *s, size_t n)
{
    return s ? strndup(s, n) : NULL;
}

int xs_checks_pool_submit(xs_checks_pool *p, const xs_check_target *t, void *user)
{
    job *j = calloc(1, sizeof *j);
    if (!j || !(j->rep = calloc(1, sizeof *j->rep))) {
        free(j);
        return -1;
    }
    j->t = *t;
    j->host = dup_or_null(t->host, t->host ? strlen(t->host) : 0);
    j->page = dup_or_null(t->page, t->page_len);
    j->page_path = dup_or_null(t->page_path, t->page_path ? strlen(t->page_path) : 0);
    j->t.host = j->host;
    j->t.page = j->page;
    j->t.page_len = j->page ? t->page_len : 0;
    j->t.page_path = j->page_path;
    j->user = user;
    pthread_mutex_lock(&p->mu);
    if (p->queue_tail)
        p->queue_tail->next = j;
    else
        p->queue = j;
    p->queue_tail = j;
    pthread_cond_signal(&p->work_cv);
    pthread_mutex_unlock(&p->mu);
    p->pending++;
    return 0;
}

size_t xs_checks_pool_pending(const xs_checks_pool *p)
{
    return p ? p->pending : 0;
}

static void job_free(job *j)
{
    free(j->host);
    free(j->page);
    free(j->page_path);
    free(j);
}

/* One pass: open the gates the clock allows, take the finished jobs. *hold gets the wait of the
 * gate the clock holds back the shortest (UINT64_MAX: none). */
static void pass(xs_checks_pool *p, job **done, uint64_t *hold)
{
    uint64_t now = xs_now_ns();
    *hold = UINT64_MAX;
    pthread_mutex_lock(&p->mu);
    p->rung = false;
    for (unsigned i = 0; i < p->nw; i++) {
        check_gate *g = &p->w[i].gate;
        if (g->waiting && g->connected_ns) {
            xs_throttle_note(p->cfg.clock, g->key, g->connected_ns + CONNECT_GUARD_NS);
            g->connected_ns = 0;
        }
        if (g->waiting && !g->granted) {
            uint64_t wait = xs_throttle_acquire(p->cfg.clock, g->key, now);
            if (wait == 0) {
                g->granted = true;
                pthread_cond_signal(&g->cv);
            } else if (wait < *hold) {
                *hold = wait;
            }
        }
    }
    *done = p->done;
    p->done = NULL;
    for (job *j = *done; j; j = j->next)
        if (j->connected_ns)
            xs_throttle_note(p->cfg.clock, j->key, j->connected_ns + CONNECT_GUARD_NS);
    pthread_mutex_unlock(&p->mu);
}

static void hand_back(xs_checks_pool *p, job *d, xs_checks_done_fn done, void *arg)
{
    while (d) {
        job *next = d->next;
        p->pending--;
        if (done)
            done(d->rep, d->user, arg);
        else
            xs_check_report_free(d->rep);
        job_free(d);
        d = next;
    }
}

/* Gates and finished jobs, on the stage's thread; a held-back gate gets the retry timer. */
static void service(xs_checks_pool *p)
{
    job *d;
    uint64_t hold;
    pass(p, &d, &hold);
    if (hold != UINT64_MAX)
        xs_loop_timer_set(p->loop, &p->retry, xs_now_ns() + hold);
    else
        xs_loop_timer_cancel(p->loop, &p->retry);
    hand_back(p, d, p->done_fn, p->done_arg);
}

static void on_bell(xs_io *io, uint32_t revents, void *arg)
{
    uint64_t v;
    ssize_t r = read(io->fd, &v, sizeof v);
    (void)r;
    (void)revents;
    service(arg);
}

static void on_retry(xs_timer *t, void *arg)
{
    (void)t;
    service(arg);
}

void xs_checks_pool_free(xs_checks_pool *p, xs_checks_done_fn done, void *arg)
{
    if (!p)
        return;
    pthread_mutex_lock(&p->mu);
    p->stop = true;
    pthread_cond_broadcast(&p->work_cv);
    for (unsigned i = 0; p->w && i < p->nw; i++)
        pthread_cond_signal(&p->w[i].gate.cv);
    pthread_mutex_unlock(&p->mu);
    for (unsigned i = 0; p->w && i < p->nw; i++)
        if (p->w[i].started)
            pthread_join(p->w[i].th, NULL);
    hand_back(p, p->done, done, arg);
    hand_back(p, p->queue, done, arg); /* never started: an empty report */
    for (unsigned i = 0; p->w && i < p->nw; i++)
        pthread_cond_destroy(&p->w[i].gate.cv);
    xs_loop_timer_cancel(p->loop, &p->retry);
    xs_loop_io_close(p->loop, &p->bell);
    free(p->w);
    pthread_cond_destroy(&p->work_cv);
    pthread_mutex_destroy(&p->mu);
    free(p);
}
