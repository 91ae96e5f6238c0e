/* The one UTF-8 validator (include/xsweep/utf8.h): RFC 3629's well-formed sequences only. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <string.h>
#include "xsweep/utf8.h"

#define U(s) (const unsigned char *)(s), sizeof(s) - 1

static void well_formed_sequences_and_code_points(void **state)
{
    (void)state;
    static const struct {
        const char *s;
        size_t len;
        uint32_t cp;
    } ok[] = {
        {"A", 1, 0x41},
        {"\x7f", 1, 0x7f},
        {"\xc2\x80", 2, 0x80},
        {"\xdf\xbf", 2, 0x7ff}, /* 2-byte range */
        {"\xe0\xa0\x80", 3, 0x800},
        {"\xed\x9f\xbf", 3, 0xd7ff}, /* just below the surrogates */
        {"\xee\x80\x80", 3, 0xe000},
        {"\xef\xbf\xbd", 3, 0xfffd},
        {"\xf0\x90\x80\x80", 4, 0x10000},
        {"\xf4\x8f\xbf\xbf", 4, 0x10ffff},
    };
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
        uint32_t cp = 0;
        const unsigned char *s = (const unsigned char *)ok[i].s;
        assert_int_equal(xs_utf8_seq_len(s, ok[i].len, &cp), ok[i].len);
        assert_int_equal(cp, ok[i].cp);
        assert_int_equal(xs_utf8_seq_len(s, ok[i].len, NULL), ok[i].len); /* cp may be NULL */
        assert_true(xs_utf8_valid(s, ok[i].len));
    }
    /* NUL is a character too: validity is about encoding, not about what the writer allows */
    assert_int_equal(xs_utf8_seq_len((const unsigned char *)"\0", 1, NULL), 1);
}

static void malformed_sequences_are_refused(void **state)
{
    (void)state;
    static const struct {
        const char *s;
        size_t len;
    } bad[] = {
        {"\x80", 1}, /* a lone continuation byte */
        {"\xbf", 1},
        {"\xc0\x80", 2},         /* overlong NUL */
        {"\xc1\xbf", 2},         /* overlong 2-byte */
        {"\xe0\x9f\xbf", 3},     /* overlong 3-byte (U+07FF) */
        {"\xf0\x8f\xbf\xbf", 4}, /* overlong 4-byte (U+FFFF) */
        {"\xed\xa0\x80", 3},     /* surrogate U+D800 */
        {"\xed\xbf\xbf", 3},     /* surrogate U+DFFF */
        {"\xf4\x90\x80\x80", 4}, /* U+110000 */
        {"\xf5\x80\x80\x80", 4}, /* lead bytes F5-FF never occur */
        {"\xff", 1},
        {"\xc2\x41", 2}, /* continuation expected */
        {"\xe2\x82\x41", 3},
        {"\xf0\x9f\x98\x41", 4},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        const unsigned char *s = (const unsigned char *)bad[i].s;
        assert_int_equal(xs_utf8_seq_len(s, bad[i].len, NULL), 0);
        assert_false(xs_utf8_valid(s, bad[i].len));
    }
}

static void cut_off_sequences_are_refused(void **state)
{
    (void)state;
    const unsigned char *euro = (const unsigned char *)"\xe2\x82\xac"; /* U+20AC */
    assert_int_equal(xs_utf8_seq_len(euro, 3, NULL), 3);
    assert_int_equal(xs_utf8_seq_len(euro, 2, NULL), 0); /* never reads past len */
    assert_int_equal(xs_utf8_seq_len(euro, 1, NULL), 0);
    assert_false(xs_utf8_valid(U("price: \xe2\x82")));
    assert_true(xs_utf8_valid(U("price: \xe2\x82\xac 5")));
}

static void whole_strings(void **state)
{
    (void)state;
    assert_true(xs_utf8_valid(NULL, 0));
    assert_true(xs_utf8_valid(U("")));
    assert_true(xs_utf8_valid(U("plain ASCII")));
    assert_true(xs_utf8_valid(U("Gr\xc3\xbc\xc3\x9f"
                                "e \xe6\x97\xa5\xe6\x9c\xac \xf0\x9f\x98\x80")));
    assert_false(xs_utf8_valid(U("Gr\xfc\xdf"
                                 "e")));                           /* Latin-1, not UTF-8 */
    assert_false(xs_utf8_valid(U("ok \xed\xa0\xbd\xed\xb8\x80"))); /* CESU-8 surrogate pair */
}

static void prefix_counts_characters(void **state)
{
    (void)state;
    const unsigned char *s = (const unsigned char *)"a\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80z";
    size_t len = strlen((const char *)s);
    assert_int_equal(xs_utf8_prefix_bytes(s, len, 0), 0);
    assert_int_equal(xs_utf8_prefix_bytes(s, len, 1), 1);
    assert_int_equal(xs_utf8_prefix_bytes(s, len, 2), 3);
    assert_int_equal(xs_utf8_prefix_bytes(s, len, 3), 6);
    assert_int_equal(xs_utf8_prefix_bytes(s, len, 4), 10);
    assert_int_equal(xs_utf8_prefix_bytes(s, len, 99), len);
    /* invalid bytes, overlong, surrogate and a cut sequence each count as one per byte */
    const unsigned char bad[] = {0xff, 0xC0, 0xAF, 0xED, 0xA0, 0x80, 0xE2, 0x82};
    assert_int_equal(xs_utf8_prefix_bytes(bad, sizeof bad, 3), 3);
    assert_int_equal(xs_utf8_prefix_bytes(bad, sizeof bad, 8), 8);
    assert_int_equal(xs_utf8_prefix_bytes(U("ab\xe2\x82"), 3), 3);
    assert_int_equal(xs_utf8_prefix_bytes(U("ab\xe2\x82"), 9), 4);
    /* NULs are characters too */
    const unsigned char nuls[] = {0, 0, 'a'};
    assert_int_equal(xs_utf8_prefix_bytes(nuls, 3, 2), 2);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(well_formed_sequences_and_code_points),
        cmocka_unit_test(malformed_sequences_are_refused),
        cmocka_unit_test(cut_off_sequences_are_refused),
        cmocka_unit_test(whole_strings),
        cmocka_unit_test(prefix_counts_characters),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
