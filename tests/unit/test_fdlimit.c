/* xs_raise_fd_limit (include/xsweep/fdlimit.h): raises the soft limit up to the hard one, never
 * lowers it. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <sys/resource.h>
#include "xsweep/fdlimit.h"

static rlim_t soft(void)
{
    struct rlimit rl;
    assert_int_equal(getrlimit(RLIMIT_NOFILE, &rl), 0);
    return rl.rlim_cur;
}

static void raises_within_the_hard_limit(void **state)
{
    (void)state;
    struct rlimit rl;
    assert_int_equal(getrlimit(RLIMIT_NOFILE, &rl), 0);
    if (rl.rlim_max < 128)
        skip();
    struct rlimit low = {64, rl.rlim_max};
    assert_int_equal(setrlimit(RLIMIT_NOFILE, &low), 0);
    xs_raise_fd_limit(100);
    assert_int_equal(soft(), 100);
    xs_raise_fd_limit(50); /* never lowers */
    assert_int_equal(soft(), 100);
    if (rl.rlim_max != RLIM_INFINITY) {
        xs_raise_fd_limit((unsigned long)rl.rlim_max + 1000);
        assert_int_equal(soft(), rl.rlim_max); /* capped at the hard limit */
    }
    assert_int_equal(setrlimit(RLIMIT_NOFILE, &rl), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(raises_within_the_hard_limit),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
