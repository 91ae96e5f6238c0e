/* --tx-threads: the split of a shard between transmitter threads, the dry run of N threads,
 * resume positions per thread, and the checkpoint tracker holding threads x passes values. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "xsweep/checkpoint.h"
#include "xsweep/scan.h"

/* Thread t's own position j is shard position t + j*N: the threads' shares tile the shard. */
static void shares_are_disjoint_and_complete(void **state)
{
    (void)state;
    static xs_scan s;
    for (uint64_t positions = 0; positions < 40; positions++) {
        for (unsigned n = 1; n <= 7; n++) {
            memset(&s, 0, sizeof s);
            s.positions = positions;
            s.tx_threads = n;
            unsigned char seen[40] = {0};
            uint64_t total = 0;
            for (unsigned t = 0; t < n; t++) {
                uint64_t own = xs_scan_thread_positions(&s, t);
                total += own;
                for (uint64_t j = 0; j < own; j++) {
                    uint64_t q = t + j * n;
                    assert_true(q < positions);
                    assert_int_equal(seen[q], 0);
                    seen[q] = 1;
                }
            }
            assert_int_equal(total, positions);
        }
    }
}

/* A dry run walks every thread's share in turn: each endpoint once, whatever the thread count. */
static void dry_run_of_n_threads_probes_each_endpoint_once(void **state)
{
    (void)state;
    const uint64_t size = 1000;
    unsigned char *count = calloc(size, 1);
    for (unsigned n = 1; n <= 5; n += 2) {
        xs_scan *s = calloc(1, sizeof *s);
        s->positions = size;
        s->shard = (xs_shard){0, 1};
        s->tx_threads = n;
        s->dry_run = true;
        s->retries = 0;
        pthread_mutex_init(&s->rl_lock, NULL);
        xs_perm_init(&s->perm, size, 42);
        xs_rangelist rl = {0};
        xs_portlist pl = {0};
        char err[128];
        xs_rangelist_add(&rl, 0xC6130000u,
                         0xC6130000u + (uint32_t)size - 1); /* 198.19.0.0 + 1000 */
        xs_rangelist_normalize(&rl);
        assert_int_equal(xs_portlist_parse(&pl, "80", err, sizeof err), 0);
        xs_targetspace space;
        xs_targetspace_init_ranges(&space, &rl, &pl);
        assert_int_equal(space.size, size);
        s->space = &space;
        s->sport_first = 61000;
        s->sport_count = 1024;
        char *out = NULL;
        size_t len = 0;
        s->dry_run_out = open_memstream(&out, &len);
        for (unsigned t = 0; t < n; t++)
            xs_transmitter_main(s);
        fclose(s->dry_run_out);
        assert_true(atomic_load(&s->tx_done));
        assert_int_equal(atomic_load(&s->position), size);
        memset(count, 0, size);
        unsigned lines = 0;
        for (char *l = out; (l = strstr(l, "\"ip\":\"")); l++) {
            unsigned a, b, c, d;
            assert_int_equal(sscanf(l, "\"ip\":\"%u.%u.%u.%u\"", &a, &b, &c, &d), 4);
            uint32_t ip = a << 24 | b << 16 | c << 8 | d;
            count[ip - 0xC6130000u]++;
            lines++;
        }
        assert_int_equal(lines, size);
        for (uint64_t i = 0; i < size; i++)
            assert_int_equal(count[i], 1);
        free(out);
        xs_rangelist_free(&rl);
        xs_portlist_free(&pl);
        pthread_mutex_destroy(&s->rl_lock);
        free(s);
    }
    free(count);
}

static void resume_positions_are_per_thread_and_checked(void **state)
{
    (void)state;
    static xs_scan s;
    char err[256];
    memset(&s, 0, sizeof s);
    s.tx_threads = 3;
    s.retries = 1;
    const uint64_t pos[6] = {10, 4, 11, 5, 12, 6}; /* thread-major: t0p0 t0p1 t1p0 ... */
    assert_int_equal(xs_scan_set_resume(&s, pos, 6, err, sizeof err), 0);
    assert_int_equal(s.pass_start[1][0], 11);
    assert_int_equal(s.pass_start[2][1], 6);
    assert_int_equal(xs_scan_position_count(&s), 6);
    /* Three values for 3 threads x 2 passes: refused, naming the thread count. */
    assert_int_equal(xs_scan_set_resume(&s, pos, 3, err, sizeof err), -1);
    assert_non_null(strstr(err, "--tx-threads"));
    /* A one-thread file of older xsweep (fewer passes) still resumes with one thread. */
    memset(&s, 0, sizeof s);
    s.tx_threads = 1;
    s.retries = 2;
    assert_int_equal(xs_scan_set_resume(&s, pos, 2, err, sizeof err), 0);
    assert_int_equal(s.pass_start[0][1], 4);
    /* Pass 0 sent: own positions [start, now) of the owning thread. */
    memset(&s, 0, sizeof s);
    s.tx_threads = 2;
    s.positions = 20;
    s.pass_start[1][0] = 3;
    atomic_store(&s.thread_pos[0][0], 5);
    atomic_store(&s.thread_pos[1][0], 6);
    assert_true(xs_scan_pass0_sent(&s, 8));   /* thread 0, own 4 */
    assert_false(xs_scan_pass0_sent(&s, 10)); /* thread 0, own 5: not yet */
    assert_false(xs_scan_pass0_sent(&s, 5));  /* thread 1, own 2: before its resumed start */
    assert_true(xs_scan_pass0_sent(&s, 11));  /* thread 1, own 5 */
}

static void checkpoint_tracker_keeps_every_thread_and_pass(void **state)
{
    (void)state;
    enum { SLOTS = 3 * 4 };
    uint64_t start[SLOTS], pos[SLOTS], out[SLOTS];
    for (int i = 0; i < SLOTS; i++)
        start[i] = (uint64_t)i;
    xs_ckpt_tracker c;
    assert_int_equal(xs_ckpt_init(&c, SLOTS, start), 0);
    for (uint64_t t = 1; t <= 2000; t++) { /* more samples than the ring holds */
        for (int i = 0; i < SLOTS; i++)
            pos[i] = t * 100 + (uint64_t)i;
        xs_ckpt_sample(&c, t * 1000, pos);
    }
    xs_ckpt_safe(&c, 1500 * 1000 + 10, 0, out);
    for (int i = 0; i < SLOTS; i++)
        assert_int_equal(out[i], 1500 * 100 + (uint64_t)i);
    /* An HTTP job pushed at t = 1200 still in flight holds every value back to that sample. */
    uint64_t job = xs_ckpt_job_pushed(&c, 1200 * 1000);
    xs_ckpt_safe(&c, 2000 * 1000, 0, out);
    assert_int_equal(out[SLOTS - 1], 1200 * 100 + SLOTS - 1);
    xs_ckpt_job_done(&c, job);
    xs_ckpt_safe(&c, 2000 * 1000, 0, out);
    assert_int_equal(out[0], 2000 * 100);
    /* Before the oldest sample still held: the start. */
    xs_ckpt_safe(&c, 5, 0, out);
    assert_memory_equal(out, start, sizeof start);
    xs_ckpt_free(&c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(shares_are_disjoint_and_complete),
        cmocka_unit_test(dry_run_of_n_threads_probes_each_endpoint_once),
        cmocka_unit_test(resume_positions_are_per_thread_and_checked),
        cmocka_unit_test(checkpoint_tracker_keeps_every_thread_and_pass),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
