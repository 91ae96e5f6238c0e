/* The parent's decoder of the sandboxed stage's messages: what it accepts and what it refuses;
 * and the proxy reading a child that finished while the parent was not looking. */
#include <sched.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>
#include "xsweep/auth.h"
#include "xsweep/privsep.h"
#include "xsweep/stage.h"

static size_t build(unsigned char *out, uint32_t type, uint64_t id, int32_t code, uint32_t auth,
                    uint32_t flags, const char *json)
{
    size_t n = json ? strlen(json) : 0;
    xs_ps_header h = {XS_PS_MAGIC, type, id, code, auth, flags, (uint32_t)n};
    memcpy(out, &h, sizeof h);
    if (n)
        memcpy(out + sizeof h, json, n);
    return sizeof h + n;
}

static void accepts_a_result(void **state)
{
    unsigned char b[512];
    size_t n = build(b, XS_PS_RESULT, 42, 200, XS_AUTH_BASIC, XS_PS_F_PROBE,
                     "{\"http\":{\"status_code\":200,\"title\":\"a\\u0000b\"}}");
    xs_ps_message m;
    assert_int_equal(xs_privsep_decode(b, n, &m), (long)n);
    assert_int_equal(m.id, 42);
    assert_int_equal(m.status_code, 200);
    assert_int_equal(m.auth_method, XS_AUTH_BASIC);
    assert_true(m.probe);
    assert_false(m.interrupted);
    assert_string_equal(m.json, "{\"http\":{\"status_code\":200,\"title\":\"a\\u0000b\"}}");
    xs_ps_message_free(&m);
}

static void waits_for_more_bytes(void **state)
{
    unsigned char b[512];
    size_t n = build(b, XS_PS_RESULT, 1, 0, 0, 0, "{\"tech\":[]}");
    xs_ps_message m;
    for (size_t k = 0; k < n; k++)
        assert_int_equal(xs_privsep_decode(b, k, &m), 0);
}

static void refuses(const unsigned char *b, size_t n)
{
    xs_ps_message m;
    assert_int_equal(xs_privsep_decode(b, n, &m), -1);
    assert_null(m.json);
}

static void refuses_what_a_compromised_child_could_send(void **state)
{
    unsigned char b[1024];
    refuses(b, build(b, XS_PS_RESULT, 1, 200, 0, 0, "{\"severity\":\"info\"}")); /* shadows ours */
    refuses(b, build(b, XS_PS_RESULT, 1, 200, 0, 0, "{\"ip\":\"10.0.0.1\"}"));
    refuses(b, build(b, XS_PS_RESULT, 1, 200, 0, 0, "{\"a\":1,\"a\":2}"));    /* duplicate */
    refuses(b, build(b, XS_PS_RESULT, 1, 200, 0, 0, "{\"a\":1}\n{\"b\":2}")); /* a second line */
    refuses(b, build(b, XS_PS_RESULT, 1, 200, 0, 0, "{\"a\":1} "));           /* trailing */
    refuses(b, build(b, XS_PS_RESULT, 1, 200, 0, 0, "[1,2]"));                /* not an object */
    refuses(b, build(b, XS_PS_RESULT, 1, 200, 0, 0, "{\"a\":\"\xff\"}"));     /* not UTF-8 */
    refuses(b, build(b, XS_PS_RESULT, 1, 200, 0, 0, ""));
    refuses(b, build(b, XS_PS_RESULT, 1, 1000, 0, 0, "{}")); /* status range */
    refuses(b, build(b, XS_PS_RESULT, 1, -1, 0, 0, "{}"));
    refuses(b, build(b, XS_PS_RESULT, 1, 200, XS_AUTH_SSO + 1, 0, "{}")); /* auth range */
    refuses(b, build(b, XS_PS_RESULT, 1, 200, 0, 4, "{}"));               /* unknown flag */
    refuses(b, build(b, 3, 1, 200, 0, 0, "{}"));                          /* unknown type */
    refuses(b, build(b, XS_PS_DONE, 1, 0, 0, 0, NULL));                   /* DONE with data */
    size_t n = build(b, XS_PS_RESULT, 1, 200, 0, 0, "{}");
    b[0] ^= 1; /* magic */
    refuses(b, n);
    xs_ps_header h = {XS_PS_MAGIC, XS_PS_RESULT, 1, 200, 0, 0, XS_PS_JSON_MAX + 1}; /* too long */
    memcpy(b, &h, sizeof h);
    refuses(b, sizeof h);
}

static void decodes_back_to_back(void **state)
{
    unsigned char b[512];
    size_t n1 = build(b, XS_PS_RESULT, 5, 0, 0, XS_PS_F_INTERRUPTED,
                      "{\"http\":{\"error\":\"interrupted\"}}");
    size_t n2 = build(b + n1, XS_PS_DONE, 0, 0, 0, 0, NULL);
    xs_ps_message m;
    assert_int_equal(xs_privsep_decode(b, n1 + n2, &m), (long)n1);
    assert_true(m.interrupted);
    xs_ps_message_free(&m);
    assert_int_equal(xs_privsep_decode(b + n1, n2, &m), (long)n2);
    assert_int_equal(m.type, XS_PS_DONE);
}

/* A loaded host: the child sends its last result and DONE and exits before the parent reads any
 * of it, so the parent finds the result, DONE and the end of the socket in one read. That is a
 * finished stage, not one that "ended early" (which wrote the record as interrupted, exit 1). */
static void a_child_done_before_the_parent_reads_is_not_early(void **state)
{
    if (unshare(CLONE_NEWNET) != 0) /* a network of our own, loopback down: nothing leaves */
        skip();
    xs_stage_proxy_config cfg = {.sandbox = false};
    xs_http_config_defaults(&cfg.stage.http);
    xs_probe_config_defaults(&cfg.stage.probe);
    cfg.stage.min_gap_ns = 1000000000ULL;
    char err[256] = "";
    xs_stage_proxy *p = xs_stage_proxy_start(&cfg, err, sizeof err);
    assert_non_null(p);
    xs_http_job job = {.seq = 1};
    assert_true(xs_addr_parse("127.0.0.1", &job.r.addr));
    job.r.port = 9;
    job.r.status = XS_STATUS_OPEN;
    xs_stage_proxy_push(p, &job);
    xs_stage_proxy_close_input(p);
    struct timespec nap = {1, 0}; /* the child fails to connect, answers, says DONE, exits */
    nanosleep(&nap, NULL);
    xs_enriched *e = NULL;
    for (int i = 0; i < 2000 && !(e = xs_stage_proxy_pop(p)); i++) {
        struct timespec ms = {0, 1000000};
        nanosleep(&ms, NULL);
    }
    assert_non_null(e);
    assert_false(e->interrupted);
    assert_true(xs_stage_proxy_finished(p));
    xs_enriched_free(e);
    xs_stage_proxy_free(p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(accepts_a_result),
        cmocka_unit_test(waits_for_more_bytes),
        cmocka_unit_test(refuses_what_a_compromised_child_could_send),
        cmocka_unit_test(decodes_back_to_back),
        cmocka_unit_test(a_child_done_before_the_parent_reads_is_not_early),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
