/* Titles, entities, UTF-8 previews, paths, hosts, request formatting, certificate summaries. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <openssl/evp.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "xsweep/http.h"

static char *title_of(const char *html)
{
    return xs_html_title((const unsigned char *)html, strlen(html), XS_HTTP_TITLE_MAX_CHARS);
}

static void test_title_basic_and_entities(void **state)
{
    (void)state;
    char *t =
        title_of("<html><title>Tom &amp; Jerry &lt;3 &quot;x&quot; &#39;y&#x27; &copy;</title>");
    assert_string_equal(t, "Tom & Jerry <3 \"x\" 'y' \xC2\xA9");
    free(t);
    t = title_of("<title>\n\t  Many    spaces&nbsp;&nbsp;here \r\n</title>");
    assert_string_equal(t, "Many spaces here");
    free(t);
    t = title_of("<title>&unknown; &amp &#0; &#x110000; &#128512;</title>");
    /* HTML5: "&amp" without ';' is decoded too (a legacy name), &#0; and out-of-range are U+FFFD */
    assert_string_equal(t, "&unknown; & \xEF\xBF\xBD \xEF\xBF\xBD \xF0\x9F\x98\x80");
    free(t);
    /* every HTML5 named reference, not a short list */
    t = title_of("<title>Caf&eacute; &uuml;ber &Ccedil;a &hearts; &rarr; "
                 "&nbsp;&frac12;&NotEqualTilde;&#x1F600;&#128;</title>");
    assert_string_equal(t, "Caf\xC3\xA9 \xC3\xBC"
                           "ber \xC3\x87"
                           "a \xE2\x99\xA5 \xE2\x86\x92 "
                           "\xC2\xBD\xE2\x89\x82\xCC\xB8\xF0\x9F\x98\x80\xE2\x82\xAC");
    free(t);
}

static void test_title_not_found_or_tricky(void **state)
{
    (void)state;
    assert_null(title_of("<html><body>no title</body></html>"));
    assert_null(title_of("<title></title>"));
    assert_null(title_of("<title>   </title>"));
    assert_null(title_of("<titles>x</titles>"));
    char *t = title_of("<titles>x</titles><TiTlE data-x=\"1\">Real</TITLE>");
    assert_string_equal(t, "Real");
    free(t);
    t = title_of("<title>unterminated title"); /* to the end of what we have */
    assert_string_equal(t, "unterminated title");
    free(t);
}

static void test_title_nuls_invalid_utf8_and_bound(void **state)
{
    (void)state;
    static const unsigned char body[] = "<title>A\0B \xff\xfe C\x01"
                                        "D</title>";
    char *t = xs_html_title(body, sizeof body - 1, 256);
    assert_string_equal(t,
                        "AB \xEF\xBF\xBD\xEF\xBF\xBD C D"); /* NUL dropped, invalid bytes U+FFFD */
    free(t);

    char big[2000];
    strcpy(big, "<title>");
    for (int i = 0; i < 300; i++)
        strcat(big, "\xC3\xA9"); /* é, 2 bytes each */
    strcat(big, "</title>");
    t = title_of(big);
    assert_int_equal(strlen(t), 512); /* 256 characters */
    free(t);
}

static void test_preview_1000_chars(void **state)
{
    (void)state;
    size_t n = 0;
    char *raw = malloc(10000);
    n += (size_t)sprintf(raw, "HTTP/1.1 200 OK\r\n\r\n");
    for (int i = 0; i < 1200; i++) {
        memcpy(raw + n, "\xE2\x82\xAC", 3); /* € */
        n += 3;
    }
    xs_http_parser *p = xs_http_parser_new(65536);
    xs_http_parser_feed(p, (unsigned char *)raw, n);
    xs_http_parser_eof(p);
    xs_http_result *r = calloc(1, sizeof *r);
    xs_http_parser_fill_result(p, r);
    xs_http_parser_free(p);
    assert_int_equal(r->body_len, 3600);
    assert_int_equal(r->body_preview_len, 3000);
    xs_http_result_free(r);
    free(raw);
}

static void test_paths_and_hosts(void **state)
{
    (void)state;
    assert_true(xs_http_path_valid("/"));
    assert_true(xs_http_path_valid("/a/b?c=d&e=%20#frag"));
    assert_false(xs_http_path_valid(NULL));
    assert_false(xs_http_path_valid(""));
    assert_false(xs_http_path_valid("foo"));
    assert_false(xs_http_path_valid("/*/foo"));
    assert_false(xs_http_path_valid("/{path}/foo"));
    assert_false(xs_http_path_valid("/a b"));
    assert_false(xs_http_path_valid("/a\tb"));
    assert_false(xs_http_path_valid("/a\r\nX-Injected: 1"));
    assert_false(xs_http_path_valid("/a\x7f"));
    char *longp = malloc(XS_HTTP_MAX_PATH_BYTES + 10);
    memset(longp, 'a', XS_HTTP_MAX_PATH_BYTES + 9);
    longp[0] = '/';
    longp[XS_HTTP_MAX_PATH_BYTES + 9] = '\0';
    assert_false(xs_http_path_valid(longp));
    free(longp);

    assert_true(xs_http_host_valid("example.com"));
    assert_true(xs_http_host_valid("example.com:8443"));
    assert_false(xs_http_host_valid(""));
    assert_false(xs_http_host_valid("evil\r\nX: y"));
    assert_false(xs_http_host_valid("a b"));

    assert_true(xs_http_port_prefers_tls(443));
    assert_true(xs_http_port_prefers_tls(10250));
    assert_true(xs_http_port_prefers_tls(5986));
    assert_false(xs_http_port_prefers_tls(80));
    assert_false(xs_http_port_prefers_tls(8080));
    assert_false(xs_http_port_prefers_tls(5985));
}

static void test_format_request(void **state)
{
    (void)state;
    char buf[512];
    xs_addr lo = xs_addr_from_v4(0x7f000001), v6;
    size_t n = xs_http_format_request(buf, sizeof buf, &lo, 8080, NULL, NULL, false, NULL);
    assert_int_equal(n, strlen(buf));
    assert_string_equal(buf, "GET / HTTP/1.1\r\nHost: 127.0.0.1:8080\r\nUser-Agent: xsweep/0.1\r\n"
                             "Accept: */*\r\nConnection: close\r\n\r\n");
    xs_http_format_request(buf, sizeof buf, &lo, 443, "example.com", "/x", true, "ua/1");
    assert_non_null(strstr(buf, "GET /x HTTP/1.1\r\nHost: example.com\r\nUser-Agent: ua/1\r\n"));
    xs_http_format_request(buf, sizeof buf, &lo, 80, NULL, "/", false, NULL);
    assert_non_null(strstr(buf, "Host: 127.0.0.1\r\n"));
    assert_int_equal(xs_http_format_request(buf, 10, &lo, 80, NULL, "/", false, NULL), 0);
    /* IPv6: the literal in brackets, with the port outside them (RFC 7230 5.4, RFC 3986 3.2.2) */
    assert_true(xs_addr_parse("2001:2::5", &v6));
    xs_http_format_request(buf, sizeof buf, &v6, 8443, NULL, "/", true, NULL);
    assert_non_null(strstr(buf, "\r\nHost: [2001:2::5]:8443\r\n"));
    xs_http_format_request(buf, sizeof buf, &v6, 443, NULL, "/", true, NULL);
    assert_non_null(strstr(buf, "\r\nHost: [2001:2::5]\r\n"));
    xs_http_format_request(buf, sizeof buf, &v6, 80, NULL, "/", false, NULL);
    assert_non_null(strstr(buf, "\r\nHost: [2001:2::5]\r\n"));
    /* a Host given as a literal: a bare IPv6 one gets its brackets; a port given is kept */
    xs_http_format_request(buf, sizeof buf, &v6, 8080, "2001:2::5", "/", false, NULL);
    assert_non_null(strstr(buf, "\r\nHost: [2001:2::5]:8080\r\n"));
    xs_http_format_request(buf, sizeof buf, &v6, 8080, "[2001:2::5]", "/", false, NULL);
    assert_non_null(strstr(buf, "\r\nHost: [2001:2::5]:8080\r\n"));
    xs_http_format_request(buf, sizeof buf, &v6, 8080, "[2001:2::5]:9000", "/", false, NULL);
    assert_non_null(strstr(buf, "\r\nHost: [2001:2::5]:9000\r\n"));
    xs_http_format_request(buf, sizeof buf, &v6, 8080, "www.example.com:81", "/", false, NULL);
    assert_non_null(strstr(buf, "\r\nHost: www.example.com:81\r\n"));
    xs_http_format_request(buf, sizeof buf, &v6, 8080, "www.example.com", "/", false, NULL);
    assert_non_null(strstr(buf, "\r\nHost: www.example.com:8080\r\n"));
}

/* SNI: a DNS name only (RFC 6066 3), never an address literal of either family. */
static void test_sni_name(void **state)
{
    (void)state;
    char name[256];
    assert_true(xs_http_sni_name("www.example.com", name, sizeof name));
    assert_string_equal(name, "www.example.com");
    assert_true(xs_http_sni_name("www.example.com:8443", name, sizeof name));
    assert_string_equal(name, "www.example.com");
    const char *literals[] = {"198.19.0.1",
                              "198.19.0.1:443",
                              "2001:2::5",
                              "[2001:2::5]",
                              "[2001:2::5]:8443",
                              "::1",
                              "::ffff:198.19.0.1",
                              ":443",
                              ""};
    for (size_t i = 0; i < sizeof literals / sizeof literals[0]; i++)
        if (xs_http_sni_name(literals[i], name, sizeof name))
            fail_msg("SNI for %s", literals[i]);
    assert_false(xs_http_sni_name(NULL, name, sizeof name));
}

/* A self-signed certificate made here, and one signed by it. */
static X509 *make_cert(const char *cn, EVP_PKEY *key, EVP_PKEY *signer, X509 *issuer)
{
    X509 *x = X509_new();
    X509_set_version(x, 2);
    ASN1_INTEGER_set(X509_get_serialNumber(x), 0x1234);
    X509_gmtime_adj(X509_getm_notBefore(x), 0);
    ASN1_TIME_set_string(X509_getm_notAfter(x), "20351231235959Z");
    X509_NAME *name = X509_get_subject_name(x);
    X509_NAME_add_entry_by_txt(name, "O", MBSTRING_ASC, (const unsigned char *)"xsweep test", -1,
                               -1, 0);
    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, (const unsigned char *)cn, -1, -1, 0);
    X509_set_issuer_name(x, issuer ? X509_get_subject_name(issuer) : name);
    X509_set_pubkey(x, key);
    X509V3_CTX ctx;
    X509V3_set_ctx(&ctx, issuer ? issuer : x, x, NULL, NULL, 0);
    X509_EXTENSION *ext = X509V3_EXT_conf_nid(NULL, &ctx, NID_subject_alt_name,
                                              "DNS:a.example,DNS:b.example,IP:10.1.2.3");
    X509_add_ext(x, ext, -1);
    X509_EXTENSION_free(ext);
    X509_sign(x, signer, EVP_sha256());
    return x;
}

static void test_cert_summary(void **state)
{
    (void)state;
    EVP_PKEY *ca_key = EVP_EC_gen("P-256");
    EVP_PKEY *leaf_key = EVP_EC_gen("P-256");
    X509 *ca = make_cert("Test CA", ca_key, ca_key, NULL);
    X509 *leaf = make_cert("leaf.example", leaf_key, ca_key, ca);

    unsigned char *der = NULL;
    int len = i2d_X509(ca, &der);
    xs_cert_info ci;
    assert_int_equal(xs_cert_summarize_der(der, (size_t)len, &ci), 0);
    assert_string_equal(ci.subject_cn, "Test CA");
    assert_string_equal(ci.issuer_cn, "Test CA");
    assert_true(ci.self_signed);
    assert_string_equal(ci.not_after, "2035-12-31T23:59:59Z");
    assert_string_equal(ci.serial, "1234");
    assert_int_equal(strlen(ci.sha256), 64);
    assert_int_equal(ci.n_sans, 3);
    assert_string_equal(ci.sans[0], "DNS:a.example");
    assert_string_equal(ci.sans[2], "IP:10.1.2.3");
    assert_non_null(strstr(ci.subject, "CN=Test CA"));
    xs_cert_info_clear(&ci);
    OPENSSL_free(der);

    der = NULL;
    len = i2d_X509(leaf, &der);
    assert_int_equal(xs_cert_summarize_der(der, (size_t)len, &ci), 0);
    assert_string_equal(ci.subject_cn, "leaf.example");
    assert_string_equal(ci.issuer_cn, "Test CA");
    assert_false(ci.self_signed);
    xs_cert_info_clear(&ci);
    /* garbage and truncation do not parse */
    assert_int_equal(xs_cert_summarize_der(der, (size_t)len / 2, &ci), -1);
    assert_int_equal(xs_cert_summarize_der((const unsigned char *)"junk", 4, &ci), -1);
    OPENSSL_free(der);

    /* Same name on both sides but signed by another key: not self-signed. */
    X509 *fake = make_cert("Test CA", leaf_key, ca_key, ca);
    der = NULL;
    len = i2d_X509(fake, &der);
    assert_int_equal(xs_cert_summarize_der(der, (size_t)len, &ci), 0);
    assert_false(ci.self_signed);
    xs_cert_info_clear(&ci);
    OPENSSL_free(der);

    X509_free(fake);
    X509_free(leaf);
    X509_free(ca);
    EVP_PKEY_free(ca_key);
    EVP_PKEY_free(leaf_key);
}

static xs_http_result *parse_raw(const char *raw, size_t len)
{
    xs_http_parser *p = xs_http_parser_new(65536);
    xs_http_parser_feed(p, (const unsigned char *)raw, len);
    xs_http_parser_eof(p);
    xs_http_result *r = calloc(1, sizeof *r);
    xs_http_parser_fill_result(p, r);
    xs_http_parser_free(p);
    return r;
}

static void expect_page(const char *raw, size_t len, const char *title, const char *preview_prefix)
{
    xs_http_result *r = parse_raw(raw, len);
    assert_non_null(r->title);
    assert_string_equal(r->title, title);
    size_t ul = 0;
    char *u = xs_http_preview_utf8(r, &ul);
    const char *pv = u ? u : r->body_preview;
    if (strncmp(pv, preview_prefix, strlen(preview_prefix)) != 0)
        fail_msg("preview %s", pv);
    free(u);
    xs_http_result_free(r);
}

/* Issue 11.4: the declared charset (Content-Type, <meta charset>, BOM) is converted to UTF-8. */
static void test_page_charsets(void **state)
{
    (void)state;
    static const char latin1[] =
        "HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=ISO-8859-1\r\n\r\n"
        "<title>Caf\xe9 na\xefve</title>Caf\xe9 na\xefve \xa9";
    expect_page(latin1, sizeof latin1 - 1, "Caf\xC3\xA9 na\xC3\xAFve",
                "<title>Caf\xC3\xA9 na\xC3\xAFve</title>Caf\xC3\xA9 na\xC3\xAFve \xC2\xA9");
    static const char meta[] = "HTTP/1.1 200 OK\r\n\r\n<html><head><meta charset=\"windows-1251\">"
                               "<title>\xcf\xf0\xe8\xe2\xe5\xf2</title></head>";
    expect_page(meta, sizeof meta - 1, "\xD0\x9F\xD1\x80\xD0\xB8\xD0\xB2\xD0\xB5\xD1\x82",
                "<html>");
    static const char httpequiv[] =
        "HTTP/1.1 200 OK\r\n\r\n<meta http-equiv=\"Content-Type\" "
        "content=\"text/html; charset=shift_jis\"><title>\x93\xfa\x96\x7b</title>";
    expect_page(httpequiv, sizeof httpequiv - 1, "\xE6\x97\xA5\xE6\x9C\xAC", "<meta");
    static const char bom16[] =
        "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n\xff\xfe<\0t\0i\0t\0l\0e\0>\0"
        "\xe9\0t\0\xe9\0<\0/\0t\0i\0t\0l\0e\0>\0";
    expect_page(bom16, sizeof bom16 - 1, "\xC3\xA9t\xC3\xA9", "\xEF\xBB\xBF<title>");
    /* the header wins over <meta>; entities decode after the conversion */
    static const char both[] =
        "HTTP/1.1 200 OK\r\nContent-Type: text/html;charset=\"iso-8859-15\"\r\n\r\n"
        "<meta charset=utf-8><title>\xa4 &eacute;</title>";
    expect_page(both, sizeof both - 1, "\xE2\x82\xAC \xC3\xA9", "<meta");
    /* undeclared and not UTF-8: windows-1252, as browsers read it */
    static const char undeclared[] = "HTTP/1.1 200 OK\r\n\r\n<title>Caf\xe9 \x80</title>";
    expect_page(undeclared, sizeof undeclared - 1, "Caf\xC3\xA9 \xE2\x82\xAC",
                "<title>Caf\xC3\xA9");
    /* UTF-8 pages are left alone (no conversion, no charset recorded) */
    static const char utf8[] = "HTTP/1.1 200 OK\r\nContent-Type: text/html; "
                               "charset=utf-8\r\n\r\n<title>Caf\xC3\xA9</title>";
    xs_http_result *r = parse_raw(utf8, sizeof utf8 - 1);
    assert_string_equal(r->title, "Caf\xC3\xA9");
    assert_string_equal(r->charset, "");
    xs_http_result_free(r);
    /* an unknown charset: kept as is, never a crash */
    static const char bogus[] =
        "HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=x-no-such\r\n\r\n<title>ok</title>";
    r = parse_raw(bogus, sizeof bogus - 1);
    assert_string_equal(r->title, "ok");
    xs_http_result_free(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_title_basic_and_entities),
        cmocka_unit_test(test_page_charsets),
        cmocka_unit_test(test_title_not_found_or_tricky),
        cmocka_unit_test(test_title_nuls_invalid_utf8_and_bound),
        cmocka_unit_test(test_preview_1000_chars),
        cmocka_unit_test(test_paths_and_hosts),
        cmocka_unit_test(test_format_request),
        cmocka_unit_test(test_sni_name),
        cmocka_unit_test(test_cert_summary),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
