/* History store: columns pulled out of the record, first/last seen across sweeps, batching,
 * pruning, and clear errors for unusable files. */
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

#define T0   1795000000000000000ULL /* a fixed realtime in ns */
#define WEEK (7ULL * 86400 * 1000000000ULL)

static char dir[64];
static char path[128];

static int setup(void **state)
{
    (void)state;
    snprintf(dir, sizeof dir, "/tmp/xsweep-store-XXXXXX");
    if (!mkdtemp(dir))
        return -1;
    snprintf(path, sizeof path, "%s/history.db", dir);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    return system(cmd) == 0 ? 0 : -1;
}

static xs_addr ip_of(const char *s)
{
    xs_addr a;
    assert_true(xs_addr_parse(s, &a)); /* either family */
    return a;
}

static void add(xs_store *s, int64_t sweep, const char *ip, uint16_t port, xs_status st,
                const char *severity, const char *json)
{
    xs_report rep = {
        .r = {.addr = ip_of(ip), .port = port, .status = (uint8_t)st, .ttl = 64, .ts_ns = T0},
        .severity = severity};
    if (xs_store_add(s, sweep, &rep, json) != 0)
        fail_msg("%s", xs_store_error(s));
}

/* One value from a fresh read-only connection, as text ("NULL" for NULL). */
static char *query(const char *sql)
{
    sqlite3 *db;
    sqlite3_stmt *st;
    assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
        fail_msg("%s: %s", sql, sqlite3_errmsg(db));
    char *out = strdup("(no row)");
    if (sqlite3_step(st) == SQLITE_ROW) {
        free(out);
        const unsigned char *t = sqlite3_column_text(st, 0);
        out = strdup(t ? (const char *)t : "NULL");
    }
    sqlite3_finalize(st);
    sqlite3_close(db);
    return out;
}

static void expect(const char *sql, const char *want)
{
    char *got = query(sql);
    if (strcmp(got, want))
        fail_msg("%s: got \"%s\", want \"%s\"", sql, got, want);
    free(got);
}

static const char REC_WEB[] =
    "{\"ip\":\"198.18.0.1\",\"port\":80,\"proto\":\"tcp\",\"status\":\"open\",\"ttl\":64,"
    "\"ts\":\"2026-11-18T10:00:00Z\",\"protocol\":\"HTTP/S\",\"severity\":\"high\","
    "\"severity_reason\":\"401 with basic\",\"http\":{\"status\":\"401 Unauthorized\","
    "\"status_code\":401,\"title\":\"Admin \\u00e9\"},\"tech\":[{\"name\":\"nginx\","
    "\"version\":\"1.25\",\"categories\":[\"Web servers\"],\"confidence\":100},{\"name\":\"PHP\"},"
    "{\"name\":\"nginx\"}],\"auth\":{\"method\":\"basic\",\"provider\":null},\"findings\":[]}\n";

static void extracts_columns_from_the_record(void **state)
{
    (void)state;
    char err[256];
    xs_store *s = xs_store_open(path, err, sizeof err);
    assert_non_null(s);
    int64_t sw = xs_store_begin_sweep(s, "-p 80 198.18.0.0/24", T0);
    assert_true(sw > 0);
    /* severity from rep wins; everything else comes out of the record */
    add(s, sw, "198.18.0.1", 80, XS_STATUS_OPEN, NULL, REC_WEB);
    add(s, sw, "198.18.0.2", 22, XS_STATUS_OPEN, "critical", NULL);   /* no record */
    add(s, sw, "198.18.0.3", 22, XS_STATUS_OPEN, "low", "{not json"); /* bad record */
    add(s, sw, "198.18.0.4", 80, XS_STATUS_OPEN, NULL,
        "{\"ip\":\"198.18.0.4\",\"tech\":[\"b\",\"a\"]}");
    assert_int_equal(xs_store_end_sweep(s, sw, T0 + 60000000000ULL, 4, 0, 0), 0);
    assert_int_equal(xs_store_close(s, err, sizeof err), 0);

    expect("SELECT severity FROM endpoints_text WHERE ip='198.18.0.1'", "high");
    expect("SELECT http_status_code FROM endpoints WHERE port=80 AND "
           "ip=x'00000000000000000000ffffc6120001'",
           "401");
    expect("SELECT title FROM endpoints_text WHERE ip='198.18.0.1'", "Admin \xc3\xa9");
    expect("SELECT auth_method FROM endpoints_text WHERE ip='198.18.0.1'", "basic");
    expect("SELECT tech FROM endpoints_text WHERE ip='198.18.0.1'", "PHP,nginx");
    expect("SELECT json_extract(record,'$.tech[0].version') FROM endpoints_text"
           " WHERE ip='198.18.0.1'",
           "1.25");
    expect("SELECT record FROM endpoints_text WHERE ip='198.18.0.2'",
           "{\"ip\":\"198.18.0.2\",\"port\":22,\"proto\":\"tcp\",\"status\":\"open\","
           "\"severity\":\"critical\"}");
    expect("SELECT json_extract(record,'$.severity') FROM endpoints_text WHERE ip='198.18.0.3'",
           "low");
    expect("SELECT tech FROM endpoints_text WHERE ip='198.18.0.4'", "a,b");
    expect("SELECT title IS NULL AND http_status_code IS NULL FROM endpoints_text"
           " WHERE ip='198.18.0.2'",
           "1");
    expect("SELECT started||' '||ended||' '||open||' '||closed||' '||other||' '||options"
           " FROM sweeps",
           "2026-11-18T11:06:40Z 2026-11-18T11:07:40Z 4 0 0 -p 80 198.18.0.0/24");
    expect("PRAGMA journal_mode", "wal");
}

static void carries_first_and_last_seen_across_sweeps(void **state)
{
    (void)state;
    char err[256];
    xs_store *s = xs_store_open(path, err, sizeof err);
    assert_non_null(s);
    int64_t s1 = xs_store_begin_sweep(s, "a", T0);
    add(s, s1, "198.18.0.1", 80, XS_STATUS_OPEN, NULL, NULL);     /* in every sweep */
    add(s, s1, "198.18.0.2", 80, XS_STATUS_OPEN, NULL, NULL);     /* then closed, then gone */
    add(s, s1, "198.18.0.4", 80, XS_STATUS_EXCLUDED, NULL, NULL); /* excluded, then open */
    assert_int_equal(xs_store_end_sweep(s, s1, T0 + 1, 2, 0, 1), 0);

    int64_t s2 = xs_store_begin_sweep(s, "a", T0 + WEEK);
    assert_int_equal(s2, s1 + 1);
    add(s, s2, "198.18.0.1", 80, XS_STATUS_OPEN, NULL, NULL);
    add(s, s2, "198.18.0.2", 80, XS_STATUS_CLOSED, NULL, NULL);
    add(s, s2, "198.18.0.3", 80, XS_STATUS_OPEN, NULL, NULL); /* new */
    add(s, s2, "198.18.0.4", 80, XS_STATUS_OPEN, NULL, NULL);
    assert_int_equal(xs_store_end_sweep(s, s2, T0 + WEEK + 1, 3, 1, 0), 0);

    int64_t s3 = xs_store_begin_sweep(s, "a", T0 + 2 * WEEK);
    add(s, s3, "198.18.0.1", 80, XS_STATUS_OPEN, NULL, NULL);
    add(s, s3, "198.18.0.3", 80, XS_STATUS_FAILED, NULL, NULL); /* not probed: keeps history */
    assert_int_equal(xs_store_end_sweep(s, s3, T0 + 2 * WEEK + 1, 1, 0, 1), 0);
    /* the same endpoint twice in a sweep: the later record replaces the earlier one */
    add(s, s3, "198.18.0.1", 80, XS_STATUS_OPEN, "high", NULL);
    assert_int_equal(xs_store_close(s, err, sizeof err), 0);

    char sql[256];
    struct {
        int64_t sweep;
        const char *ip, *want;
    } rows[] = {
        {s1, "198.18.0.1", "1 1"}, {s2, "198.18.0.1", "1 2"},       {s3, "198.18.0.1", "1 3"},
        {s1, "198.18.0.2", "1 1"}, {s2, "198.18.0.2", "1 2"},       {s2, "198.18.0.3", "2 2"},
        {s3, "198.18.0.3", "2 2"}, {s1, "198.18.0.4", "NULL NULL"}, {s2, "198.18.0.4", "2 2"},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        snprintf(sql, sizeof sql,
                 "SELECT coalesce(first_seen - %lld + 1, 'NULL') || ' ' ||"
                 " coalesce(last_seen - %lld + 1, 'NULL') FROM endpoints_text"
                 " WHERE sweep = %lld AND ip = '%s'",
                 (long long)s1, (long long)s1, (long long)rows[i].sweep, rows[i].ip);
        expect(sql, rows[i].want);
    }
    snprintf(sql, sizeof sql,
             "SELECT count(*) || ' ' || max(severity) FROM endpoints"
             " WHERE sweep = %lld",
             (long long)s3);
    expect(sql, "2 high");
}

static void batches_many_rows_and_prunes_old_sweeps(void **state)
{
    (void)state;
    char err[256];
    xs_store *s = xs_store_open(path, err, sizeof err);
    assert_non_null(s);
    enum { ROWS = 2 * XS_STORE_BATCH + 123 };
    int64_t ids[4];
    for (int k = 0; k < 4; k++) {
        ids[k] = xs_store_begin_sweep(s, "big", T0 + (uint64_t)k * WEEK);
        assert_true(ids[k] > 0);
        for (uint32_t i = 0; i < (k == 0 ? ROWS : 10u); i++) {
            xs_report rep = {.r = {.addr = xs_addr_from_v4(0xc6120000u + i),
                                   .port = 443,
                                   .status = XS_STATUS_OPEN}};
            assert_int_equal(xs_store_add(s, ids[k], &rep, NULL), 0);
        }
        if (k < 3) /* the last sweep never finishes (a crash) */
            assert_int_equal(xs_store_end_sweep(s, ids[k], T0 + (uint64_t)k * WEEK + 1, 10, 0, 0),
                             0);
    }
    assert_int_equal(xs_store_close(s, err, sizeof err), 0);
    expect("SELECT count(*) FROM endpoints WHERE sweep = 1", "20123");

    s = xs_store_open(path, err, sizeof err);
    assert_non_null(s);
    assert_int_equal(xs_store_prune(s, 0), 0); /* 0 keeps everything */
    assert_int_equal(xs_store_prune(s, 5), 0); /* fewer finished sweeps than 5 */
    /* keep 2 finished (sweeps 2 and 3) and the unfinished 4 after them */
    assert_int_equal(xs_store_prune(s, 2), 1);
    assert_int_equal(xs_store_prune(s, 2), 0); /* idempotent */
    assert_int_equal(xs_store_close(s, err, sizeof err), 0);
    expect("SELECT group_concat(sweep) FROM (SELECT DISTINCT sweep FROM endpoints ORDER BY sweep)",
           "2,3,4");
    expect("SELECT group_concat(id || ':' || pruned) FROM sweeps", "1:1,2:0,3:0,4:0");
    /* later sweeps keep the first_seen that the pruned sweep set */
    expect("SELECT min(first_seen) FROM endpoints WHERE sweep = 3", "1");
}

static void reports_unusable_databases_in_one_line(void **state)
{
    (void)state;
    char err[256], bad[192];
    snprintf(bad, sizeof bad, "%s/no/such/dir/h.db", dir);
    assert_null(xs_store_open(bad, err, sizeof err));
    assert_non_null(strstr(err, "cannot open history database"));
    assert_non_null(strstr(err, "No such file or directory"));
    assert_null(strchr(err, '\n'));

    snprintf(bad, sizeof bad, "%s/garbage.db", dir);
    FILE *f = fopen(bad, "w");
    assert_non_null(f);
    for (int i = 0; i < 200; i++)
        fputs("this is not an SQLite database at all\n", f);
    fclose(f);
    assert_null(xs_store_open(bad, err, sizeof err));
    assert_non_null(strstr(err, bad));
    assert_non_null(strstr(err, "file is not a database"));

    /* a database from a newer xsweep is refused rather than misread */
    snprintf(bad, sizeof bad, "%s/newer.db", dir);
    sqlite3 *db;
    assert_int_equal(sqlite3_open(bad, &db), SQLITE_OK);
    assert_int_equal(sqlite3_exec(db, "PRAGMA user_version=99", NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(db);
    assert_null(xs_store_open(bad, err, sizeof err));
    assert_non_null(strstr(err, "newer xsweep"));

    /* some other application's database with an incompatible "endpoints" table */
    snprintf(bad, sizeof bad, "%s/other.db", dir);
    assert_int_equal(sqlite3_open(bad, &db), SQLITE_OK);
    assert_int_equal(sqlite3_exec(db, "CREATE TABLE endpoints(x)", NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(db);
    assert_null(xs_store_open(bad, err, sizeof err));
    if (!strstr(err, "not an xsweep history database"))
        fail_msg("%s", err);

    /* errors after opening name the database too */
    xs_store *s = xs_store_open(path, err, sizeof err);
    assert_non_null(s);
    assert_int_equal(xs_store_end_sweep(s, 12345, T0, 0, 0, 0), -1);
    assert_non_null(strstr(xs_store_error(s), "no sweep 12345"));
    assert_non_null(strstr(xs_store_error(s), path));
    assert_int_equal(xs_store_close(s, NULL, 0), 0);
}

/* One ip column for both families: 16 bytes, IPv4 as ::ffff:a.b.c.d, so a sweep's rows come in
 * one numeric order (IPv4, then the IPv6 above it); first/last seen work for IPv6 as for IPv4. */
static void holds_both_families_in_one_order(void **state)
{
    (void)state;
    char err[256];
    xs_store *s = xs_store_open(path, err, sizeof err);
    assert_non_null(s);
    int64_t s1 = xs_store_begin_sweep(s, "-p 443 2001:2::/112 198.19.0.0/24", T0);
    add(s, s1, "2001:2::10", 443, XS_STATUS_OPEN, NULL, NULL);
    add(s, s1, "198.19.0.200", 443, XS_STATUS_OPEN, NULL, NULL);
    add(s, s1, "2001:2::9", 443, XS_STATUS_OPEN, NULL, NULL);
    add(s, s1, "198.19.0.3", 443, XS_STATUS_CLOSED, NULL, NULL);
    assert_int_equal(xs_store_end_sweep(s, s1, T0 + 1, 3, 1, 0), 0);
    int64_t s2 = xs_store_begin_sweep(s, "-p 443 2001:2::/112 198.19.0.0/24", T0 + WEEK);
    add(s, s2, "2001:2::10", 443, XS_STATUS_OPEN, NULL, NULL);
    add(s, s2, "2001:2::0.0.0.16", 443, XS_STATUS_OPEN, "high", NULL); /* the same address */
    assert_int_equal(xs_store_end_sweep(s, s2, T0 + WEEK + 1, 1, 0, 0), 0);
    assert_int_equal(xs_store_close(s, err, sizeof err), 0);
    expect("SELECT group_concat(t, ' ') FROM (SELECT json_extract(record, '$.ip') AS t"
           " FROM endpoints WHERE sweep = 1 ORDER BY ip, port)",
           "198.19.0.3 198.19.0.200 2001:2::9 2001:2::10");
    expect("SELECT hex(ip) FROM endpoints WHERE sweep = 1 AND port = 443 ORDER BY ip LIMIT 1",
           "00000000000000000000FFFFC6130003");
    expect("SELECT count(*) || ' ' || min(length(ip)) || ' ' || max(length(ip)) FROM endpoints",
           "5 16 16");
    expect("SELECT first_seen || '-' || last_seen || ' ' || severity FROM endpoints_text"
           " WHERE sweep = 2 AND ip = '2001:2::10'",
           "1-2 high");
    expect("SELECT record FROM endpoints_text WHERE sweep = 1 AND ip = '2001:2::9'",
           "{\"ip\":\"2001:2::9\",\"port\":443,\"proto\":\"tcp\",\"status\":\"open\","
           "\"severity\":null}");
}

/* A schema 1 database (IPv4 only, ip an INTEGER) is upgraded in place when a sweep opens it:
 * every row and id kept, the history continues, and an IPv6 row can join it. */
static void upgrades_a_schema_1_database(void **state)
{
    (void)state;
    sqlite3 *db;
    assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
    const char *v1 =
        "CREATE TABLE sweeps(id INTEGER PRIMARY KEY, started TEXT NOT NULL, ended TEXT,"
        "  options TEXT, open INTEGER, closed INTEGER, other INTEGER,"
        "  pruned INTEGER NOT NULL DEFAULT 0);"
        "CREATE TABLE endpoints(sweep INTEGER NOT NULL REFERENCES sweeps(id), ip INTEGER NOT NULL,"
        "  port INTEGER NOT NULL, status TEXT NOT NULL, severity TEXT, http_status_code INTEGER,"
        "  title TEXT, auth_method TEXT, tech TEXT, record TEXT, first_seen INTEGER,"
        "  last_seen INTEGER);"
        "CREATE UNIQUE INDEX endpoints_by_sweep ON endpoints(sweep, ip, port);"
        "CREATE INDEX endpoints_by_endpoint ON endpoints(ip, port, sweep);"
        "CREATE VIEW endpoints_text AS SELECT sweep,"
        "  (ip >> 24) || '.' || ((ip >> 16) & 255) || '.' || ((ip >> 8) & 255) || '.' || (ip & "
        "255) AS ip,"
        "  port, status, severity, http_status_code, title, auth_method, tech, first_seen, "
        "last_seen,"
        "  record FROM endpoints;"
        "INSERT INTO sweeps VALUES(1, '2026-11-18T10:00:00Z', '2026-11-18T10:01:00Z', 'a', 2, 0, "
        "0, 0);"
        "INSERT INTO endpoints VALUES(1, 3323068417, 80, 'open', 'high', 401, 'Admin', 'basic',"
        "  'nginx', '{\"ip\":\"198.18.0.1\",\"port\":80,\"status\":\"open\"}', 1, 1);"
        "INSERT INTO endpoints VALUES(1, 3323068418, 22, 'open', 'low', NULL, NULL, NULL, NULL,"
        "  '{\"ip\":\"198.18.0.2\",\"port\":22,\"status\":\"open\"}', 1, 1);"
        "PRAGMA user_version=1;";
    assert_int_equal(sqlite3_exec(db, v1, NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(db);

    char err[256];
    xs_store *s = xs_store_open(path, err, sizeof err);
    if (!s)
        fail_msg("%s", err);
    int64_t s2 = xs_store_begin_sweep(s, "a", T0 + WEEK);
    assert_int_equal(s2, 2);
    add(s, s2, "198.18.0.1", 80, XS_STATUS_OPEN, NULL, NULL);
    add(s, s2, "2001:2::1", 80, XS_STATUS_OPEN, NULL, NULL);
    assert_int_equal(xs_store_end_sweep(s, s2, T0 + WEEK + 1, 2, 0, 0), 0);
    assert_int_equal(xs_store_close(s, err, sizeof err), 0);

    expect("PRAGMA user_version", "2");
    expect("SELECT count(*) FROM sqlite_master WHERE name = 'endpoints_schema1'", "0");
    expect("SELECT group_concat(hex(ip), ' ') FROM (SELECT ip FROM endpoints WHERE sweep = 1 ORDER "
           "BY ip)",
           "00000000000000000000FFFFC6120001 00000000000000000000FFFFC6120002");
    expect("SELECT title || ' ' || auth_method || ' ' || tech FROM endpoints_text WHERE sweep = 1"
           " AND ip = '198.18.0.1'",
           "Admin basic nginx");
    expect("SELECT first_seen || '-' || last_seen FROM endpoints_text WHERE sweep = 2"
           " AND ip = '198.18.0.1'",
           "1-2");
    expect("SELECT first_seen || '-' || last_seen FROM endpoints_text WHERE sweep = 2"
           " AND ip = '2001:2::1'",
           "2-2");
    expect("SELECT count(*) FROM sqlite_master WHERE type = 'index' AND name LIKE 'endpoints_by_%'",
           "2");
    /* opened again: nothing to do */
    s = xs_store_open(path, err, sizeof err);
    assert_non_null(s);
    assert_int_equal(xs_store_close(s, err, sizeof err), 0);
    expect("SELECT count(*) FROM endpoints", "4");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(extracts_columns_from_the_record, setup, teardown),
        cmocka_unit_test_setup_teardown(carries_first_and_last_seen_across_sweeps, setup, teardown),
        cmocka_unit_test_setup_teardown(batches_many_rows_and_prunes_old_sweeps, setup, teardown),
        cmocka_unit_test_setup_teardown(reports_unusable_databases_in_one_line, setup, teardown),
        cmocka_unit_test_setup_teardown(holds_both_families_in_one_order, setup, teardown),
        cmocka_unit_test_setup_teardown(upgrades_a_schema_1_database, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
