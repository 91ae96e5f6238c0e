/* Severity policies: every row of the seed's permissive and moderate tables (both columns), strict,
 * the seed's worked example, the fallbacks, and the loader's error messages. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>
#include "xsweep/severity.h"

#define C   XS_SEV_CRITICAL
#define H   XS_SEV_HIGH
#define M   XS_SEV_MEDIUM
#define L   XS_SEV_LOW
#define ANY -1

typedef struct {
    int code; /* HTTP code */
    int auth; /* xs_auth_class, ANY = check all three */
    xs_severity bucket, other;
} row;

/* Seed, Permissive, HTTP table, in the seed's order. A class row is tested with a code that no more
 * specific row covers. */
static const row permissive_rows[] = {
    {102, ANY, M, M}, /* 1XX */
    {101, ANY, C, C},
    {200, XS_AUTHCLASS_NONE, C, C}, /* 2XX Not detected */
    {204, XS_AUTHCLASS_WEAK, H, H}, /* 2XX Digest/NTLM/Basic */
    {200, XS_AUTHCLASS_SSO, M, M},
    {302, ANY, M, M}, /* 3XX */
    {418, ANY, M, H}, /* 4XX */
    {400, ANY, M, H},
    {401, XS_AUTHCLASS_WEAK, M, M},
    {401, XS_AUTHCLASS_NONE, M, M},
    {401, XS_AUTHCLASS_SSO, M, M},
    {404, ANY, H, H},
    {403, ANY, M, M},
    {407, ANY, M, M},
    {423, ANY, M, M},
    {498, ANY, M, M},
    {503, ANY, M, M}, /* 5XX */
    {500, ANY, H, H},
};

/* Seed, Moderate, HTTP table. It has no 407/423/498/500 rows: the class rows apply. */
static const row moderate_rows[] = {
    {100, ANY, H, H}, /* 1XX */
    {101, ANY, C, C},
    {200, XS_AUTHCLASS_NONE, C, C},
    {201, XS_AUTHCLASS_WEAK, H, H},
    {200, XS_AUTHCLASS_SSO, M, M},
    {301, ANY, H, H}, /* 3XX */
    {429, ANY, M, H}, /* 4XX */
    {400, ANY, H, H},
    {401, XS_AUTHCLASS_WEAK, H, H},
    {401, XS_AUTHCLASS_NONE, C, C},
    {401, XS_AUTHCLASS_SSO, M, M},
    {404, ANY, H, H},
    {403, ANY, M, H},
    {502, ANY, H, H}, /* 5XX */
    /* no row in the seed: class rows */
    {407, ANY, M, H},
    {423, ANY, M, H},
    {498, ANY, M, H},
    {500, ANY, H, H},
};

static xs_policy *load(const char *name)
{
    char err[256] = "";
    xs_policy *p = xs_policy_load(name, err, sizeof err);
    if (!p)
        fail_msg("loading %s: %s", name, err);
    return p;
}

static xs_severity eval_http(const xs_policy *p, int code, xs_auth_class auth, bool bucket)
{
    xs_severity_input in = {.status = XS_STATUS_OPEN,
                            .is_http = true,
                            .http_code = code,
                            .auth = auth,
                            .is_bucket = bucket};
    const char *reason = NULL;
    xs_severity s = xs_policy_evaluate(p, &in, &reason);
    assert_non_null(reason);
    return s;
}

static void check_rows(const char *policy, const row *rows, size_t n)
{
    xs_policy *p = load(policy);
    for (size_t i = 0; i < n; i++) {
        for (int a = XS_AUTHCLASS_NONE; a <= XS_AUTHCLASS_SSO; a++) {
            if (rows[i].auth != ANY && rows[i].auth != a)
                continue;
            xs_severity b = eval_http(p, rows[i].code, (xs_auth_class)a, true);
            xs_severity o = eval_http(p, rows[i].code, (xs_auth_class)a, false);
            if (b != rows[i].bucket || o != rows[i].other)
                fail_msg("%s: code %d auth %d: got bucket=%s other=%s, want %s/%s", policy,
                         rows[i].code, a, xs_severity_name(b), xs_severity_name(o),
                         xs_severity_name(rows[i].bucket), xs_severity_name(rows[i].other));
        }
    }
    xs_policy_free(p);
}

static void test_permissive_table(void **state)
{
    (void)state;
    check_rows("permissive", permissive_rows, sizeof permissive_rows / sizeof *permissive_rows);
}

static void test_moderate_table(void **state)
{
    (void)state;
    check_rows("moderate", moderate_rows, sizeof moderate_rows / sizeof *moderate_rows);
}

static xs_severity eval_status(const xs_policy *p, xs_status st, bool bucket)
{
    xs_severity_input in = {.status = st, .is_bucket = bucket};
    return xs_policy_evaluate(p, &in, NULL);
}

/* Non-HTTP table: handshake successful -> critical, unsuccessful -> low (permissive and moderate). */
static void test_nonhttp_rows(void **state)
{
    (void)state;
    const char *names[] = {"permissive", "moderate"};
    for (int i = 0; i < 2; i++) {
        xs_policy *p = load(names[i]);
        for (int b = 0; b < 2; b++) {
            assert_int_equal(eval_status(p, XS_STATUS_OPEN, b), XS_SEV_CRITICAL);
            assert_int_equal(eval_status(p, XS_STATUS_CLOSED, b), XS_SEV_LOW);
        }
        xs_policy_free(p);
    }
}

static void test_strict_everything_critical(void **state)
{
    (void)state;
    xs_policy *p = load("strict");
    assert_string_equal(xs_policy_name(p), "strict");
    for (int code = 100; code <= 599; code++)
        for (int a = XS_AUTHCLASS_NONE; a <= XS_AUTHCLASS_SSO; a++)
            for (int b = 0; b < 2; b++)
                assert_int_equal(eval_http(p, code, (xs_auth_class)a, b), XS_SEV_CRITICAL);
    for (int st = XS_STATUS_OPEN; st <= XS_STATUS_FAILED; st++)
        assert_int_equal(eval_status(p, (xs_status)st, false), XS_SEV_CRITICAL);
    xs_policy_free(p);
}

/* Seed: a web server exposed with basic auth is medium / high / critical. */
static void test_seed_worked_example(void **state)
{
    (void)state;
    const char *names[] = {"permissive", "moderate", "strict"};
    const xs_severity want[] = {XS_SEV_MEDIUM, XS_SEV_HIGH, XS_SEV_CRITICAL};
    for (int i = 0; i < 3; i++) {
        xs_policy *p = load(names[i]);
        assert_int_equal(eval_http(p, 401, XS_AUTHCLASS_WEAK, false), want[i]);
        xs_policy_free(p);
    }
}

static void test_not_scanned_is_critical(void **state)
{
    (void)state;
    const char *names[] = {"permissive", "moderate", "strict"};
    const xs_status st[] = {XS_STATUS_EXCLUDED, XS_STATUS_UNSUPPORTED, XS_STATUS_FAILED};
    for (int i = 0; i < 3; i++) {
        xs_policy *p = load(names[i]);
        for (int s = 0; s < 3; s++) {
            const char *reason = NULL;
            xs_severity_input in = {.status = st[s]};
            assert_int_equal(xs_policy_evaluate(p, &in, &reason), XS_SEV_CRITICAL);
            assert_non_null(strstr(reason, "not scanned"));
        }
        xs_policy_free(p);
    }
}

/* Open port without an HTTP status (client error, timeout) or with a code outside 100-599. */
static void test_no_http_status_falls_back_to_nonhttp(void **state)
{
    (void)state;
    xs_policy *p = load("permissive");
    xs_severity_input in = {.status = XS_STATUS_OPEN, .is_http = false, .http_code = 404};
    const char *reason = NULL;
    assert_int_equal(xs_policy_evaluate(p, &in, &reason), XS_SEV_CRITICAL);
    assert_string_equal(reason, "TCP handshake succeeded");
    in.is_http = true;
    in.http_code = 999;
    assert_int_equal(xs_policy_evaluate(p, &in, NULL), XS_SEV_CRITICAL);
    /* A closed HTTP port is a failed handshake whatever the other fields say. */
    in.status = XS_STATUS_CLOSED;
    in.http_code = 200;
    assert_int_equal(xs_policy_evaluate(p, &in, NULL), XS_SEV_LOW);
    xs_policy_free(p);
}

static void test_specificity_and_reason(void **state)
{
    (void)state;
    const char text[] = "nonhttp success - critical critical ok\n"
                        "nonhttp fail - low low\n"
                        "http - - info info \"any\"   # comment\n"
                        "http 4xx - medium high \"class # not a comment\"\n"
                        "http 401 - high high \"exact any-auth\"\n"
                        "http 401 sso low low exact sso\n";
    char err[256] = "";
    xs_policy *p = xs_policy_load_buffer(text, sizeof text - 1, "t.policy", err, sizeof err);
    assert_non_null(p);
    const char *reason;
    xs_severity_input in = {
        .status = XS_STATUS_OPEN, .is_http = true, .http_code = 401, .auth = XS_AUTHCLASS_SSO};
    assert_int_equal(xs_policy_evaluate(p, &in, &reason), XS_SEV_LOW);
    assert_string_equal(reason, "exact sso");
    in.auth = XS_AUTHCLASS_WEAK;
    assert_int_equal(xs_policy_evaluate(p, &in, &reason), XS_SEV_HIGH);
    assert_string_equal(reason, "exact any-auth");
    in.http_code = 403;
    assert_int_equal(xs_policy_evaluate(p, &in, &reason), XS_SEV_HIGH);
    assert_string_equal(reason, "class # not a comment");
    in.is_bucket = true;
    assert_int_equal(xs_policy_evaluate(p, &in, NULL), XS_SEV_MEDIUM);
    in.http_code = 200;
    assert_int_equal(xs_policy_evaluate(p, &in, &reason), XS_SEV_INFO);
    assert_string_equal(reason, "any");
    assert_string_equal(xs_policy_name(p), "t");
    xs_policy_free(p);
}

static void expect_error(const char *text, const char *want)
{
    char err[256] = "";
    xs_policy *p = xs_policy_load_buffer(text, strlen(text), "bad.policy", err, sizeof err);
    if (p)
        fail_msg("loaded bad policy, want error %s", want);
    if (!strstr(err, want))
        fail_msg("error '%s' does not contain '%s'", err, want);
}

static void test_errors(void **state)
{
    (void)state;
    const char *ok = "nonhttp success - critical critical\nnonhttp fail - low low\n";
    char buf[512];
    expect_error("nonhttp success - critical critical\n", "missing the 'nonhttp fail' rule");
    snprintf(buf, sizeof buf, "%s\nhttp 4xx - medium\n", ok);
    expect_error(buf, "bad.policy:4: expected");
    snprintf(buf, sizeof buf, "%shttp 6xx - low low\n", ok);
    expect_error(buf, "bad.policy:3: bad status '6xx'");
    snprintf(buf, sizeof buf, "%shttp 40 - low low\n", ok);
    expect_error(buf, "bad.policy:3: bad status");
    snprintf(buf, sizeof buf, "%shttp 401 basic low low\n", ok);
    expect_error(buf, "bad.policy:3: bad auth 'basic'");
    snprintf(buf, sizeof buf, "%shttp 401 - low severe\n", ok);
    expect_error(buf, "bad.policy:3: bad severity 'severe'");
    snprintf(buf, sizeof buf, "%shttp 4XX - low low\nhttp 4xx - high high\n", ok);
    expect_error(buf, "bad.policy:4: duplicate of the rule on line 3");
    snprintf(buf, sizeof buf, "%stcp 401 - low low\n", ok);
    expect_error(buf, "bad.policy:3: bad kind 'tcp'");
    expect_error("nonhttp success weak low low\n", "bad.policy:1: nonhttp rules take auth '-'");
    expect_error("nonhttp maybe - low low\n", "bad.policy:1: bad nonhttp status");

    char err[256] = "";
    assert_null(xs_policy_load("no-such-policy", err, sizeof err));
    assert_non_null(strstr(err, "no-such-policy.policy"));
    assert_null(xs_policy_load("/nonexistent/x.policy", err, sizeof err));
    assert_non_null(strstr(err, "/nonexistent/x.policy"));
}

/* $XSWEEP_DATADIR overrides the compiled-in data directory for bare names. */
static void test_datadir_env(void **state)
{
    (void)state;
    char dir[] = "/tmp/xs-sev-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char sub[256], file[300];
    snprintf(sub, sizeof sub, "%s/policies", dir);
    assert_int_equal(mkdir(sub, 0700), 0);
    snprintf(file, sizeof file, "%s/custom.policy", sub);
    FILE *f = fopen(file, "w");
    assert_non_null(f);
    fputs("nonhttp success - info info\nnonhttp fail - info info\n", f);
    fclose(f);
    setenv("XSWEEP_DATADIR", dir, 1);
    char err[256] = "";
    xs_policy *p = xs_policy_load("custom", err, sizeof err);
    unsetenv("XSWEEP_DATADIR");
    remove(file);
    rmdir(sub);
    rmdir(dir);
    assert_non_null(p);
    xs_severity_input in = {.status = XS_STATUS_OPEN};
    assert_int_equal(xs_policy_evaluate(p, &in, NULL), XS_SEV_INFO);
    xs_policy_free(p);
}

/* "finding ID" rows regrade an open endpoint by what it carries; the most severe row wins. */
static void test_finding_rows(void **state)
{
    (void)state;
    static const char text[] =
        "nonhttp success - critical critical \"TCP handshake succeeded\"\n"
        "nonhttp fail    - low      low      \"TCP handshake unsuccessful\"\n"
        "finding redis-auth-required medium medium \"Redis that requires auth\"\n"
        "finding ftp-anonymous-login high   high   \"anonymous FTP\"\n";
    char err[256];
    xs_policy *p = xs_policy_load_buffer(text, sizeof text - 1, "f.policy", err, sizeof err);
    assert_non_null(p);
    const char *why = NULL;
    xs_severity_input in = {.status = XS_STATUS_OPEN};
    assert_int_equal(xs_policy_evaluate(p, &in, &why), XS_SEV_CRITICAL);
    in.finding_ids[0] = "redis-auth-required";
    in.n_finding_ids = 1;
    assert_int_equal(xs_policy_evaluate(p, &in, &why), XS_SEV_MEDIUM);
    assert_string_equal(why, "Redis that requires auth");
    in.finding_ids[1] = "ftp-anonymous-login";
    in.n_finding_ids = 2;
    assert_int_equal(xs_policy_evaluate(p, &in, &why), XS_SEV_HIGH);
    in.finding_ids[0] = "something-else";
    in.finding_ids[1] = NULL;
    assert_int_equal(xs_policy_evaluate(p, &in, &why), XS_SEV_CRITICAL);
    in.status = XS_STATUS_CLOSED; /* a closed port carries no finding row */
    in.finding_ids[0] = "redis-auth-required";
    assert_int_equal(xs_policy_evaluate(p, &in, &why), XS_SEV_LOW);
    xs_policy_free(p);
    char bad[] = "nonhttp success - critical critical\nnonhttp fail - low low\nfinding x medium\n";
    assert_null(xs_policy_load_buffer(bad, sizeof bad - 1, "b.policy", err, sizeof err));
    assert_non_null(strstr(err, "finding ID bucket other"));
}

static void test_names(void **state)
{
    (void)state;
    for (int s = XS_SEV_INFO; s <= XS_SEV_CRITICAL; s++)
        assert_int_equal(xs_severity_parse(xs_severity_name((xs_severity)s)), s);
    assert_int_equal(xs_severity_parse("Critical"), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_permissive_table),
        cmocka_unit_test(test_finding_rows),
        cmocka_unit_test(test_moderate_table),
        cmocka_unit_test(test_nonhttp_rows),
        cmocka_unit_test(test_strict_everything_critical),
        cmocka_unit_test(test_seed_worked_example),
        cmocka_unit_test(test_not_scanned_is_critical),
        cmocka_unit_test(test_no_http_status_falls_back_to_nonhttp),
        cmocka_unit_test(test_specificity_and_reason),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_datadir_env),
        cmocka_unit_test(test_names),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
