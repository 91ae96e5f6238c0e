/* Opening the history database: schema, WAL mode, the prepared statements, clear errors. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "store_internal.h"

/* Schema 2: ip is the 16-byte address (IPv4 as ::ffff:a.b.c.d), so one column holds both families
 * and sorts as numbers do (the IPv4 block, then IPv6 above it); endpoints_text shows the record's
 * own text form (every record xsweep writes has its "ip"; hex digits for one that does not). */
#define ENDPOINTS_TABLE                                                                            \
    "CREATE TABLE IF NOT EXISTS endpoints("                                                        \
    "  sweep INTEGER NOT NULL REFERENCES sweeps(id),"                                              \
    "  ip BLOB NOT NULL,"                                                                          \
    "  port INTEGER NOT NULL,"                                                                     \
    "  status TEXT NOT NULL,"                                                                      \
    "  severity TEXT,"                                                                             \
    "  http_status_code INTEGER,"                                                                  \
    "  title TEXT,"                                                                                \
    "  auth_method TEXT,"                                                                          \
    "  tech TEXT,"                                                                                 \
    "  record TEXT,"                                                                               \
    "  first_seen INTEGER,"                                                                        \
    "  last_seen INTEGER);"
/* (sweep, ip, port): one row per endpoint a sweep, and a sweep's rows in endpoint order for
 * diff. (ip, port, sweep): an endpoint's previous row, for first_seen/last_seen. */
#define ENDPOINTS_INDEXES                                                                          \
    "CREATE UNIQUE INDEX IF NOT EXISTS endpoints_by_sweep ON endpoints(sweep, ip, port);"          \
    "CREATE INDEX IF NOT EXISTS endpoints_by_endpoint ON endpoints(ip, port, sweep);"              \
    "CREATE VIEW IF NOT EXISTS endpoints_text AS SELECT sweep,"                                    \
    "  coalesce(json_extract(record, '$.ip'), lower(hex(ip))) AS ip,"                              \
    "  port, status, severity, http_status_code, title, auth_method, tech, first_seen, last_seen," \
    "  record FROM endpoints;"

static const char SCHEMA[] =
    "CREATE TABLE IF NOT EXISTS sweeps("
    "  id INTEGER PRIMARY KEY,"
    "  started TEXT NOT NULL,"
    "  ended TEXT,"
    "  options TEXT,"
    "  open INTEGER, closed INTEGER, other INTEGER,"
    "  pruned INTEGER NOT NULL DEFAULT 0);" ENDPOINTS_TABLE ENDPOINTS_INDEXES;

/* Schema 1 -> 2: the IPv4-only integer ip becomes the 16-byte form (xsweep_v4_addr, registered
 * for the migration), rows and ids kept. One transaction: a failure leaves schema 1 as it was. */
static const char MIGRATE_1_TO_2[] =
    "BEGIN IMMEDIATE;"
    "DROP VIEW IF EXISTS endpoints_text;"
    "DROP INDEX IF EXISTS endpoints_by_sweep;"
    "DROP INDEX IF EXISTS endpoints_by_endpoint;"
    "ALTER TABLE endpoints RENAME TO endpoints_schema1;" ENDPOINTS_TABLE
    "INSERT INTO endpoints SELECT sweep, xsweep_v4_addr(ip), port, status, severity,"
    "  http_status_code, title, auth_method, tech, record, first_seen, last_seen"
    "  FROM endpoints_schema1;"
    "DROP TABLE endpoints_schema1;" ENDPOINTS_INDEXES "PRAGMA user_version=2;"
    "COMMIT;";

static const char FIND_PREVIOUS[] =
    "SELECT first_seen, last_seen FROM endpoints"
    " WHERE ip = ?1 AND port = ?2 AND sweep < ?3 ORDER BY sweep DESC LIMIT 1";

/* ?1 sweep ?2 ip (16 bytes) ?3 port ?4 status ?5 severity ?6 first_seen ?7 last_seen ?8 ip text
 * ?9 record.
 * The record is used only when it is valid JSON, so a bad one cannot fail the row. */
static const char INSERT_ENDPOINT[] =
    "INSERT OR REPLACE INTO endpoints(sweep, ip, port, status, severity, http_status_code, title,"
    "  auth_method, tech, record, first_seen, last_seen)"
    " SELECT ?1, ?2, ?3, ?4,"
    "  coalesce(?5, json_extract(r, '$.severity')),"
    "  json_extract(r, '$.http.status_code'),"
    "  json_extract(r, '$.http.title'),"
    "  json_extract(r, '$.auth.method'),"
    "  (SELECT group_concat(n, ',') FROM"
    "     (SELECT DISTINCT CASE type WHEN 'object' THEN json_extract(value, '$.name')"
    "                                WHEN 'text' THEN value END AS n"
    "        FROM json_each(r, '$.tech') WHERE n IS NOT NULL ORDER BY n)),"
    "  coalesce(r, json_object('ip', ?8, 'port', ?3, 'proto', 'tcp', 'status', ?4,"
    "                          'severity', ?5)),"
    "  ?6, ?7"
    " FROM (SELECT CASE WHEN json_valid(?9) THEN ?9 END AS r)";

int xs_store_fail(xs_store *s, const char *what)
{
    snprintf(s->err, sizeof s->err, "history database %s: %s: %s", s->path, what,
             s->db ? sqlite3_errmsg(s->db) : "out of memory");
    return -1;
}

int xs_store_exec(xs_store *s, const char *sql, const char *what)
{
    if (sqlite3_exec(s->db, sql, NULL, NULL, NULL) != SQLITE_OK)
        return xs_store_fail(s, what);
    return 0;
}

int xs_store_begin(xs_store *s)
{
    if (s->in_transaction)
        return 0;
    if (xs_store_exec(s, "BEGIN IMMEDIATE", "cannot start a transaction") < 0)
        return -1;
    s->in_transaction = true;
    s->pending = 0;
    return 0;
}

int xs_store_commit(xs_store *s)
{
    if (!s->in_transaction)
        return 0;
    if (xs_store_exec(s, "COMMIT", "cannot commit") < 0) {
        sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
        s->in_transaction = false;
        return -1;
    }
    s->in_transaction = false;
    s->pending = 0;
    return 0;
}

/* sqlite's message, with the OS reason when there is one ("unable to open database file
 * (Permission denied)"), as one line. */
static void open_error(sqlite3 *db, const char *path, const char *extra, char *err, size_t errlen)
{
    const char *msg = db ? sqlite3_errmsg(db) : "out of memory";
    int sys = db ? sqlite3_system_errno(db) : 0;
    if (extra)
        snprintf(err, errlen, "cannot open history database %s: %s", path, extra);
    else if (sys)
        snprintf(err, errlen, "cannot open history database %s: %s (%s)", path, msg, strerror(sys));
    else
        snprintf(err, errlen, "cannot open history database %s: %s", path, msg);
}

/* The one integer a one-row query answers. 0, or -1. */
static int query_int(sqlite3 *db, const char *sql, int *out)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
        return -1;
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        *out = sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
    return rc == SQLITE_ROW ? 0 : -1;
}

/* WAL so readers (diff) never block the scan; synchronous=NORMAL is durable enough in WAL and
 * keeps a commit per batch cheap. */
static int configure(sqlite3 *db)
{
    if (sqlite3_busy_timeout(db, 5000) != SQLITE_OK)
        return -1;
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db, "PRAGMA journal_mode=WAL", -1, &st, NULL) != SQLITE_OK)
        return -1;
    int rc = sqlite3_step(st);
    sqlite3_finalize(st);
    if (rc != SQLITE_ROW)
        return -1;
    /* A 64 MiB page cache keeps the two endpoint indexes' hot pages in memory on big sweeps. */
    return sqlite3_exec(db, "PRAGMA synchronous=NORMAL; PRAGMA cache_size=-65536", NULL, NULL,
                        NULL) == SQLITE_OK
               ? 0
               : -1;
}

/* A database without our schema version must be empty: never add tables to someone else's. */
static int is_empty(sqlite3 *db, bool *empty)
{
    int n = 0;
    if (query_int(db, "SELECT count(*) FROM sqlite_master", &n) != 0)
        return -1;
    *empty = n == 0;
    return 0;
}

/* xsweep_v4_addr(INTEGER ip): schema 1's host-order IPv4 as schema 2's 16-byte form. */
static void v4_addr_fn(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    (void)argc;
    xs_addr a = xs_addr_from_v4((uint32_t)sqlite3_value_int64(argv[0]));
    sqlite3_result_blob(ctx, a.b, sizeof a.b, SQLITE_TRANSIENT);
}

/* Rewrites a schema 1 database (IPv4 only) in place; -1 with sqlite's message in why. */
static int migrate_1_to_2(sqlite3 *db, char *why, size_t whylen)
{
    if (sqlite3_create_function(db, "xsweep_v4_addr", 1, SQLITE_UTF8 | SQLITE_DETERMINISTIC, NULL,
                                v4_addr_fn, NULL, NULL) == SQLITE_OK &&
        sqlite3_exec(db, MIGRATE_1_TO_2, NULL, NULL, NULL) == SQLITE_OK)
        return 0;
    snprintf(why, whylen, "cannot upgrade schema 1 to %d: %s", XS_STORE_SCHEMA_VERSION,
             sqlite3_errmsg(db));
    sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
    return -1;
}

/* Returns -1 with sqlite's message in why (a rollback would reset the handle's message). */
static int create_schema(sqlite3 *db, char *why, size_t whylen)
{
    char sql[sizeof SCHEMA + 128];
    snprintf(sql, sizeof sql, "BEGIN IMMEDIATE;%sPRAGMA user_version=%d;COMMIT;", SCHEMA,
             XS_STORE_SCHEMA_VERSION);
    if (sqlite3_exec(db, sql, NULL, NULL, NULL) == SQLITE_OK)
        return 0;
    int sys = sqlite3_system_errno(db);
    if (sys)
        snprintf(why, whylen, "%s (%s)", sqlite3_errmsg(db), strerror(sys));
    else
        snprintf(why, whylen, "%s", sqlite3_errmsg(db));
    sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
    return -1;
}

int xs_sqlite_open(xs_store *s, char *err, size_t errlen)
{
    const char *path = s->path;
    int version = 0;
    char why[160];
    const char *extra = NULL;
    int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;
    if (sqlite3_open_v2(path, &s->db, flags, NULL) != SQLITE_OK ||
        query_int(s->db, "PRAGMA user_version", &version) < 0 || configure(s->db) < 0)
        goto fail;
    if (version > XS_STORE_SCHEMA_VERSION) {
        snprintf(why, sizeof why, "written by a newer xsweep (schema %d, this one reads %d)",
                 version, XS_STORE_SCHEMA_VERSION);
        extra = why;
        goto fail;
    }
    if (version == 1) { /* an IPv4-only history: upgraded in place, every row kept */
        if (migrate_1_to_2(s->db, why, sizeof why) < 0) {
            extra = why;
            goto fail;
        }
    } else if (version < XS_STORE_SCHEMA_VERSION) {
        bool empty = false;
        if (is_empty(s->db, &empty) < 0)
            goto fail;
        if (!empty) {
            extra = "not an xsweep history database (it holds other tables)";
            goto fail;
        }
        if (create_schema(s->db, why, sizeof why) < 0) {
            extra = why;
            goto fail;
        }
    }
    if (sqlite3_prepare_v3(s->db, FIND_PREVIOUS, -1, SQLITE_PREPARE_PERSISTENT, &s->find_previous,
                           NULL) != SQLITE_OK ||
        sqlite3_prepare_v3(s->db, INSERT_ENDPOINT, -1, SQLITE_PREPARE_PERSISTENT,
                           &s->insert_endpoint, NULL) != SQLITE_OK) {
        snprintf(why, sizeof why, "not an xsweep history database (%s)", sqlite3_errmsg(s->db));
        extra = why;
        goto fail;
    }
    s->ops = &xs_sqlite_ops;
    return 0;
fail:
    open_error(s->db, path, extra, err, errlen);
    sqlite3_finalize(s->find_previous);
    sqlite3_finalize(s->insert_endpoint);
    sqlite3_close(s->db);
    s->db = NULL;
    return -1;
}

static int sqlite_close(xs_store *s)
{
    int rc = xs_store_commit(s);
    sqlite3_finalize(s->find_previous);
    sqlite3_finalize(s->insert_endpoint);
    if (sqlite3_close(s->db) != SQLITE_OK && rc == 0)
        rc = xs_store_fail(s, "cannot close");
    return rc;
}

static int sqlite_clear_shard(xs_store *s, int64_t sweep)
{
    if (xs_store_begin(s) < 0)
        return -1;
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(s->db, "DELETE FROM endpoints WHERE sweep = ?1", -1, &st, NULL) !=
        SQLITE_OK)
        return xs_store_fail(s, "cannot reconcile the sweep");
    sqlite3_bind_int64(st, 1, sweep);
    int rc = sqlite3_step(st);
    sqlite3_finalize(st);
    return rc == SQLITE_DONE ? 0 : xs_store_fail(s, "cannot reconcile the sweep");
}

const xs_store_ops xs_sqlite_ops = {
    .begin_sweep = xs_sqlite_begin_sweep,
    .resume_sweep = xs_sqlite_resume_sweep,
    .add = xs_sqlite_add,
    .end_sweep = xs_sqlite_end_sweep,
    .prune = xs_sqlite_prune,
    .sync = xs_store_commit,
    .clear_shard = sqlite_clear_shard,
    .close = sqlite_close,
};
