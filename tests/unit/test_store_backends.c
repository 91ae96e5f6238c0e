/* The store's backend choice and the parts both backends share: which spec is PostgreSQL, the
 * derived shared-sweep key, SQLite refusing shared sweeps, the connection label without its
 * password, and --resume's rebuild of the rows from the output file. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "xsweep/store.h"
#include "xsweep/targets.h"

static void picks_the_backend_from_the_spec(void **state)
{
    (void)state;
    assert_true(xs_store_is_postgres("postgresql://u@db/xsweep"));
    assert_true(xs_store_is_postgres("postgres://db/xsweep"));
    assert_true(xs_store_is_postgres("host=/run/postgresql dbname=xsweep"));
    assert_true(xs_store_is_postgres("dbname=xsweep"));
    assert_false(xs_store_is_postgres("/var/lib/xsweep/lab.db"));
    assert_false(xs_store_is_postgres("lab.db"));
    assert_false(xs_store_is_postgres("./dbname=x.db"));
    assert_false(xs_store_is_postgres("=x"));
}

static void derives_one_key_per_week_and_configuration(void **state)
{
    (void)state;
    char a[48], b[48], c[48], d[48];
    uint64_t tue = 1796122800ULL * 1000000000ULL;      /* 2026-12-01 (Tue), ISO week 49 */
    uint64_t sun = tue + 5ULL * 86400 * 1000000000ULL; /* 2026-12-06 (Sun), still week 49 */
    uint64_t mon = tue + 6ULL * 86400 * 1000000000ULL; /* 2026-12-07 (Mon), week 50 */
    xs_store_sweep_key("rate = 100\n", tue, a);
    xs_store_sweep_key("rate = 100\n", sun, b);
    xs_store_sweep_key("rate = 100\n", mon, c);
    xs_store_sweep_key("rate = 200\n", tue, d);
    assert_string_equal(a, b);
    assert_int_equal(strncmp(a, "2026-W49-", 9), 0);
    assert_int_equal(strlen(a), 9 + 16);
    assert_int_equal(strncmp(c, "2026-W50-", 9), 0);
    assert_string_not_equal(a, d);
}

static void labels_never_show_the_password(void **state)
{
    (void)state;
    char *l = xs_store_pg_label("postgresql://scan:s3cret@db.lab:5433/xsweep?sslmode=require");
    assert_non_null(l);
    assert_null(strstr(l, "s3cret"));
    assert_string_equal(l, "postgresql://scan@db.lab:5433/xsweep");
    free(l);
    l = xs_store_pg_label("host=/tmp/pg dbname=x user=u password=hunter2");
    assert_null(strstr(l, "hunter2"));
    free(l);
}

static void sqlite_refuses_shared_sweeps_and_rebuilds_on_resume(void **state)
{
    (void)state;
    char dir[] = "/tmp/xsweep-backends-XXXXXX", db[64], out[64], err[256];
    assert_non_null(mkdtemp(dir));
    snprintf(db, sizeof db, "%s/h.db", dir);
    snprintf(out, sizeof out, "%s/out.json", dir);
    xs_store *s = xs_store_open(db, err, sizeof err);
    assert_non_null(s);
    assert_int_equal(xs_store_set_shard(s, 0, 1, NULL), 0);
    assert_int_equal(xs_store_set_shard(s, 1, 3, NULL), -1);
    assert_non_null(strstr(xs_store_error(s), "PostgreSQL"));
    int64_t sweep = xs_store_begin_sweep(s, "test", 1796122800ULL * 1000000000ULL);
    assert_true(sweep > 0);
    /* a crash left a row committed that the output file never got, and the file holds two
     * records the database never committed */
    xs_report ghost = {.r = {.port = 81, .status = XS_STATUS_OPEN}};
    xs_addr_parse("198.18.0.9", &ghost.r.addr);
    assert_int_equal(xs_store_add(s, sweep, &ghost, NULL), 0);
    assert_int_equal(xs_store_sync(s), 0);
    FILE *f = fopen(out, "w");
    fputs(
        "{\"ip\":\"198.18.0.1\",\"port\":80,\"proto\":\"tcp\",\"status\":\"open\",\"ttl\":64,"
        "\"severity\":\"high\",\"tech\":[{\"name\":\"nginx\"},{\"name\":\"PHP\"}]}\n"
        "{\"ip\":\"198.18.0.2\",\"port\":80,\"proto\":\"tcp\",\"status\":\"closed\",\"ttl\":64}\n",
        f);
    fclose(f);
    assert_int_equal(xs_store_reconcile(s, sweep, out, XS_FMT_JSON), 2);
    assert_int_equal(xs_store_end_sweep(s, sweep, 1796122900ULL * 1000000000ULL, 0, 0, 0), 0);
    assert_int_equal(xs_store_close(s, err, sizeof err), 0);
    sqlite3 *h;
    sqlite3_stmt *st;
    assert_int_equal(sqlite3_open(db, &h), SQLITE_OK);
    assert_int_equal(
        sqlite3_prepare_v2(h,
                           "SELECT (SELECT group_concat(port || status || coalesce(tech, '-'), ' ')"
                           " FROM endpoints), open, closed FROM sweeps",
                           -1, &st, NULL),
        SQLITE_OK);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    assert_string_equal((const char *)sqlite3_column_text(st, 0), "80openPHP,nginx 80closed-");
    assert_int_equal(sqlite3_column_int(st, 1), 1); /* counts include the rebuilt records */
    assert_int_equal(sqlite3_column_int(st, 2), 1);
    sqlite3_finalize(st);
    sqlite3_close(h);
    char cmd[96];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    assert_int_equal(system(cmd), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(picks_the_backend_from_the_spec),
        cmocka_unit_test(derives_one_key_per_week_and_configuration),
        cmocka_unit_test(labels_never_show_the_password),
        cmocka_unit_test(sqlite_refuses_shared_sweeps_and_rebuilds_on_resume),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
