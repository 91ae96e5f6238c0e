/* Findings: every shipped secret/data rule on a positive and on near-miss negatives, fingerprints,
 * where/offset/length, count-only e-mail, redaction leaving no trace of a secret in any string
 * field of the result, overflow failing closed, and the loader's FILE:LINE errors. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include "xsweep/findings.h"
#include "xsweep/http.h"

static xs_findings_db *db;
static xs_host_key test_key = {{1, 2, 3, 4, 5, 6, 7, 8}};

static int setup(void **state)
{
    char err[256] = "";
    db = xs_findings_load(NULL, err, sizeof err);
    if (!db)
        fprintf(stderr, "load: %s\n", err);
    xs_findings_set_key(db, &test_key);
    return db ? 0 : -1;
}

static int teardown(void **state)
{
    xs_findings_free(db);
    return 0;
}

/* A result parsed from raw response bytes, as the engine would deliver it. */
static xs_http_result *parse_response(const char *raw, size_t len)
{
    xs_http_parser *p = xs_http_parser_new(64 * 1024);
    assert_non_null(p);
    xs_http_parser_feed(p, (const unsigned char *)raw, len);
    xs_http_parser_eof(p);
    xs_http_result *r = calloc(1, sizeof *r);
    assert_non_null(r);
    xs_http_parser_fill_result(p, r);
    xs_http_parser_free(p);
    return r;
}

static xs_http_result *html_result(const char *headers, const char *body)
{
    size_t cap = strlen(body) + (headers ? strlen(headers) : 0) + 256;
    char *raw = malloc(cap);
    int n = snprintf(
        raw, cap, "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n%sContent-Length: %zu\r\n\r\n%s",
        headers ? headers : "", strlen(body), body);
    xs_http_result *r = parse_response(raw, (size_t)n);
    free(raw);
    return r;
}

/* The fingerprint is HMAC-SHA256 under the host key, never a bare hash (issue 13.7). */
static void sha16(const char *v, size_t n, char out[17])
{
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned mdlen = 0;
    HMAC(EVP_sha256(), test_key.k, sizeof test_key.k, (const unsigned char *)v, n, md, &mdlen);
    for (int i = 0; i < 8; i++)
        sprintf(out + 2 * i, "%02x", md[i]);
    unsigned char plain[EVP_MAX_MD_SIZE];
    EVP_Digest(v, n, plain, &mdlen, EVP_sha256(), NULL);
    assert_memory_not_equal(md, plain, 8);
}

static const xs_finding *find_id(const xs_finding_list *l, const char *id)
{
    for (size_t i = 0; i < l->n; i++)
        if (strcmp(l->v[i].id, id) == 0)
            return &l->v[i];
    return NULL;
}

/* ---- positives: the value each rule must report (fingerprint and extent checked) ---- */

typedef struct {
    const char *id;
    const char *before, *value, *after;
} positive;

static const positive positives[] = {
    {"aws-access-key-id", "key: ", "AKIAQWERTYUIOPASDFGH", "\n"},
    {"aws-secret-access-key", "AWS_SECRET_ACCESS_KEY=", "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",
     "\n"},
    {"aws-secret-access-key", "{\"SecretAccessKey\": \"",
     "Zk3r9Qv2LmN8pX4tYb6W1cH7dJ0sFgAeRuIo5Tq2", "\"}"},
    {"aws-credential-pair", "AKIAQWERTYUIOPASDFGH ", "Zk3r9Qv2LmN8pX4tYb6W1cH7dJ0sFgAeRuIo5Tq2",
     ""},
    {"google-api-key", "key=", "AIzaSyA1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q", "&"},
    {"google-oauth-secret", "\"client_secret\":\"", "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", "\""},
    {"github-token", "token ", "ghp_0123456789abcdefABCDEF0123456789abcd", " "},
    {"github-token", "", "ghs_ZYXWVUTSRQPONMLKJIHGFEDCBA9876543210", ""},
    {"github-fine-grained-pat", "",
     "github_pat_11ABCDEFG0123456789abc_"
     "0123456789abcdefghijABCDEFGHIJ0123456789abcdefghijABCDEFGHI",
     ""},
    {"gitlab-token", "PRIVATE-TOKEN: ", "glpat-x1Y2z3W4v5U6t7S8r9Q0", "\n"},
    {"slack-token", "SLACK_BOT_TOKEN=", "xoxb-123456789012-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx",
     "\n"},
    {"slack-webhook", "https://hooks.slack.com/services/",
     "T0ABCDEFG/B0HIJKLMN/aBcDeFgHiJkLmNoPqRsTuVwX", "\""},
    {"stripe-secret-key", "stripe.api_key = '", "sk_live_4eC39HqLyjWDarjtT1zdp7dc", "'"},
    {"sendgrid-api-key", "",
     "SG.abcdefghijklmnopqrstuv.ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopq", ""},
    {"npm-token", "//registry.npmjs.org/:_authToken=", "npm_abcdefghijklmnopqrstuvwxyz0123456789",
     "\n"},
    {"private-key", "<pre>",
     "-----BEGIN RSA PRIVATE "
     "KEY-----\nMIIEowIBAAKCAQEAu1SU1LfVLPHCozMxH2Mo4lgOEePzNm0tRgeLezV6ffAt0gun\nVTLw7onLRnrq0/"
     "IzW7yWR7QkrmBL7jTKEn5u+qKhbwKfBstIs+bMY2Zkp18gnTxK\n-----END RSA PRIVATE KEY-----",
     "</pre>"},
    {"private-key", "{\"key\":\"",
     "-----BEGIN OPENSSH PRIVATE "
     "KEY-----\\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW\\n-----END "
     "OPENSSH PRIVATE KEY-----",
     "\"}"},
    {"private-key", "",
     "-----BEGIN ENCRYPTED PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: "
     "AES-128-CBC,0123456789ABCDEF\n\nMIIFHzBJBgkqhkiG9w0BBQ0wPDAbBgkqhkiG9w0BBQwwDgQI",
     ""},
    {"jwt", "Authorization: Bearer ",
     "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4ifQ."
     "SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c",
     "\n"},
    {"password-assignment", "DB_PASSWORD=", "s3cr3t-Passw0rd!", "\n"},
    {"password-assignment", "{\"password\": \"", "hunter2hunter2", "\"}"},
    {"password-assignment", "spring.datasource.password: ", "Tr0ub4dor&3", "\n"},
    {"password-assignment", "Server=db;Database=app;User Id=sa;Pwd=", "P@55w0rd", ";"},
    {"db-connection-password", "DATABASE_URL=postgres://app:", "Kq8vZ2mW9xL4",
     "@db.internal:5432/app"},
    {"db-connection-password", "mongodb+srv://admin:", "m0ng0Pass!", "@cluster0.mongodb.net/test"},
    {"url-credentials", "<a href=\"https://deploy:", "9fT2kLm4Qx", "@git.example.org/repo.git\">"},
    {"credit-card-number", "card: ", "4111 1111 1111 1111", "."},
    {"credit-card-number", "<td>", "5555555555554444", "</td>"},
    {"credit-card-number", "amex ", "3782-822463-10005", ""},
    {"iban", "IBAN: ", "DE89 3704 0044 0532 0130 00", "<br>"},
    {"iban", "iban=", "GB82WEST12345698765432", "&"},
    {"us-ssn", "SSN: ", "536-22-8421", "\n"},
};

static void test_positives(void **state)
{
    for (size_t i = 0; i < sizeof positives / sizeof positives[0]; i++) {
        const positive *p = &positives[i];
        char body[1024];
        snprintf(body, sizeof body, "<html><body>%s%s%s</body></html>", p->before, p->value,
                 p->after);
        xs_http_result *r = html_result(NULL, body);
        xs_finding_list l = {0};
        assert_true(xs_findings_scan(db, r, &l) >= 0);
        const xs_finding *f = find_id(&l, p->id);
        if (!f)
            fail_msg("rule %s missed case %zu", p->id, i);
        assert_string_equal(f->where, "body");
        assert_int_equal(f->offset, strlen("<html><body>") + strlen(p->before));
        if (f->length != strlen(p->value))
            fail_msg("rule %s case %zu: length %zu, want %zu", p->id, i, f->length,
                     strlen(p->value));
        char want[17];
        sha16(p->value, strlen(p->value), want);
        assert_string_equal(f->fingerprint, want);
        assert_true(f->redact);
        assert_int_equal(f->count, 1);
        xs_finding_list_free(&l);
        xs_http_result_free(r);
    }
}

/* ---- near misses: none of these may produce the named rule ---- */

typedef struct {
    const char *id;
    const char *text;
} negative;

static const negative negatives[] = {
    {"aws-access-key-id", "AKIAIOSFODNN7EXAMPLE"},  /* AWS's doc key */
    {"aws-access-key-id", "AKIAQWERTYUIOPASDFG"},   /* 15 after prefix */
    {"aws-access-key-id", "XAKIAQWERTYUIOPASDFGH"}, /* glued to a word */
    {"aws-access-key-id", "AKIAQWERTYUIOPASDFGHJ"}, /* too long */
    {"aws-secret-access-key",
     "aws_secret_access_key = da39a3ee5e6b4b0d3255bfef95601890afd80709"}, /* SHA-1 hex */
    {"aws-secret-access-key", "aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"},
    {"aws-credential-pair", "AKIAQWERTYUIOPASDFGH commit da39a3ee5e6b4b0d3255bfef95601890afd80709"},
    {"google-api-key", "AIzaSyA1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6"}, /* 34 after prefix */
    {"github-token", "ghp_0123456789abcdefABCDEF0123456789abc"},  /* 35 */
    {"github-token", "ghx_0123456789abcdefABCDEF0123456789abcd"}, /* unknown type */
    {"gitlab-token", "glpat-short123"},
    {"slack-token", "xoxb-notatoken"},
    {"stripe-secret-key", "pk_live_4eC39HqLyjWDarjtT1zdp7dc"}, /* publishable */
    {"stripe-secret-key", "sk_test_4eC39HqLyjWDarjtT1zdp7dc"}, /* test mode */
    {"private-key", "-----BEGIN PUBLIC "
                    "KEY-----\nMIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAu1SU1LfVLPHCozMxH2Mo\n--"
                    "---END PUBLIC KEY-----"},
    {"private-key",
     "-----BEGIN "
     "CERTIFICATE-----\nMIIDdzCCAl+gAwIBAgIEAgAAuTANBgkqhkiG9w0BAQUFADBaMQswCQYDVQQGEwJJ\n-----END "
     "CERTIFICATE-----"},
    {"private-key",
     "Paste the file that starts with -----BEGIN RSA PRIVATE KEY----- into the box."},
    {"jwt", "eyJub3RhIjoiand0In0.eyJzdWIiOiIxMjM0NTY3ODkwIn0.abc"}, /* header has no alg */
    {"jwt", "eyJhbGciOiJIUzI1NiJ9"},                                /* one segment */
    {"password-assignment", "password="},
    {"password-assignment", "password: ********"},
    {"password-assignment", "password=${DB_PASSWORD}"},
    {"password-assignment", "password: {{ vault_password }}"},
    {"password-assignment", "<label>Password: Enter your password</label>"},
    {"password-assignment", "<input type=\"password\" name=\"password\" value=\"\">"},
    {"password-assignment", "var o={password:e.password,username:t}"},
    {"password-assignment", ".password:nth-child(2){color:red}"},
    {"password-assignment", "password: null"},
    {"password-assignment", "compass=12345678"},
    {"db-connection-password", "postgres://app@db.internal:5432/app"}, /* no password */
    {"db-connection-password", "postgres://app:${PGPASSWORD}@db/app"},
    {"db-connection-password", "mysql://user:password@localhost/db"}, /* placeholder */
    {"url-credentials", "https://example.org:8443/path"},
    {"url-credentials", "https://user@example.org/"},
    {"url-credentials", "https://user:@example.org/"},
    {"credit-card-number", "4111 1111 1111 1112"},     /* Luhn */
    {"credit-card-number", "4111 1111-1111 1111"},     /* mixed seps */
    {"credit-card-number", "4444444444444444"},        /* all same */
    {"credit-card-number", "order 41111111111111115"}, /* 17 digits Visa */
    {"credit-card-number", "version 4.1111111111111111"},
    {"credit-card-number", "ts=1700000000000"},
    {"iban", "DE89 3704 0044 0532 0130 01"}, /* mod-97 */
    {"iban", "ZZ89370400440532013000"},      /* no such country */
    {"iban", "DE8937040044053201300"},       /* length */
    {"us-ssn", "000-12-3456"},
    {"us-ssn", "666-12-3456"},
    {"us-ssn", "912-12-3456"},
    {"us-ssn", "536-00-8421"},
    {"us-ssn", "536-22-0000"},
    {"us-ssn", "078-05-1120"}, /* Woolworth card */
    {"us-ssn", "536228421"},   /* undashed */
    {"us-ssn", "2024-12-3456"},
    {"email-address", "<img src=\"logo@2x.png\">"},
};

static void test_negatives(void **state)
{
    for (size_t i = 0; i < sizeof negatives / sizeof negatives[0]; i++) {
        xs_http_result *r = html_result(NULL, negatives[i].text);
        xs_finding_list l = {0};
        assert_true(xs_findings_scan(db, r, &l) >= 0);
        if (find_id(&l, negatives[i].id))
            fail_msg("rule %s fired on near miss %zu: %s", negatives[i].id, i, negatives[i].text);
        xs_finding_list_free(&l);
        xs_http_result_free(r);
    }
}

static void test_email_count_only(void **state)
{
    xs_http_result *r =
        html_result(NULL, "<p>a@example.com, b.c@mail.example.org; x+y@sub.example.net</p>");
    xs_finding_list l = {0};
    assert_int_equal(xs_findings_scan(db, r, &l), 1);
    assert_string_equal(l.v[0].id, "email-address");
    assert_int_equal(l.v[0].category, XS_FINDING_DATA);
    assert_int_equal(l.v[0].count, 3);
    assert_string_equal(l.v[0].fingerprint, "");
    assert_false(l.v[0].redact);
    xs_findings_redact(r, &l);
    assert_non_null(strstr((char *)r->body, "a@example.com")); /* data, not redacted */
    xs_finding_list_free(&l);
    xs_http_result_free(r);
}

/* ---- redaction ---- */

static bool holds(const char *field, size_t n, const char *needle)
{
    return field && memmem(field, n, needle, strlen(needle)) != NULL;
}

/* Fails when the secret (or, for long ones, any 12-byte piece of it) is in a string field. */
static void assert_no_trace(const xs_http_result *r, const char *secret)
{
    size_t sn = strlen(secret);
    size_t piece = sn > 12 ? 12 : sn;
    for (size_t off = 0; off + piece <= sn; off++) {
        char needle[16];
        memcpy(needle, secret + off, piece);
        needle[piece] = '\0';
        if (holds((const char *)r->body, r->body_len, needle))
            fail_msg("body holds %s", needle);
        if (holds(r->body_preview, r->body_preview_len, needle))
            fail_msg("preview holds %s", needle);
        if (r->title && strstr(r->title, needle))
            fail_msg("title holds %s", needle);
        if (r->status_line && strstr(r->status_line, needle))
            fail_msg("status line holds %s", needle);
        if (holds(r->raw_headers, r->raw_headers_len, needle))
            fail_msg("raw headers hold %s", needle);
        for (size_t i = 0; i < r->n_headers; i++)
            if (strstr(r->headers[i].value, needle))
                fail_msg("header %s holds %s", r->headers[i].name, needle);
        if (r->location && strstr(r->location, needle))
            fail_msg("location holds %s", needle);
        if (r->server && strstr(r->server, needle))
            fail_msg("server holds %s", needle);
        for (size_t i = 0; i < r->n_set_cookies; i++)
            if (strstr(r->set_cookies[i], needle))
                fail_msg("cookie holds %s", needle);
    }
}

static const char *const jwt_value =
    "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4ifQ."
    "SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c";

static void test_redaction_everywhere(void **state)
{
    char raw[8192];
    int n =
        snprintf(raw, sizeof raw,
                 "HTTP/1.1 302 Found ghp_0123456789abcdefABCDEF0123456789abcd\r\n"
                 "Server: nginx\r\n"
                 "Location: https://deploy:9fT2kLm4Qx@git.example.org/\r\n"
                 "Set-Cookie: session=%s; Path=/; HttpOnly\r\n"
                 "X-Debug-Token: AKIAQWERTYUIOPASDFGH\r\n"
                 "Content-Type: text/html\r\n\r\n"
                 "<html><head><title>key sk_live_4eC39HqLyjWDarjtT1zdp7dc</title></head><body>\n"
                 "AWS_SECRET_ACCESS_KEY=Zk3r9Qv2LmN8pX4tYb6W1cH7dJ0sFgAeRuIo5Tq2\n"
                 "token=%s\ncard 4111 1111 1111 1111 ssn 536-22-8421 iban DE89370400440532013000\n"
                 "again: AKIAQWERTYUIOPASDFGH and 9fT2kLm4Qx\n</body></html>",
                 jwt_value, jwt_value);
    xs_http_result *r = parse_response(raw, (size_t)n);
    assert_non_null(r->location);
    assert_non_null(r->title);
    size_t body_len = r->body_len, preview_len = r->body_preview_len, title_len = strlen(r->title);
    size_t raw_len = r->raw_headers_len;
    xs_finding_list l = {0};
    assert_true(xs_findings_scan(db, r, &l) > 0);
    const char *where_expected[] = {"status_line",          "header:Location", "header:Set-Cookie",
                                    "header:X-Debug-Token", "title",           "body"};
    for (size_t i = 0; i < sizeof where_expected / sizeof where_expected[0]; i++) {
        bool seen = false;
        for (size_t k = 0; k < l.n; k++)
            seen |= strcmp(l.v[k].where, where_expected[i]) == 0;
        if (!seen)
            fail_msg("no finding in %s", where_expected[i]);
    }
    xs_findings_redact(r, &l);
    static const char *const secrets[] = {
        "ghp_0123456789abcdefABCDEF0123456789abcd",
        "9fT2kLm4Qx",
        "AKIAQWERTYUIOPASDFGH",
        "sk_live_4eC39HqLyjWDarjtT1zdp7dc",
        "Zk3r9Qv2LmN8pX4tYb6W1cH7dJ0sFgAeRuIo5Tq2",
        "4111 1111 1111 1111",
        "536-22-8421",
        "DE89370400440532013000",
    };
    for (size_t i = 0; i < sizeof secrets / sizeof secrets[0]; i++)
        assert_no_trace(r, secrets[i]);
    assert_no_trace(r, jwt_value);
    /* Lengths and the surrounding text stay. */
    assert_int_equal(r->body_len, body_len);
    assert_int_equal(r->body_preview_len, preview_len);
    assert_int_equal(strlen(r->title), title_len);
    assert_int_equal(r->raw_headers_len, raw_len);
    assert_int_equal(r->status_code, 302);
    assert_non_null(strstr(r->title, "key "));
    assert_non_null(strstr(r->set_cookies[0], "; Path=/; HttpOnly"));
    assert_non_null(strstr(r->location, "@git.example.org/"));
    xs_finding_list_free(&l);
    xs_http_result_free(r);
}

/* A secret that straddles the end of the 1000-character preview is cut there: the preview keeps
 * only a prefix, which must go too. */
static void test_redaction_preview_boundary(void **state)
{
    char body[2048];
    const char *secret = "ghp_0123456789abcdefABCDEF0123456789abcd";
    memset(body, 'a', sizeof body);
    memcpy(body + 990, " ", 1);
    memcpy(body + 991, secret, strlen(secret));
    body[991 + strlen(secret)] = ' ';
    body[1500] = '\0';
    xs_http_result *r = html_result(NULL, body);
    assert_int_equal(r->body_preview_len, 1000);
    xs_finding_list l = {0};
    assert_true(xs_findings_scan(db, r, &l) >= 1);
    xs_findings_redact(r, &l);
    assert_no_trace(r, secret);
    assert_null(memmem(r->body_preview, r->body_preview_len, "ghp_0", 5));
    xs_finding_list_free(&l);
    xs_http_result_free(r);
}

/* The raw header block alone shows headers past XS_HTTP_MAX_HEADERS: it is scanned too. */
static void test_raw_headers_only(void **state)
{
    char raw[16384];
    size_t n = (size_t)snprintf(raw, sizeof raw, "HTTP/1.1 200 OK\r\n");
    for (unsigned i = 0; i < XS_HTTP_MAX_HEADERS + 5; i++)
        n += (size_t)snprintf(raw + n, sizeof raw - n, "X-H%u: v\r\n", i);
    n += (size_t)snprintf(raw + n, sizeof raw - n,
                          "X-Late: glpat-x1Y2z3W4v5U6t7S8r9Q0\r\nContent-Length: 0\r\n\r\n");
    xs_http_result *r = parse_response(raw, n);
    xs_finding_list l = {0};
    assert_true(xs_findings_scan(db, r, &l) >= 1);
    const xs_finding *f = find_id(&l, "gitlab-token");
    assert_non_null(f);
    bool in_header = false;
    for (size_t i = 0; i < l.n; i++)
        in_header |= strcmp(l.v[i].id, "gitlab-token") == 0 && l.v[i].header_index >= 0;
    if (!in_header)
        assert_string_equal(f->where, "raw_headers");
    xs_findings_redact(r, &l);
    assert_no_trace(r, "glpat-x1Y2z3W4v5U6t7S8r9Q0");
    xs_finding_list_free(&l);
    xs_http_result_free(r);
}

/* A header secret is reported once per header, not again for the raw block that repeats it. */
static void test_no_raw_duplicates(void **state)
{
    xs_http_result *r = html_result("X-Key: AKIAQWERTYUIOPASDFGH\r\n", "ok");
    xs_finding_list l = {0};
    assert_int_equal(xs_findings_scan(db, r, &l), 1);
    assert_string_equal(l.v[0].where, "header:X-Key");
    assert_int_equal(l.v[0].header_index, 1);
    xs_finding_list_free(&l);
    xs_http_result_free(r);
}

static void test_overflow_blanks(void **state)
{
    xs_http_result *r =
        html_result("X-Key: AKIAQWERTYUIOPASDFGH\r\n", "<title>t</title>secret words");
    xs_finding_list l = {.overflow = true};
    xs_findings_redact(r, &l);
    for (size_t i = 0; i < r->body_len; i++)
        assert_int_equal(r->body[i], '*');
    assert_no_trace(r, "AKIAQWERTYUIOPASDFGH");
    assert_int_equal(strncmp(r->status_line, "HTTP/1.1 200 ", 13), 0);
    xs_http_result_free(r);
}

static void test_clean_page(void **state)
{
    xs_http_result *r = html_result(
        "Server: nginx/1.24.0\r\n",
        "<!DOCTYPE html><html><head><title>Welcome to nginx!</title></head><body><h1>Welcome to "
        "nginx!</h1>"
        "<p>If you see this page, the nginx web server is successfully installed and working.</p>"
        "<script>var "
        "cfg={password:e.password,token:t.token,id:1700000000000};</script></body></html>");
    xs_finding_list l = {0};
    assert_int_equal(xs_findings_scan(db, r, &l), 0);
    xs_finding_list_free(&l);
    xs_http_result_free(r);
}

/* A big key forces long repetitions: the JIT stack must not make it miss. */
static void test_large_private_key(void **state)
{
    size_t n = 60000;
    char *body = malloc(n + 200);
    size_t k = (size_t)sprintf(body, "-----BEGIN PRIVATE KEY-----\n");
    while (k < n) {
        memcpy(body + k, "MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7VJTUt9Us8cKj\n", 65);
        k += 65;
    }
    k += (size_t)sprintf(body + k, "-----END PRIVATE KEY-----\ntrailer");
    xs_http_result *r = html_result(NULL, body);
    xs_finding_list l = {0};
    int added = xs_findings_scan(db, r, &l);
    if (added < 1)
        fail_msg("scan gave %d, regex errors %u, body %zu", added, l.regex_errors, r->body_len);
    const xs_finding *f = find_id(&l, "private-key");
    assert_non_null(f);
    assert_int_equal(f->offset, 0);
    assert_int_equal(f->length, k - strlen("\ntrailer"));
    assert_int_equal(l.regex_errors, 0);
    xs_findings_redact(r, &l);
    assert_no_trace(r, "MIIEvQIBADANBgkq");
    assert_non_null(strstr((char *)r->body, "trailer"));
    xs_finding_list_free(&l);
    xs_http_result_free(r);
    free(body);
}

/* ---- loader ---- */

static void expect_error(const char *text, const char *want)
{
    char err[256] = "";
    xs_findings_db *d = xs_findings_load_buffer(text, strlen(text), "t.rules", err, sizeof err);
    if (d) {
        xs_findings_free(d);
        fail_msg("loaded: %s", text);
    }
    if (!strstr(err, want))
        fail_msg("error \"%s\" lacks \"%s\"", err, want);
}

static void test_loader_errors(void **state)
{
    expect_error("", "t.rules: no rules");
    expect_error("# only a comment\n", "no rules");
    expect_error("\nx secret high -\n", "t.rules:2: want ID CATEGORY SEVERITY OPTIONS PATTERN");
    expect_error("x public high - a\n", "t.rules:1: category must be secret or data");
    expect_error("x secret severe - a\n", "t.rules:1: unknown severity");
    expect_error("X secret high - a\n", "t.rules:1: bad rule id");
    expect_error("x secret high frob a\n", "t.rules:1: unknown option");
    expect_error("x secret high check=md5 a\n", "t.rules:1: unknown check=");
    expect_error("x secret high pre=a||b a\n", "t.rules:1: bad pre=");
    expect_error("x secret high group=2 (a)\n", "t.rules:1: group=2 but the pattern has 1");
    expect_error("x secret high - a(b\n", "t.rules:1: pattern error at offset");
    expect_error("x data info count,redact a\n", "t.rules:1: count and redact");
    expect_error("x secret high - a\nx data info - b\n", "t.rules:2: duplicate rule id");
    char err[256];
    assert_null(xs_findings_load_buffer("x secret high - a\0b\n", 20, "t.rules", err, sizeof err));
    assert_non_null(strstr(err, "t.rules:1: NUL byte"));
    assert_null(xs_findings_load("/nonexistent/rules.txt", err, sizeof err));
    assert_non_null(strstr(err, "/nonexistent/rules.txt: "));
}

static void test_loader_options(void **state)
{
    const char *text = "  # comment\n"
                       "x-1 secret low pre=FOO|bar,icase,group=1 key#(\\d+)   \n"
                       "y_2 data medium redact,check=luhn \\d{16}\n";
    char err[256] = "";
    xs_findings_db *d = xs_findings_load_buffer(text, strlen(text), "t", err, sizeof err);
    assert_non_null(d);
    assert_int_equal(xs_findings_rule_count(d), 2);
    xs_http_result *r = html_result(NULL, "xx foo KEY#1234 yy");
    xs_finding_list l = {0};
    assert_int_equal(xs_findings_scan(d, r, &l), 1);
    assert_string_equal(l.v[0].id, "x-1");
    assert_int_equal(l.v[0].severity, XS_SEV_LOW);
    assert_int_equal(l.v[0].length, 4);
    xs_finding_list_free(&l);
    xs_http_result_free(r);
    xs_findings_free(d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_positives),
        cmocka_unit_test(test_negatives),
        cmocka_unit_test(test_email_count_only),
        cmocka_unit_test(test_redaction_everywhere),
        cmocka_unit_test(test_redaction_preview_boundary),
        cmocka_unit_test(test_raw_headers_only),
        cmocka_unit_test(test_no_raw_duplicates),
        cmocka_unit_test(test_overflow_blanks),
        cmocka_unit_test(test_clean_page),
        cmocka_unit_test(test_large_private_key),
        cmocka_unit_test(test_loader_errors),
        cmocka_unit_test(test_loader_options),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
