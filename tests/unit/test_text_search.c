/* xs_find_ci (include/xsweep/text_search.h): the case-insensitive search every HTML and probe
 * parser uses, checked against a naive reference over bytes that include NULs and high bytes. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <string.h>
#include "xsweep/text_search.h"

static int ref_lower(int c)
{
    return (c >= 'A' && c <= 'Z') ? c + 32 : c;
}

static const char *reference(const char *h, size_t n, const char *needle)
{
    size_t m = strlen(needle);
    for (size_t i = 0; i + m <= n; i++) {
        size_t k = 0;
        while (k < m && ref_lower((unsigned char)h[i + k]) == ref_lower((unsigned char)needle[k]))
            k++;
        if (k == m)
            return h + i;
    }
    return NULL;
}

static void finds_the_first_match_without_case(void **state)
{
    (void)state;
    const char page[] = "<HTML><Title>x</TITLE><!-- a --><title>";
    assert_ptr_equal(xs_find_ci(page, strlen(page), "<title"), page + 6);
    assert_ptr_equal(xs_find_ci(page, strlen(page), "</title"), page + 14);
    assert_ptr_equal(xs_find_ci(page, strlen(page), "-->"), page + 29);
    assert_null(xs_find_ci(page, strlen(page), "<script"));
}

static void stays_inside_the_bounds(void **state)
{
    (void)state;
    const char b[] = "abcSMTP";
    assert_null(xs_find_ci(b, 6, "smtp")); /* the match runs past n */
    assert_ptr_equal(xs_find_ci(b, 7, "smtp"), b + 3);
    assert_null(xs_find_ci(b, 2, "abc"));      /* needle longer than the haystack */
    assert_ptr_equal(xs_find_ci(b, 0, ""), b); /* empty needle */
    const char nul[] = {'x', '\0', '-', '-', '>', 'y'};
    assert_ptr_equal(xs_find_ci(nul, sizeof nul, "-->"), nul + 2); /* NUL is an ordinary byte */
}

static void agrees_with_the_reference(void **state)
{
    (void)state;
    const char *needles[] = {"-->", "</script", "mariadb", "a", "Aa", "\xc3\xa9", "<!doctype html"};
    uint32_t x = 12345;
    char h[64];
    for (int round = 0; round < 20000; round++) {
        size_t n = (size_t)(round % 64);
        for (size_t i = 0; i < n; i++) {
            x = x * 1103515245u + 12345u;
            const char alphabet[] = "aA-><!/sScCrRiIpPtT\xc3\xa9\0 ";
            h[i] = alphabet[(x >> 16) % (sizeof alphabet)];
        }
        const char *nd = needles[round % (sizeof needles / sizeof *needles)];
        assert_ptr_equal(xs_find_ci(h, n, nd), reference(h, n, nd));
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(finds_the_first_match_without_case),
        cmocka_unit_test(stays_inside_the_bounds),
        cmocka_unit_test(agrees_with_the_reference),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
