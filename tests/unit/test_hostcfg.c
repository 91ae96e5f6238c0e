/* Host configuration checks: every shipped rule fires on a crafted response and stays quiet on a
 * near miss; the rule language (groups, or, not, lists, certificate dates); FILE:LINE errors. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "xsweep/hostcfg.h"
#include "xsweep/http.h"

#define NOW_S  1750000000LL /* 2025-06-15T15:06:40Z */
#define NOW_NS ((uint64_t)NOW_S * 1000000000u)

static xs_hostcfg_db *db;

static int setup(void **state)
{
    char err[256] = "";
    db = xs_hostcfg_load(NULL, err, sizeof err);
    if (!db)
        fprintf(stderr, "load: %s\n", err);
    return db ? 0 : -1;
}

static int teardown(void **state)
{
    xs_hostcfg_free(db);
    return 0;
}

/* Parses "STATUS-LINE\nHeader: v\n...\n\nbody" (\n become \r\n in the head) into a result. */
static xs_http_result *response(const char *spec)
{
    const char *split = strstr(spec, "\n\n");
    size_t head = split ? (size_t)(split - spec) : strlen(spec);
    const char *body = split ? split + 2 : "";
    size_t cap = head * 2 + strlen(body) + 64;
    char *raw = malloc(cap);
    size_t n = 0;
    for (size_t i = 0; i < head; i++) {
        if (spec[i] == '\n')
            raw[n++] = '\r';
        raw[n++] = spec[i];
    }
    n += (size_t)sprintf(raw + n, "\r\nContent-Length: %zu\r\n\r\n%s", strlen(body), body);
    xs_http_parser *p = xs_http_parser_new(64 * 1024);
    xs_http_parser_feed(p, (const unsigned char *)raw, n);
    xs_http_parser_eof(p);
    xs_http_result *r = calloc(1, sizeof *r);
    xs_http_parser_fill_result(p, r);
    xs_http_parser_free(p);
    free(raw);
    return r;
}

static void set_tls(xs_http_result *r, const char *version, bool self_signed, const char *not_after)
{
    r->tls_attempted = true;
    r->tls.used = true;
    snprintf(r->tls.version, sizeof r->tls.version, "%s", version);
    if (not_after) {
        r->tls.have_cert = true;
        r->tls.cert.self_signed = self_signed;
        snprintf(r->tls.cert.not_after, sizeof r->tls.cert.not_after, "%s", not_after);
    }
}

static bool fires(const xs_hostcfg_db *d, const xs_http_result *r, uint16_t port, const char *id)
{
    xs_hostcfg_list l = {0};
    assert_true(xs_hostcfg_eval(d, r, port, NOW_NS, &l) >= 0);
    bool hit = false;
    for (size_t i = 0; i < l.n; i++) {
        hit |= strcmp(l.v[i].id, id) == 0;
        assert_non_null(l.v[i].title);
    }
    xs_hostcfg_list_free(&l);
    return hit;
}

typedef enum { PLAIN, TLS12, TLS10, TLS_SELF, TLS_EXPIRED, TLS_SOON } tls_kind;

typedef struct {
    const char *id;
    tls_kind tls;
    uint16_t port;
    const char *yes; /* response the rule must fire on */
    const char *no;  /* near miss it must not fire on */
} rule_case;

#define OK200 "HTTP/1.1 200 OK\nContent-Type: text/html"

static const rule_case cases[] = {
    {"server-version-disclosed", PLAIN, 80, OK200 "\nServer: Apache/2.4.58 (Ubuntu)\n\nhi",
     OK200 "\nServer: Apache\n\nhi"},
    {"server-version-disclosed", PLAIN, 80, OK200 "\nServer: x\nX-Powered-By: PHP/8.1.2\n\nhi",
     OK200 "\nX-Powered-By: Express\n\nhi"},
    {"directory-listing", PLAIN, 80,
     OK200
     "\n\n<html><head><title>Index of /</title></head><body><h1>Index of /</h1></body></html>",
     OK200 "\n\n<html><head><title>Index of my photos</title></head></html>"},
    {"git-directory-listed", PLAIN, 80,
     OK200 "\n\n<title>Index of /</title><a href=\".git/\">.git/</a>",
     OK200 "\n\n<title>Docs</title><a href=\".git/\">.git/</a>"},
    {"secret-file-listed", PLAIN, 80,
     OK200 "\n\n<title>Directory listing for /</title><li><a href=\".env\">.env</a>",
     OK200 "\n\n<title>Directory listing for /</title><li><a href=\"env.md\">env.md</a>"},
    {"backup-file-listed", PLAIN, 80,
     OK200 "\n\n<title>Index of /</title><a href=\"db-2024.sql.gz\">db</a>",
     OK200 "\n\n<title>Index of /</title><a href=\"notes.txt\">n</a>"},
    {"default-page-nginx", PLAIN, 80, OK200 "\n\n<title>Welcome to nginx!</title>",
     OK200 "\n\n<title>Shop (runs on nginx)</title>"},
    {"default-page-apache", PLAIN, 80,
     OK200 "\n\n<title>Apache2 Ubuntu Default Page: It works</title>",
     OK200 "\n\n<title>It works for us</title>"},
    {"default-page-iis", PLAIN, 80, OK200 "\n\n<title>IIS Windows Server</title>",
     OK200 "\n\n<title>Windows Server docs</title>"},
    {"default-page-tomcat", PLAIN, 8080, OK200 "\n\n<title>Apache Tomcat/9.0.85</title>",
     OK200 "\n\n<title>Tomcat tips</title>"},
    {"tls-legacy-version", TLS10, 443, OK200 "\n\nok", OK200 "\n\nok"},
    {"tls-cert-self-signed", TLS_SELF, 443, OK200 "\n\nok", OK200 "\n\nok"},
    {"tls-cert-expired", TLS_EXPIRED, 443, OK200 "\n\nok", OK200 "\n\nok"},
    {"tls-cert-expiring-soon", TLS_SOON, 443, OK200 "\n\nok", OK200 "\n\nok"},
    {"hsts-missing", TLS12, 443, OK200 "\n\nok",
     OK200 "\nStrict-Transport-Security: max-age=31536000\n\nok"},
    {"cookie-without-secure", TLS12, 443, OK200 "\nSet-Cookie: sid=1; Path=/; HttpOnly\n\nok",
     OK200 "\nSet-Cookie: sid=1; Path=/; Secure; HttpOnly\n\nok"},
    {"cookie-without-httponly", TLS12, 443, OK200 "\nSet-Cookie: sid=1; Secure\n\nok",
     OK200 "\nSet-Cookie: sid=1; secure; httponly\n\nok"},
    {"login-form-over-http", PLAIN, 80, OK200 "\n\n<form><input name=p type=\"password\"></form>",
     OK200 "\n\n<form><input name=q type=\"text\"></form>"},
    {"basic-auth-over-http", PLAIN, 80,
     "HTTP/1.1 401 Unauthorized\nWWW-Authenticate: Basic realm=\"x\"\n\nno",
     "HTTP/1.1 401 Unauthorized\nWWW-Authenticate: Bearer\n\nno"},
    {"cors-wildcard-credentials", PLAIN, 80,
     OK200 "\nAccess-Control-Allow-Origin: *\nAccess-Control-Allow-Credentials: true\n\n{}",
     OK200 "\nAccess-Control-Allow-Origin: *\n\n{}"},
    {"cors-null-origin-credentials", PLAIN, 80,
     OK200 "\nAccess-Control-Allow-Origin: null\nAccess-Control-Allow-Credentials: true\n\n{}",
     OK200 "\nAccess-Control-Allow-Origin: https://a.example\nAccess-Control-Allow-Credentials: "
           "true\n\n{}"},
    {"docker-api-exposed", PLAIN, 2375,
     "HTTP/1.1 404 Not Found\nApi-Version: 1.43\nDocker-Experimental: false\nServer: Docker/24.0.5 "
     "(linux)\n\n{\"message\":\"page not found\"}",
     "HTTP/1.1 404 Not Found\nApi-Version: 2\n\n{}"},
    {"elasticsearch-open", PLAIN, 9200,
     OK200 "\n\n{\"name\":\"n1\",\"cluster_name\":\"c\",\"tagline\" : \"You Know, for Search\"}",
     "HTTP/1.1 401 Unauthorized\nWWW-Authenticate: Basic "
     "realm=\"security\"\n\n{\"error\":\"missing authentication credentials\"}"},
    {"kibana-exposed", PLAIN, 5601, "HTTP/1.1 302 Found\nkbn-name: kibana\nLocation: /app/home\n\n",
     "HTTP/1.1 302 Found\nkbn-name: kibana\nLocation: /login?next=%2F\n\n"},
    {"grafana-anonymous-access", PLAIN, 3000,
     OK200 "\n\n<title>Grafana</title><script>window.grafanaBootData = {}</script>",
     "HTTP/1.1 302 Found\nLocation: /login\n\n<a href=\"/login\">Found</a>."},
    {"jenkins-unauthenticated", PLAIN, 8080,
     OK200 "\nX-Jenkins: 2.440\n\n<title>Dashboard [Jenkins]</title>",
     "HTTP/1.1 403 Forbidden\nX-Jenkins: 2.440\n\nAuthentication required"},
    {"phpmyadmin-exposed", PLAIN, 80,
     OK200 "\n\n<title>phpMyAdmin</title><input name=\"pma_username\">",
     OK200 "\n\n<title>Admin</title>"},
    {"phpmyadmin-no-auth", PLAIN, 80,
     OK200 "\n\n<title>phpMyAdmin</title><div id=\"pma_navigation\"></div>",
     OK200
     "\n\n<title>phpMyAdmin</title><div id=\"pma_navigation\"></div><input name=\"pma_username\">"},
    {"kubernetes-dashboard-exposed", TLS12, 8443, OK200 "\n\n<title>Kubernetes Dashboard</title>",
     OK200 "\n\n<title>Dashboard</title>"},
    {"kubernetes-api-anonymous", TLS12, 6443,
     OK200 "\nContent-Type: application/json\n\n{\"paths\": [\n    "
           "\"/.well-known/openid-configuration\",\n \"/api\"]}",
     "HTTP/1.1 403 Forbidden\n\n{\"kind\":\"Status\",\"message\":\"forbidden: User "
     "\\\"system:anonymous\\\" cannot get path \\\"/\\\"\"}"},
    {"kubernetes-anonymous-auth", TLS12, 6443,
     "HTTP/1.1 403 Forbidden\n\n{\"message\":\"forbidden: User \\\"system:anonymous\\\" cannot get "
     "path\"}",
     "HTTP/1.1 401 Unauthorized\n\n{\"message\":\"Unauthorized\"}"},
    {"prometheus-metrics-exposed", PLAIN, 9100,
     OK200 "\n\n# HELP go_goroutines Number of goroutines.\n# TYPE go_goroutines "
           "gauge\ngo_goroutines 8\n",
     OK200 "\n\n<p># HELP is on the way</p>"},
    {"prometheus-ui-exposed", PLAIN, 9100,
     OK200 "\n\n<html><head><title>Node Exporter</title></head><body><h1>Node Exporter</h1>",
     OK200 "\n\n<title>Exporter of goods</title>"},
    {"spring-actuator-exposed", PLAIN, 8080,
     OK200 "\n\n{\"_links\":{\"self\":{\"href\":\"http://h:8080/actuator\",\"templated\":false}}}",
     OK200 "\n\n{\"_links\":{\"self\":{\"href\":\"http://h:8080/api/orders\"}}}"},
    {"spring-whitelabel-error", PLAIN, 8080,
     "HTTP/1.1 404 Not Found\n\n<html><body><h1>Whitelabel Error Page</h1>",
     "HTTP/1.1 404 Not Found\n\n<h1>Not Found</h1>"},
    {"couchdb-exposed", PLAIN, 5984, OK200 "\n\n{\"couchdb\":\"Welcome\",\"version\":\"3.3.3\"}",
     OK200 "\n\n{\"couchdb\":\"docs\"}"},
    {"mongodb-port-exposed", PLAIN, 27017,
     OK200
     "\n\nIt looks like you are trying to access MongoDB over HTTP on the native driver port.\n",
     OK200 "\n\nMongoDB tutorial"},
    {"solr-admin-exposed", PLAIN, 8983, OK200 "\n\n<title>Solr Admin</title>",
     OK200 "\n\n<title>Solar panels</title>"},
    {"jupyter-no-auth", PLAIN, 8888,
     "HTTP/1.1 302 Found\nServer: TornadoServer/6.4\nLocation: /tree?\n\n",
     "HTTP/1.1 302 Found\nServer: TornadoServer/6.4\nLocation: /login?next=%2Ftree%3F\n\n"},
};

static void apply_tls(xs_http_result *r, tls_kind k)
{
    switch (k) {
    case PLAIN:
        break;
    case TLS12:
        set_tls(r, "TLSv1.2", false, "2030-01-01T00:00:00Z");
        break;
    case TLS10:
        set_tls(r, "TLSv1", false, "2030-01-01T00:00:00Z");
        break;
    case TLS_SELF:
        set_tls(r, "TLSv1.3", true, "2030-01-01T00:00:00Z");
        break;
    case TLS_EXPIRED:
        set_tls(r, "TLSv1.3", false, "2025-06-01T00:00:00Z");
        break;
    case TLS_SOON:
        set_tls(r, "TLSv1.3", false, "2025-07-01T00:00:00Z");
        break;
    }
}

/* The TLS near misses: the same response with a modern, valid, CA-issued certificate. */
static tls_kind near_miss_tls(tls_kind k)
{
    return k == PLAIN ? PLAIN : TLS12;
}

static void test_every_rule(void **state)
{
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const rule_case *c = &cases[i];
        xs_http_result *r = response(c->yes);
        apply_tls(r, c->tls);
        if (!fires(db, r, c->port, c->id))
            fail_msg("%s did not fire on case %zu", c->id, i);
        xs_http_result_free(r);
        r = response(c->no);
        apply_tls(r, near_miss_tls(c->tls));
        if (fires(db, r, c->port, c->id))
            fail_msg("%s fired on the near miss of case %zu", c->id, i);
        xs_http_result_free(r);
    }
}

/* Every rule of the shipped file has a case above. */
static void test_every_rule_is_covered(void **state)
{
    FILE *f = fopen(XS_DATADIR "/hostcfg/rules.txt", "r");
    assert_non_null(f);
    char line[4096];
    size_t nrules = 0;
    while (fgets(line, sizeof line, f)) {
        char id[64];
        if (sscanf(line, "rule %63s", id) != 1)
            continue;
        nrules++;
        bool covered = false;
        for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
            covered |= strcmp(cases[i].id, id) == 0;
        if (!covered)
            fail_msg("rule %s has no test case", id);
    }
    fclose(f);
    assert_int_equal(nrules, xs_hostcfg_rule_count(db));
    assert_true(nrules >= 15);
}

/* A plain, well-configured HTTPS response triggers nothing. */
static void test_clean_https(void **state)
{
    xs_http_result *r = response(
        OK200 "\nServer: nginx\nStrict-Transport-Security: max-age=63072000\n"
              "Set-Cookie: sid=abc; Path=/; Secure; HttpOnly; SameSite=Lax\n\n<title>Shop</title>");
    set_tls(r, "TLSv1.3", false, "2026-01-01T00:00:00Z");
    xs_hostcfg_list l = {0};
    assert_int_equal(xs_hostcfg_eval(db, r, 443, NOW_NS, &l), 0);
    xs_hostcfg_list_free(&l);
    xs_http_result_free(r);
}

/* A result with no response at all (refused, timeout) triggers nothing either. */
static void test_no_response(void **state)
{
    xs_http_result r = {.status_text = "", .error = XS_HTTP_ERR_CONNECT_REFUSED};
    xs_hostcfg_list l = {0};
    assert_int_equal(xs_hostcfg_eval(db, &r, 80, NOW_NS, &l), 0);
    xs_hostcfg_list_free(&l);
}

static xs_hostcfg_db *load_text(const char *text)
{
    char err[256] = "";
    xs_hostcfg_db *d = xs_hostcfg_load_buffer(text, strlen(text), "t", err, sizeof err);
    if (!d)
        fail_msg("load: %s", err);
    return d;
}

static void test_language(void **state)
{
    xs_hostcfg_db *d = load_text("# comment\n"
                                 "rule a high \"Quoted title\"\n"
                                 "  port 80,8000-8100\n"
                                 "  status 2xx,404\n"
                                 "  or header X-A present\n"
                                 "  not title matches (?i)secret\n"
                                 "rule b info plain title\n"
                                 "  not tls\n"
                                 "  header X-B absent\n");
    xs_http_result *r = response("HTTP/1.1 500 Oops\nX-A: 1\n\n<title>Hello</title>");
    assert_true(fires(d, r, 8080, "a")); /* port range, or-group via X-A, title not secret */
    assert_false(fires(d, r, 443, "a")); /* port */
    assert_true(fires(d, r, 443, "b"));
    xs_hostcfg_list l = {0};
    assert_int_equal(xs_hostcfg_eval(d, r, 80, NOW_NS, &l), 2);
    assert_string_equal(l.v[0].id, "a");
    assert_string_equal(l.v[0].title, "Quoted title");
    assert_int_equal(l.v[0].severity, XS_SEV_HIGH);
    assert_string_equal(l.v[1].title, "plain title");
    xs_hostcfg_list_free(&l);
    xs_http_result_free(r);
    r = response("HTTP/1.1 500 Oops\nX-B: 1\n\n<title>my SECRET</title>");
    assert_false(fires(d, r, 80, "a")); /* neither 2xx/404 nor X-A */
    assert_false(fires(d, r, 80, "b")); /* X-B present */
    xs_http_result_free(r);
    xs_hostcfg_free(d);
}

static void test_cert_dates(void **state)
{
    xs_http_result *r = response(OK200 "\n\nok");
    set_tls(r, "TLSv1.3", false, "2025-06-15T15:06:39Z"); /* one second ago */
    assert_true(fires(db, r, 443, "tls-cert-expired"));
    assert_false(fires(db, r, 443, "tls-cert-expiring-soon"));
    set_tls(r, "TLSv1.3", false, "2025-07-15T15:06:39Z"); /* 30 days minus a second */
    assert_false(fires(db, r, 443, "tls-cert-expired"));
    assert_true(fires(db, r, 443, "tls-cert-expiring-soon"));
    set_tls(r, "TLSv1.3", false, "2025-07-15T15:06:41Z"); /* 30 days plus a second */
    assert_false(fires(db, r, 443, "tls-cert-expiring-soon"));
    set_tls(r, "TLSv1.3", false, "garbage");
    assert_false(fires(db, r, 443, "tls-cert-expired"));
    r->tls.used = false; /* plain fallback: no cert facts */
    set_tls(r, "TLSv1.3", true, "2020-01-01T00:00:00Z");
    r->tls.used = false;
    assert_false(fires(db, r, 80, "tls-cert-self-signed"));
    assert_false(fires(db, r, 80, "tls-cert-expired"));
    xs_http_result_free(r);
}

static void expect_error(const char *text, const char *want)
{
    char err[256] = "";
    xs_hostcfg_db *d = xs_hostcfg_load_buffer(text, strlen(text), "h.rules", err, sizeof err);
    if (d) {
        xs_hostcfg_free(d);
        fail_msg("loaded: %s", text);
    }
    if (!strstr(err, want))
        fail_msg("error \"%s\" lacks \"%s\"", err, want);
}

/* The shipped services rules over probe facts: each finding on its unsafe case, none on the safe. */
static void test_services_rules(void **state)
{
    (void)state;
    char err[256];
    xs_hostcfg_db *d = xs_hostcfg_load_services(NULL, err, sizeof err);
    assert_non_null(d);
    xs_probe_info i = {0};
    xs_hostcfg_list l = {0};
    strcpy(i.protocol, "redis");
    i.auth = XS_PROBE_AUTH_NONE;
    strcpy(i.version, "5.0.7");
    assert_int_equal(xs_hostcfg_eval_service(d, &i, NULL, 6379, 0, &l), 2);
    assert_string_equal(l.v[0].id, "redis-no-auth");
    assert_int_equal(l.v[0].cwe, 306);
    assert_non_null(l.v[0].fix);
    assert_string_equal(l.v[1].id, "eol-redis");
    xs_hostcfg_list_free(&l);
    memset(&i, 0, sizeof i);
    strcpy(i.protocol, "ssh");
    strcpy(i.product, "OpenSSH");
    strcpy(i.version, "9.2p1");
    strcpy(i.ssh_kex, "curve25519-sha256,diffie-hellman-group14-sha1");
    strcpy(i.ssh_ciphers, "aes128-ctr,aes256-cbc");
    strcpy(i.ssh_macs, "hmac-sha2-256,hmac-md5-etm@openssh.com");
    assert_int_equal(xs_hostcfg_eval_service(d, &i, NULL, 22, 0, &l), 3);
    xs_hostcfg_list_free(&l);
    strcpy(i.ssh_kex, "curve25519-sha256,diffie-hellman-group14-sha256");
    strcpy(i.ssh_ciphers, "chacha20-poly1305@openssh.com,aes128-ctr");
    strcpy(i.ssh_macs, "hmac-sha2-256-etm@openssh.com,hmac-sha1");
    assert_int_equal(xs_hostcfg_eval_service(d, &i, NULL, 22, 0, &l), 0);
    strcpy(i.version, "7.2p2");
    assert_int_equal(xs_hostcfg_eval_service(d, &i, NULL, 22, 0, &l), 1);
    assert_string_equal(l.v[0].id, "eol-openssh");
    xs_hostcfg_list_free(&l);
    /* unknown facts are neither yes nor no */
    memset(&i, 0, sizeof i);
    strcpy(i.protocol, "smb");
    assert_int_equal(xs_hostcfg_eval_service(d, &i, NULL, 445, 0, &l), 0);
    i.facts[XS_PROBE_FACT_SMB1] = 1;
    i.facts[XS_PROBE_FACT_SMB_SIGNING] = -1;
    assert_int_equal(xs_hostcfg_eval_service(d, &i, NULL, 445, 0, &l), 2);
    xs_hostcfg_list_free(&l);
    xs_hostcfg_free(d);
    static const char bad[] = "rule a high t\n    fact nosuch yes\n";
    assert_null(xs_hostcfg_load_buffer(bad, sizeof bad - 1, "s", err, sizeof err));
    assert_non_null(strstr(err, "unknown fact"));
}

static void test_loader_errors(void **state)
{
    expect_error("", "h.rules: no rules");
    expect_error("status 200\n", "h.rules:1: condition before the first");
    expect_error("rule a high t\n", "h.rules:1: rule has no conditions");
    expect_error("rule a high t\n  tls\nrule b low u\n\nrule c low v\n tls\n",
                 "h.rules:3: rule has no conditions");
    expect_error("rule A high t\n tls\n", "h.rules:1: bad rule id");
    expect_error("rule a severe t\n tls\n", "h.rules:1: unknown severity");
    expect_error("rule a high\n tls\n", "h.rules:1: want: rule ID SEVERITY TITLE");
    expect_error("rule a high t\n tls\nrule a low u\n tls\n", "h.rules:3: duplicate rule id");
    expect_error("rule a high t\n  or tls\n", "h.rules:2: \"or\" needs a condition");
    expect_error("rule a high t\n  status 2yy\n", "h.rules:2: bad status list");
    expect_error("rule a high t\n  port 70000\n", "h.rules:2: bad port list");
    expect_error("rule a high t\n  port 90-80\n", "h.rules:2: bad port list");
    expect_error("rule a high t\n  title matches (\n", "h.rules:2: regex error at offset");
    expect_error("rule a high t\n  body matches\n", "h.rules:2: missing regex");
    expect_error("rule a high t\n  header present\n", "h.rules:2: want: header NAME");
    expect_error("rule a high t\n  header X:Y present\n", "h.rules:2: bad header name");
    expect_error("rule a high t\n  header X frob\n", "h.rules:2: want: header NAME");
    expect_error("rule a high t\n  cert.expires_within soon\n",
                 "h.rules:2: want: cert.expires_within DAYS");
    expect_error("rule a high t\n  tls extra\n", "h.rules:2: unexpected text");
    expect_error("rule a high t\n  frobnicate\n", "h.rules:2: unknown condition \"frobnicate\"");
    expect_error("rule a high t\n  title equals x\n", "h.rules:2: want: title matches REGEX");
    char err[256];
    assert_null(xs_hostcfg_load("/nonexistent/h.txt", err, sizeof err));
    assert_non_null(strstr(err, "/nonexistent/h.txt: "));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_rule),    cmocka_unit_test(test_every_rule_is_covered),
        cmocka_unit_test(test_clean_https),   cmocka_unit_test(test_no_response),
        cmocka_unit_test(test_language),      cmocka_unit_test(test_cert_dates),
        cmocka_unit_test(test_loader_errors), cmocka_unit_test(test_services_rules),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
