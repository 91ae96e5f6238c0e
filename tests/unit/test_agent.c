/* The agent's two gates: what leaves (findings normalization) and what it accepts (jobs). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "xsweep/agent.h"

/* A record as -oJ writes it, with secrets planted in every field a server controls. */
static const char RECORD[] =
    "{\"ip\":\"198.19.0.5\",\"port\":443,\"proto\":\"tcp\",\"status\":\"open\",\"ttl\":64,"
    "\"ts\":\"2026-12-01T10:00:00Z\",\"protocol\":\"HTTP/S\",\"severity\":\"high\","
    "\"severity_reason\":\"SECRETREASON\","
    "\"http\":{\"status\":\"HTTP/1.1 200 SECRETSTATUS\",\"status_code\":200,"
    "\"title\":\"SECRETTITLE\",\"body_preview\":\"SECRETBODY\",\"server\":\"nginx SECRETSERVER\","
    "\"path\":\"/"
    "admin?token=SECRETQUERY\",\"headers\":[{\"name\":\"X-SECRETNAME\",\"value\":\"SECRETVALUE\"}]}"
    ","
    "\"tls\":{\"subject\":\"CN=SECRETCN\",\"sans\":[\"SECRETSAN\"]},"
    "\"tech\":[{\"name\":\"nginx\",\"version\":\"1.22 "
    "SECRETVERSION\"},{\"name\":\"PHP\",\"version\":\"8.2.7\"}],"
    "\"probe\":{\"banner\":\"SECRETBANNER\",\"product\":\"Evil product with a long SECRETPRODUCT "
    "name over forty\"},"
    "\"config_issues\":[{\"id\":\"hsts-missing\",\"title\":\"SECRETTITLE2\",\"severity\":\"low\"},"
    "{\"id\":\"Bad Id SECRETID\",\"severity\":\"high\"}],"
    "\"findings\":[{\"id\":\"aws-access-key-id\",\"category\":\"secret\",\"severity\":\"high\","
    "\"where\":\"header:X-SECRETHEADER\",\"fingerprint\":\"SECRETFPR\",\"count\":2},"
    "{\"id\":\"email-address\",\"category\":\"data\",\"severity\":\"low\",\"where\":\"body\","
    "\"count\":3}]}";

static void findings_carry_nothing_from_the_response(void **state)
{
    (void)state;
    json_t *out = json_array();
    assert_int_equal(xs_agent_findings("lab-1", RECORD, out), 4);
    char *s = json_dumps(out, JSON_COMPACT);
    if (strstr(s, "SECRET"))
        fail_msg("leak: %s", s);
    /* product/version: the probe's product is not a token, so the first tech with a clean version */
    json_t *svc = json_array_get(out, 0);
    assert_string_equal(json_string_value(json_object_get(svc, "type")), "exposed-service");
    assert_string_equal(json_string_value(json_object_get(svc, "product")), "PHP");
    assert_string_equal(json_string_value(json_object_get(svc, "version")), "8.2.7");
    assert_string_equal(json_string_value(json_object_get(svc, "path")), "/");
    assert_string_equal(json_string_value(json_object_get(svc, "severity")), "high");
    json_t *aws = json_array_get(out, 2);
    assert_string_equal(json_string_value(json_object_get(aws, "type")),
                        "secret:aws-access-key-id");
    assert_string_equal(json_string_value(json_object_get(aws, "location")), "header");
    assert_string_equal(json_string_value(json_array_get(json_object_get(aws, "cwe"), 0)),
                        "CWE-798");
    assert_null(json_object_get(aws, "fingerprint"));
    free(s);
    json_decref(out);
}

static void ids_are_stable_and_distinct(void **state)
{
    (void)state;
    json_t *a = json_array(), *b = json_array();
    xs_agent_findings("lab-1", RECORD, a);
    xs_agent_findings("lab-1", RECORD, b);
    for (size_t i = 0; i < json_array_size(a); i++) {
        const char *ia = json_string_value(json_object_get(json_array_get(a, i), "id"));
        assert_string_equal(ia, json_string_value(json_object_get(json_array_get(b, i), "id")));
        assert_int_equal(strlen(ia), 32);
        for (size_t k = 0; k < i; k++)
            assert_string_not_equal(ia,
                                    json_string_value(json_object_get(json_array_get(a, k), "id")));
    }
    char x[33], y[33];
    xs_agent_finding_id("lab-1", "198.19.0.5", 443, "/", "exposed-service", x);
    xs_agent_finding_id("lab-1", "198.19.0.5", 444, "/", "exposed-service", y);
    assert_string_not_equal(x, y);
    json_decref(a);
    json_decref(b);
    json_t *c = json_array();
    assert_int_equal(
        xs_agent_findings("lab-1", "{\"ip\":\"198.19.0.5\",\"port\":80,\"status\":\"closed\"}", c),
        0);
    assert_int_equal(xs_agent_findings("lab-1", "not json", c), 0);
    /* IPv6: the endpoint travels in its canonical text form; a bracketed or bad address does not */
    json_t *d = json_array();
    assert_true(xs_agent_findings("lab-1",
                                  "{\"ip\":\"2001:0002:0::05\",\"port\":443,\"status\":\"open\","
                                  "\"protocol\":\"HTTP/S\",\"severity\":\"high\"}",
                                  d) > 0);
    assert_string_equal(json_string_value(json_object_get(json_array_get(d, 0), "ip")),
                        "2001:2::5");
    assert_int_equal(xs_agent_findings("lab-1",
                                       "{\"ip\":\"[2001:2::5]\",\"port\":443,\"status\":\"open\","
                                       "\"severity\":\"high\"}",
                                       d),
                     0);
    assert_int_equal(xs_agent_findings("lab-1",
                                       "{\"ip\":\"2001:2::5::1\",\"port\":443,\"status\":\"open\","
                                       "\"severity\":\"high\"}",
                                       d),
                     0);
    json_decref(d);
    json_decref(c);
}

/* --checks findings: id, type, severity, CWE and remediation go out; the detail, the check's path
 * (it may come from the page) and anything malformed do not. */
static const char CHECKED[] =
    "{\"ip\":\"198.19.0.6\",\"port\":8080,\"status\":\"open\",\"severity\":\"high\","
    "\"http\":{\"status_code\":200,\"path\":\"/\"},"
    "\"checks\":{\"requests\":9,\"capped\":false,\"findings\":["
    "{\"id\":\"env-file-exposed\",\"name\":\"SECRETNAME\",\"type\":\"http\",\"severity\":\"high\","
    "\"cwe\":\"CWE-538\",\"path\":\"/.env\",\"detail\":\"SECRETDETAIL\",\"remediation\":\"Remove "
    ".env.\"},"
    "{\"id\":\"directory-listing\",\"type\":\"http\",\"severity\":\"low\",\"cwe\":\"CWE-548 "
    "SECRETCWE\","
    "\"path\":\"/SECRETDIR/\",\"detail\":\"\",\"remediation\":\"line\\nSECRETLINE\"},"
    "{\"id\":\"xss-reflected\",\"type\":\"payload\",\"severity\":\"high\",\"cwe\":\"CWE-79\","
    "\"path\":\"/search\",\"detail\":\"parameter SECRETPARAM\",\"remediation\":\"Escape output.\"},"
    "{\"id\":\"tls-weak-cipher\",\"type\":\"tls\",\"severity\":\"high\",\"cwe\":\"CWE-327\","
    "\"path\":\"/\",\"detail\":\"RC4-SHA\",\"remediation\":\"Disable RC4.\"},"
    "{\"id\":\"Evil SECRETID\",\"type\":\"http\",\"severity\":\"high\"},"
    "{\"id\":\"odd-kind\",\"type\":\"SECRETKIND\",\"severity\":\"high\"}]}}";

static void check_findings_go_out_without_details(void **state)
{
    (void)state;
    json_t *out = json_array();
    assert_int_equal(xs_agent_findings("lab-1", CHECKED, out), 5); /* the service + 4 checks */
    char *s = json_dumps(out, JSON_COMPACT);
    if (strstr(s, "SECRET") || strstr(s, "RC4-SHA") || strstr(s, "/.env"))
        fail_msg("leak: %s", s);
    static const char *const want[][3] = {{"check:env-file-exposed", "exposure", "CWE-538"},
                                          {"check:directory-listing", "exposure", NULL},
                                          {"check:xss-reflected", "vulnerability", "CWE-79"},
                                          {"check:tls-weak-cipher", "configuration", "CWE-327"}};
    for (size_t i = 0; i < 4; i++) {
        json_t *f = json_array_get(out, i + 1);
        assert_string_equal(json_string_value(json_object_get(f, "type")), want[i][0]);
        assert_string_equal(json_string_value(json_object_get(f, "category")), want[i][1]);
        assert_string_equal(json_string_value(json_object_get(f, "path")), "/");
        json_t *cwe = json_array_get(json_object_get(f, "cwe"), 0);
        if (want[i][2])
            assert_string_equal(json_string_value(cwe), want[i][2]);
        else
            assert_null(cwe);
        assert_non_null(json_string_value(json_object_get(f, "remediation")));
    }
    assert_string_equal(json_string_value(json_object_get(json_array_get(out, 1), "remediation")),
                        "Remove .env.");
    free(s);
    json_decref(out);
}

static void jobs_are_checked_against_the_allow_list(void **state)
{
    (void)state;
    xs_agent_config c = {.max_rate = 1000, .nallow = 2};
    assert_true(xs_agent_range_parse("198.19.0.0/16", &c.allow[0]));
    assert_true(xs_agent_range_parse("2001:2::/48", &c.allow[1]));
    xs_agent_job j;
    char err[256];
    assert_int_equal(
        xs_agent_job_parse(&c,
                           "{\"id\":\"w49\",\"targets\":[\"198.19.0.0/28\",\"198.19.1.7\"],"
                           "\"ports\":\"80,443\",\"rate\":500,\"policy\":\"strict\","
                           "\"schedule\":{\"not_before\":\"2026-12-06T03:00:00Z\"}}",
                           &j, err, sizeof err),
        0);
    assert_int_equal(j.ntargets, 2);
    assert_int_equal(j.not_before, 1796526000);
    xs_agent_job_free(&j);
    /* IPv6 targets: inside the /48, mixed with IPv4 */
    assert_int_equal(
        xs_agent_job_parse(&c,
                           "{\"id\":\"v6\",\"targets\":[\"2001:2::/112\",\"2001:2:0:ff::5\","
                           "\"198.19.3.0/24\"],\"ports\":\"443\"}",
                           &j, err, sizeof err),
        0);
    assert_int_equal(j.ntargets, 3);
    xs_agent_job_free(&j);
    const char *bad[] = {
        "{\"id\":\"w\",\"targets\":[\"198.18.0.0/15\"],\"ports\":\"80\"}", /* wider than allowed */
        "{\"id\":\"w\",\"targets\":[\"10.0.0.1\"],\"ports\":\"80\"}",      /* outside */
        "{\"id\":\"w\",\"targets\":[\"2001:2::/47\"],\"ports\":\"80\"}",   /* wider than the /48 */
        "{\"id\":\"w\",\"targets\":[\"2001:3::1\"],\"ports\":\"80\"}",     /* outside */
        "{\"id\":\"w\",\"targets\":[\"::ffff:10.0.0.1\"],\"ports\":\"80\"}", /* mapped IPv4, outside */
        "{\"id\":\"w\",\"targets\":[\"2001:2::1/129\"],\"ports\":\"80\"}",
        "{\"id\":\"w\",\"targets\":[\"198.19.0.1 -e\"],\"ports\":\"80\"}", /* not an address */
        "{\"id\":\"w\",\"targets\":[\"198.19.0.1\"],\"ports\":\"80; rm\"}",
        "{\"id\":\"w\",\"targets\":[\"198.19.0.1\"],\"ports\":\"80\",\"rate\":5000}",
        "{\"id\":\"../x\",\"targets\":[\"198.19.0.1\"],\"ports\":\"80\"}",
        "{\"id\":\"w\",\"targets\":[\"198.19.0.1\"],\"ports\":\"80\",\"policy\":\"--no-drop\"}",
        "{\"id\":\"w\",\"id\":\"v\",\"targets\":[\"198.19.0.1\"],\"ports\":\"80\"}",
        "{\"id\":\"w\",\"targets\":[\"198.19.0.1\"],\"ports\":\"80\",\"checks\":\"safe\"}", /* max-checks none */
        "{\"id\":\"w\",\"targets\":[\"198.19.0.1\"],\"ports\":\"80\",\"checks\":\"--x\"}",
        "[]",
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
        if (xs_agent_job_parse(&c, bad[i], &j, err, sizeof err) != -1)
            fail_msg("accepted %s", bad[i]);
    /* checks: up to the operator's max-checks */
    c.max_checks = 1;
    assert_int_equal(
        xs_agent_job_parse(&c,
                           "{\"id\":\"w\",\"targets\":[\"198.19.0.1\"],\"ports\":\"80\","
                           "\"checks\":\"safe\"}",
                           &j, err, sizeof err),
        0);
    assert_string_equal(j.checks, "safe");
    xs_agent_job_free(&j);
    assert_int_equal(
        xs_agent_job_parse(&c,
                           "{\"id\":\"w\",\"targets\":[\"198.19.0.1\"],\"ports\":\"80\","
                           "\"checks\":\"all\"}",
                           &j, err, sizeof err),
        -1);
    assert_non_null(strstr(err, "max-checks"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(findings_carry_nothing_from_the_response),
        cmocka_unit_test(ids_are_stable_and_distinct),
        cmocka_unit_test(check_findings_go_out_without_details),
        cmocka_unit_test(jobs_are_checked_against_the_allow_list),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
