/* The event loop: one epoll set, one deadline heap, before-wait hooks, an eventfd wake-up.
 * See include/xsweep/event_loop.h. */
#include <errno.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "xsweep/event_loop.h"
#include "xsweep/clock.h"

#define BATCH     256
#define MAX_HOOKS 8
#define NS_PER_MS 1000000ULL

typedef struct {
    xs_loop_hook_fn fn;
    void *arg;
} hook;

struct xs_loop {
    int epfd;
    xs_io wake;                /* eventfd: xs_loop_wakeup() */
    _Atomic bool wake_pending; /* a write is in the eventfd and not yet read: coalesce */
    xs_timer_heap timers;
    hook hooks[MAX_HOOKS];
    size_t n_hooks;
    /* the batch being dispatched: xs_loop_io_close clears entries of a closed handle */
    struct epoll_event fired[BATCH];
    int n_fired, at;
};

static void on_wake(xs_io *io, uint32_t revents, void *arg)
{
    xs_loop *l = arg;
    uint64_t v;
    atomic_store(&l->wake_pending, false); /* before the read: a later wakeup writes again */
    ssize_t r = read(io->fd, &v, sizeof v);
    (void)r;
    (void)revents;
}

xs_loop *xs_loop_new(void)
{
    xs_loop *l = calloc(1, sizeof *l);
    if (!l)
        return NULL;
    l->epfd = epoll_create1(EPOLL_CLOEXEC);
    int wfd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    xs_io_init(&l->wake, wfd, on_wake, l);
    if (l->epfd < 0 || wfd < 0 || xs_loop_io_set(l, &l->wake, EPOLLIN) != 0) {
        int er = errno;
        xs_loop_free(l);
        errno = er;
        return NULL;
    }
    return l;
}

void xs_loop_free(xs_loop *l)
{
    if (!l)
        return;
    if (l->wake.fd >= 0)
        close(l->wake.fd);
    if (l->epfd >= 0)
        close(l->epfd);
    for (size_t i = 0; i < l->timers.len; i++)
        l->timers.items[i]->slot = SIZE_MAX;
    xs_timer_heap_free(&l->timers);
    free(l);
}

/* ---------------------------------------------------------------- fds */
void xs_io_init(xs_io *io, int fd, void (*fn)(xs_io *, uint32_t, void *), void *arg)
{
    io->fd = fd;
    io->events = 0;
    io->fn = fn;
    io->arg = arg;
}

static void drop_queued(xs_loop *l, const xs_io *io)
{
    for (int i = l->at; i < l->n_fired; i++)
        if (l->fired[i].data.ptr == io)
            l->fired[i].data.ptr = NULL;
}

int xs_loop_io_set(xs_loop *l, xs_io *io, uint32_t events)
{
    if (io->events == events)
        return 0;
    struct epoll_event ev = {.events = events, .data.ptr = io};
    int op = events == 0 ? EPOLL_CTL_DEL : io->events ? EPOLL_CTL_MOD : EPOLL_CTL_ADD;
    if (epoll_ctl(l->epfd, op, io->fd, &ev) != 0)
        return -1;
    if (events == 0)
        drop_queued(l, io);
    io->events = events;
    return 0;
}

void xs_loop_io_close(xs_loop *l, xs_io *io)
{
    if (io->events)
        drop_queued(l, io);
    if (io->fd >= 0)
        close(io->fd);
    io->fd = -1;
    io->events = 0;
}

/* ---------------------------------------------------------------- timers */
void xs_timer_init(xs_timer *t, void (*fn)(xs_timer *, void *), void *arg)
{
    t->when = 0;
    t->slot = SIZE_MAX;
    t->fn = fn;
    t->arg = arg;
}

int xs_loop_timer_set(xs_loop *l, xs_timer *t, uint64_t when)
{
    xs_timer_heap_remove(&l->timers, t);
    t->when = when;
    if (xs_timer_heap_push(&l->timers, t) != 0) {
        errno = ENOMEM;
        return -1;
    }
    return 0;
}

void xs_loop_timer_cancel(xs_loop *l, xs_timer *t)
{
    xs_timer_heap_remove(&l->timers, t);
}

size_t xs_loop_timer_count(const xs_loop *l)
{
    return l->timers.len;
}

/* ---------------------------------------------------------------- hooks */
int xs_loop_hook_add(xs_loop *l, xs_loop_hook_fn fn, void *arg)
{
    if (l->n_hooks == MAX_HOOKS)
        return -1;
    l->hooks[l->n_hooks++] = (hook){fn, arg};
    return 0;
}

void xs_loop_hook_remove(xs_loop *l, xs_loop_hook_fn fn, void *arg)
{
    for (size_t i = 0; i < l->n_hooks; i++) {
        if (l->hooks[i].fn == fn && l->hooks[i].arg == arg) {
            for (size_t k = i + 1; k < l->n_hooks; k++)
                l->hooks[k - 1] = l->hooks[k];
            l->n_hooks--;
            return;
        }
    }
}

static bool run_hooks(xs_loop *l)
{
    bool busy = false;
    for (size_t i = 0; i < l->n_hooks; i++)
        busy |= l->hooks[i].fn(l->hooks[i].arg);
    return busy;
}

/* ---------------------------------------------------------------- the turn */
/* Milliseconds to wait: bounded by the next deadline (rounded up: a timer never fires early). */
static int wait_ms(const xs_loop *l, int timeout_ms, uint64_t now)
{
    const xs_timer *t = xs_timer_heap_peek(&l->timers);
    if (!t)
        return timeout_ms;
    uint64_t ms = t->when <= now ? 0 : (t->when - now + NS_PER_MS - 1) / NS_PER_MS;
    if (timeout_ms >= 0 && ms > (uint64_t)timeout_ms)
        return timeout_ms;
    return ms > 1000000 ? 1000000 : (int)ms;
}

/* Due timers in deadline order; one pass fires at most what was due when it began, so a
 * callback that re-arms at "now" waits for the next turn instead of spinning here. */
static int expire(xs_loop *l)
{
    uint64_t now = xs_now_ns();
    int fired = 0;
    for (size_t budget = l->timers.len; budget > 0; budget--) {
        xs_timer *t = xs_timer_heap_peek(&l->timers);
        if (!t || t->when > now)
            break;
        xs_timer_heap_remove(&l->timers, t);
        t->fn(t, t->arg);
        fired++;
    }
    return fired;
}

int xs_loop_run_once(xs_loop *l, int timeout_ms)
{
    bool busy = run_hooks(l);
    int ms = busy ? 0 : wait_ms(l, timeout_ms, xs_now_ns());
    int n = epoll_wait(l->epfd, l->fired, BATCH, ms);
    if (n < 0 && errno != EINTR)
        return -1;
    int done = 0;
    l->n_fired = n > 0 ? n : 0;
    for (l->at = 0; l->at < l->n_fired;) {
        struct epoll_event ev = l->fired[l->at++];
        xs_io *io = ev.data.ptr;
        if (!io)
            continue; /* closed by an earlier callback of this batch */
        io->fn(io, ev.events, io->arg);
        done++;
    }
    l->n_fired = l->at = 0;
    done += expire(l);
    run_hooks(l);
    return done;
}

void xs_loop_wakeup(xs_loop *l)
{
    if (atomic_exchange(&l->wake_pending, true))
        return; /* one write is enough until the loop reads it */
    uint64_t one = 1;
    ssize_t r = write(l->wake.fd, &one, sizeof one);
    (void)r;
}
