/* Worker threads for the checks, and the gate that keeps them on the stage's clock. A worker
 * that wants to connect raises its gate and sleeps; the stage thread, in poll, asks the clock
 * (which only it touches) and opens the gates whose endpoint may be contacted now. */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include "xsweep/record.h"
#include "check_internal.h"
#include "../tlscheck/tls_internal.h"

struct check_gate {
    struct xs_checks_pool *pool;
    pthread_cond_t cv;
    xs_epkey key;
    uint64_t connected_ns;   /* the worker's last real connection start, not yet on the clock */
    bool waiting, granted;
};

typedef struct job {
    xs_check_target t;
    char *host, *page, *page_path;
    void *user;
    xs_epkey key;
    uint64_t connected_ns;       /* the endpoint's last connection start, for the clock */
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
    size_t pending;              /* submitted, not yet handed back (stage thread only) */
    bool stop;
    worker *w;
    unsigned nw;
    char marker[16];
};

/* The SYN leaves a little after the clock is read before connect(); counting the contact this
 * much later keeps the gap on the wire at or above the clock's, even on a loaded host. */
#define CONNECT_GUARD_NS 2000000ull

static uint64_t mono_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

bool check_gate_wait(check_gate *g)
{
    struct xs_checks_pool *p = g->pool;
    pthread_mutex_lock(&p->mu);
    g->connected_ns = check_last_connect_ns;
    check_last_connect_ns = 0;
    g->waiting = true;
    g->granted = false;
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
    check_env env = {.db = p->cfg.db, .gate = &w->gate, .max_requests = p->cfg.max_requests,
                     .timeout_ms = p->cfg.timeout_ms, .canary = p->cfg.canary_url, .marker = p->marker};
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
    }
    pthread_mutex_unlock(&p->mu);
    return NULL;
}

xs_checks_pool *xs_checks_pool_new(const xs_checks_config *cfg, char *err, size_t errlen)
{
    if (!cfg->db || !cfg->clock) {
        snprintf(err, errlen, "checks: no checks or no clock");
        return NULL;
    }
    struct xs_checks_pool *p = calloc(1, sizeof *p);
    if (!p) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    p->cfg = *cfg;
    if (!p->cfg.max_requests)
        p->cfg.max_requests = XS_CHECKS_DEFAULT_MAX_REQUESTS;
    if (!p->cfg.timeout_ms)
        p->cfg.timeout_ms = 10000;
    p->nw = cfg->workers ? cfg->workers : 64;
    unsigned char rnd[4] = {0};
    if (getrandom(rnd, sizeof rnd, 0) != sizeof rnd)
        memcpy(rnd, &(uint64_t){mono_ns()}, sizeof rnd);
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

/* One pass: open the gates the clock allows, take the finished jobs. True when anything moved. */
static bool pass(xs_checks_pool *p, job **done)
{
    bool moved = false;
    uint64_t now = mono_ns();
    pthread_mutex_lock(&p->mu);
    for (unsigned i = 0; i < p->nw; i++) {
        check_gate *g = &p->w[i].gate;
        if (g->waiting && g->connected_ns) {
            xs_throttle_note(p->cfg.clock, g->key, g->connected_ns + CONNECT_GUARD_NS);
            g->connected_ns = 0;
        }
        if (g->waiting && !g->granted && xs_throttle_acquire(p->cfg.clock, g->key, now) == 0) {
            g->granted = true;
            pthread_cond_signal(&g->cv);
            moved = true;
        }
    }
    *done = p->done;
    p->done = NULL;
    for (job *j = *done; j; j = j->next)
        if (j->connected_ns)
            xs_throttle_note(p->cfg.clock, j->key, j->connected_ns + CONNECT_GUARD_NS);
    pthread_mutex_unlock(&p->mu);
    return moved || *done;
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

void xs_checks_pool_poll(xs_checks_pool *p, int timeout_ms, xs_checks_done_fn done, void *arg)
{
    uint64_t end = mono_ns() + (uint64_t)(timeout_ms > 0 ? timeout_ms : 0) * 1000000ull;
    for (;;) {
        job *d;
        bool moved = pass(p, &d);
        hand_back(p, d, done, arg);
        if (moved || mono_ns() >= end)
            return;
        struct timespec ts = {0, 2 * 1000000L};
        nanosleep(&ts, NULL);
    }
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
    hand_back(p, p->queue, done, arg);   /* never started: an empty report */
    for (unsigned i = 0; p->w && i < p->nw; i++)
        pthread_cond_destroy(&p->w[i].gate.cv);
    free(p->w);
    pthread_cond_destroy(&p->work_cv);
    pthread_mutex_destroy(&p->mu);
    free(p);
}
