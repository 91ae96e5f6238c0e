/* The program's clocks (include/xsweep/clock.h): the monotonic one never goes back and agrees
 * with the kernel's, the realtime one is the wall clock. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <time.h>
#include "xsweep/clock.h"

static uint64_t kernel_ns(clockid_t id)
{
    struct timespec ts;
    clock_gettime(id, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

static void monotonic_is_clock_monotonic(void **state)
{
    (void)state;
    uint64_t before = kernel_ns(CLOCK_MONOTONIC);
    uint64_t ours = xs_now_ns();
    uint64_t after = kernel_ns(CLOCK_MONOTONIC);
    assert_true(before <= ours && ours <= after);
    /* it never goes back, and it moves */
    uint64_t last = xs_now_ns();
    for (int i = 0; i < 100000; i++) {
        uint64_t now = xs_now_ns();
        assert_true(now >= last);
        last = now;
    }
    struct timespec nap = {0, 2000000}; /* 2 ms */
    uint64_t t0 = xs_now_ns();
    nanosleep(&nap, NULL);
    assert_true(xs_now_ns() - t0 >= 2000000u);
}

static void seconds_are_the_same_clock(void **state)
{
    (void)state;
    uint64_t a = xs_now_ns();
    double s = xs_now_s();
    uint64_t b = xs_now_ns();
    assert_true(s * 1e9 >= (double)a - 1e3 && s * 1e9 <= (double)b + 1e3);
}

static void realtime_is_the_wall_clock(void **state)
{
    (void)state;
    uint64_t before = kernel_ns(CLOCK_REALTIME);
    uint64_t ours = xs_realtime_ns();
    uint64_t after = kernel_ns(CLOCK_REALTIME);
    assert_true(before <= ours && ours <= after);
    /* seconds since 1970 in nanoseconds: after 2020-01-01, and the same second as time() */
    assert_true(ours > 1577836800ULL * 1000000000ULL);
    time_t t = time(NULL);
    uint64_t sec = xs_realtime_ns() / 1000000000ULL;
    assert_true(sec + 1 >= (uint64_t)t && sec <= (uint64_t)t + 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(monotonic_is_clock_monotonic),
        cmocka_unit_test(seconds_are_the_same_clock),
        cmocka_unit_test(realtime_is_the_wall_clock),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
