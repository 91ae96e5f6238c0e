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
#include "xsweep/output_module.h"
#include "xsweep/resume.h"

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
    struct {
        const char *in;
        size_t len;
        const char *out;
    } cases[] = {
        {"plain", 5, "plain"},
        {"a\"b\\c", 5, "a\\\"b\\\\c"},
        {"l1\nl2\r\t", 7, "l1\\nl2\\r\\t"},
        {"nul\0x", 5, "nul\\u0000x"},
        {"\x01\x1f\x7f", 3, "\\u0001\\u001f\\u007f"},
        {"caf\xc3\xa9", 5, "caf\xc3\xa9"},           /* valid UTF-8 kept */
        {"\xe2\x82\xac", 3, "\xe2\x82\xac"},         /* euro sign */
        {"\xf0\x9f\x98\x80", 4, "\xf0\x9f\x98\x80"}, /* 4-byte */
        {"bad\xff", 4, "bad\\ufffd"},
        {"\xc0\xaf", 2, "\\ufffd\\ufffd"},            /* overlong */
        {"\xed\xa0\x80", 3, "\\ufffd\\ufffd\\ufffd"}, /* surrogate */
        {"\xe2\x82", 2, "\\ufffd\\ufffd"},            /* truncated */
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
    xs_jsonw_key(&w, "a");
    xs_jsonw_int(&w, -1);
    xs_jsonw_key(&w, "b");
    xs_jsonw_begin_array(&w);
    xs_jsonw_cstr(&w, "x");
    xs_jsonw_bool(&w, true);
    xs_jsonw_null(&w);
    xs_jsonw_begin_object(&w);
    xs_jsonw_end_object(&w);
    xs_jsonw_end_array(&w);
    xs_jsonw_key(&w, "c");
    xs_jsonw_cstr(&w, NULL);
    xs_jsonw_end_object(&w);
    fclose(f);
    assert_string_equal(buf, "{\"a\":-1,\"b\":[\"x\",true,null,{}],\"c\":null}");
    free(buf);
}

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "r");
    assert_non_null(f);
    static char text[16384];
    size_t n = fread(text, 1, sizeof text - 1, f);
    text[n] = 0;
    fclose(f);
    return text;
}

static void tmp_path(char path[32])
{
    strcpy(path, "/tmp/xsweep-test-XXXXXX");
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    close(fd);
    unlink(path);
}

static char *write_one(xs_format fmt, const xs_report *rep)
{
    char path[32];
    tmp_path(path);
    char err[128];
    xs_output *o = xs_output_open(path, fmt, false, err, sizeof err);
    assert_non_null(o);
    xs_output_begin(o, "xsweep -p 80", 1795428000ULL * 1000000000ULL, NULL);
    xs_output_write(o, rep);
    assert_int_equal(xs_output_count(o, XS_STATUS_OPEN), rep->r.status == XS_STATUS_OPEN);
    assert_int_equal(xs_output_close(o), 0);
    char *text = slurp(path);
    unlink(path);
    return text;
}

static void record_formats(void **state)
{
    (void)state;
    xs_report rep = {0};
    rep.r = (xs_result){xs_addr_from_v4((198u << 24) | (19u << 16) | 7u), 80, XS_STATUS_OPEN, 64,
                        1795428000ULL * 1000000000ULL}; /* 2026-11-23T10:00:00Z */
    assert_string_equal(
        write_one(XS_FMT_JSON, &rep),
        "{\"ip\":\"198.19.0.7\",\"port\":80,\"proto\":\"tcp\",\"status\":\"open\",\"ttl\":64,"
        "\"ts\":\"2026-11-23T10:00:00Z\",\"schema\":1}\n");
    rep.protocol = "HTTP/S";
    rep.severity = "critical";
    rep.severity_reason = "2XX, no auth, \"quoted\"\nsecond line";
    assert_string_equal(write_one(XS_FMT_CSV, &rep),
                        "ip,port,proto,status,ttl,ts,protocol,severity,severity_reason,"
                        "http_status_code,http_title,http_server,tech,product,version,service\n"
                        "198.19.0.7,80,tcp,open,64,2026-11-23T10:00:00Z,HTTP/S,critical,"
                        "\"2XX, no auth, \"\"quoted\"\" second line\",,,,,,,\n");
    assert_string_equal(write_one(XS_FMT_LIST, &rep),
                        "#masscan\nopen tcp 80 198.19.0.7 1795428000\n# end\n");
    char *g = write_one(XS_FMT_GREPABLE, &rep);
    assert_non_null(strstr(g, "# xsweep "));
    assert_non_null(strstr(g,
                           " as: xsweep -p 80\nHost: 198.19.0.7 ()\tPorts: 80/open/tcp//http///\n"
                           "# xsweep done at "));
    assert_non_null(strstr(g, "-- 1 endpoints (1 open, 0 closed)"));
}

static void count_key(const xs_read_record *rec, void *arg)
{
    (void)rec;
    (*(int *)arg)++;
}

static unsigned count_of(const char *text, const char *needle)
{
    unsigned n = 0;
    for (const char *p = text; (p = strstr(p, needle)); p++)
        n++;
    return n;
}

/* Interrupted (two records and the footer written), resumed (read back, one more record): one
 * header, one footer, each record once, in every format. */
static void every_format_resumes_into_one_file(void **state)
{
    (void)state;
    static const struct {
        xs_format fmt;
        const char *header, *footer, *record;
    } F[] = {
        {XS_FMT_JSON, NULL, NULL, "\"ip\":"},
        {XS_FMT_CSV, "ip,port,", NULL, "198.19.0."},
        {XS_FMT_LIST, "#masscan\n", "# end\n", "open tcp"},
        {XS_FMT_XML, "<?xml ", "</nmaprun>", "<host "},
        {XS_FMT_GREPABLE, "scan initiated", "# xsweep done", "Host: "},
    };
    assert_int_equal(xs_output_module_count(), sizeof F / sizeof F[0]);
    for (size_t i = 0; i < sizeof F / sizeof F[0]; i++) {
        char path[32], err[128];
        tmp_path(path);
        xs_report rep = {0};
        rep.protocol = "SSH";
        xs_output *o = xs_output_open(path, F[i].fmt, false, err, sizeof err);
        assert_non_null(o);
        xs_output_begin(o, "xsweep", 1795428000ULL * 1000000000ULL, NULL);
        for (uint32_t k = 1; k <= 2; k++) {
            rep.r = (xs_result){xs_addr_from_v4((198u << 24) | (19u << 16) | k), 22, XS_STATUS_OPEN,
                                64, 1795428000ULL * 1000000000ULL};
            xs_output_write(o, &rep);
        }
        assert_int_equal(xs_output_close(o), 0);
        /* a torn record after the footer, as kill -9 during the next write could leave */
        FILE *f = fopen(path, "a");
        fputs(F[i].fmt == XS_FMT_JSON ? "{\"ip\":\"198.19.0.9\",\"po" : "198.19.0.9 to", f);
        fclose(f);

        int n = 0;
        uint64_t start_s = 0;
        assert_int_equal(xs_output_replay(path, F[i].fmt, count_key, &n, &start_s, err, sizeof err),
                         2);
        assert_int_equal(n, 2);
        if (F[i].fmt == XS_FMT_XML)
            assert_int_equal(start_s, 1795428000ULL);
        o = xs_output_open(path, F[i].fmt, true, err, sizeof err);
        assert_non_null(o);
        xs_output_begin(o, "xsweep", 1795429000ULL * 1000000000ULL, NULL);
        rep.r.addr = xs_addr_from_v4((198u << 24) | (19u << 16) |
                                     2); /* already in the file: not written again */
        xs_output_write(o, &rep);
        rep.r.addr = xs_addr_from_v4((198u << 24) | (19u << 16) | 3);
        xs_output_write(o, &rep);
        assert_int_equal(xs_output_close(o), 0);
        char *text = slurp(path);
        if (F[i].header)
            assert_int_equal(count_of(text, F[i].header), 1);
        if (F[i].footer)
            assert_int_equal(count_of(text, F[i].footer), 1);
        assert_int_equal(count_of(text, F[i].record), 3);
        assert_int_equal(count_of(text, "198.19.0.9"), 0);
        if (F[i].fmt == XS_FMT_XML)
            assert_non_null(strstr(text, "3 endpoints: 3 open"));
        unlink(path);
    }
}

typedef struct {
    xs_read_record got[4];
    int n;
} collected;

static void collect_record(const xs_read_record *rec, void *arg)
{
    collected *c = arg;
    if (c->n < 4)
        c->got[c->n] = *rec;
    c->n++;
}

/* IPv6 in every format: the text form as it is (masscan's -oL, nmap's -oG), addrtype="ipv6" in
 * -oX, and every reader (the resume replays them) takes both families back. */
static void ipv6_in_every_format(void **state)
{
    (void)state;
    static const struct {
        xs_format fmt;
        const char *v6, *v4;
    } F[] = {
        {XS_FMT_JSON, "{\"ip\":\"2001:2::5\",\"port\":8443,\"proto\":\"tcp\",\"status\":\"open\"",
         "{\"ip\":\"198.19.0.7\",\"port\":80,"},
        {XS_FMT_CSV, "\n2001:2::5,8443,tcp,open,64,2026-11-23T10:00:00Z,",
         "\n198.19.0.7,80,tcp,open,"},
        {XS_FMT_LIST, "\nopen tcp 8443 2001:2::5 1795428000\n",
         "\nopen tcp 80 198.19.0.7 1795428000\n"},
        {XS_FMT_XML, "<address addr=\"2001:2::5\" addrtype=\"ipv6\"/>",
         "<address addr=\"198.19.0.7\" addrtype=\"ipv4\"/>"},
        {XS_FMT_GREPABLE, "\nHost: 2001:2::5 ()\tPorts: 8443/open/tcp//",
         "\nHost: 198.19.0.7 ()\tPorts: 80/open/tcp//"},
    };
    xs_addr v6, v6b, v4 = xs_addr_from_v4((198u << 24) | (19u << 16) | 7u);
    assert_true(xs_addr_parse("2001:2::5", &v6));
    assert_true(
        xs_addr_parse("2001:2:0:ffff:abcd:ef01:2345:6789", &v6b)); /* the longest /48 form */
    for (size_t i = 0; i < sizeof F / sizeof F[0]; i++) {
        char path[32], err[128];
        tmp_path(path);
        xs_output *o = xs_output_open(path, F[i].fmt, false, err, sizeof err);
        assert_non_null(o);
        xs_output_begin(o, "xsweep -p 80,8443 2001:2::/112 198.19.0.0/24",
                        1795428000ULL * 1000000000ULL, NULL);
        xs_report rep = {0};
        rep.protocol = "HTTP/S";
        rep.r = (xs_result){v6, 8443, XS_STATUS_OPEN, 64, 1795428000ULL * 1000000000ULL};
        xs_output_write(o, &rep);
        rep.r = (xs_result){v4, 80, XS_STATUS_OPEN, 64, 1795428000ULL * 1000000000ULL};
        xs_output_write(o, &rep);
        rep.r = (xs_result){v6b, 80, XS_STATUS_CLOSED, 64, 1795428000ULL * 1000000000ULL};
        xs_output_write(o, &rep);
        assert_int_equal(xs_output_close(o), 0);
        char *text = slurp(path);
        if (!strstr(text, F[i].v6) || !strstr(text, F[i].v4))
            fail_msg("format %zu wrote:\n%s", i, text);
        collected c = {0};
        assert_int_equal(
            xs_output_replay(path, F[i].fmt, collect_record, &c, NULL, err, sizeof err), 3);
        assert_int_equal(c.n, 3);
        assert_true(xs_addr_eq(&c.got[0].addr, &v6));
        assert_int_equal(c.got[0].port, 8443);
        assert_int_equal(c.got[0].status, XS_STATUS_OPEN);
        assert_true(xs_addr_eq(&c.got[1].addr, &v4));
        assert_int_equal(c.got[1].port, 80);
        assert_true(xs_addr_eq(&c.got[2].addr, &v6b));
        assert_int_equal(c.got[2].status, XS_STATUS_CLOSED);
        unlink(path);
    }
    /* a reader refuses what is not an address of either family */
    xs_read_record rec;
    assert_int_equal(xs_out_list.read_line("open tcp 80 2001:2::5::1 1795428000", &rec), 0);
    assert_int_equal(xs_out_csv.read_line("2001:zz::5,80,tcp,open,64,x,", &rec), 0);
    assert_int_equal(
        xs_out_json.read_line("{\"ip\":\"[2001:2::5]\",\"port\":80,\"status\":\"open\"}", &rec), 0);
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
        assert_true(
            xs_seen_add(&s, xs_endpoint_key_v4((uint32_t)(k * 3 >> 16), (uint16_t)(k * 3))));
    for (uint64_t k = 0; k < 100000; k++) {
        uint64_t v = k * 3, w = v + 1;
        assert_false(xs_seen_add(&s, xs_endpoint_key_v4((uint32_t)(v >> 16), (uint16_t)v)));
        assert_true(xs_seen_contains(&s, xs_endpoint_key_v4((uint32_t)(v >> 16), (uint16_t)v)));
        assert_false(xs_seen_contains(&s, xs_endpoint_key_v4((uint32_t)(w >> 16), (uint16_t)w)));
    }
    /* IPv6 keys: the whole address counts, not a hash of it. */
    xs_addr a, b;
    assert_true(xs_addr_parse("2001:2::1", &a));
    assert_true(xs_addr_parse("2001:2::1:0:0:1", &b));
    assert_true(xs_seen_add(&s, xs_endpoint_key(&a, 80)));
    assert_false(xs_seen_contains(&s, xs_endpoint_key(&b, 80)));
    assert_false(xs_seen_contains(&s, xs_endpoint_key(&a, 81)));
    assert_true(xs_seen_add(&s, xs_endpoint_key(&b, 80)));
    assert_false(xs_seen_add(&s, xs_endpoint_key(&a, 80)));
    xs_seen_free(&s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(escapes_quotes_controls_and_bad_utf8),
        cmocka_unit_test(writer_nests_objects_and_arrays),
        cmocka_unit_test(record_formats),
        cmocka_unit_test(every_format_resumes_into_one_file),
        cmocka_unit_test(ipv6_in_every_format),
        cmocka_unit_test(unwritable_output_is_one_clear_error),
        cmocka_unit_test(seen_grows_and_deduplicates),
    };
    return cmocka_run_group_tests_name("output", tests, NULL, NULL);
}
