/* `xsweep diff`: planted appearances, disappearances and changes found, in both output forms;
 * exit statuses for bad usage and bad databases. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <fcntl.h>
#include <jansson.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "xsweep/diff.h"
#include "xsweep/store.h"
#include "xsweep/targets.h"

#define T0   1795000000000000000ULL
#define WEEK (7ULL * 86400 * 1000000000ULL)

static char dir[64], path[128];

struct planted {
    const char *ip;
    uint16_t port;
    xs_status a, b; /* XS_STATUS_FAILED + 1 = absent */
    const char *sev_a, *sev_b, *tech_a, *tech_b;
};
#define ABSENT (XS_STATUS_FAILED + 1)

static const struct planted PLANTED[] = {
    {"198.18.0.1", 80, XS_STATUS_OPEN, XS_STATUS_OPEN, "high", "high", "nginx", "nginx"},
    {"198.18.0.2", 80, XS_STATUS_OPEN, ABSENT, "high", NULL, NULL, NULL},
    {"198.18.0.3", 22, XS_STATUS_OPEN, XS_STATUS_CLOSED, "critical", "low", NULL, NULL},
    {"198.18.0.4", 443, XS_STATUS_CLOSED, XS_STATUS_OPEN, NULL, "medium", NULL, NULL},
    {"198.18.0.5", 8080, ABSENT, XS_STATUS_OPEN, NULL, "info", NULL, "Jetty"},
    {"198.18.0.6", 80, XS_STATUS_OPEN, XS_STATUS_OPEN, "high", "high", "nginx", "PHP\",nginx"},
    {"198.18.0.7", 80, XS_STATUS_OPEN, XS_STATUS_OPEN, "medium", "high", "IIS", "IIS"},
    {"198.18.0.8", 80, XS_STATUS_CLOSED, XS_STATUS_FAILED, NULL, NULL, NULL, NULL},
    {"198.18.0.9", 80, XS_STATUS_CLOSED, ABSENT, NULL, NULL, NULL, NULL},
    {"198.18.0.10", 80, XS_STATUS_OPEN, XS_STATUS_OPEN, "low", "high", "a", "b"},
    {"198.18.1.0", 80, ABSENT, XS_STATUS_CLOSED, NULL, NULL, NULL, NULL},
    /* IPv6 beside IPv4 in one sweep: after every IPv4 address, in numeric order */
    {"2001:2::10", 443, XS_STATUS_OPEN, ABSENT, "high", NULL, NULL, NULL},
    {"2001:2::9", 80, ABSENT, XS_STATUS_OPEN, NULL, "medium", NULL, "nginx"},
    {"2001:2::9", 443, XS_STATUS_OPEN, XS_STATUS_OPEN, "high", "high", "nginx", "nginx"},
};

/* What the diff must say, in (ip, port) order. */
static const char *const EXPECTED_JSON[][3] = {
    {"198.18.0.2:80", "disappeared", "status"}, {"198.18.0.3:22", "disappeared", "status"},
    {"198.18.0.4:443", "appeared", "status"},   {"198.18.0.5:8080", "appeared", "status"},
    {"198.18.0.6:80", "changed", "tech"},       {"198.18.0.7:80", "changed", "severity"},
    {"198.18.0.8:80", "changed", "status"},     {"198.18.0.10:80", "changed", "severity,tech"},
    {"2001:2::9:80", "appeared", "status"},     {"2001:2::10:443", "disappeared", "status"},
};
#define NEXPECTED (sizeof EXPECTED_JSON / sizeof EXPECTED_JSON[0])

/* A record as the output stage would write it, with tech names as objects. */
static char *record(const char *ip, uint16_t port, xs_status st, const char *sev, const char *tech)
{
    json_t *o = json_pack("{s:s, s:i, s:s, s:s}", "ip", ip, "port", port, "proto", "tcp", "status",
                          xs_status_name(st));
    if (sev)
        json_object_set_new(o, "severity", json_string(sev));
    if (tech) {
        json_t *arr = json_array();
        char *copy = strdup(tech), *save = NULL;
        /* '"' in a planted name checks escaping end to end; ',' separates names here */
        for (char *t = strtok_r(copy, ",", &save); t; t = strtok_r(NULL, ",", &save))
            json_array_append_new(arr, json_pack("{s:s, s:s}", "name", t, "version", "1"));
        free(copy);
        json_object_set_new(o, "tech", arr);
        json_object_set_new(o, "http",
                            json_pack("{s:i, s:s}", "status_code", 200, "title", "t\x01itle"));
    }
    char *s = json_dumps(o, JSON_COMPACT);
    json_decref(o);
    return s;
}

static void store_side(xs_store *s, int64_t sweep, const struct planted *p, bool second)
{
    xs_status st = second ? p->b : p->a;
    if (st == ABSENT)
        return;
    const char *sev = second ? p->sev_b : p->sev_a;
    char *rec = record(p->ip, p->port, st, sev, second ? p->tech_b : p->tech_a);
    xs_addr ip;
    assert_true(xs_addr_parse(p->ip, &ip));
    xs_report rep = {.r = {.addr = ip, .port = p->port, .status = (uint8_t)st, .ttl = 64}};
    assert_int_equal(xs_store_add(s, sweep, &rep, rec), 0);
    free(rec);
}

static int setup(void **state)
{
    (void)state;
    snprintf(dir, sizeof dir, "/tmp/xsweep-diff-XXXXXX");
    if (!mkdtemp(dir))
        return -1;
    snprintf(path, sizeof path, "%s/h.db", dir);
    char err[256];
    xs_store *s = xs_store_open(path, err, sizeof err);
    if (!s)
        return -1;
    for (int k = 0; k < 2; k++) {
        int64_t id = xs_store_begin_sweep(s, "x", T0 + (uint64_t)k * WEEK);
        for (size_t i = 0; i < sizeof PLANTED / sizeof PLANTED[0]; i++)
            store_side(s, id, &PLANTED[i], k == 1);
        xs_store_end_sweep(s, id, T0 + (uint64_t)k * WEEK + 1, 1, 1, 1);
    }
    /* sweep 3 never finishes: the default comparison skips it */
    int64_t id = xs_store_begin_sweep(s, "x", T0 + 2 * WEEK);
    store_side(s, id, &PLANTED[0], false);
    return xs_store_close(s, err, sizeof err);
}

static int teardown(void **state)
{
    (void)state;
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    return system(cmd) == 0 ? 0 : -1;
}

/* Runs xs_diff_main with stdout and stderr captured into malloc'd strings. */
static int run_diff(char **out, char **err, int argc, ...)
{
    char *argv[16] = {"diff"};
    va_list ap;
    va_start(ap, argc);
    for (int i = 1; i < argc; i++)
        argv[i] = va_arg(ap, char *);
    va_end(ap);
    char paths[2][160];
    int saved[2], fds[2];
    fflush(stdout);
    fflush(stderr);
    for (int i = 0; i < 2; i++) {
        snprintf(paths[i], sizeof paths[i], "%s/capture%d", dir, i);
        fds[i] = open(paths[i], O_WRONLY | O_CREAT | O_TRUNC, 0600);
        assert_true(fds[i] >= 0);
        saved[i] = dup(i + 1);
        dup2(fds[i], i + 1);
        close(fds[i]);
    }
    int rc = xs_diff_main(argc, argv);
    fflush(stdout);
    fflush(stderr);
    char **dest[2] = {out, err};
    for (int i = 0; i < 2; i++) {
        dup2(saved[i], i + 1);
        close(saved[i]);
        FILE *f = fopen(paths[i], "r");
        assert_non_null(f);
        size_t cap = 1 << 16;
        *dest[i] = calloc(1, cap);
        size_t n = fread(*dest[i], 1, cap - 1, f);
        (*dest[i])[n] = '\0';
        fclose(f);
    }
    return rc;
}

struct collected {
    char lines[16][96];
    size_t n;
};

static int collect(void *ctx, const xs_diff_entry *e)
{
    struct collected *c = ctx;
    static const char *const names[] = {"status", "severity", "tech"};
    char ip[XS_ADDR_STRLEN], fields[40] = "";
    xs_addr_format(&e->addr, ip);
    for (int i = 0; i < 3; i++)
        if (e->fields & (1u << i))
            snprintf(fields + strlen(fields), sizeof fields - strlen(fields), "%s%s",
                     *fields ? "," : "", names[i]);
    if (c->n < 16)
        snprintf(c->lines[c->n], sizeof c->lines[0], "%s:%u %s %s", ip, e->port,
                 xs_diff_change_name(e->change), fields);
    c->n++;
    return 0;
}

static void finds_every_planted_change_in_endpoint_order(void **state)
{
    (void)state;
    char err[256];
    xs_diff_db *db = xs_diff_open(path, err, sizeof err);
    assert_non_null(db);
    xs_diff_sweep a, b;
    assert_int_equal(xs_diff_last_two(db, &a, &b, err, sizeof err), 1);
    assert_int_equal(a.id, 1);
    assert_int_equal(b.id, 2);
    struct collected c = {0};
    assert_int_equal(xs_diff_sweeps(db, a.id, b.id, collect, &c, err, sizeof err), 0);
    assert_int_equal(c.n, NEXPECTED);
    for (size_t i = 0; i < NEXPECTED; i++) {
        char want[96];
        snprintf(want, sizeof want, "%s %s %s", EXPECTED_JSON[i][0], EXPECTED_JSON[i][1],
                 EXPECTED_JSON[i][2]);
        assert_string_equal(c.lines[i], want);
    }
    /* reversed, appearances and disappearances swap */
    c.n = 0;
    assert_int_equal(xs_diff_sweeps(db, b.id, a.id, collect, &c, err, sizeof err), 0);
    assert_int_equal(c.n, NEXPECTED);
    assert_string_equal(c.lines[0], "198.18.0.2:80 appeared status");
    assert_string_equal(c.lines[2], "198.18.0.4:443 disappeared status");
    xs_diff_close(db);
}

static void prints_json_lines(void **state)
{
    (void)state;
    char *out, *err;
    assert_int_equal(run_diff(&out, &err, 4, "--db", path, "-oJ"), 0);
    assert_string_equal(err, "");
    size_t n = 0;
    for (char *line = strtok(out, "\n"); line; line = strtok(NULL, "\n"), n++) {
        json_error_t je;
        json_t *o = json_loads(line, 0, &je);
        if (!o)
            fail_msg("not JSON: %s (%s)", line, je.text);
        assert_true(n < NEXPECTED);
        char endpoint[40];
        snprintf(endpoint, sizeof endpoint, "%s:%lld", json_string_value(json_object_get(o, "ip")),
                 (long long)json_integer_value(json_object_get(o, "port")));
        assert_string_equal(endpoint, EXPECTED_JSON[n][0]);
        assert_string_equal(json_string_value(json_object_get(o, "change")), EXPECTED_JSON[n][1]);
        json_t *before = json_object_get(o, "before"), *after = json_object_get(o, "after");
        assert_non_null(before);
        assert_non_null(after);
        if (!strcmp(EXPECTED_JSON[n][0], "198.18.0.5:8080")) {
            assert_true(json_is_null(before));
            assert_string_equal(json_string_value(json_object_get(after, "status")), "open");
            assert_string_equal(
                json_string_value(json_array_get(json_object_get(after, "tech"), 0)), "Jetty");
            assert_int_equal(json_integer_value(json_object_get(after, "http_status_code")), 200);
            assert_string_equal(json_string_value(json_object_get(after, "title")), "t\x01itle");
            assert_int_equal(json_integer_value(json_object_get(after, "first_seen")), 2);
        }
        if (!strcmp(EXPECTED_JSON[n][0], "198.18.0.6:80")) {
            json_t *tech = json_object_get(after, "tech");
            assert_int_equal(json_array_size(tech), 2);
            assert_string_equal(json_string_value(json_array_get(tech, 0)), "PHP\"");
            assert_string_equal(json_string_value(json_array_get(tech, 1)), "nginx");
            assert_string_equal(json_string_value(json_array_get(json_object_get(o, "fields"), 0)),
                                "tech");
            assert_int_equal(json_integer_value(json_object_get(before, "first_seen")), 1);
            assert_int_equal(json_integer_value(json_object_get(after, "last_seen")), 2);
        }
        if (!strcmp(EXPECTED_JSON[n][0], "198.18.0.2:80"))
            assert_true(json_is_null(after));
        json_decref(o);
    }
    assert_int_equal(n, NEXPECTED);
    free(out);
    free(err);
}

static void prints_a_table_with_a_summary(void **state)
{
    (void)state;
    char *out, *err;
    /* positional ids after the options, the default text form */
    assert_int_equal(run_diff(&out, &err, 5, "--db", path, "1", "2"), 0);
    assert_string_equal(err, "");
    assert_non_null(strstr(out, "sweep 1 (2026-11-18T11:06:40Z) -> sweep 2 (2026-11-25T11:06:40Z)\n"
                                "CHANGE       ENDPOINT"));
    assert_non_null(strstr(out, "\nappeared     198.18.0.5:8080        -"
                                "                                  open info Jetty\n"));
    assert_non_null(strstr(out, "\nchanged      198.18.0.7:80          open medium IIS"
                                "                    open high IIS\n"));
    assert_non_null(strstr(out, "\ndisappeared  198.18.0.3:22          open critical"
                                "                      closed low\n"));
    assert_non_null(
        strstr(out, "\nappeared     [2001:2::9]:80         -")); /* host:port as in a URL */
    assert_non_null(strstr(out, "\n3 appeared, 3 disappeared, 4 changed\n"));
    assert_null(strchr(out, '\x01'));
    free(out);
    free(err);
}

static void explicit_sweeps_and_errors(void **state)
{
    (void)state;
    char *out, *err, missing[160], plain[160];
    /* an unfinished sweep can be named, with a warning */
    assert_int_equal(run_diff(&out, &err, 5, "--db", path, "2", "3"), 0);
    assert_non_null(strstr(err, "warning: sweep 3 did not finish"));
    assert_non_null(strstr(out, "\n0 appeared, 7 disappeared, 0 changed\n"));
    free(out);
    free(err);

    struct {
        int rc;
        const char *needle;
        int argc;
        const char *args[5];
    } cases[] = {
        {2, "--db FILE is required", 1, {NULL}},
        {2, "give two sweep ids", 4, {"--db", path, "1"}},
        {2, "invalid sweep id \"x\"", 5, {"--db", path, "1", "x"}},
        {2, "invalid sweep id \"0\"", 5, {"--db", path, "0", "1"}},
        {2, "invalid output format", 4, {"--db", path, "-oX"}},
        {2, "unknown option --frobnicate", 4, {"--db", path, "--frobnicate"}},
        {2, "needs a value", 2, {"--db"}},
        {1, "sweep 7 does not exist", 5, {"--db", path, "1", "7"}},
        {1, "cannot open history database", 3, {"--db", missing}},
        {1, "not an xsweep history database", 3, {"--db", plain}},
    };
    snprintf(missing, sizeof missing, "%s/absent.db", dir);
    snprintf(plain, sizeof plain, "%s/plain.db", dir);
    sqlite3 *db;
    assert_int_equal(sqlite3_open(plain, &db), SQLITE_OK);
    sqlite3_exec(db, "CREATE TABLE t(x)", NULL, NULL, NULL);
    sqlite3_close(db);
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const char **a = cases[i].args;
        int rc = run_diff(&out, &err, cases[i].argc, a[0], a[1], a[2], a[3]);
        if (rc != cases[i].rc || !strstr(err, cases[i].needle))
            fail_msg("case %zu: rc %d, stderr \"%s\"", i, rc, err);
        assert_string_equal(out, "");
        free(out);
        free(err);
    }
    assert_int_equal(access(missing, F_OK), -1); /* diff never creates a database */

    /* a pruned sweep is refused; too few sweeps is a database error, not a usage one */
    char e[256];
    xs_store *s = xs_store_open(path, e, sizeof e);
    assert_non_null(s);
    assert_int_equal(xs_store_prune(s, 1), 1);
    assert_int_equal(xs_store_close(s, e, sizeof e), 0);
    assert_int_equal(run_diff(&out, &err, 5, "--db", path, "1", "2"), 1);
    assert_non_null(strstr(err, "sweep 1 was pruned"));
    free(out);
    free(err);
    assert_int_equal(run_diff(&out, &err, 3, "--db", path), 1);
    assert_non_null(strstr(err, "fewer than two finished sweeps"));
    free(out);
    free(err);

    assert_int_equal(run_diff(&out, &err, 2, "--help"), 0);
    assert_non_null(strstr(out, "Usage: xsweep diff --db FILE [SWEEP_A SWEEP_B] [-oJ]"));
    free(out);
    free(err);
}

static void classify_rules(void **state)
{
    (void)state;
    xs_diff_side open = {.status = "open"}, closed = {.status = "closed"};
    xs_diff_side open_sev = {.status = "open", .severity = "high"};
    xs_diff_change c;
    unsigned f;
    assert_false(xs_diff_classify(NULL, NULL, &c, &f));
    assert_false(xs_diff_classify(&open, &open, &c, &f));
    assert_false(xs_diff_classify(&closed, NULL, &c, &f));
    assert_false(xs_diff_classify(NULL, &closed, &c, &f));
    assert_true(xs_diff_classify(NULL, &open, &c, &f));
    assert_int_equal(c, XS_DIFF_APPEARED);
    assert_true(xs_diff_classify(&open, &closed, &c, &f));
    assert_int_equal(c, XS_DIFF_DISAPPEARED);
    assert_true(xs_diff_classify(&open, &open_sev, &c, &f));
    assert_int_equal(c, XS_DIFF_CHANGED);
    assert_int_equal(f, XS_DIFF_SEVERITY);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(classify_rules),
        cmocka_unit_test_setup_teardown(finds_every_planted_change_in_endpoint_order, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(prints_json_lines, setup, teardown),
        cmocka_unit_test_setup_teardown(prints_a_table_with_a_summary, setup, teardown),
        cmocka_unit_test_setup_teardown(explicit_sweeps_and_errors, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
