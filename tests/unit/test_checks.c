/* Check templates (nuclei subset), matching, the page parser, the hand-built TLS hellos and the
 * shipped data. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <cmocka.h>
#include "../../src/checks/check_internal.h"
#include "../../src/tlscheck/tls_internal.h"

static const char *GOOD = "id: demo-check\n"
                          "info:\n"
                          "  name: Demo\n"
                          "  severity: high\n"
                          "  remediation: fix it\n"
                          "  classification:\n"
                          "    cwe-id: cwe-200\n"
                          "requests:\n"
                          "  - method: GET\n"
                          "    path: [\"{{BaseURL}}/a\", \"{{BaseURL}}/b\"]\n"
                          "    headers:\n"
                          "      X-Test: one\n"
                          "    matchers-condition: and\n"
                          "    matchers:\n"
                          "      - type: status\n"
                          "        status: [200, 206]\n"
                          "      - type: word\n"
                          "        part: header\n"
                          "        words: [\"x-powered-by: php\"]\n"
                          "        case-insensitive: true\n"
                          "      - type: regex\n"
                          "        regex: ['secret=(\\d+)']\n"
                          "      - type: word\n"
                          "        words: [\"<html\"]\n"
                          "        negative: true\n"
                          "    extractors:\n"
                          "      - type: regex\n"
                          "        group: 1\n"
                          "        regex: ['secret=(\\d+)']\n";

static check_response resp(int status, const char *head, const char *body)
{
    check_response r = {.status = status};
    r.head = strdup(head);
    r.head_len = strlen(head);
    r.body = strdup(body);
    r.body_len = strlen(body);
    return r;
}

static void test_parse_and_match(void **state)
{
    (void)state;
    check_tmpl t;
    char err[256];
    assert_int_equal(check_tmpl_parse(GOOD, strlen(GOOD), &t, err, sizeof err), 0);
    assert_string_equal(t.id, "demo-check");
    assert_string_equal(t.cwe, "CWE-200");
    assert_int_equal(t.severity, XS_SEV_HIGH);
    assert_int_equal(t.kind, XS_CHECK_KIND_HTTP);
    assert_int_equal(t.nreq, 1);
    assert_int_equal(t.req[0].npaths, 2);
    assert_true(t.req[0].m_and);
    check_response r = resp(200, "X-Powered-By: PHP/8\r\n", "ok secret=42");
    assert_true(check_match(&t.req[0], &r, NULL));
    char out[32];
    check_extract(&t.req[0], &r, out, sizeof out);
    assert_string_equal(out, "42");
    check_response_free(&r);
    r = resp(200, "X-Powered-By: PHP/8\r\n", "<html> secret=42"); /* negative matcher */
    assert_false(check_match(&t.req[0], &r, NULL));
    check_response_free(&r);
    r = resp(404, "X-Powered-By: PHP/8\r\n", "secret=42"); /* status */
    assert_false(check_match(&t.req[0], &r, NULL));
    check_response_free(&r);
    r = resp(206, "Server: x\r\n", "secret=42"); /* header part */
    assert_false(check_match(&t.req[0], &r, NULL));
    check_response_free(&r);
    t.req[0].m_and = false; /* or: any one */
    r = resp(404, "Server: x\r\n", "<html>");
    assert_false(check_match(&t.req[0], &r, NULL));
    check_response_free(&r);
    r = resp(200, "Server: x\r\n", "<html>");
    assert_true(check_match(&t.req[0], &r, NULL));
    check_response_free(&r);
    check_tmpl_free(&t);
}

static void test_marker_and_duration(void **state)
{
    (void)state;
    const char *y =
        "id: p\ninfo: {name: p, severity: low}\nhttp:\n  - path: ['{{BaseURL}}']\n"
        "    fuzzing:\n      - part: query\n        type: postfix\n        fuzz: ['{{v}}']\n"
        "    payloads:\n      v: [a, b]\n"
        "    matchers:\n      - type: word\n        words: ['<{{randstr}}>']\n";
    check_tmpl t;
    char err[256];
    assert_int_equal(check_tmpl_parse(y, strlen(y), &t, err, sizeof err), 0);
    assert_int_equal(t.kind, XS_CHECK_KIND_PAYLOAD);
    assert_int_equal(t.req[0].nfz, 1);
    assert_int_equal(t.req[0].fz[0].nvalues, 2); /* the payload list expanded */
    assert_int_equal(t.req[0].fz[0].type, FZ_POSTFIX);
    check_response r = resp(200, "", "x <xsw1234> y");
    assert_true(check_match(&t.req[0], &r, "xsw1234"));
    assert_false(check_match(&t.req[0], &r, "xsw9999"));
    check_response_free(&r);
    check_tmpl_free(&t);
    const char *d = "id: d\ninfo: {name: d}\nhttp:\n  - path: ['{{BaseURL}}/']\n"
                    "    matchers:\n      - type: dsl\n        dsl: ['duration>=4']\n";
    assert_int_equal(check_tmpl_parse(d, strlen(d), &t, err, sizeof err), 0);
    assert_true(check_duration_of(&t.req[0]) == 4.0);
    r = resp(200, "", "");
    r.seconds = 4.2;
    assert_true(check_match(&t.req[0], &r, NULL));
    r.seconds = 0.3;
    assert_false(check_match(&t.req[0], &r, NULL));
    check_response_free(&r);
    check_tmpl_free(&t);
}

static void rejects(const char *y, const char *why)
{
    char err[256] = "";
    assert_int_equal(xs_check_parse_text(y, strlen(y), err, sizeof err), -1);
    if (!strstr(err, why))
        fail_msg("error '%s' does not mention '%s'", err, why);
}

static void test_rejects_outside_subset(void **state)
{
    (void)state;
    const char *head = "id: x\ninfo: {name: x, severity: low}\nhttp:\n";
    char y[600];
    snprintf(y, sizeof y, "%s  - raw: ['GET / HTTP/1.1']\n", head);
    rejects(y, "raw");
    snprintf(y, sizeof y,
             "%s  - method: PUT\n    path: ['{{BaseURL}}/']\n    matchers: [{type: status, status: "
             "[200]}]\n",
             head);
    rejects(y, "not allowed");
    snprintf(y, sizeof y,
             "%s  - path: ['http://elsewhere/']\n    matchers: [{type: status, status: [200]}]\n",
             head);
    rejects(y, "must start with");
    snprintf(
        y, sizeof y,
        "%s  - path: ['{{BaseURL}}/']\n    matchers: [{type: dsl, dsl: ['contains(body, 1)']}]\n",
        head);
    rejects(y, "dsl");
    snprintf(y, sizeof y,
             "%s  - path: ['{{BaseURL}}/']\n    matchers: [{type: xpath, xpath: ['/html']}]\n",
             head);
    rejects(y, "xpath");
    snprintf(y, sizeof y,
             "%s  - path: ['{{BaseURL}}/']\n    matchers: [{type: binary, binary: ['0g']}]\n",
             head);
    rejects(y, "not hex");
    snprintf(y, sizeof y,
             "%s  - path: ['{{BaseURL}}/']\n    matchers: [{type: regex, regex: [a], "
             "case-insensitive: true}]\n",
             head);
    rejects(y, "only for word");
    snprintf(y, sizeof y,
             "%s  - path: ['{{BaseURL}}/{{rand_base(5)}}']\n    matchers: [{type: status, status: "
             "[200]}]\n",
             head);
    rejects(y, "{{rand_base(5)}}");
    snprintf(y, sizeof y,
             "%s  - path: ['{{BaseURL}}/']\n    headers: {X-A: '{{token}}'}\n    matchers: [{type: "
             "status, status: [200]}]\n",
             head);
    rejects(y, "{{token}}");
    snprintf(y, sizeof y,
             "%s  - path: ['{{BaseURL}}/']\n    redirects: true\n    matchers: [{type: status, "
             "status: [200]}]\n",
             head);
    rejects(y, "redirects");
    snprintf(y, sizeof y,
             "%s  - path: ['{{BaseURL}}/']\n    extractors: [{type: regex, internal: true, regex: "
             "[a]}]\n",
             head);
    rejects(y, "internal extractors");
    snprintf(y, sizeof y,
             "%s  - path: ['{{BaseURL}}/']\n    extractors: [{type: json, json: ['.a']}]\n", head);
    rejects(y, "extractor type 'json'");
    snprintf(y, sizeof y,
             "%s  - path: ['{{BaseURL}}/']\n    matchers: [{type: word, part: interactsh_protocol, "
             "words: [dns]}]\n",
             head);
    rejects(y, "interactsh_protocol");
    rejects("id: x\ninfo: {name: x}\nvariables: {a: b}\nhttp:\n  - path: ['{{BaseURL}}/']\n    "
            "matchers: [{type: status, status: [200]}]\n",
            "variables");
    snprintf(y, sizeof y,
             "%s  - path: ['{{BaseURL}}/']\n    matchers: [{type: regex, regex: ['(']}]\n", head);
    rejects(y, "regex");
    snprintf(y, sizeof y, "%s  - path: ['{{BaseURL}}/']\n", head);
    rejects(y, "matchers or extractors");
    rejects("id: 'bad id'\ninfo: {name: x}\nhttp: []\n", "id");
    rejects("id: x\ninfo: {name: x, severity: urgent}\nhttp: []\n", "severity");
    rejects("id: x\ninfo: {name: x}\ndns:\n  - name: a\n", "dns");
    rejects("id: [unclosed\n", "YAML");
    rejects("- a\n- b\n", "mapping");
}

/* nuclei's semantics beyond word/regex/status: size, binary, hex words, a header by name, all =
 * body + headers, regexes without implicit multi-line, kval extractors, extractors alone. */
static void test_nuclei_semantics(void **state)
{
    (void)state;
    const char *y = "id: n\ninfo: {name: n, severity: info}\nhttp:\n  - path: ['{{BaseURL}}/']\n"
                    "    matchers:\n"
                    "      - {type: size, size: [5]}\n"                             /* 0 */
                    "      - {type: binary, binary: ['504b0304']}\n"                /* 1 */
                    "      - {type: word, encoding: hex, words: ['7a6970']}\n"      /* 2 "zip" */
                    "      - {type: word, part: content_type, words: ['zip']}\n"    /* 3 */
                    "      - {type: regex, regex: ['^two']}\n"                      /* 4 */
                    "      - {type: regex, regex: ['(?m)^two']}\n"                  /* 5 */
                    "      - {type: regex, part: all, regex: ['two\\nHTTP/1.1']}\n" /* 6 */
                    "      - {type: word, part: x_missing, words: ['a'], negative: true}\n" /* 7 */
                    "      - {type: size, part: header, size: [48], match-all: true}\n"     /* 8 */
                    "    extractors:\n"
                    "      - {type: kval, kval: [Content-Type]}\n";
    check_tmpl t;
    char err[256];
    if (check_tmpl_parse(y, strlen(y), &t, err, sizeof err) != 0)
        fail_msg("%s", err);
    check_request *q = &t.req[0];
    assert_int_equal(q->nm, 9);
    check_response r =
        resp(200, "HTTP/1.1 200 OK\r\nContent-Type: application/zip\r\n", "one\ntwo\n");
    bool want[9] = {false, false, false, true, false, true, true, false, true};
    for (size_t i = 0; i < q->nm; i++) {
        check_request one = *q;
        one.m = &q->m[i];
        one.nm = 1;
        if (check_match(&one, &r, NULL) != want[i])
            fail_msg("matcher %zu: want %d", i, want[i]);
    }
    check_response_free(&r);
    r = resp(200, "HTTP/1.1 200 OK\r\n", "PK\x03\x04zip");
    for (size_t i = 1; i <= 2; i++) { /* the magic bytes, the hex-encoded word */
        check_request one = *q;
        one.m = &q->m[i];
        one.nm = 1;
        assert_true(check_match(&one, &r, NULL));
    }
    check_response_free(&r);
    check_tmpl_free(&t);
    /* extractors alone: a hit is the match, and the value is the detail */
    const char *x = "id: x\ninfo: {name: x}\nhttp:\n  - path: ['{{BaseURL}}/']\n"
                    "    extractors:\n      - {type: regex, group: 1, regex: ['ver=(\\d+)']}\n";
    assert_int_equal(check_tmpl_parse(x, strlen(x), &t, err, sizeof err), 0);
    r = resp(200, "HTTP/1.1 200 OK\r\n", "ver=7");
    assert_true(check_match(&t.req[0], &r, NULL));
    char out[16];
    check_extract(&t.req[0], &r, out, sizeof out);
    assert_string_equal(out, "7");
    check_response_free(&r);
    r = resp(200, "HTTP/1.1 200 OK\r\n", "none");
    assert_false(check_match(&t.req[0], &r, NULL));
    check_response_free(&r);
    check_tmpl_free(&t);
}

static void test_page(void **state)
{
    (void)state;
    const char *html =
        "<a href=\"/greet?name=friend&x=1\">g</a><a href='sub/page.html'>s</a>"
        "<a href=\"http://other.example/?q=1\">o</a><a href=\"javascript:alert(1)\">j</a>"
        "<form action=\"/login\" method=\"POST\"><input name=\"user\" value=\"\">"
        "<input type=\"submit\" name=\"go\"><textarea name=\"note\"></textarea></form>"
        "<form><input name=\"q\"></form>";
    check_page p;
    check_page_parse(html, strlen(html), "/app/index.html", &p);
    assert_int_equal(p.n, 3);
    assert_string_equal(p.v[0].path, "/greet");
    assert_int_equal(p.v[0].n, 2);
    assert_string_equal(p.v[0].names[0], "name");
    assert_string_equal(p.v[0].values[0], "friend");
    assert_string_equal(p.v[1].path, "/login");
    assert_true(p.v[1].post);
    assert_int_equal(p.v[1].n, 2); /* submit skipped */
    assert_string_equal(p.v[2].path, "/app/index.html");
    assert_int_equal(p.ndirs, 1);
    assert_string_equal(p.dirs[0], "/app/sub/");
    check_page_free(&p);
}

static void test_hello(void **state)
{
    (void)state;
    unsigned char b[1024];
    uint16_t s[] = {0x000a, 0x0005};
    size_t n = tls_build_hello(b, sizeof b, 0x0300, s, 2, NULL);
    assert_true(n > 40);
    assert_int_equal(b[0], 0x16);
    assert_int_equal(b[1] << 8 | b[2], 0x0300);
    assert_int_equal((size_t)(b[3] << 8 | b[4]), n - 5);
    assert_int_equal(b[5], 0x01);
    assert_int_equal((size_t)(b[7] << 8 | b[8]), n - 9);
    assert_int_equal(b[9] << 8 | b[10], 0x0300);
    assert_int_equal(b[44] << 8 | b[45], 6); /* two suites + the SCSV */
    n = tls_build_hello(b, sizeof b, 0x0303, s, 2, "example.test");
    assert_int_equal(b[1] << 8 | b[2], 0x0301);
    assert_int_equal((size_t)(b[3] << 8 | b[4]), n - 5);
    assert_non_null(memmem(b, n, "example.test", 12));
}

/* The STARTTLS upgrades against scripted servers over a socket pair: what we send, and which
 * answers let the handshake start. */
static int upgrade(xs_starttls kind, const char *server, char *sent, size_t cap)
{
    int sv[2];
    assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
    assert_true(send(sv[1], server, strlen(server), 0) == (ssize_t)strlen(server));
    shutdown(sv[1], SHUT_WR);
    int rc = tls_starttls(sv[0], kind);
    shutdown(sv[0], SHUT_WR);
    ssize_t n = recv(sv[1], sent, cap - 1, MSG_WAITALL);
    sent[n > 0 ? n : 0] = '\0';
    close(sv[0]);
    close(sv[1]);
    return rc;
}

static void test_starttls(void **state)
{
    (void)state;
    char sent[256];
    assert_int_equal(upgrade(XS_STARTTLS_SMTP,
                             "220-mail\r\n220 mail ESMTP\r\n250-mail\r\n250-SIZE 1\r\n"
                             "250 STARTTLS\r\n220 2.0.0 go\r\n",
                             sent, sizeof sent),
                     0);
    assert_string_equal(sent, "EHLO xsweep.invalid\r\nSTARTTLS\r\n");
    assert_int_equal(upgrade(XS_STARTTLS_SMTP, "220 mail\r\n250 SIZE 1\r\n", sent, sizeof sent),
                     -1);
    assert_string_equal(sent, "EHLO xsweep.invalid\r\n"); /* not offered: never asked */
    assert_int_equal(upgrade(XS_STARTTLS_IMAP,
                             "* OK [CAPABILITY IMAP4rev1 STARTTLS] hi\r\n* NOTE x\r\n"
                             "xs1 OK begin\r\n",
                             sent, sizeof sent),
                     0);
    assert_string_equal(sent, "xs1 STARTTLS\r\n");
    assert_int_equal(upgrade(XS_STARTTLS_IMAP, "* OK hi\r\nxs1 BAD no\r\n", sent, sizeof sent), -1);
    assert_int_equal(upgrade(XS_STARTTLS_POP3, "+OK hi\r\n+OK begin\r\n", sent, sizeof sent), 0);
    assert_string_equal(sent, "STLS\r\n");
    assert_int_equal(upgrade(XS_STARTTLS_POP3, "+OK hi\r\n-ERR no\r\n", sent, sizeof sent), -1);
    assert_int_equal(upgrade(XS_STARTTLS_FTP, "220-a\r\n220 b\r\n234 go\r\n", sent, sizeof sent),
                     0);
    assert_string_equal(sent, "AUTH TLS\r\n");
    assert_int_equal(upgrade(XS_STARTTLS_FTP, "220 b\r\n530 no\r\n", sent, sizeof sent), -1);
    assert_int_equal(upgrade(XS_STARTTLS_POSTGRES, "S", sent, sizeof sent), 0);
    assert_memory_equal(sent, "\0\0\0\x08\x04\xd2\x16\x2f", 8);
    assert_int_equal(upgrade(XS_STARTTLS_POSTGRES, "N", sent, sizeof sent), -1);
    /* MySQL: protocol 10 greeting "5.5.5-x", conn id, scramble, filler, capabilities with SSL */
    static const char greet[] = "\x1a\0\0\0\x0a"
                                "5.5.5-x\0"
                                "\1\0\0\0"
                                "abcdefgh"
                                "\0"
                                "\xff\xff"
                                "\x21\2\0";
    char g[64];
    memcpy(g, greet, sizeof greet);
    g[0] = (char)(sizeof greet - 1 - 4);
    int sv[2];
    assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
    assert_true(send(sv[1], g, sizeof greet - 1, 0) == (ssize_t)(sizeof greet - 1));
    assert_int_equal(tls_starttls(sv[0], XS_STARTTLS_MYSQL), 0);
    unsigned char req[36];
    assert_true(recv(sv[1], req, sizeof req, MSG_WAITALL) == 36);
    assert_int_equal(req[0], 32);
    assert_int_equal(req[3], 1);
    assert_true((req[5] << 8 | req[4]) & 0x0800); /* CLIENT_SSL asked */
    close(sv[0]);
    close(sv[1]);
    g[sizeof greet - 1 - 5] = 0; /* capabilities without CLIENT_SSL */
    g[sizeof greet - 1 - 4] = 0;
    assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
    assert_true(send(sv[1], g, sizeof greet - 1, 0) == (ssize_t)(sizeof greet - 1));
    assert_int_equal(tls_starttls(sv[0], XS_STARTTLS_MYSQL), -1);
    close(sv[0]);
    close(sv[1]);
    /* LDAP: the ExtendedRequest, then its ExtendedResponse: success (short and long length forms),
     * protocolError (no TLS configured), a Notice of Disconnection (messageID 0) */
    static const struct {
        unsigned char b[16];
        size_t n;
        int rc;
    } ldap[] = {
        {{0x30, 0x0c, 0x02, 0x01, 0x01, 0x78, 0x07, 0x0a, 0x01, 0x00, 0x04, 0x00, 0x04, 0x00},
         14,
         0},
        {{0x30, 0x81, 0x0c, 0x02, 0x01, 0x01, 0x78, 0x07, 0x0a, 0x01, 0x00, 0x04, 0x00, 0x04, 0x00},
         15,
         0},
        {{0x30, 0x0c, 0x02, 0x01, 0x01, 0x78, 0x07, 0x0a, 0x01, 0x02, 0x04, 0x00, 0x04, 0x00},
         14,
         -1},
        {{0x30, 0x0c, 0x02, 0x01, 0x00, 0x78, 0x07, 0x0a, 0x01, 0x00, 0x04, 0x00, 0x04, 0x00},
         14,
         -1},
        {{0x30, 0x0c, 0x02, 0x01, 0x01, 0x78, 0x07, 0x0a}, 8, -1}, /* cut off */
    };
    for (size_t k = 0; k < sizeof ldap / sizeof ldap[0]; k++) {
        assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
        assert_true(send(sv[1], ldap[k].b, ldap[k].n, 0) == (ssize_t)ldap[k].n);
        shutdown(sv[1], SHUT_WR);
        assert_int_equal(tls_starttls(sv[0], XS_STARTTLS_LDAP), ldap[k].rc);
        unsigned char ext[64];
        shutdown(sv[0], SHUT_WR);
        assert_true(recv(sv[1], ext, sizeof ext, MSG_WAITALL) == 31);
        assert_memory_equal(ext,
                            "\x30\x1d\x02\x01\x01\x77\x18\x80\x16"
                            "1.3.6.1.4.1.1466.20037",
                            31);
        close(sv[0]);
        close(sv[1]);
    }
    /* XMPP: the stream header, features offering STARTTLS, then <proceed/> (or <failure/>) */
    static const char feats[] = "<?xml version='1.0'?><stream:stream xmlns:stream='http://"
                                "etherx.jabber.org/streams' version='1.0'><stream:features>"
                                "<starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'><required/>"
                                "</starttls></stream:features>";
    char srv[1024];
    snprintf(srv, sizeof srv, "%s<proceed xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>", feats);
    char big[1024];
    assert_int_equal(upgrade(XS_STARTTLS_XMPP, srv, big, sizeof big), 0);
    assert_non_null(strstr(big, "xmlns:stream='http://etherx.jabber.org/streams' version='1.0'>"
                                "<starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>"));
    snprintf(srv, sizeof srv, "%s<failure xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>", feats);
    assert_int_equal(upgrade(XS_STARTTLS_XMPP, srv, big, sizeof big), -1);
    assert_int_equal(upgrade(XS_STARTTLS_XMPP,
                             "<stream:stream xmlns:stream='http://etherx.jabber.org/streams'>"
                             "<stream:features><mechanisms/></stream:features>",
                             big, sizeof big),
                     -1);
    assert_null(strstr(big, "<starttls")); /* not offered: never asked */
    assert_int_equal(xs_starttls_for_protocol("xmpp"), XS_STARTTLS_XMPP);
    assert_int_equal(xs_starttls_for_protocol("ldap"), XS_STARTTLS_LDAP);
    assert_string_equal(xs_starttls_name(XS_STARTTLS_LDAP), "ldap");
    assert_int_equal(upgrade(XS_STARTTLS_NONE, "", sent, sizeof sent), 0);
    assert_string_equal(sent, "");
    assert_int_equal(xs_starttls_for_protocol("postgresql"), XS_STARTTLS_POSTGRES);
    assert_int_equal(xs_starttls_for_protocol("ssh"), XS_STARTTLS_NONE);
    assert_string_equal(xs_starttls_name(XS_STARTTLS_POP3), "pop3");
}

static void test_shipped(void **state)
{
    (void)state;
    char err[512] = "";
    xs_check_db *db = xs_check_db_load("safe", XS_DATADIR "/checks", err, sizeof err);
    if (!db)
        fail_msg("%s", err);
    assert_true(xs_check_db_wants_tls(db));
    size_t safe = xs_check_db_count(db);
    for (size_t i = 0; i < db->n; i++)
        assert_int_equal(db->t[i].kind, XS_CHECK_KIND_HTTP);
    xs_check_db_free(db);
    db = xs_check_db_load("all", XS_DATADIR "/checks", err, sizeof err);
    assert_non_null(db);
    assert_true(xs_check_db_count(db) > safe);
    xs_check_db_free(db);
    db = xs_check_db_load("git-head-exposed,git-head-exposed", XS_DATADIR "/checks", err,
                          sizeof err);
    assert_non_null(db);
    assert_int_equal(xs_check_db_count(db), 1);
    assert_false(xs_check_db_wants_tls(db));
    xs_check_db_free(db);
    assert_null(xs_check_db_load("nope", XS_DATADIR "/checks", err, sizeof err));
    assert_non_null(strstr(err, "unknown check 'nope'"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_and_match),
        cmocka_unit_test(test_marker_and_duration),
        cmocka_unit_test(test_rejects_outside_subset),
        cmocka_unit_test(test_nuclei_semantics),
        cmocka_unit_test(test_page),
        cmocka_unit_test(test_hello),
        cmocka_unit_test(test_starttls),
        cmocka_unit_test(test_shipped),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
