/* Targets: IPv4 and range parsing, merge/subtract/pick, ports, endpoint lines, the index space. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "xsweep/targets.h"

#define IP(a, b, c, d)                                                                             \
    ((uint32_t)(a) << 24 | (uint32_t)(b) << 16 | (uint32_t)(c) << 8 | (uint32_t)(d))

/* ---- IPv4 ---- */

/* IPv4 views of the address-typed API, for the IPv4 cases below. */
static const xs_endpoint *find4(const xs_endpointlist *el, uint32_t ip, uint16_t port)
{
    xs_addr a = xs_addr_from_v4(ip);
    return xs_endpointlist_find(el, &a, port);
}

static void get4(const xs_targetspace *ts, uint64_t index, uint32_t *ip, uint16_t *port)
{
    xs_addr a;
    xs_targetspace_get(ts, index, &a, port);
    assert_true(xs_addr_is_v4(&a));
    *ip = xs_addr_v4(&a);
}

static void ipv4_accepts_plain_dotted_decimal(void **state)
{
    (void)state;
    uint32_t ip;
    assert_true(xs_parse_ipv4("1.2.3.4", &ip));
    assert_int_equal(ip, IP(1, 2, 3, 4));
    assert_true(xs_parse_ipv4("0.0.0.0", &ip));
    assert_int_equal(ip, 0);
    assert_true(xs_parse_ipv4("255.255.255.255", &ip));
    assert_int_equal(ip, 0xFFFFFFFFu);
    assert_true(xs_parse_ipv4("10.0.100.9", &ip));
    assert_int_equal(ip, IP(10, 0, 100, 9));
}

static void ipv4_rejects_malformed(void **state)
{
    (void)state;
    const char *bad[] = {"",          "1.2.3",    "1.2.3.4.5", "1.2.3.256",  "01.2.3.4",
                         "1.2.3.04",  "1.2.3.4 ", " 1.2.3.4",  "1..3.4",     "1.2.3.",
                         "a.b.c.d",   "1.2.3.4x", "-1.2.3.4",  "1.2.3.0000", "1.2.3.1000",
                         "0x1.2.3.4", "1.2.3.4/", "+1.2.3.4"};
    uint32_t ip = 77;
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        if (xs_parse_ipv4(bad[i], &ip))
            fail_msg("accepted \"%s\"", bad[i]);
    }
    assert_int_equal(ip, 77); /* untouched on failure */
}

static void ipv4_formats_and_round_trips(void **state)
{
    (void)state;
    char buf[16];
    xs_format_ipv4(IP(192, 168, 0, 1), buf);
    assert_string_equal(buf, "192.168.0.1");
    xs_format_ipv4(0xFFFFFFFFu, buf);
    assert_string_equal(buf, "255.255.255.255");
    for (uint64_t v = 0; v <= 0xFFFFFFFFu; v += 0x01010101u * 7 + 13) {
        uint32_t back;
        xs_format_ipv4((uint32_t)v, buf);
        assert_true(xs_parse_ipv4(buf, &back));
        assert_int_equal(back, (uint32_t)v);
    }
}

static void scan_ipv4_reports_where_it_stopped(void **state)
{
    (void)state;
    uint32_t ip;
    const char *end;
    assert_null(xs_scan_ipv4("1.2.3.4:80", &ip, &end));
    assert_int_equal(ip, IP(1, 2, 3, 4));
    assert_string_equal(end, ":80");
    assert_non_null(strstr(xs_scan_ipv4("1.2.3.256", &ip, &end), "0-255"));
    assert_non_null(strstr(xs_scan_ipv4("1.02.3.4", &ip, &end), "leading zero"));
}

/* ---- range specs ---- */

static xs_range only_range(const char *spec)
{
    xs_rangelist rl = {0};
    char err[256] = "";
    if (xs_rangelist_add_spec(&rl, spec, err, sizeof err) < 0)
        fail_msg("rejected \"%s\": %s", spec, err);
    assert_int_equal(rl.n, 1);
    xs_range r = rl.v[0];
    xs_rangelist_free(&rl);
    return r;
}

static void spec_forms_parse(void **state)
{
    (void)state;
    xs_range r = only_range("10.1.2.3");
    assert_int_equal(r.first, IP(10, 1, 2, 3));
    assert_int_equal(r.last, IP(10, 1, 2, 3));
    r = only_range("10.0.0.0/8");
    assert_int_equal(r.first, IP(10, 0, 0, 0));
    assert_int_equal(r.last, IP(10, 255, 255, 255));
    r = only_range("10.1.2.3/8"); /* host bits are masked, as nmap */
    assert_int_equal(r.first, IP(10, 0, 0, 0));
    assert_int_equal(r.last, IP(10, 255, 255, 255));
    r = only_range("0.0.0.0/0");
    assert_int_equal(r.first, 0);
    assert_int_equal(r.last, 0xFFFFFFFFu);
    r = only_range("1.2.3.4/32");
    assert_int_equal(r.first, IP(1, 2, 3, 4));
    assert_int_equal(r.last, IP(1, 2, 3, 4));
    r = only_range("255.255.255.255/31");
    assert_int_equal(r.first, 0xFFFFFFFEu);
    assert_int_equal(r.last, 0xFFFFFFFFu);
    r = only_range("1.2.3.4-1.2.4.10");
    assert_int_equal(r.first, IP(1, 2, 3, 4));
    assert_int_equal(r.last, IP(1, 2, 4, 10));
    r = only_range("1.2.3.4-1.2.3.4");
    assert_int_equal(r.first, r.last);
    r = only_range("  192.0.2.0/24\t"); /* surrounding space is trimmed */
    assert_int_equal(r.first, IP(192, 0, 2, 0));
}

static void expect_spec_error(const char *spec, const char *why)
{
    xs_rangelist rl = {0};
    char err[256] = "";
    assert_int_equal(xs_rangelist_add_spec(&rl, spec, err, sizeof err), -1);
    assert_int_equal(rl.n, 0);
    if (!strstr(err, why))
        fail_msg("\"%s\": error \"%s\" does not say \"%s\"", spec, err, why);
    assert_null(strchr(err, '\n'));
    xs_rangelist_free(&rl);
}

static void spec_errors_say_what_is_wrong(void **state)
{
    (void)state;
    char expect[128];
    snprintf(expect, sizeof expect, "invalid target \"%s\": prefix length must be 0-32",
             "1.2.3.4/33");
    expect_spec_error("1.2.3.4/33", expect);
    expect_spec_error("1.2.3.4/", "prefix length must be 0-32");
    expect_spec_error("1.2.3.4/100", "prefix length must be 0-32");
    expect_spec_error("1.2.3.4/-1", "prefix length must be 0-32");
    expect_spec_error("1.2.3.4/24x", "after the prefix length");
    expect_spec_error("1.2.3", "invalid target \"1.2.3\": expected an IPv4 address");
    expect_spec_error("1.2.3.256", "out of range 0-255");
    expect_spec_error("01.2.3.4", "leading zero");
    expect_spec_error("1.2.3.4x", "after the address");
    expect_spec_error("1.2.3.4 5", "after the address");
    expect_spec_error("example.com", "expected an IPv4 address");
    expect_spec_error("", "empty target");
    expect_spec_error("   ", "empty target");
    expect_spec_error("1.2.3.9-1.2.3.4", "range start is after range end");
    expect_spec_error("1.2.3.4-20", "range end must be an IPv4 address");
    expect_spec_error("1.2.3.4-1.2.3.300", "out of range 0-255");
    expect_spec_error("1.2.3.4-1.2.3.5x", "after the range end");
    expect_spec_error("1.2.3.4-1.2.3.5-1.2.3.6", "after the range end");
    expect_spec_error("1111111111111111111111111111111111111111111111111111111111111111111",
                      "too long");
}

static void list_splits_on_commas_and_space(void **state)
{
    (void)state;
    xs_rangelist rl = {0};
    char err[256];
    assert_int_equal(xs_rangelist_add_list(&rl, "1.1.1.1, 2.2.2.0/30  3.3.3.3-3.3.3.4\n4.4.4.4",
                                           err, sizeof err),
                     0);
    xs_rangelist_normalize(&rl);
    assert_int_equal(rl.n, 4);
    assert_int_equal(xs_rangelist_count(&rl), 1 + 4 + 2 + 1);
    xs_rangelist_free(&rl);

    const char *bad[] = {"", "  ", "1.1.1.1,,2.2.2.2", ",1.1.1.1", "1.1.1.1,", "1.1.1.1, ,2.2.2.2"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        err[0] = '\0';
        assert_int_equal(xs_rangelist_add_list(&rl, bad[i], err, sizeof err), -1);
        assert_non_null(strstr(err, "invalid target list"));
        xs_rangelist_free(&rl);
    }
    /* Errors quote the input but stay one line. */
    assert_int_equal(xs_rangelist_add_list(&rl, "1.1.1.1,\n,2.2.2.2", err, sizeof err), -1);
    assert_string_equal(err, "invalid target list \"1.1.1.1,?,2.2.2.2\": empty item");
    xs_rangelist_free(&rl);
    assert_int_equal(xs_portlist_parse(&(xs_portlist){0}, "80\n", err, sizeof err), -1);
    assert_null(strchr(err, '\n'));
    assert_int_equal(xs_rangelist_add_list(&rl, "1.1.1.1,1.2.3.4/40", err, sizeof err), -1);
    assert_string_equal(err, "invalid target \"1.2.3.4/40\": prefix length must be 0-32");
    xs_rangelist_free(&rl);
}

/* ---- range files ---- */

static char *write_temp(const char *text)
{
    char *path = strdup("/tmp/xta_test_XXXXXX");
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    size_t len = strlen(text);
    assert_int_equal(write(fd, text, len), (ssize_t)len);
    close(fd);
    return path;
}

static void range_file_loads_with_comments(void **state)
{
    (void)state;
    char *path = write_temp(
        "# targets\n\n10.0.0.0/30   # lab\r\n  10.0.0.8-10.0.0.9\n192.0.2.1, 192.0.2.2\n# end");
    xs_rangelist rl = {0};
    char err[256] = "";
    assert_int_equal(xs_rangelist_load_file(&rl, path, err, sizeof err), 0);
    xs_rangelist_normalize(&rl);
    assert_int_equal(xs_rangelist_count(&rl), 4 + 2 + 2);
    xs_rangelist_free(&rl);
    unlink(path);
    free(path);
}

static void range_file_errors_name_file_and_line(void **state)
{
    (void)state;
    char *path = write_temp("10.0.0.1\n\n10.0.0.0/33\n");
    xs_rangelist rl = {0};
    char err[512], expect[512];
    assert_int_equal(xs_rangelist_load_file(&rl, path, err, sizeof err), -1);
    snprintf(expect, sizeof expect,
             "%s:3: invalid target \"10.0.0.0/33\": prefix length must be 0-32", path);
    assert_string_equal(err, expect);
    xs_rangelist_free(&rl);
    unlink(path);
    free(path);

    assert_int_equal(xs_rangelist_load_file(&rl, "/nonexistent/xta/targets", err, sizeof err), -1);
    assert_string_equal(err, "cannot read /nonexistent/xta/targets: No such file or directory");
    assert_int_equal(xs_rangelist_load_file(&rl, "/tmp", err, sizeof err), -1);
    assert_string_equal(err, "cannot read /tmp: Is a directory");

    /* A NUL byte in a line is not silently truncated. */
    char tmpl[] = "/tmp/xta_test_XXXXXX";
    int fd = mkstemp(tmpl);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, "1.2.3.4\n5.6.7.8\0junk\n", 21), 21);
    close(fd);
    assert_int_equal(xs_rangelist_load_file(&rl, tmpl, err, sizeof err), -1);
    assert_non_null(strstr(err, ":2: line contains a NUL byte"));
    unlink(tmpl);
    xs_rangelist_free(&rl);
}

/* ---- merge, subtract, count, pick, contains ---- */

static void normalize_merges_overlapping_and_adjacent(void **state)
{
    (void)state;
    xs_rangelist rl = {0};
    xs_rangelist_add(&rl, IP(10, 0, 0, 10), IP(10, 0, 0, 20));
    xs_rangelist_add(&rl, IP(10, 0, 0, 0), IP(10, 0, 0, 9));   /* adjacent below */
    xs_rangelist_add(&rl, IP(10, 0, 0, 15), IP(10, 0, 0, 30)); /* overlapping */
    xs_rangelist_add(&rl, IP(10, 0, 0, 32), IP(10, 0, 0, 32)); /* gap of one */
    xs_rangelist_add(&rl, IP(10, 0, 0, 12), IP(10, 0, 0, 13)); /* contained */
    xs_rangelist_add(&rl, 0xFFFFFFFFu, 0xFFFFFFFFu);
    xs_rangelist_add(&rl, 0xFFFFFFF0u, 0xFFFFFFFFu); /* must not wrap at the top */
    xs_rangelist_add(&rl, 5, 4);                     /* empty: ignored */
    xs_rangelist_normalize(&rl);
    assert_int_equal(rl.n, 3);
    assert_int_equal(rl.v[0].first, IP(10, 0, 0, 0));
    assert_int_equal(rl.v[0].last, IP(10, 0, 0, 30));
    assert_int_equal(rl.v[1].first, IP(10, 0, 0, 32));
    assert_int_equal(rl.v[1].last, IP(10, 0, 0, 32));
    assert_int_equal(rl.v[2].first, 0xFFFFFFF0u);
    assert_int_equal(rl.v[2].last, 0xFFFFFFFFu);
    assert_int_equal(xs_rangelist_count(&rl), 31 + 1 + 16);
    xs_rangelist_free(&rl);
}

static void full_space_counts_2_to_the_32(void **state)
{
    (void)state;
    xs_rangelist rl = {0};
    char err[256];
    assert_int_equal(xs_rangelist_add_spec(&rl, "0.0.0.0/0", err, sizeof err), 0);
    assert_int_equal(xs_rangelist_count(&rl), 1ULL << 32); /* before normalize too */
    xs_rangelist_normalize(&rl);
    assert_int_equal(xs_rangelist_count(&rl), 1ULL << 32);
    assert_int_equal(xs_rangelist_pick(&rl, 0), 0);
    assert_int_equal(xs_rangelist_pick(&rl, (1ULL << 32) - 1), 0xFFFFFFFFu);
    assert_true(xs_rangelist_contains(&rl, 0));
    assert_true(xs_rangelist_contains(&rl, 0xFFFFFFFFu));
    xs_rangelist_free(&rl);
}

static void full_space_minus_reserved(void **state)
{
    (void)state;
    xs_rangelist rl = {0}, ex = {0};
    xs_rangelist_add(&rl, 0, 0xFFFFFFFFu);
    xs_rangelist_normalize(&rl);
    xs_rangelist_add_reserved(&ex, false);
    xs_rangelist_normalize(&ex);
    assert_int_equal(ex.n, 2); /* 255.255.255.255 lies inside 224.0.0.0/3 */
    xs_rangelist_subtract(&rl, &ex);
    assert_int_equal(rl.n, 1);
    assert_int_equal(rl.v[0].first, IP(1, 0, 0, 0));
    assert_int_equal(rl.v[0].last, IP(223, 255, 255, 255));
    assert_int_equal(xs_rangelist_count(&rl), (1ULL << 32) - (1ULL << 24) - (1ULL << 29));
    assert_false(xs_rangelist_contains(&rl, 0));
    assert_false(xs_rangelist_contains(&rl, IP(0, 255, 255, 255)));
    assert_true(xs_rangelist_contains(&rl, IP(1, 0, 0, 0)));
    assert_true(xs_rangelist_contains(&rl, IP(223, 255, 255, 255)));
    assert_false(xs_rangelist_contains(&rl, IP(224, 0, 0, 0)));
    assert_false(xs_rangelist_contains(&rl, 0xFFFFFFFFu));
    assert_int_equal(xs_rangelist_pick(&rl, 0), IP(1, 0, 0, 0));
    assert_int_equal(xs_rangelist_pick(&rl, xs_rangelist_count(&rl) - 1), IP(223, 255, 255, 255));
    xs_rangelist_free(&rl);
    xs_rangelist_free(&ex);
}

static void subtract_edge_cases(void **state)
{
    (void)state;
    xs_rangelist rl = {0}, ex = {0};
    /* targets: 10.0.0.0/24, 10.0.1.0/24 (merged), 255.255.255.255, 9.9.9.9 */
    xs_rangelist_add(&rl, IP(10, 0, 0, 0), IP(10, 0, 0, 255));
    xs_rangelist_add(&rl, IP(10, 0, 1, 0), IP(10, 0, 1, 255));
    xs_rangelist_add(&rl, 0xFFFFFFFFu, 0xFFFFFFFFu);
    xs_rangelist_add(&rl, IP(9, 9, 9, 9), IP(9, 9, 9, 9));
    xs_rangelist_normalize(&rl);
    assert_int_equal(rl.n, 3);
    /* excludes: first address, a /32 in the middle, a block across the seam, the last address,
     * the single 9.9.9.9, and a block covering 255.255.255.255 */
    xs_rangelist_add(&ex, IP(10, 0, 0, 0), IP(10, 0, 0, 0));
    xs_rangelist_add(&ex, IP(10, 0, 0, 100), IP(10, 0, 0, 100));
    xs_rangelist_add(&ex, IP(10, 0, 0, 250), IP(10, 0, 1, 5));
    xs_rangelist_add(&ex, IP(10, 0, 1, 255), IP(10, 0, 1, 255));
    xs_rangelist_add(&ex, IP(9, 9, 9, 9), IP(9, 9, 9, 9));
    xs_rangelist_add(&ex, IP(255, 0, 0, 0), 0xFFFFFFFFu);
    xs_rangelist_normalize(&ex);
    xs_rangelist_subtract(&rl, &ex);
    assert_int_equal(rl.n, 3);
    assert_int_equal(rl.v[0].first, IP(10, 0, 0, 1));
    assert_int_equal(rl.v[0].last, IP(10, 0, 0, 99));
    assert_int_equal(rl.v[1].first, IP(10, 0, 0, 101));
    assert_int_equal(rl.v[1].last, IP(10, 0, 0, 249));
    assert_int_equal(rl.v[2].first, IP(10, 0, 1, 6));
    assert_int_equal(rl.v[2].last, IP(10, 0, 1, 254));
    assert_int_equal(xs_rangelist_count(&rl), 99 + 149 + 249);
    /* pick walks the ranges in order, across the holes */
    assert_int_equal(xs_rangelist_pick(&rl, 0), IP(10, 0, 0, 1));
    assert_int_equal(xs_rangelist_pick(&rl, 98), IP(10, 0, 0, 99));
    assert_int_equal(xs_rangelist_pick(&rl, 99), IP(10, 0, 0, 101));
    assert_int_equal(xs_rangelist_pick(&rl, 99 + 149), IP(10, 0, 1, 6));
    assert_int_equal(xs_rangelist_pick(&rl, 99 + 149 + 248), IP(10, 0, 1, 254));
    xs_rangelist_free(&ex);

    /* Subtracting nothing keeps the list; subtracting everything empties it. */
    xs_rangelist_subtract(&rl, &ex);
    assert_int_equal(xs_rangelist_count(&rl), 99 + 149 + 249);
    xs_rangelist_add(&ex, 0, 0xFFFFFFFFu);
    xs_rangelist_normalize(&ex);
    xs_rangelist_subtract(&rl, &ex);
    assert_int_equal(rl.n, 0);
    assert_int_equal(xs_rangelist_count(&rl), 0);
    assert_false(xs_rangelist_contains(&rl, IP(10, 0, 0, 1)));
    xs_rangelist_free(&rl);
    xs_rangelist_free(&ex);
}

static void subtract_one_exclude_spanning_many_targets(void **state)
{
    (void)state;
    xs_rangelist rl = {0}, ex = {0};
    for (uint32_t i = 0; i < 10; i++)
        xs_rangelist_add(&rl, IP(10, i, 0, 0), IP(10, i, 0, 9));
    xs_rangelist_normalize(&rl);
    xs_rangelist_add(&ex, IP(10, 2, 0, 5), IP(10, 7, 0, 4));
    xs_rangelist_normalize(&ex);
    xs_rangelist_subtract(&rl, &ex);
    assert_int_equal(xs_rangelist_count(&rl), 100 - 10 * 5);
    assert_int_equal(rl.n, 6);
    assert_int_equal(rl.v[2].last, IP(10, 2, 0, 4));
    assert_int_equal(rl.v[3].first, IP(10, 7, 0, 5));
    xs_rangelist_free(&rl);
    xs_rangelist_free(&ex);
}

static void pick_and_contains_agree_with_brute_force(void **state)
{
    (void)state;
    xs_rangelist rl = {0};
    srand(7);
    for (int i = 0; i < 200; i++) {
        uint32_t a = (uint32_t)(rand() % 5000), len = (uint32_t)(rand() % 20);
        xs_rangelist_add(&rl, a, a + len);
    }
    xs_rangelist_normalize(&rl);
    static bool in[6000];
    for (size_t i = 0; i < rl.n; i++)
        for (uint32_t a = rl.v[i].first; a <= rl.v[i].last; a++)
            in[a] = true;
    uint64_t index = 0;
    for (uint32_t a = 0; a < 6000; a++) {
        assert_int_equal(xs_rangelist_contains(&rl, a), in[a]);
        if (in[a])
            assert_int_equal(xs_rangelist_pick(&rl, index++), a);
    }
    assert_int_equal(index, xs_rangelist_count(&rl));
    for (size_t i = 1; i < rl.n; i++)
        assert_true(rl.v[i].first > rl.v[i - 1].last + 1); /* merged: no overlap, no adjacency */
    xs_rangelist_free(&rl);
}

/* ---- ports ---- */

static void ports_parse_sorted_unique(void **state)
{
    (void)state;
    xs_portlist pl = {0};
    char err[256];
    assert_int_equal(xs_portlist_parse(&pl, "8080, 80,443,79-81,65535,1", err, sizeof err), 0);
    uint16_t want[] = {1, 79, 80, 81, 443, 8080, 65535};
    assert_int_equal(pl.n, 7);
    for (size_t i = 0; i < 7; i++)
        assert_int_equal(pl.v[i], want[i]);
    assert_true(xs_portlist_contains(&pl, 443));
    assert_false(xs_portlist_contains(&pl, 444));
    assert_false(xs_portlist_contains(&pl, 0));
    /* A second parse adds to the list. */
    assert_int_equal(xs_portlist_parse(&pl, "22,80", err, sizeof err), 0);
    assert_int_equal(pl.n, 8);
    assert_int_equal(pl.v[1], 22);
    xs_portlist_free(&pl);

    assert_int_equal(xs_portlist_parse(&pl, "1-65535", err, sizeof err), 0);
    assert_int_equal(pl.n, 65535);
    assert_int_equal(pl.v[65534], 65535);
    xs_portlist_free(&pl);
}

static void ports_errors(void **state)
{
    (void)state;
    struct {
        const char *list, *why;
    } bad[] = {
        {"0", "invalid port \"0\" in \"0\": ports are 1-65535"},
        {"80,65536", "invalid port \"65536\" in \"80,65536\": ports are 1-65535"},
        {"99999999999999999999", "ports are 1-65535"},
        {"0-10", "ports are 1-65535"},
        {"90-80", "invalid port \"90-80\" in \"90-80\": range start is after range end"},
        {"80,,443", "invalid port list \"80,,443\": empty item"},
        {",80", "empty item"},
        {"80,", "empty item"},
        {"80, ,443", "empty item"},
        {"", "no port given"},
        {"http", "not a port number or range"},
        {"80-", "not a port number or range"},
        {"-80", "not a port number or range"},
        {"+80", "not a port number or range"},
        {"80 443", "not a port number or range"},
        {"1-2-3", "not a port number or range"},
        {"supportedx", "not a port number or range"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        xs_portlist pl = {0};
        assert_int_equal(xs_portlist_parse(&pl, "22", NULL, 0), 0);
        char err[256] = "";
        assert_int_equal(xs_portlist_parse(&pl, bad[i].list, err, sizeof err), -1);
        if (!strstr(err, bad[i].why))
            fail_msg("\"%s\": error \"%s\" does not say \"%s\"", bad[i].list, err, bad[i].why);
        assert_int_equal(pl.n, 1); /* left as it was */
        xs_portlist_free(&pl);
    }
}

static void supported_expands_to_the_seed_table(void **state)
{
    (void)state;
    xs_portlist pl = {0};
    char err[256];
    assert_int_equal(xs_portlist_parse(&pl, "supported", err, sizeof err), 0);
    for (size_t i = 0; i < xs_supported_ports_count; i++)
        assert_true(xs_portlist_contains(&pl, xs_supported_ports[i].port));
    for (size_t i = 1; i < pl.n; i++)
        assert_true(pl.v[i] > pl.v[i - 1]);
    /* 57 rows; 6443 and 10250 appear twice */
    assert_int_equal(xs_supported_ports_count, 57);
    assert_int_equal(pl.n, 55);
    assert_int_equal(pl.v[0], 21);
    assert_int_equal(pl.v[pl.n - 1], 27017);
    size_t n = pl.n;
    assert_int_equal(xs_portlist_parse(&pl, "Supported,1", err, sizeof err), 0);
    assert_int_equal(pl.n, n + 1);
    xs_portlist_free(&pl);
}

static void supported_protocol_names(void **state)
{
    (void)state;
    assert_string_equal(xs_supported_protocol(21), "FTP");
    assert_string_equal(xs_supported_protocol(2222), "SSH");
    assert_string_equal(xs_supported_protocol(443), "HTTP/S");
    assert_string_equal(xs_supported_protocol(6443), "HTTP/S"); /* first row wins */
    assert_string_equal(xs_supported_protocol(10250), "Kubernetes API");
    assert_string_equal(xs_supported_protocol(500), "IPSec Key Exchange");
    assert_string_equal(xs_supported_protocol(3342), "Public managed SQL");
    assert_string_equal(xs_supported_protocol(5985), "WINRM HTTP");
    assert_string_equal(xs_supported_protocol(7001), "Cassandra SSL");
    assert_string_equal(xs_supported_protocol(15021), "Istio");
    assert_string_equal(xs_supported_protocol(27017), "MongoDB");
    assert_null(xs_supported_protocol(23));
    assert_null(xs_supported_protocol(0));
    assert_true(xs_port_is_http(80));
    assert_true(xs_port_is_http(6443));
    assert_true(xs_port_is_http(10000));
    assert_true(xs_port_is_http(5985)); /* WinRM, the kubelet, Grafana: the HTTP stage's */
    assert_true(xs_port_is_http(10250));
    assert_false(xs_port_is_http(22));
    assert_false(xs_port_is_http(990));
    size_t http = 0, seed_http = 0;
    for (size_t i = 0; i < xs_supported_ports_count; i++) {
        http += xs_supported_ports[i].http;
        seed_http += !strcmp(xs_supported_ports[i].protocol, "HTTP/S");
        assert_non_null(xs_supported_ports[i].nmap);
        assert_non_null(xs_supported_ports[i].probe);
    }
    assert_int_equal(seed_http, 28);
    assert_int_equal(http, 28 + 9);
    /* One table answers TLS-first for the HTTP stage: 10250 and 5986 included, 990 is FTPS. */
    assert_true(xs_port_is_tls_first(443));
    assert_true(xs_port_is_tls_first(10250));
    assert_true(xs_port_is_tls_first(5986));
    assert_true(xs_port_is_tls_first(990));
    assert_false(xs_port_is_tls_first(8080));
    assert_string_equal(xs_supported_protocol(990), "FTPS");
    assert_string_equal(xs_service_for_port(990)->nmap, "ftps");
    assert_string_equal(xs_service_for_port(5986)->nmap, "wsmans");
    assert_string_equal(xs_service_or_default(12345)->probe, "banner");
    assert_string_equal(xs_service_fallbacks(xs_service_or_default(12345)), "redis,http");
    assert_string_equal(xs_service_fallbacks(xs_service_for_port(500)), "");
}

/* ---- endpoints ---- */

static void endpoint_lines_parse(void **state)
{
    (void)state;
    xs_endpointlist el = {0};
    char err[256] = "";
    assert_int_equal(xs_endpointlist_add_line(&el, "10.0.0.1:80", err, sizeof err), 0);
    assert_int_equal(xs_endpointlist_add_line(
                         &el, "  10.0.0.2:8443 bucket path=/a/{x}/b?q=1#f host=files.example\n",
                         err, sizeof err),
                     0);
    assert_int_equal(xs_endpointlist_add_line(&el, "10.0.0.3:22\t# a comment", err, sizeof err), 0);
    assert_int_equal(xs_endpointlist_add_line(&el, "# only a comment", err, sizeof err), 0);
    assert_int_equal(xs_endpointlist_add_line(&el, "   \r\n", err, sizeof err), 0);
    assert_int_equal(xs_endpointlist_add_line(&el, "", err, sizeof err), 0);
    assert_int_equal(el.n, 3);
    assert_int_equal(xs_addr_v4(&el.v[0].addr), IP(10, 0, 0, 1));
    assert_int_equal(el.v[0].port, 80);
    assert_false(el.v[0].bucket);
    assert_null(el.v[0].path);
    assert_null(el.v[0].host);
    assert_true(el.v[1].bucket);
    assert_string_equal(el.v[1].path, "/a/{x}/b?q=1#f"); /* verbatim */
    assert_string_equal(el.v[1].host, "files.example");
    assert_int_equal(el.v[2].port, 22);
    xs_endpointlist_free(&el);
}

static void endpoint_line_errors(void **state)
{
    (void)state;
    struct {
        const char *line, *why;
    } bad[] = {
        {"10.0.0.1", "invalid endpoint \"10.0.0.1\": expected ip:port"},
        {"10.0.0.1:", "port must be a number"},
        {"10.0.0.1:0", "port must be 1-65535"},
        {"10.0.0.1:65536", "port must be 1-65535"},
        {"10.0.0.1:99999999999999999999", "port must be 1-65535"},
        {"10.0.0.1:80x", "port must be a number"},
        {"10.0.0.1 :80", "expected ip:port"},
        {"host.example:80", "expected an IPv4 address"},
        {"10.0.0.256:80", "out of range 0-255"},
        {"010.0.0.1:80", "leading zero"},
        {"10.0.0.1:80 bucketx", "unknown word"},
        {"10.0.0.1:80 path=", "path= needs a value"},
        {"10.0.0.1:80 host=", "host= needs a value"},
        {"10.0.0.1:80 path=/a path=/b", "path= given twice"},
        {"10.0.0.1:80 host=a host=b", "host= given twice"},
        {"10.0.0.1:80 path=/a\x01", "control character"},
        {"10.0.0.1:80 host=a\x7f", "control character"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        xs_endpointlist el = {0};
        char err[256] = "";
        assert_int_equal(xs_endpointlist_add_line(&el, bad[i].line, err, sizeof err), -1);
        if (!strstr(err, bad[i].why))
            fail_msg("\"%s\": error \"%s\" does not say \"%s\"", bad[i].line, err, bad[i].why);
        assert_int_equal(el.n, 0);
        xs_endpointlist_free(&el);
    }
}

static void endpoint_normalize_and_find(void **state)
{
    (void)state;
    xs_endpointlist el = {0};
    char err[256];
    const char *lines[] = {"10.0.0.2:443 path=/first",  "10.0.0.1:80",   "10.0.0.2:80",
                           "10.0.0.2:443 path=/second", "9.0.0.1:65535", "10.0.0.1:80 bucket",
                           "10.0.0.2:443 host=third"};
    for (size_t i = 0; i < 7; i++)
        assert_int_equal(xs_endpointlist_add_line(&el, lines[i], err, sizeof err), 0);
    xs_endpointlist_normalize(&el);
    assert_int_equal(el.n, 4);
    assert_int_equal(xs_addr_v4(&el.v[0].addr), IP(9, 0, 0, 1));
    assert_int_equal(xs_addr_v4(&el.v[1].addr), IP(10, 0, 0, 1));
    assert_int_equal(el.v[2].port, 80);
    assert_int_equal(el.v[3].port, 443);
    const xs_endpoint *e = find4(&el, IP(10, 0, 0, 2), 443);
    assert_non_null(e);
    assert_string_equal(e->path, "/first"); /* first one wins */
    assert_null(e->host);
    e = find4(&el, IP(10, 0, 0, 1), 80);
    assert_non_null(e);
    assert_false(e->bucket);
    assert_null(find4(&el, IP(10, 0, 0, 1), 81));
    assert_null(find4(&el, IP(10, 0, 0, 3), 80));
    assert_null(find4(&el, 0, 0));
    xs_endpointlist_free(&el);
    xs_endpointlist_normalize(&el); /* empty list is fine */
    assert_null(find4(&el, 0, 0));
}

static void endpoint_file_loads_and_reports_lines(void **state)
{
    (void)state;
    char *path =
        write_temp("# endpoints\n198.18.0.1:80 path=/x\n\n198.18.0.2:443 bucket host=b.example\n");
    xs_endpointlist el = {0};
    char err[512], expect[512];
    assert_int_equal(xs_endpointlist_load_file(&el, path, err, sizeof err), 0);
    assert_int_equal(el.n, 2);
    assert_string_equal(el.v[1].host, "b.example");
    xs_endpointlist_free(&el);
    unlink(path);
    free(path);

    path = write_temp("198.18.0.1:80\n198.18.0.1:http\n");
    assert_int_equal(xs_endpointlist_load_file(&el, path, err, sizeof err), -1);
    snprintf(expect, sizeof expect,
             "%s:2: invalid endpoint \"198.18.0.1:http\": port must be a number 1-65535", path);
    assert_string_equal(err, expect);
    xs_endpointlist_free(&el);
    unlink(path);
    free(path);

    assert_int_equal(xs_endpointlist_load_file(&el, "/nonexistent/xta/eps", err, sizeof err), -1);
    assert_string_equal(err, "cannot read /nonexistent/xta/eps: No such file or directory");
}

/* ---- the index space ---- */

static void targetspace_ranges_times_ports(void **state)
{
    (void)state;
    xs_rangelist rl = {0};
    xs_portlist pl = {0};
    char err[256];
    assert_int_equal(xs_rangelist_add_list(&rl, "10.0.0.0/30,10.0.1.7", err, sizeof err), 0);
    xs_rangelist_normalize(&rl);
    assert_int_equal(xs_portlist_parse(&pl, "443,22,80", err, sizeof err), 0);
    xs_targetspace ts;
    xs_targetspace_init_ranges(&ts, &rl, &pl);
    assert_int_equal(ts.size, 5 * 3);
    assert_null(ts.endpoints);
    uint32_t ip;
    uint16_t port;
    get4(&ts, 0, &ip, &port);
    assert_int_equal(ip, IP(10, 0, 0, 0));
    assert_int_equal(port, 22);
    get4(&ts, 2, &ip, &port);
    assert_int_equal(ip, IP(10, 0, 0, 0));
    assert_int_equal(port, 443);
    get4(&ts, 3, &ip, &port);
    assert_int_equal(ip, IP(10, 0, 0, 1));
    assert_int_equal(port, 22);
    get4(&ts, 14, &ip, &port);
    assert_int_equal(ip, IP(10, 0, 1, 7));
    assert_int_equal(port, 443);
    /* every (ip, port) pair exactly once */
    bool seen[5][3] = {{false}};
    for (uint64_t i = 0; i < ts.size; i++) {
        get4(&ts, i, &ip, &port);
        size_t a = ip == IP(10, 0, 1, 7) ? 4 : ip - IP(10, 0, 0, 0);
        size_t b = port == 22 ? 0 : port == 80 ? 1 : 2;
        assert_false(seen[a][b]);
        seen[a][b] = true;
    }
    xs_portlist_free(&pl);

    /* 2^32 addresses x 65535 ports does not overflow */
    xs_rangelist_free(&rl);
    xs_rangelist_add(&rl, 0, 0xFFFFFFFFu);
    xs_rangelist_normalize(&rl);
    assert_int_equal(xs_portlist_parse(&pl, "1-65535", err, sizeof err), 0);
    xs_targetspace_init_ranges(&ts, &rl, &pl);
    assert_int_equal(ts.size, (1ULL << 32) * 65535);
    get4(&ts, ts.size - 1, &ip, &port);
    assert_int_equal(ip, 0xFFFFFFFFu);
    assert_int_equal(port, 65535);
    xs_rangelist_free(&rl);
    xs_portlist_free(&pl);
}

static void targetspace_endpoints_as_given(void **state)
{
    (void)state;
    xs_endpointlist el = {0};
    char err[256];
    assert_int_equal(xs_endpointlist_add_line(&el, "10.0.0.9:8080", err, sizeof err), 0);
    assert_int_equal(xs_endpointlist_add_line(&el, "10.0.0.1:22", err, sizeof err), 0);
    xs_endpointlist_normalize(&el);
    xs_targetspace ts;
    xs_targetspace_init_endpoints(&ts, &el);
    assert_int_equal(ts.size, 2);
    uint32_t ip;
    uint16_t port;
    get4(&ts, 0, &ip, &port);
    assert_int_equal(ip, IP(10, 0, 0, 1));
    assert_int_equal(port, 22);
    get4(&ts, 1, &ip, &port);
    assert_int_equal(ip, IP(10, 0, 0, 9));
    assert_int_equal(port, 8080);
    xs_endpointlist_free(&el);
}

/* Issue 11.5: the same ip:port with other paths survives normalize on the `more` list. */
static void endpoint_paths_are_kept(void **state)
{
    (void)state;
    xs_endpointlist el = {0};
    char err[256];
    const char *lines[] = {"10.0.0.9:80 path=/a", "10.0.0.1:80", "10.0.0.9:80 path=/b bucket",
                           "10.0.0.9:80 path=/a", "10.0.0.9:80", "10.0.0.9:80 path=/c host=x.test"};
    for (size_t i = 0; i < sizeof lines / sizeof lines[0]; i++)
        assert_int_equal(xs_endpointlist_add_line(&el, lines[i], err, sizeof err), 0);
    xs_endpointlist_normalize(&el);
    assert_int_equal(el.n, 2); /* probed once each */
    const xs_endpoint *e = find4(&el, 0x0a000009, 80);
    assert_non_null(e);
    assert_string_equal(e->path, "/a");
    const char *want[] = {"/b", NULL, "/c"}; /* /a again dropped; "/" kept as NULL */
    const xs_endpoint *m = e->more;
    for (size_t i = 0; i < 3; i++, m = m->more) {
        assert_non_null(m);
        if (want[i])
            assert_string_equal(m->path, want[i]);
        else
            assert_null(m->path);
    }
    assert_null(m);
    assert_true(e->more->bucket); /* each line keeps its own words */
    assert_false(e->bucket);
    assert_string_equal(e->more->more->more->host, "x.test");
    assert_null(find4(&el, 0x0a000001, 80)->more);
    xs_endpointlist_free(&el);
}

/* ---- IPv6 (issue 15) ---- */
static xs_addr A(const char *text)
{
    xs_addr a;
    if (!xs_addr_parse(text, &a))
        fail_msg("bad test address %s", text);
    return a;
}

static void ipv6_specs_parse(void **state)
{
    (void)state;
    xs_rangelist rl = {0};
    char err[256];
    assert_int_equal(xs_rangelist_add_list(&rl,
                                           "2001:2::7, 2001:2::1:0/112 2001:2::ff00-2001:2::ff0f",
                                           err, sizeof err),
                     0);
    assert_int_equal(xs_rangelist_add_spec(&rl, "2001:2::abcd/124", err, sizeof err),
                     0); /* host bits masked */
    xs_rangelist_normalize(&rl);
    assert_int_equal(rl.n, 0);
    assert_int_equal(xs_rangelist_count_v6(&rl), 1 + 65536 + 16 + 16);
    xs_addr a = A("2001:2::abc5"), b = A("2001:2::abd0"), c = A("2001:2::1:ffff"),
            d = A("2001:2::2:0");
    assert_true(xs_rangelist_contains_addr(&rl, &a));
    assert_false(xs_rangelist_contains_addr(&rl, &b));
    assert_true(xs_rangelist_contains_addr(&rl, &c));
    assert_false(xs_rangelist_contains_addr(&rl, &d));
    /* The index space walks them in address order. */
    xs_addr first = xs_rangelist_pick_addr(&rl, 0),
            last = xs_rangelist_pick_addr(&rl, xs_rangelist_count(&rl) - 1);
    xs_addr want_first = A("2001:2::7"), want_last = A("2001:2::1:ffff");
    assert_true(xs_addr_eq(&first, &want_first));
    assert_true(xs_addr_eq(&last, &want_last));
    /* A /128 and the full 2^32 of a /96 are fine. */
    assert_int_equal(xs_rangelist_add_spec(&rl, "2001:2::9/128", err, sizeof err), 0);
    assert_int_equal(xs_rangelist_add_spec(&rl, "2001:2:0:1::/96", err, sizeof err), 0);
    xs_rangelist_normalize(&rl);
    assert_int_equal(xs_rangelist_count_v6(&rl), 1 + 65536 + 16 + 16 + 1 + (1ULL << 32));
    xs_rangelist_free(&rl);
}

static void ipv6_limits_and_errors(void **state)
{
    (void)state;
    struct {
        const char *spec, *why;
    } bad[] = {
        {"2001:db8::/64", "18446744073709551616 addresses"},
        {"2001:db8::/95", "8589934592 addresses"},
        {"::/0", "340282366920938463463374607431768211456 addresses"},
        {"2001:db8::-2001:db8::1:0:0", "4294967297 addresses"},
        {"2001:db8::/129", "prefix length must be 0-128"},
        {"2001:db8::/", "prefix length must be 0-128"},
        {"2001:db8::/64x", "prefix length must be 0-128"},
        {"2001:db8::5-2001:db8::1", "range start is after range end"},
        {"2001:db8:::1", "expected an IPv6 address"},
        {"2001:db8::1-", "range end must be an IPv6 address"},
        {"2001:db8::1-10.0.0.1", "range end must be an IPv6 address"},
        {"2001:db8::/120-2001:db8::ff", "not both"},
        {"[2001:db8::1]", "expected an IPv6 address"},
        {"fe80::1%eth0", "expected an IPv6 address"},
        {"::fffe:ffff:fff0-::ffff:0:5", "IPv4-mapped"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        xs_rangelist rl = {0};
        char err[256] = "";
        assert_int_equal(xs_rangelist_add_spec(&rl, bad[i].spec, err, sizeof err), -1);
        if (!strstr(err, bad[i].why) || !strstr(err, bad[i].spec))
            fail_msg("\"%s\": error \"%s\" does not say \"%s\"", bad[i].spec, err, bad[i].why);
        assert_int_equal(rl.n6, 0);
        xs_rangelist_free(&rl);
    }
    /* The limit names the largest prefix one may give. */
    xs_rangelist rl = {0};
    char err[256];
    assert_int_equal(xs_rangelist_add_spec(&rl, "2001:db8::/64", err, sizeof err), -1);
    assert_non_null(strstr(err, "/96"));
    xs_rangelist_free(&rl);
}

static void ipv4_mapped_is_ipv4(void **state)
{
    (void)state;
    xs_rangelist rl = {0};
    char err[256];
    assert_int_equal(xs_rangelist_add_spec(&rl, "::ffff:198.19.0.0/120", err, sizeof err), 0);
    assert_int_equal(xs_rangelist_add_spec(&rl, "::ffff:10.0.0.1", err, sizeof err), 0);
    xs_rangelist_normalize(&rl);
    assert_int_equal(rl.n6, 0);
    assert_int_equal(xs_rangelist_count_v4(&rl), 257);
    assert_true(xs_rangelist_contains(&rl, IP(198, 19, 0, 255)));
    xs_rangelist_free(&rl);
}

static void mixed_families_one_index_space(void **state)
{
    (void)state;
    xs_rangelist rl = {0};
    xs_portlist pl = {0};
    char err[256];
    assert_int_equal(xs_rangelist_add_list(&rl, "2001:2::10/126,198.19.0.0/30", err, sizeof err),
                     0);
    xs_rangelist_normalize(&rl);
    assert_int_equal(xs_portlist_parse(&pl, "22,80", err, sizeof err), 0);
    xs_targetspace ts;
    xs_targetspace_init_ranges(&ts, &rl, &pl);
    assert_int_equal(ts.size, 8 * 2);
    xs_addr a;
    uint16_t port;
    /* IPv4 first, exactly as an IPv4-only list numbers them ... */
    xs_targetspace_get(&ts, 0, &a, &port);
    assert_true(xs_addr_is_v4(&a));
    assert_int_equal(xs_addr_v4(&a), IP(198, 19, 0, 0));
    assert_int_equal(port, 22);
    xs_targetspace_get(&ts, 7, &a, &port);
    assert_int_equal(xs_addr_v4(&a), IP(198, 19, 0, 3));
    assert_int_equal(port, 80);
    /* ... then IPv6. */
    xs_targetspace_get(&ts, 8, &a, &port);
    xs_addr want = A("2001:2::10");
    assert_true(xs_addr_eq(&a, &want));
    assert_int_equal(port, 22);
    xs_targetspace_get(&ts, 15, &a, &port);
    want = A("2001:2::13");
    assert_true(xs_addr_eq(&a, &want));
    assert_int_equal(port, 80);
    /* every (address, port) exactly once */
    bool seen[16] = {false};
    for (uint64_t i = 0; i < ts.size; i++) {
        xs_targetspace_get(&ts, i, &a, &port);
        size_t host =
            xs_addr_is_v4(&a) ? xs_addr_v4(&a) - IP(198, 19, 0, 0) : 4 + (size_t)(a.b[15] - 0x10);
        size_t slot = host * 2 + (port == 80);
        assert_true(slot < 16);
        assert_false(seen[slot]);
        seen[slot] = true;
    }
    xs_portlist_free(&pl);
    xs_rangelist_free(&rl);
}

static void ipv6_excludes_and_reserved(void **state)
{
    (void)state;
    xs_rangelist rl = {0}, ex = {0};
    char err[256];
    assert_int_equal(xs_rangelist_add_list(&rl, "2001:2::/120 ff02::1 fe80::1 :: ::1 198.19.0.1",
                                           err, sizeof err),
                     0);
    xs_rangelist_normalize(&rl);
    xs_rangelist_add_reserved(&ex, false);
    assert_int_equal(xs_rangelist_add_list(&ex, "2001:2::80-2001:2::ff,2001:2::5", err, sizeof err),
                     0);
    xs_rangelist_normalize(&ex);
    xs_rangelist_subtract(&rl, &ex);
    /* 2001:2::0-4, 6-7f; ::1 (loopback stays); 198.19.0.1 */
    assert_int_equal(xs_rangelist_count_v6(&rl), 5 + 122 + 1);
    assert_int_equal(xs_rangelist_count_v4(&rl), 1);
    const char *gone[] = {"ff02::1", "fe80::1", "::", "2001:2::5", "2001:2::80", "2001:2::ff"};
    for (size_t i = 0; i < sizeof gone / sizeof gone[0]; i++) {
        xs_addr g = A(gone[i]);
        if (xs_rangelist_contains_addr(&rl, &g))
            fail_msg("%s was not excluded", gone[i]);
    }
    xs_addr kept = A("::1");
    assert_true(xs_rangelist_contains_addr(&rl, &kept));
    xs_rangelist_free(&ex);
    /* With the link named (-i), link-local addresses may be scanned. */
    xs_rangelist ex2 = {0}, rl2 = {0};
    assert_int_equal(xs_rangelist_add_spec(&rl2, "fe80::1", err, sizeof err), 0);
    xs_rangelist_normalize(&rl2);
    xs_rangelist_add_reserved(&ex2, true);
    xs_rangelist_normalize(&ex2);
    xs_rangelist_subtract(&rl2, &ex2);
    assert_int_equal(xs_rangelist_count_v6(&rl2), 1);
    /* An exclude of the whole space, touching the top address, leaves nothing. */
    xs_rangelist ex3 = {0};
    xs_rangelist_add6(&ex3, 0, ~(xs_u128)0);
    xs_rangelist_normalize(&ex3);
    xs_rangelist_subtract(&rl, &ex3);
    assert_int_equal(xs_rangelist_count_v6(&rl), 0);
    assert_int_equal(xs_rangelist_count_v4(&rl), 1);
    xs_rangelist_free(&ex2);
    xs_rangelist_free(&ex3);
    xs_rangelist_free(&rl2);
    xs_rangelist_free(&rl);
}

static void ipv6_endpoints(void **state)
{
    (void)state;
    xs_endpointlist el = {0};
    char err[256];
    assert_int_equal(
        xs_endpointlist_add_line(&el, "[2001:2::1]:443 path=/x host=lb.example", err, sizeof err),
        0);
    assert_int_equal(xs_endpointlist_add_line(&el, "198.19.0.1:80", err, sizeof err), 0);
    assert_int_equal(xs_endpointlist_add_line(&el, "[2001:2::1]:443 path=/y", err, sizeof err), 0);
    assert_int_equal(xs_endpointlist_add_line(&el, "[::ffff:198.19.0.1]:80", err, sizeof err),
                     0); /* the IPv4 one */
    assert_int_equal(xs_endpointlist_add_line(&el, "[2001:2::1:0:0:1]:443", err, sizeof err), 0);
    xs_endpointlist_normalize(&el);
    assert_int_equal(el.n, 3);
    xs_addr a = A("2001:2::1"), b = A("2001:2::1:0:0:1");
    const xs_endpoint *e = xs_endpointlist_find(&el, &a, 443);
    assert_non_null(e);
    assert_string_equal(e->path, "/x");
    assert_string_equal(e->host, "lb.example");
    assert_non_null(e->more);
    assert_string_equal(e->more->path, "/y");
    assert_non_null(xs_endpointlist_find(&el, &b, 443)); /* differs only in the upper half */
    assert_null(xs_endpointlist_find(&el, &a, 80));
    assert_non_null(find4(&el, IP(198, 19, 0, 1), 80));
    xs_endpointlist_free(&el);

    struct {
        const char *line, *why;
    } bad[] = {
        {"2001:2::1:443", "needs brackets"},        {"[2001:2::1]443", "expected [ipv6]:port"},
        {"[2001:2::1]:", "port must be a number"},  {"[2001:2::1", "expected [ipv6]:port"},
        {"[]:80", "expected [ipv6]:port"},          {"[2001:2:::1]:80", "inside the brackets"},
        {"[198.19.0.1]:80", "inside the brackets"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        xs_endpointlist el2 = {0};
        char err2[256] = "";
        assert_int_equal(xs_endpointlist_add_line(&el2, bad[i].line, err2, sizeof err2), -1);
        if (!strstr(err2, bad[i].why))
            fail_msg("\"%s\": error \"%s\" does not say \"%s\"", bad[i].line, err2, bad[i].why);
        xs_endpointlist_free(&el2);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(ipv4_accepts_plain_dotted_decimal),
        cmocka_unit_test(ipv6_specs_parse),
        cmocka_unit_test(ipv6_limits_and_errors),
        cmocka_unit_test(ipv4_mapped_is_ipv4),
        cmocka_unit_test(mixed_families_one_index_space),
        cmocka_unit_test(ipv6_excludes_and_reserved),
        cmocka_unit_test(ipv6_endpoints),
        cmocka_unit_test(endpoint_paths_are_kept),
        cmocka_unit_test(ipv4_rejects_malformed),
        cmocka_unit_test(ipv4_formats_and_round_trips),
        cmocka_unit_test(scan_ipv4_reports_where_it_stopped),
        cmocka_unit_test(spec_forms_parse),
        cmocka_unit_test(spec_errors_say_what_is_wrong),
        cmocka_unit_test(list_splits_on_commas_and_space),
        cmocka_unit_test(range_file_loads_with_comments),
        cmocka_unit_test(range_file_errors_name_file_and_line),
        cmocka_unit_test(normalize_merges_overlapping_and_adjacent),
        cmocka_unit_test(full_space_counts_2_to_the_32),
        cmocka_unit_test(full_space_minus_reserved),
        cmocka_unit_test(subtract_edge_cases),
        cmocka_unit_test(subtract_one_exclude_spanning_many_targets),
        cmocka_unit_test(pick_and_contains_agree_with_brute_force),
        cmocka_unit_test(ports_parse_sorted_unique),
        cmocka_unit_test(ports_errors),
        cmocka_unit_test(supported_expands_to_the_seed_table),
        cmocka_unit_test(supported_protocol_names),
        cmocka_unit_test(endpoint_lines_parse),
        cmocka_unit_test(endpoint_line_errors),
        cmocka_unit_test(endpoint_normalize_and_find),
        cmocka_unit_test(endpoint_file_loads_and_reports_lines),
        cmocka_unit_test(targetspace_ranges_times_ports),
        cmocka_unit_test(targetspace_endpoints_as_given),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
