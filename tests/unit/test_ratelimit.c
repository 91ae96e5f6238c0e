/* Token bucket arithmetic through take_at() with a fake clock: no sleeping, no timing. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include "xsweep/ratelimit.h"

#define SEC 1000000000ULL
#define T0  (1000 * SEC)

/* Takes greedily every `step_ns` for `dur_ns` and returns how many probes went. */
static uint64_t drive(xs_ratelimit *rl, unsigned want, uint64_t step_ns, uint64_t dur_ns)
{
    uint64_t total = 0;
    for (uint64_t t = T0; t < T0 + dur_ns; t += step_ns)
        total += xs_ratelimit_take_at(rl, want, t);
    return total;
}

static void test_unlimited(void **state)
{
    (void)state;
    xs_ratelimit rl;
    xs_ratelimit_init_at(&rl, 0, T0);
    assert_int_equal(xs_ratelimit_take_at(&rl, 256, T0), 256);
    assert_int_equal(xs_ratelimit_wait_ns(&rl, 256, T0), 0);
}

static void test_first_probe_at_once_then_rate(void **state)
{
    (void)state;
    xs_ratelimit rl;
    xs_ratelimit_init_at(&rl, 100, T0);
    assert_int_equal(xs_ratelimit_take_at(&rl, 10, T0), 1);
    assert_int_equal(xs_ratelimit_take_at(&rl, 10, T0), 0);
    /* 100 pps: the next token is 10 ms away. */
    uint64_t w = xs_ratelimit_wait_ns(&rl, 10, T0);
    assert_true(w >= 9900000 && w <= 10100000);
    assert_int_equal(xs_ratelimit_take_at(&rl, 10, T0 + 5000000), 0);
    assert_int_equal(xs_ratelimit_take_at(&rl, 10, T0 + 10000001), 1);
}

static void check_rate(double pps, unsigned want, uint64_t step_ns)
{
    xs_ratelimit rl;
    xs_ratelimit_init_at(&rl, pps, T0);
    uint64_t got = drive(&rl, want, step_ns, 10 * SEC);
    double expect = pps * 10;
    assert_true((double)got >= expect * 0.99 && (double)got <= expect * 1.01 + 2);
}

static void test_rate_held_over_range(void **state)
{
    (void)state;
    check_rate(100, 256, 100000); /* 100 pps polled every 100 us */
    check_rate(10000, 256, 50000);
    check_rate(1000000, 256, 100000); /* 100 tokens per poll */
    check_rate(3000000, 1024, 200000);
}

static void test_burst_is_small_at_low_rates(void **state)
{
    (void)state;
    xs_ratelimit rl;
    xs_ratelimit_init_at(&rl, 100, T0);
    /* Idle for a minute: the bucket holds 50 ms of traffic (5 probes), not 6000. */
    assert_int_equal(xs_ratelimit_take_at(&rl, 1000, T0 + 60 * SEC), 5);
    assert_int_equal(xs_ratelimit_take_at(&rl, 1000, T0 + 60 * SEC), 0);
    /* And a caller waits for one probe (the 1 ms burst), not for its whole batch. */
    uint64_t w = xs_ratelimit_wait_ns(&rl, 1000, T0 + 60 * SEC);
    assert_true(w >= 9900000 && w <= 10100000);

    xs_ratelimit_init_at(&rl, 2000000, T0);
    /* At 2 Mpps whole batches go: the burst alone is ~2000 probes. */
    assert_int_equal(xs_ratelimit_take_at(&rl, 4096, T0 + SEC), 4096);
}

static void test_late_wakeups_are_made_up(void **state)
{
    (void)state;
    /* Polled only every 7 ms at 1000 pps (7 tokens per poll, burst 1): the 50 ms depth keeps
     * the average rate instead of losing the tokens that piled up. */
    check_rate(1000, 256, 7000000);
    check_rate(200000, 4096, 3000000);
}

static void test_wait_covers_batch_up_to_burst(void **state)
{
    (void)state;
    xs_ratelimit rl;
    xs_ratelimit_init_at(&rl, 1000000, T0);
    (void)xs_ratelimit_take_at(&rl, 1, T0); /* empty the bucket */
    /* 1 Mpps: burst 1000, so a 256-probe batch waits ~256 us. */
    uint64_t w = xs_ratelimit_wait_ns(&rl, 256, T0);
    assert_true(w >= 255000 && w <= 257000);
    assert_int_equal(xs_ratelimit_take_at(&rl, 256, T0 + w), 256);
    /* A want above the burst waits only for the burst. */
    w = xs_ratelimit_wait_ns(&rl, 100000, T0 + 300000);
    assert_true(w > 0 && w <= 1000000);
}

static void test_clock_going_backwards_is_harmless(void **state)
{
    (void)state;
    xs_ratelimit rl;
    xs_ratelimit_init_at(&rl, 1000, T0);
    assert_int_equal(xs_ratelimit_take_at(&rl, 1, T0), 1);
    assert_int_equal(xs_ratelimit_take_at(&rl, 1, T0 - SEC), 0);
    assert_int_equal(xs_ratelimit_take_at(&rl, 1, T0 + 1000001), 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_unlimited),
        cmocka_unit_test(test_first_probe_at_once_then_rate),
        cmocka_unit_test(test_rate_held_over_range),
        cmocka_unit_test(test_burst_is_small_at_low_rates),
        cmocka_unit_test(test_late_wakeups_are_made_up),
        cmocka_unit_test(test_wait_covers_batch_up_to_burst),
        cmocka_unit_test(test_clock_going_backwards_is_harmless),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
