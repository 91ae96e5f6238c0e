/* Response parser: status line, headers, framing (length, chunked, close), limits, not-HTTP. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "xsweep/http.h"

/* Feeds `raw` in pieces of `step` bytes (0 = all at once), then EOF if still wanted. */
static xs_http_result *parse(const char *raw, size_t len, size_t step, size_t max_body,
                             xs_http_parse_state *final)
{
    xs_http_parser *p = xs_http_parser_new(max_body);
    assert_non_null(p);
    xs_http_parse_state st = XS_HTTP_PARSE_MORE;
    size_t off = 0;
    if (step == 0)
        step = len ? len : 1;
    while (off < len && st == XS_HTTP_PARSE_MORE) {
        size_t n = len - off < step ? len - off : step;
        st = xs_http_parser_feed(p, (const unsigned char *)raw + off, n);
        off += n;
    }
    if (st == XS_HTTP_PARSE_MORE)
        st = xs_http_parser_eof(p);
    if (final)
        *final = st;
    xs_http_result *r = calloc(1, sizeof *r);
    assert_non_null(r);
    xs_http_parser_fill_result(p, r);
    xs_http_parser_free(p);
    return r;
}

#define PARSE(lit, step, maxb, st) parse(lit, sizeof(lit) - 1, step, maxb, st)

static void test_simple_content_length(void **state)
{
    (void)state;
    static const char raw[] = "HTTP/1.1 200 OK\r\nServer: nginx/1.22\r\nContent-Length: 5\r\n"
                              "Location: /x\r\n\r\nhelloEXTRA";
    for (size_t step = 0; step <= 7; step++) {
        xs_http_parse_state st;
        xs_http_result *r = PARSE(raw, step, 65536, &st);
        assert_int_equal(st, XS_HTTP_PARSE_DONE);
        assert_int_equal(r->status_code, 200);
        assert_string_equal(r->status_text, "HTTP/1.1 200 OK");
        assert_string_equal(r->server, "nginx/1.22");
        assert_string_equal(r->location, "/x");
        assert_int_equal(r->n_headers, 3);
        assert_int_equal(r->body_len, 5);
        assert_memory_equal(r->body, "hello", 5);
        assert_false(r->body_truncated);
        assert_non_null(strstr(r->raw_headers, "Content-Length: 5"));
        xs_http_result_free(r);
    }
}

static void test_status_line_variants(void **state)
{
    (void)state;
    xs_http_result *r = PARSE("HTTP/1.0 404\r\n\r\n", 0, 100, NULL);
    assert_int_equal(r->status_code, 404);
    assert_string_equal(r->status_text, "HTTP/1.0 404");
    xs_http_result_free(r);

    r = PARSE("\r\nHTTP/1.1 503 Service   Unavailable  \n\n", 0, 100, NULL); /* LF only */
    assert_int_equal(r->status_code, 503);
    assert_string_equal(r->status_text, "HTTP/1.1 503 Service   Unavailable");
    xs_http_result_free(r);

    r = PARSE("HTTP/2 200 \r\n\r\n", 1, 100, NULL);
    assert_int_equal(r->status_code, 200);
    xs_http_result_free(r);

    xs_http_parse_state st;
    r = PARSE("HTTP/1.1 2000 OK\r\n\r\n", 0, 100, &st); /* four digits */
    assert_int_equal(st, XS_HTTP_PARSE_NOT_HTTP);
    assert_int_equal(r->status_code, 0);
    xs_http_result_free(r);
}

static void test_not_http(void **state)
{
    (void)state;
    xs_http_parse_state st;
    xs_http_result *r = PARSE("SSH-2.0-OpenSSH_9.2p1 Debian\r\n", 0, 100, &st);
    assert_int_equal(st, XS_HTTP_PARSE_NOT_HTTP);
    assert_int_equal(r->status_code, 0);
    assert_non_null(r->body_preview);
    assert_non_null(strstr(r->body_preview, "SSH-2.0")); /* the banner is kept */
    xs_http_result_free(r);

    r = PARSE("-ERR unknown command 'GET'\r\n", 0, 100, &st);
    assert_int_equal(st, XS_HTTP_PARSE_NOT_HTTP);
    xs_http_result_free(r);

    /* A TLS alert record answering a plain GET. */
    xs_http_parser *p = xs_http_parser_new(100);
    static const unsigned char alert[] = {0x15, 0x03, 0x01, 0x00, 0x02, 0x02, 0x46};
    assert_int_equal(xs_http_parser_feed(p, alert, sizeof alert), XS_HTTP_PARSE_NOT_HTTP);
    assert_true(xs_http_parser_saw_tls_record(p));
    xs_http_parser_free(p);

    /* Nothing at all, then EOF: done, no status. */
    p = xs_http_parser_new(100);
    assert_int_equal(xs_http_parser_eof(p), XS_HTTP_PARSE_DONE);
    assert_false(xs_http_parser_has_status(p));
    xs_http_parser_free(p);
}

static void test_chunked(void **state)
{
    (void)state;
    static const char raw[] = "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n"
                              "Content-Length: 999\r\n\r\n"
                              "5;ext=1\r\nhello\r\n7\r\n, world\r\nA\r\n0123456789\r\n0\r\n"
                              "X-Trailer: 1\r\n\r\nGARBAGE";
    for (size_t step = 0; step <= 5; step++) {
        xs_http_parse_state st;
        xs_http_result *r = PARSE(raw, step, 65536, &st);
        assert_int_equal(st, XS_HTTP_PARSE_DONE);
        assert_int_equal(r->body_len, 22);
        assert_memory_equal(r->body, "hello, world0123456789", 22);
        assert_false(r->body_truncated);
        xs_http_result_free(r);
    }
}

static void test_chunked_limit_and_broken(void **state)
{
    (void)state;
    xs_http_parse_state st;
    xs_http_result *r = PARSE("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                              "10\r\n0123456789abcdef\r\n0\r\n\r\n",
                              0, 10, &st);
    assert_int_equal(st, XS_HTTP_PARSE_DONE);
    assert_int_equal(r->body_len, 10);
    assert_true(r->body_truncated);
    xs_http_result_free(r);

    r = PARSE("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nabc", 0, 100, &st);
    assert_int_equal(st, XS_HTTP_PARSE_DONE);
    assert_int_equal(r->status_code, 200);
    assert_int_equal(r->body_len, 0);
    assert_true(r->body_truncated);
    xs_http_result_free(r);

    /* Size overflow: more hex digits than we accept. */
    r = PARSE("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nffffffffffffffffff\r\n", 0, 100,
              &st);
    assert_int_equal(st, XS_HTTP_PARSE_DONE);
    assert_true(r->body_truncated);
    xs_http_result_free(r);
}

static void test_close_delimited_and_limit(void **state)
{
    (void)state;
    xs_http_parse_state st;
    xs_http_result *r = PARSE("HTTP/1.0 200 OK\r\n\r\nabcdef", 2, 100, &st);
    assert_int_equal(st, XS_HTTP_PARSE_DONE);
    assert_int_equal(r->body_len, 6);
    assert_false(r->body_truncated);
    xs_http_result_free(r);

    r = PARSE("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n0123456789", 0, 4, &st);
    assert_int_equal(r->body_len, 4);
    assert_true(r->body_truncated);
    assert_string_equal((char *)r->body, "0123");
    xs_http_result_free(r);

    /* Content-Length body cut by the close */
    r = PARSE("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nabc", 0, 1000, &st);
    assert_int_equal(r->body_len, 3);
    assert_true(r->body_truncated);
    xs_http_result_free(r);

    /* no body for 204 / 304 even without framing headers */
    r = PARSE("HTTP/1.1 304 Not Modified\r\nETag: x\r\n\r\n", 0, 1000, &st);
    assert_int_equal(st, XS_HTTP_PARSE_DONE);
    assert_int_equal(r->status_code, 304);
    xs_http_result_free(r);
}

static void test_interim_responses(void **state)
{
    (void)state;
    xs_http_parse_state st;
    xs_http_result *r =
        PARSE("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\n"
              "HTTP/1.1 201 Created\r\nContent-Length: 2\r\n\r\nok",
              3, 100, &st);
    assert_int_equal(st, XS_HTTP_PARSE_DONE);
    assert_int_equal(r->status_code, 201);
    assert_string_equal(r->status_text, "HTTP/1.1 201 Created");
    assert_int_equal(r->body_len, 2);
    xs_http_result_free(r);

    r = PARSE("HTTP/1.1 100 Continue\r\n\r\n", 0, 100, &st); /* only an interim came */
    assert_int_equal(r->status_code, 100);
    xs_http_result_free(r);

    r = PARSE("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n\r\nbinary", 0, 100, &st);
    assert_int_equal(st, XS_HTTP_PARSE_DONE);
    assert_int_equal(r->status_code, 101);
    assert_int_equal(r->body_len, 0);
    xs_http_result_free(r);
}

static void test_headers_folding_cookies_nuls(void **state)
{
    (void)state;
    static const char raw[] = "HTTP/1.1 302 Found\r\nSet-Cookie: a=1\r\nX-Long: one\r\n  two\r\n"
                              "bogus line\r\nSet-Cookie: b=2; HttpOnly\r\nX-Nul: a\0b\r\n"
                              "Content-Length: 0\r\n\r\n";
    xs_http_result *r = PARSE(raw, 0, 100, NULL);
    assert_int_equal(r->status_code, 302);
    assert_int_equal(r->n_set_cookies, 2);
    assert_string_equal(r->set_cookies[0], "a=1");
    assert_string_equal(r->set_cookies[1], "b=2; HttpOnly");
    assert_string_equal(xs_http_result_header(r, "x-long"), "one two");
    assert_string_equal(xs_http_result_header(r, "X-Nul"), "a b");
    assert_null(r->location);
    xs_http_result_free(r);
}

static void test_header_limits(void **state)
{
    (void)state;
    /* 150 headers: 100 kept, framing still honoured. */
    size_t cap = 200000;
    char *raw = malloc(cap);
    size_t n = (size_t)sprintf(raw, "HTTP/1.1 200 OK\r\n");
    for (int i = 0; i < 150; i++)
        n += (size_t)sprintf(raw + n, "X-H%d: %d\r\n", i, i);
    n += (size_t)sprintf(raw + n, "Content-Length: 3\r\n\r\nabcxyz");
    xs_http_result *r = parse(raw, n, 0, 100, NULL);
    assert_int_equal(r->n_headers, XS_HTTP_MAX_HEADERS);
    assert_int_equal(r->body_len, 3);
    xs_http_result_free(r);

    /* A header block over 64 KiB: cut, status kept, bounded. */
    n = (size_t)sprintf(raw, "HTTP/1.1 200 OK\r\nX-Big: ");
    memset(raw + n, 'a', 100000);
    n += 100000;
    n += (size_t)sprintf(raw + n, "\r\n\r\nbody");
    xs_http_parse_state st;
    r = parse(raw, n, 4096, 100, &st);
    assert_int_equal(st, XS_HTTP_PARSE_DONE);
    assert_int_equal(r->status_code, 200);
    assert_true(r->headers_truncated);
    assert_true(r->raw_headers_len <= XS_HTTP_MAX_HEADER_BYTES);
    xs_http_result_free(r);

    /* No line end within 64 KiB from the start: not HTTP. */
    n = (size_t)sprintf(raw, "HTTP/1.1 ");
    memset(raw + n, '2', 70000);
    n += 70000;
    r = parse(raw, n, 0, 100, &st);
    assert_int_equal(st, XS_HTTP_PARSE_NOT_HTTP);
    xs_http_result_free(r);
    free(raw);
}

static void test_title_and_preview_from_body(void **state)
{
    (void)state;
    xs_http_result *r = PARSE("HTTP/1.1 200 OK\r\n\r\n<html><head><TITLE lang=en>\n  Welcome &amp; "
                              "hello\t</title></head></html>",
                              0, 1000, NULL);
    assert_string_equal(r->title, "Welcome & hello");
    assert_int_equal(r->body_preview_len, r->body_len);
    xs_http_result_free(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_simple_content_length),
        cmocka_unit_test(test_status_line_variants),
        cmocka_unit_test(test_not_http),
        cmocka_unit_test(test_chunked),
        cmocka_unit_test(test_chunked_limit_and_broken),
        cmocka_unit_test(test_close_delimited_and_limit),
        cmocka_unit_test(test_interim_responses),
        cmocka_unit_test(test_headers_folding_cookies_nuls),
        cmocka_unit_test(test_header_limits),
        cmocka_unit_test(test_title_and_preview_from_body),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
