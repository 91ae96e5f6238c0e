/* The helpers every rule loader shares: the line walker, the token splitter, the rule-id check. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "xsweep/datafile.h"

static void test_lines_skip_blanks_and_comments(void **state)
{
    (void)state;
    const char text[] = "# header\n\n   \n  first rule  \r\n\t# indented comment\nsecond\tx\nlast";
    xs_rule_lines r;
    xs_rule_lines_init(&r, text, strlen(text));
    bool failed = true;
    char err[128] = "";
    char *s = xs_rule_lines_next(&r, "t", &failed, err, sizeof err);
    assert_string_equal(s, "first rule");
    assert_int_equal(r.lineno, 4);
    assert_false(failed);
    s = xs_rule_lines_next(&r, "t", &failed, err, sizeof err);
    assert_string_equal(s, "second\tx");
    assert_int_equal(r.lineno, 6);
    s = xs_rule_lines_next(&r, "t", &failed, err, sizeof err);
    assert_string_equal(s, "last"); /* no newline at the end */
    assert_int_equal(r.lineno, 7);
    assert_null(xs_rule_lines_next(&r, "t", &failed, err, sizeof err));
    assert_false(failed);
    assert_string_equal(err, "");
}

static void test_lines_refuse_nul_and_long_lines(void **state)
{
    (void)state;
    const char with_nul[] = "ok\nbad\0tail\n";
    xs_rule_lines r;
    bool failed = false;
    char err[128] = "";
    xs_rule_lines_init(&r, with_nul, sizeof with_nul - 1);
    assert_string_equal(xs_rule_lines_next(&r, "f.rules", &failed, err, sizeof err), "ok");
    assert_null(xs_rule_lines_next(&r, "f.rules", &failed, err, sizeof err));
    assert_true(failed);
    assert_string_equal(err, "f.rules:2: NUL byte in line");

    size_t n = XS_RULE_LINE_MAX + 1;
    char *longer = malloc(n);
    assert_non_null(longer);
    memset(longer, 'a', n);
    xs_rule_lines_init(&r, longer, n);
    assert_null(xs_rule_lines_next(&r, "f.rules", &failed, err, sizeof err));
    assert_true(failed);
    assert_non_null(strstr(err, "f.rules:1: line longer than"));
    xs_rule_lines_init(&r, longer, n - 1); /* exactly the maximum is fine */
    assert_non_null(xs_rule_lines_next(&r, "f.rules", &failed, err, sizeof err));
    assert_false(failed);
    free(longer);
}

static void test_tokens_and_ids(void **state)
{
    (void)state;
    char line[] = "  one\t two   three ";
    char *cur = line;
    assert_string_equal(xs_next_token(&cur), "one");
    assert_string_equal(xs_next_token(&cur), "two");
    assert_string_equal(xs_next_token(&cur), "three");
    assert_null(xs_next_token(&cur));
    assert_true(xs_valid_rule_id("aws-access-key.id_2", 48));
    assert_false(xs_valid_rule_id("", 48));
    assert_false(xs_valid_rule_id("-leading-dash", 48));
    assert_false(xs_valid_rule_id("Upper", 48));
    assert_false(xs_valid_rule_id("abcd", 4)); /* must be shorter than max */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_lines_skip_blanks_and_comments),
        cmocka_unit_test(test_lines_refuse_nul_and_long_lines),
        cmocka_unit_test(test_tokens_and_ids),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
