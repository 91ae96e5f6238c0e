/* Output: JSON escaping of hostile bytes, record formats, de-duplication. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "xsweep/jsonw.h"
#include "xsweep/output.h"

static char *escape(const char *s, size_t len)
{
    char *buf = NULL;
    size_t sz = 0;
    FILE *f = open_memstream(&buf, &sz);
    xs_json_escape_to(f, s, len);
    fclose(f);
    return buf;
}

static void escapes_quotes_controls_and_bad_utf8(void **state)
{
    (void)state;
    struct { const char *in; size_t len; const char *out; } cases[] = {
        {"plain", 5, "plain"},
        {"a\"b\\c", 5, "a\\\"b\\\\c"},
        {"l1\nl2\r\t", 7, "l1\\nl2\\r\\t"},
        {"nul\0x", 5, "nul\\u0000x"},
        {"\x01\x1f\x7f", 3, "\\u0001\\u001f\\u007f"},
        {"caf\xc3\xa9", 5, "caf\xc3\xa9"},                 /* valid UTF-8 kept */
        {"\xe2\x82\xac", 3, "\xe2\x82\xac"},               /* euro sign */
        {"\xf0\x9f\x98\x80", 4, "\xf0\x9f\x98\x80"},       /* 4-byte */
        {"bad\xff", 4, "bad\\ufffd"},
        {"\xc0\xaf", 2, "\\ufffd\\ufffd"},                 /* overlong */
        {"\xed\xa0\x80", 3, "\\ufffd\\ufffd\\ufffd"},      /* surrogate */
        {"\xe2\x82", 2, "\\ufffd\\ufffd"},                 /* truncated */
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *got = escape(cases[i].in, cases[i].len);
        assert_string_equal(got, cases[i].out);
        free(got);
    }
}

static void writer_nests_objects_and_arrays(void **state)
{
    (void)state;
    char *buf = NULL;
    size_t sz = 0;
    FILE *f = open_memstream(&buf, &sz);
    xs_jsonw w;
    xs_jsonw_init(&w, f);
    xs_jsonw_begin_object(&w);
    xs_jsonw_key(&w, "a"); xs_jsonw_int(&w, -1);
    xs_jsonw_key(&w, "b");
    xs_jsonw_begin_array(&w);
    xs_jsonw_cstr(&w, "x"); xs_jsonw_bool(&w, true); xs_jsonw_null(&w);
    xs_jsonw_begin_object(&w); xs_jsonw_end_object(&w);
    xs_jsonw_end_array(&w);
    xs_jsonw_key(&w, "c"); xs_jsonw_cstr(&w, NULL);
    xs_jsonw_end_object(&w);
    fclose(f);
    assert_string_equal(buf, "{\"a\":-1,\"b\":[\"x\",true,null,{}],\"c\":null}");
    free(buf);
}

static char *write_one(xs_format fmt, const xs_report *rep)
{
    char path[] = "/tmp/xsweep-test-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    close(fd);
    unlink(path);
    char err[128];
    xs_output *o = xs_output_open(path, fmt, false, err, sizeof err);
    assert_non_null(o);
    xs_output_write(o, rep);
    assert_int_equal(xs_output_count(o, XS_STATUS_OPEN), rep->r.status == XS_STATUS_OPEN);
    assert_int_equal(xs_output_close(o), 0);
    FILE *f = fopen(path, "r");
    static char line[4096];
    size_t n = fread(line, 1, sizeof line - 1, f);
    line[n] = 0;
    fclose(f);
    unlink(path);
    return line;
}

static void record_formats(void **state)
{
    (void)state;
    xs_report rep = {0};
    rep.r = (xs_result){(198u << 24) | (19u << 16) | 7u, 80, XS_STATUS_OPEN, 64,
                        1795428000ULL * 1000000000ULL};   /* 2026-11-23T10:00:00Z */
    assert_string_equal(write_one(XS_FMT_JSON, &rep),
        "{\"ip\":\"198.19.0.7\",\"port\":80,\"proto\":\"tcp\",\"status\":\"open\",\"ttl\":64,"
        "\"ts\":\"2026-11-23T10:00:00Z\"}\n");
    rep.protocol = "HTTP/S";
    rep.severity = "critical";
    rep.severity_reason = "2XX, no auth, \"quoted\"";
    assert_string_equal(write_one(XS_FMT_CSV, &rep),
        "ip,port,proto,status,ttl,ts,protocol,severity,severity_reason,service,product,version\n"
        "198.19.0.7,80,tcp,open,64,2026-11-23T10:00:00Z,HTTP/S,critical,\"2XX, no auth, \"\"quoted\"\"\",,,\n");
    assert_string_equal(write_one(XS_FMT_LIST, &rep), "open tcp 80 198.19.0.7 1795428000\n");
}

static void unwritable_output_is_one_clear_error(void **state)
{
    (void)state;
    char err[256] = "";
    assert_null(xs_output_open("/nonexistent-dir/x.json", XS_FMT_JSON, false, err, sizeof err));
    assert_non_null(strstr(err, "cannot write /nonexistent-dir/x.json"));
}

static void seen_grows_and_deduplicates(void **state)
{
    (void)state;
    xs_seen s;
    assert_int_equal(xs_seen_init(&s), 0);
    for (uint64_t k = 0; k < 100000; k++)
        assert_true(xs_seen_add(&s, k * 3));
    for (uint64_t k = 0; k < 100000; k++) {
        assert_false(xs_seen_add(&s, k * 3));
        assert_true(xs_seen_contains(&s, k * 3));
        assert_false(xs_seen_contains(&s, k * 3 + 1));
    }
    xs_seen_free(&s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(escapes_quotes_controls_and_bad_utf8),
        cmocka_unit_test(writer_nests_objects_and_arrays),
        cmocka_unit_test(record_formats),
        cmocka_unit_test(unwritable_output_is_one_clear_error),
        cmocka_unit_test(seen_grows_and_deduplicates),
    };
    return cmocka_run_group_tests_name("output", tests, NULL, NULL);
}
