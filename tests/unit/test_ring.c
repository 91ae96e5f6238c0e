/* The SPSC ring: capacity rounding, full/empty, index wrap-around, and two threads passing
 * ten million sequence numbers through a small ring without loss, reorder or duplicates. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <pthread.h>
#include <sched.h>
#include <stdint.h>
#include <string.h>
#include "xsweep/ring.h"
#include "xsweep/record.h"

static void capacity_is_rounded_up_to_a_power_of_two(void **state)
{
    (void)state;
    xs_ring r;
    assert_int_equal(xs_ring_init(&r, 100, sizeof(uint32_t)), 0);
    assert_int_equal(r.mask + 1, 128);
    uint32_t v = 0;
    for (v = 0; v < 128; v++)
        assert_true(xs_ring_push(&r, &v));
    assert_false(xs_ring_push(&r, &v)); /* full */
    assert_int_equal(xs_ring_count(&r), 128);
    for (uint32_t i = 0; i < 128; i++) {
        assert_true(xs_ring_pop(&r, &v));
        assert_int_equal(v, i);
    }
    assert_false(xs_ring_pop(&r, &v)); /* empty */
    assert_int_equal(xs_ring_count(&r), 0);
    xs_ring_free(&r);

    assert_int_equal(xs_ring_init(&r, 1, 8), 0); /* tiny rings still hold something */
    assert_true(r.mask + 1 >= 2);
    xs_ring_free(&r);
    assert_int_equal(xs_ring_init(&r, 16, 0), -1);
}

static void results_keep_every_field(void **state)
{
    (void)state;
    xs_ring r;
    assert_int_equal(xs_ring_init(&r, 4, sizeof(xs_result)), 0);
    xs_result in = {.addr = xs_addr_from_v4(0xC6130001u),
                    .port = 443,
                    .status = XS_STATUS_OPEN,
                    .ttl = 64,
                    .ts_ns = 1700000000123456789ull},
              out;
    memset(&out, 0, sizeof out);
    assert_true(xs_ring_push(&r, &in));
    assert_true(xs_ring_pop(&r, &out));
    assert_memory_equal(out.addr.b, in.addr.b, 16);
    assert_int_equal(out.port, in.port);
    assert_int_equal(out.status, in.status);
    assert_int_equal(out.ttl, in.ttl);
    assert_true(out.ts_ns == in.ts_ns);
    xs_ring_free(&r);
}

/* head and tail are free-running: start them just below SIZE_MAX and cross the wrap. */
static void indices_survive_wrapping_at_size_max(void **state)
{
    (void)state;
    xs_ring r;
    assert_int_equal(xs_ring_init(&r, 8, sizeof(uint64_t)), 0);
    size_t start = SIZE_MAX - 5;
    atomic_store(&r.head, start);
    atomic_store(&r.tail, start);
    r.tail_seen = r.head_seen = start;
    uint64_t next_in = 0, next_out = 0, v;
    for (int round = 0; round < 10; round++) {
        while (xs_ring_push(&r, &next_in))
            next_in++;
        assert_int_equal(xs_ring_count(&r), 8);
        for (int i = 0; i < 5 && xs_ring_pop(&r, &v); i++)
            assert_true(v == next_out++);
    }
    while (xs_ring_pop(&r, &v))
        assert_true(v == next_out++);
    assert_true(next_in == next_out);
    assert_true(next_in > 8);
    xs_ring_free(&r);
}

#define N_SEQ 10000000ull

static void *producer(void *arg)
{
    xs_ring *r = arg;
    for (uint64_t i = 0; i < N_SEQ; i++)
        while (!xs_ring_push(r, &i))
            sched_yield();
    return NULL;
}

static void two_threads_pass_ten_million_in_order(void **state)
{
    (void)state;
    xs_ring r;
    assert_int_equal(xs_ring_init(&r, 64, sizeof(uint64_t)), 0);
    pthread_t t;
    assert_int_equal(pthread_create(&t, NULL, producer, &r), 0);
    uint64_t expect = 0, v, bad = 0;
    while (expect < N_SEQ) {
        if (!xs_ring_pop(&r, &v)) {
            sched_yield();
            continue;
        }
        if (v != expect) /* count rather than assert in the hot loop */
            bad++;
        expect = v + 1;
    }
    pthread_join(t, NULL);
    assert_true(bad == 0);
    assert_true(expect == N_SEQ);
    assert_false(xs_ring_pop(&r, &v)); /* nothing extra */
    xs_ring_free(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(capacity_is_rounded_up_to_a_power_of_two),
        cmocka_unit_test(results_keep_every_field),
        cmocka_unit_test(indices_survive_wrapping_at_size_max),
        cmocka_unit_test(two_threads_pass_ten_million_in_order),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
