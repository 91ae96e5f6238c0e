/* The stage's one event loop (in the way of Redis's ae.c): fd readiness callbacks on one epoll
 * set, timers in one deadline heap, hooks that run before each wait (ae's beforesleep), and a
 * thread-safe wake-up. The HTTP engine, the probe engine, the screenshot pool and the checks pool
 * register with the loop of the thread that owns them; that thread drives it with
 * xs_loop_run_once().
 *
 * Handles are intrusive (an xs_io or xs_timer lives inside its owner's struct): registering costs
 * no allocation. Unlike ae (fd-indexed table, unsorted timer list) an event is delivered to the
 * handle it was registered with, and an fd closed during dispatch (xs_loop_io_close) never gets a
 * stale event from the same batch, even when its number is reused at once.
 *
 * Threading: a loop belongs to one thread; only xs_loop_wakeup() may be called from others. */
#ifndef XSWEEP_EVENT_LOOP_H
#define XSWEEP_EVENT_LOOP_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct xs_loop xs_loop;

/* ---- the deadline heap (the project's one heap): a binary min-heap on `when` ---- */
typedef struct xs_timer {
    uint64_t when;                             /* CLOCK_MONOTONIC ns (xs_now_ns) */
    size_t slot;                               /* index in the heap, SIZE_MAX when not in it */
    void (*fn)(struct xs_timer *t, void *arg); /* what a loop calls when it is due */
    void *arg;
} xs_timer;

typedef struct {
    xs_timer **items;
    size_t len, cap;
} xs_timer_heap;

void xs_timer_heap_free(xs_timer_heap *h);
int xs_timer_heap_push(xs_timer_heap *h, xs_timer *t);    /* 0 or -1 (ENOMEM) */
xs_timer *xs_timer_heap_peek(const xs_timer_heap *h);     /* NULL when empty */
void xs_timer_heap_remove(xs_timer_heap *h, xs_timer *t); /* no-op when not in it */
static inline bool xs_timer_armed(const xs_timer *t)
{
    return t->slot != SIZE_MAX;
}

/* ---- the loop ---- */
typedef struct xs_io {
    int fd;
    uint32_t events; /* current interest (EPOLLIN | EPOLLOUT ...), 0 = not registered */
    void (*fn)(struct xs_io *io, uint32_t revents, void *arg);
    void *arg;
} xs_io;

/* Runs before each wait and after each dispatch; true = it did work or has more (the loop then
 * does not sleep). */
typedef bool (*xs_loop_hook_fn)(void *arg);

xs_loop *xs_loop_new(void);    /* NULL on error (errno) */
void xs_loop_free(xs_loop *l); /* owners unregister first; armed timers are forgotten */

void xs_io_init(xs_io *io, int fd, void (*fn)(xs_io *, uint32_t, void *), void *arg);
/* Sets io's interest: adds, modifies, or (events 0) removes it. 0, or -1 (epoll_ctl's errno). */
int xs_loop_io_set(xs_loop *l, xs_io *io, uint32_t events);
/* Closes io's fd (which leaves the epoll set with it: no extra system call) and drops events
 * of it still queued in this dispatch. io->fd becomes -1. */
void xs_loop_io_close(xs_loop *l, xs_io *io);

void xs_timer_init(xs_timer *t, void (*fn)(xs_timer *, void *), void *arg);
/* Arms t at `when` (moves it when armed). 0, or -1 (ENOMEM: t stays unarmed). */
int xs_loop_timer_set(xs_loop *l, xs_timer *t, uint64_t when);
void xs_loop_timer_cancel(xs_loop *l, xs_timer *t); /* no-op when not armed */
size_t xs_loop_timer_count(const xs_loop *l);

/* At most 8 hooks; run in the order added. 0, or -1 when full. */
int xs_loop_hook_add(xs_loop *l, xs_loop_hook_fn fn, void *arg);
void xs_loop_hook_remove(xs_loop *l, xs_loop_hook_fn fn, void *arg);

/* One turn: hooks, wait for readiness (up to timeout_ms, -1 = no bound, and never past the next
 * timer), fd callbacks, due timers (in deadline order), hooks. Returns the callbacks dispatched
 * (fd + timer), or -1 when epoll_wait failed. */
int xs_loop_run_once(xs_loop *l, int timeout_ms);
/* Thread-safe: makes a wait in progress (or the next one) return at once. Calls are coalesced
 * into one write per turn. */
void xs_loop_wakeup(xs_loop *l);

#endif
