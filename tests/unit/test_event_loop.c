/* The stage's event loop (src/loop/): timers in deadline order, fd callbacks, handles closed or
 * cancelled during a dispatch, many timers, hooks and the cross-thread wake-up. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <time.h>
#include <unistd.h>
#include "xsweep/event_loop.h"
#include "xsweep/clock.h"
#include "xsweep/wait_queue.h"

#define MS 1000000ULL

typedef struct {
    xs_timer t;
    int id;
    uint64_t fired_at;
} tick;

static int order[64];
static int n_order;

static void on_tick(xs_timer *t, void *arg)
{
    (void)arg;
    tick *k = (tick *)t;
    k->fired_at = xs_now_ns();
    order[n_order++] = k->id;
}

static void run_until(xs_loop *l, bool (*done)(void), int max_turns)
{
    for (int i = 0; i < max_turns && !done(); i++)
        assert_true(xs_loop_run_once(l, 50) >= 0);
}

static bool five_fired(void)
{
    return n_order == 5;
}

static void test_timers_fire_in_deadline_order(void **state)
{
    (void)state;
    xs_loop *l = xs_loop_new();
    assert_non_null(l);
    static const int delay_ms[5] = {30, 10, 20, 0, 40};
    tick k[5];
    uint64_t t0 = xs_now_ns();
    n_order = 0;
    for (int i = 0; i < 5; i++) {
        k[i].id = i;
        xs_timer_init(&k[i].t, on_tick, NULL);
        assert_int_equal(xs_loop_timer_set(l, &k[i].t, t0 + (uint64_t)delay_ms[i] * MS), 0);
    }
    assert_int_equal(xs_loop_timer_count(l), 5);
    run_until(l, five_fired, 200);
    int want[5] = {3, 1, 2, 0, 4};
    assert_memory_equal(order, want, sizeof want);
    for (int i = 0; i < 5; i++) {
        assert_false(xs_timer_armed(&k[i].t));
        assert_true(k[i].fired_at >= k[i].t.when); /* never early */
    }
    assert_int_equal(xs_loop_timer_count(l), 0);
    xs_loop_free(l);
}

static void test_timer_moved_and_cancelled(void **state)
{
    (void)state;
    xs_loop *l = xs_loop_new();
    tick a = {.id = 1}, b = {.id = 2};
    xs_timer_init(&a.t, on_tick, NULL);
    xs_timer_init(&b.t, on_tick, NULL);
    uint64_t t0 = xs_now_ns();
    xs_loop_timer_set(l, &a.t, t0 + 5 * MS);
    xs_loop_timer_set(l, &b.t, t0 + 10 * MS);
    xs_loop_timer_set(l, &a.t, t0 + 15 * MS); /* moved behind b */
    assert_int_equal(xs_loop_timer_count(l), 2);
    xs_loop_timer_cancel(l, &b.t);
    xs_loop_timer_cancel(l, &b.t); /* twice: a no-op */
    n_order = 0;
    for (int i = 0; i < 100 && n_order < 1; i++)
        xs_loop_run_once(l, 50);
    assert_int_equal(n_order, 1);
    assert_int_equal(order[0], 1);
    assert_true(a.fired_at >= t0 + 15 * MS);
    xs_loop_free(l);
}

/* ---- fds */
typedef struct {
    xs_io io;
    int calls;
    uint32_t last;
    int fresh_pipe[2]; /* reborn's pipe */
} watcher;

static void on_ready(xs_io *io, uint32_t revents, void *arg)
{
    (void)arg;
    watcher *w = (watcher *)io;
    w->calls++;
    w->last = revents;
    char buf[16];
    ssize_t r = read(io->fd, buf, sizeof buf);
    (void)r;
}

static void test_fd_callback(void **state)
{
    (void)state;
    xs_loop *l = xs_loop_new();
    int p[2];
    assert_int_equal(pipe2(p, O_NONBLOCK | O_CLOEXEC), 0);
    watcher w = {0};
    xs_io_init(&w.io, p[0], on_ready, NULL);
    assert_int_equal(xs_loop_io_set(l, &w.io, EPOLLIN), 0);
    assert_int_equal(xs_loop_run_once(l, 0), 0); /* nothing to read: no callback */
    assert_int_equal(write(p[1], "x", 1), 1);
    assert_int_equal(xs_loop_run_once(l, 1000), 1);
    assert_int_equal(w.calls, 1);
    assert_true(w.last & EPOLLIN);
    assert_int_equal(xs_loop_io_set(l, &w.io, 0), 0); /* removed: a write no longer calls it */
    assert_int_equal(write(p[1], "y", 1), 1);
    assert_int_equal(xs_loop_run_once(l, 0), 0);
    assert_int_equal(w.calls, 1);
    xs_loop_io_close(l, &w.io);
    assert_int_equal(w.io.fd, -1);
    close(p[1]);
    xs_loop_free(l);
}

/* Each of two readable handles closes the other: only the first in the batch is called, and a
 * new registration on a reused fd number gets no event of the old one. */
static watcher pair[2], reborn;

static void on_pair(xs_io *io, uint32_t revents, void *arg)
{
    (void)revents;
    xs_loop *l = arg;
    watcher *w = (watcher *)io, *other = w == &pair[0] ? &pair[1] : &pair[0];
    w->calls++;
    char c;
    ssize_t r = read(io->fd, &c, 1); /* drained: it is not ready again */
    (void)r;
    if (other->io.fd >= 0) {
        xs_loop_io_close(l, &other->io);
        int np[2];
        assert_int_equal(pipe2(np, O_NONBLOCK | O_CLOEXEC), 0);
        reborn.fresh_pipe[0] = np[0];
        reborn.fresh_pipe[1] = np[1];
        xs_io_init(&reborn.io, np[0], on_ready, NULL); /* usually takes the closed number */
        assert_int_equal(xs_loop_io_set(l, &reborn.io, EPOLLIN), 0);
    }
}

static void test_close_during_dispatch(void **state)
{
    (void)state;
    xs_loop *l = xs_loop_new();
    int a[2], b[2];
    assert_int_equal(pipe2(a, O_NONBLOCK | O_CLOEXEC), 0);
    assert_int_equal(pipe2(b, O_NONBLOCK | O_CLOEXEC), 0);
    memset(pair, 0, sizeof pair);
    memset(&reborn, 0, sizeof reborn);
    xs_io_init(&pair[0].io, a[0], on_pair, l);
    xs_io_init(&pair[1].io, b[0], on_pair, l);
    assert_int_equal(xs_loop_io_set(l, &pair[0].io, EPOLLIN), 0);
    assert_int_equal(xs_loop_io_set(l, &pair[1].io, EPOLLIN), 0);
    assert_int_equal(write(a[1], "x", 1), 1);
    assert_int_equal(write(b[1], "x", 1), 1);
    int n = xs_loop_run_once(l, 1000);
    assert_int_equal(n, 1);
    assert_int_equal(pair[0].calls + pair[1].calls, 1);
    assert_int_equal(reborn.calls, 0);
    /* The new registration works normally afterwards. */
    assert_int_equal(write(reborn.fresh_pipe[1], "z", 1), 1);
    assert_int_equal(xs_loop_run_once(l, 1000), 1);
    assert_int_equal(reborn.calls, 1);
    for (int i = 0; i < 2; i++)
        if (pair[i].io.fd >= 0)
            xs_loop_io_close(l, &pair[i].io);
    xs_loop_io_close(l, &reborn.io);
    close(a[1]);
    close(b[1]);
    close(reborn.fresh_pipe[1]);
    xs_loop_free(l);
}

/* A due timer's callback cancels another due one: it never fires. */
static tick cancel_a, cancel_b;
static xs_loop *cancel_loop;

static void on_cancel_other(xs_timer *t, void *arg)
{
    (void)arg;
    on_tick(t, NULL);
    xs_loop_timer_cancel(cancel_loop, t == &cancel_a.t ? &cancel_b.t : &cancel_a.t);
}

static void test_cancel_during_dispatch(void **state)
{
    (void)state;
    cancel_loop = xs_loop_new();
    cancel_a.id = 1;
    cancel_b.id = 2;
    xs_timer_init(&cancel_a.t, on_cancel_other, NULL);
    xs_timer_init(&cancel_b.t, on_cancel_other, NULL);
    uint64_t now = xs_now_ns();
    xs_loop_timer_set(cancel_loop, &cancel_a.t, now - 2 * MS);
    xs_loop_timer_set(cancel_loop, &cancel_b.t, now - 1 * MS);
    n_order = 0;
    assert_int_equal(xs_loop_run_once(cancel_loop, 0), 1);
    assert_int_equal(n_order, 1);
    assert_int_equal(order[0], 1);
    assert_int_equal(xs_loop_timer_count(cancel_loop), 0);
    xs_loop_free(cancel_loop);
}

/* ---- many timers: 20000 random deadlines, every one fires, in non-decreasing order */
typedef struct {
    xs_timer t;
    uint64_t seq;
} many_t;

static uint64_t last_when, fired_n, misorders;

static void on_many(xs_timer *t, void *arg)
{
    (void)arg;
    if (t->when < last_when)
        misorders++;
    last_when = t->when;
    fired_n++;
}

static void test_many_timers(void **state)
{
    (void)state;
    enum { N = 20000 };
    xs_loop *l = xs_loop_new();
    many_t *m = calloc(N, sizeof *m);
    assert_non_null(m);
    srand(7);
    uint64_t now = xs_now_ns();
    for (size_t i = 0; i < N; i++) {
        xs_timer_init(&m[i].t, on_many, NULL);
        /* all in the past (so one turn may fire them), some equal */
        assert_int_equal(xs_loop_timer_set(l, &m[i].t, now - 1 - (uint64_t)(rand() % 5000) * 1000),
                         0);
    }
    /* cancel every third, move every fifth (still in the past) */
    size_t cancelled = 0;
    for (size_t i = 0; i < N; i += 3, cancelled++)
        xs_loop_timer_cancel(l, &m[i].t);
    for (size_t i = 1; i < N; i += 5)
        if (i % 3 != 0)
            xs_loop_timer_set(l, &m[i].t, now - 1 - (uint64_t)(rand() % 5000) * 1000);
    assert_int_equal(xs_loop_timer_count(l), N - cancelled);
    last_when = fired_n = misorders = 0;
    for (int turn = 0; turn < 10 && xs_loop_timer_count(l); turn++)
        xs_loop_run_once(l, 0);
    assert_int_equal(fired_n, N - cancelled);
    assert_int_equal(misorders, 0);
    free(m);
    xs_loop_free(l);
}

/* ---- hooks and the wake-up */
static int hook_calls;
static bool hook_busy(void *arg)
{
    (void)arg;
    return ++hook_calls < 3; /* busy twice: the loop must not sleep then */
}

static void test_hook_keeps_loop_awake(void **state)
{
    (void)state;
    xs_loop *l = xs_loop_new();
    hook_calls = 0;
    assert_int_equal(xs_loop_hook_add(l, hook_busy, NULL), 0);
    uint64_t t0 = xs_now_ns();
    xs_loop_run_once(l, 500); /* hook said busy: no 500 ms sleep */
    assert_true(xs_now_ns() - t0 < 200 * MS);
    assert_true(hook_calls >= 2); /* before the wait and after the dispatch */
    xs_loop_hook_remove(l, hook_busy, NULL);
    int before = hook_calls;
    xs_loop_run_once(l, 0);
    assert_int_equal(hook_calls, before);
    xs_loop_free(l);
}

static void *waker(void *arg)
{
    struct timespec ts = {0, 50 * 1000000L};
    nanosleep(&ts, NULL);
    xs_loop_wakeup(arg);
    xs_loop_wakeup(arg); /* coalesced */
    return NULL;
}

static void test_wakeup_from_another_thread(void **state)
{
    (void)state;
    xs_loop *l = xs_loop_new();
    pthread_t th;
    uint64_t t0 = xs_now_ns();
    assert_int_equal(pthread_create(&th, NULL, waker, l), 0);
    assert_true(xs_loop_run_once(l, 5000) >= 0); /* -> returns at the wake-up, not at 5 s */
    uint64_t took = xs_now_ns() - t0;
    pthread_join(th, NULL);
    assert_true(took >= 40 * MS);
    assert_true(took < 2000 * MS);
    /* consumed: after a draining turn, the next one waits its timeout */
    xs_loop_run_once(l, 0);
    t0 = xs_now_ns();
    xs_loop_run_once(l, 30);
    assert_true(xs_now_ns() - t0 >= 25 * MS);
    xs_loop_free(l);
}

/* The engines' queue: ready items leave in the order they became due, a deferred one joins
 * them when its timer fires, and teardown takes every item and disarms its timer. */
typedef struct {
    int id;
    xs_wait_item wait;
} queued;

static int pop_id(xs_wait_queue *q)
{
    xs_wait_item *it = xs_wait_queue_pop(q);
    return it ? XS_CONTAINER_OF(it, queued, wait)->id : -1;
}

static void test_wait_queue_order(void **state)
{
    (void)state;
    xs_loop *l = xs_loop_new();
    assert_non_null(l);
    xs_wait_queue q;
    xs_wait_queue_init(&q, l);
    queued r[5];
    for (int i = 0; i < 5; i++) {
        r[i].id = i;
        xs_wait_item_init(&q, &r[i].wait);
    }
    uint64_t t0 = xs_now_ns();
    xs_wait_queue_ready(&q, &r[0].wait);
    assert_int_equal(xs_wait_queue_defer(&q, &r[1].wait, t0 + 20 * MS), 0);
    assert_int_equal(xs_wait_queue_defer(&q, &r[2].wait, t0 + 5 * MS), 0);
    assert_int_equal(xs_wait_queue_defer(&q, &r[3].wait, t0 + 3600000 * MS), 0);
    xs_wait_queue_ready(&q, &r[4].wait);
    assert_int_equal(pop_id(&q), 0);
    assert_int_equal(pop_id(&q), 4);
    assert_false(xs_wait_queue_has_ready(&q));
    for (int i = 0; i < 100 && !(xs_wait_queue_has_ready(&q) && q.ready_head != q.ready_tail); i++)
        assert_true(xs_loop_run_once(l, 50) >= 0);
    assert_true(xs_now_ns() - t0 >= 20 * MS); /* never early */
    assert_int_equal(pop_id(&q), 2);
    assert_int_equal(pop_id(&q), 1);
    assert_int_equal(pop_id(&q), -1);
    /* r[3] still waits: teardown finds it and leaves no timer behind. */
    xs_wait_queue_ready(&q, &r[0].wait);
    int seen = 0;
    for (xs_wait_item *it; (it = xs_wait_queue_take_any(&q));)
        seen |= 1 << XS_CONTAINER_OF(it, queued, wait)->id;
    assert_int_equal(seen, (1 << 3) | (1 << 0));
    assert_false(xs_timer_armed(&r[3].wait.timer));
    assert_int_equal(xs_loop_timer_count(l), 0);
    xs_loop_free(l);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_timers_fire_in_deadline_order),
        cmocka_unit_test(test_timer_moved_and_cancelled),
        cmocka_unit_test(test_fd_callback),
        cmocka_unit_test(test_close_during_dispatch),
        cmocka_unit_test(test_cancel_during_dispatch),
        cmocka_unit_test(test_many_timers),
        cmocka_unit_test(test_hook_keeps_loop_awake),
        cmocka_unit_test(test_wakeup_from_another_thread),
        cmocka_unit_test(test_wait_queue_order),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
