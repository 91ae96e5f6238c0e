/* The PostgreSQL backend (libpq): one shared database that the shards of a sweep, on any number
 * of hosts, write at once. Each shard has its own row in sweep_shards; the sweep's ended is set
 * by whichever shard ends last (the sweep row is locked while it checks). */
#include <inttypes.h>
#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "store_internal.h"
#include "xsweep/targets.h"

struct pg_conn {
    PGconn *c;
};

/* endpoints with ip as text ("198.19.0.1", "2001:2::5"), for people typing SQL */
#define ENDPOINTS_TEXT_VIEW                                                                        \
    "CREATE OR REPLACE VIEW endpoints_text AS SELECT sweep, host(ip) AS ip,"                       \
    "  port, status, severity, http_status_code, title, auth_method, tech, first_seen, last_seen," \
    "  record FROM endpoints;"

/* Schema creation is serialised by an advisory lock, as all shards start at once. */
static const char SCHEMA[] =
    "SELECT pg_advisory_xact_lock(7853010241);"
    "CREATE TABLE IF NOT EXISTS xsweep_meta(schema_version INTEGER NOT NULL);"
    "CREATE TABLE IF NOT EXISTS sweeps("
    "  id BIGSERIAL PRIMARY KEY,"
    "  started TEXT NOT NULL,"
    "  ended TEXT,"
    "  options TEXT,"
    "  open BIGINT, closed BIGINT, other BIGINT,"
    "  pruned INTEGER NOT NULL DEFAULT 0,"
    "  sweep_key TEXT UNIQUE,"
    "  shards INTEGER NOT NULL DEFAULT 1);"
    "CREATE TABLE IF NOT EXISTS sweep_shards("
    "  sweep BIGINT NOT NULL REFERENCES sweeps(id),"
    "  shard INTEGER NOT NULL,"
    "  started TEXT NOT NULL,"
    "  ended TEXT,"
    "  open BIGINT, closed BIGINT, other BIGINT,"
    "  PRIMARY KEY(sweep, shard));"
    "CREATE TABLE IF NOT EXISTS endpoints("
    "  sweep BIGINT NOT NULL REFERENCES sweeps(id),"
    "  ip INET NOT NULL,"
    "  port INTEGER NOT NULL,"
    "  status TEXT NOT NULL,"
    "  severity TEXT,"
    "  http_status_code INTEGER,"
    "  title TEXT,"
    "  auth_method TEXT,"
    "  tech TEXT,"
    "  record TEXT,"
    "  first_seen BIGINT,"
    "  last_seen BIGINT,"
    "  shard INTEGER NOT NULL DEFAULT 0);"
    "CREATE UNIQUE INDEX IF NOT EXISTS endpoints_by_sweep ON endpoints(sweep, ip, port);"
    "CREATE INDEX IF NOT EXISTS endpoints_by_endpoint ON endpoints(ip, port, "
    "sweep);" ENDPOINTS_TEXT_VIEW
    "INSERT INTO xsweep_meta SELECT 2 WHERE NOT EXISTS (SELECT 1 FROM xsweep_meta);";

/* Schema 1 -> 2: ip BIGINT (IPv4, host order) becomes inet, which holds both families and sorts
 * IPv4 before IPv6; the indexes are rebuilt by the ALTER. Under the schema lock, in the caller's
 * transaction, and only while the version still says 1 (another shard may have done it). */
static const char MIGRATE_1_TO_2[] =
    "SELECT pg_advisory_xact_lock(7853010241);"
    "DO $$ BEGIN IF (SELECT schema_version FROM xsweep_meta) = 1 THEN"
    "  DROP VIEW IF EXISTS endpoints_text;"
    "  ALTER TABLE endpoints ALTER COLUMN ip TYPE inet USING '0.0.0.0'::inet + ip;"
    "  UPDATE xsweep_meta SET schema_version = 2;"
    " END IF; END $$;" ENDPOINTS_TEXT_VIEW;

/* $1 sweep $2 ip (text, either family) $3 port $4 status $5 severity $6 code $7 title $8 auth $9 tech $10 record
 * $11 seen (counts for first/last_seen) $12 shard. */
static const char INSERT_ENDPOINT[] =
    "INSERT INTO endpoints(sweep, ip, port, status, severity, http_status_code, title,"
    "  auth_method, tech, record, first_seen, last_seen, shard)"
    " SELECT $1, $2, $3, $4, $5, $6, $7, $8, $9, $10,"
    "  CASE WHEN $11 THEN coalesce(p.first_seen, $1) ELSE p.first_seen END,"
    "  CASE WHEN $11 THEN $1 ELSE p.last_seen END, $12"
    " FROM (SELECT 1) AS one LEFT JOIN LATERAL"
    "  (SELECT first_seen, last_seen FROM endpoints WHERE ip = $2 AND port = $3 AND sweep < $1"
    "   ORDER BY sweep DESC LIMIT 1) AS p ON true"
    " ON CONFLICT (sweep, ip, port) DO UPDATE SET status = EXCLUDED.status,"
    "  severity = EXCLUDED.severity, http_status_code = EXCLUDED.http_status_code,"
    "  title = EXCLUDED.title, auth_method = EXCLUDED.auth_method, tech = EXCLUDED.tech,"
    "  record = EXCLUDED.record, first_seen = EXCLUDED.first_seen,"
    "  last_seen = EXCLUDED.last_seen, shard = EXCLUDED.shard";

static PGconn *conn(xs_store *s)
{
    return s->pg->c;
}

static int pg_fail(xs_store *s, const char *what, const PGresult *r)
{
    const char *msg = r ? PQresultErrorMessage(r) : "";
    if (!msg || !*msg)
        msg = PQerrorMessage(conn(s));
    char one[300];
    snprintf(one, sizeof one, "%s", msg);
    one[strcspn(one, "\n")] = '\0'; /* one line */
    snprintf(s->err, sizeof s->err, "history database %s: %s: %s", s->path, what, one);
    return -1;
}

/* Runs sql with text parameters; returns the result (caller clears), NULL with err set. */
static PGresult *run(xs_store *s, const char *what, const char *sql, int n,
                     const char *const *params)
{
    PGresult *r = PQexecParams(conn(s), sql, n, NULL, params, NULL, NULL, 0);
    ExecStatusType st = PQresultStatus(r);
    if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) {
        pg_fail(s, what, r);
        PQclear(r);
        return NULL;
    }
    return r;
}

static int exec0(xs_store *s, const char *what, const char *sql, int n, const char *const *params)
{
    PGresult *r = run(s, what, sql, n, params);
    PQclear(r);
    return r ? 0 : -1;
}

static int pg_begin(xs_store *s)
{
    if (s->in_transaction)
        return 0;
    if (exec0(s, "cannot start a transaction", "BEGIN", 0, NULL) < 0)
        return -1;
    s->in_transaction = true;
    s->pending = 0;
    return 0;
}

static int pg_commit(xs_store *s)
{
    if (!s->in_transaction)
        return 0;
    s->in_transaction = false;
    s->pending = 0;
    if (exec0(s, "cannot commit", "COMMIT", 0, NULL) < 0) {
        PQclear(PQexec(conn(s), "ROLLBACK"));
        return -1;
    }
    return 0;
}

static void rollback(xs_store *s)
{
    if (s->in_transaction)
        PQclear(PQexec(conn(s), "ROLLBACK"));
    s->in_transaction = false;
    s->pending = 0;
}

/* "postgresql://user@host:port/db" for messages: never the password. */
char *xs_store_pg_label(const char *conninfo)
{
    char *err = NULL;
    PQconninfoOption *opts = PQconninfoParse(conninfo, &err);
    PQfreemem(err);
    const char *host = "", *port = "", *db = "", *user = "";
    for (PQconninfoOption *o = opts; o && o->keyword; o++) {
        if (!o->val)
            continue;
        if (!strcmp(o->keyword, "host"))
            host = o->val;
        else if (!strcmp(o->keyword, "port"))
            port = o->val;
        else if (!strcmp(o->keyword, "dbname"))
            db = o->val;
        else if (!strcmp(o->keyword, "user"))
            user = o->val;
    }
    char buf[512];
    snprintf(buf, sizeof buf, "postgresql://%s%s%s%s%s/%s", user, *user ? "@" : "",
             *host == '/' ? "" : host, *port ? ":" : "", port, db);
    if (*host == '/')
        snprintf(buf, sizeof buf, "postgresql://%s%s[%s]%s%s/%s", user, *user ? "@" : "", host,
                 *port ? ":" : "", port, db);
    PQconninfoFree(opts);
    return strdup(buf);
}

static int64_t first_int(PGresult *r, int col)
{
    return PQntuples(r) > 0 && !PQgetisnull(r, 0, col) ? strtoll(PQgetvalue(r, 0, col), NULL, 10)
                                                       : 0;
}

static int64_t pg_begin_sweep(xs_store *s, const char *options_text, uint64_t start_ns)
{
    if (pg_commit(s) < 0 || pg_begin(s) < 0)
        return -1;
    char started[32], shards[16], shard[16], id[24];
    xs_format_time(start_ns, started);
    snprintf(shards, sizeof shards, "%u", s->shard_count);
    snprintf(shard, sizeof shard, "%u", s->shard_index);
    const char *p[4] = {started, options_text, s->sweep_key, shards};
    /* A shared sweep: the first shard creates it, the others find it. The advisory lock on the
     * key makes that one decision (and spends no sequence number on a lost race, so sweep ids
     * stay 1, 2, 3 as in SQLite). */
    PGresult *r = NULL;
    if (s->sweep_key) {
        if (exec0(s, "cannot record the sweep", "SELECT pg_advisory_xact_lock(hashtext($1))", 1,
                  &p[2]) < 0 ||
            !(r = run(s, "cannot record the sweep",
                      "SELECT id, shards, ended IS NOT NULL FROM sweeps"
                      " WHERE sweep_key = $1",
                      1, &p[2])))
            goto fail;
        if (PQntuples(r) == 0) {
            PQclear(r);
            r = run(s, "cannot record the sweep",
                    "INSERT INTO sweeps(started, options, sweep_key,"
                    " shards) VALUES($1, $2, $3, $4) RETURNING id, shards, false",
                    4, p);
        }
    } else {
        r = run(s, "cannot record the sweep",
                "INSERT INTO sweeps(started, options, shards)"
                " VALUES($1, $2, 1) RETURNING id, shards, false",
                2, p);
    }
    if (!r)
        goto fail;
    int64_t sweep = first_int(r, 0), nshards = first_int(r, 1);
    bool ended = PQntuples(r) > 0 && !strcmp(PQgetvalue(r, 0, 2), "t");
    PQclear(r);
    if (ended || nshards != s->shard_count) {
        if (ended)
            snprintf(s->err, sizeof s->err,
                     "history database %s: sweep \"%s\" (%" PRId64 ") has already finished",
                     s->path, s->sweep_key, sweep);
        else
            snprintf(s->err, sizeof s->err,
                     "history database %s: sweep \"%s\" has %" PRId64
                     " shards, this process was given %u",
                     s->path, s->sweep_key, nshards, s->shard_count);
        goto fail;
    }
    snprintf(id, sizeof id, "%" PRId64, sweep);
    const char *q[3] = {id, shard, started};
    /* A shard that runs again from the start (a retried pod) replaces its earlier rows. */
    if (exec0(s, "cannot record the shard",
              "INSERT INTO sweep_shards(sweep, shard, started) VALUES($1, $2, $3)"
              " ON CONFLICT (sweep, shard) DO UPDATE SET started = EXCLUDED.started, ended = NULL",
              3, q) < 0 ||
        exec0(s, "cannot record the shard", "DELETE FROM endpoints WHERE sweep = $1 AND shard = $2",
              2, q) < 0 ||
        pg_commit(s) < 0)
        goto fail;
    return sweep;
fail:
    rollback(s);
    return -1;
}

static int64_t pg_resume_sweep(xs_store *s, int64_t sweep)
{
    char id[24], shard[16];
    snprintf(id, sizeof id, "%" PRId64, sweep);
    snprintf(shard, sizeof shard, "%u", s->shard_index);
    const char *p[2] = {id, shard};
    PGresult *r = run(s, "cannot read the sweeps table",
                      "SELECT 1 FROM sweeps w JOIN sweep_shards h ON h.sweep = w.id"
                      " WHERE w.id = $1 AND h.shard = $2 AND w.ended IS NULL AND h.ended IS NULL",
                      2, p);
    if (!r)
        return -1;
    int found = PQntuples(r);
    PQclear(r);
    if (!found) {
        snprintf(s->err, sizeof s->err,
                 "history database %s: the sweep to resume is not in the "
                 "database, or this shard of it already ended",
                 s->path);
        return -1;
    }
    return sweep;
}

static int pg_add(xs_store *s, int64_t sweep, const xs_report *rep, const char *record_json)
{
    if (pg_begin(s) < 0)
        return -1;
    xs_store_cols c;
    if (xs_store_cols_from(rep, record_json, &c) < 0) {
        xs_store_cols_free(&c);
        snprintf(s->err, sizeof s->err, "history database %s: out of memory", s->path);
        return -1;
    }
    char id[24], ip[XS_ADDR_STRLEN], port[8], code[16], shard[16];
    snprintf(id, sizeof id, "%" PRId64, sweep);
    xs_addr_format(&rep->r.addr, ip);
    snprintf(port, sizeof port, "%u", rep->r.port);
    snprintf(code, sizeof code, "%d", c.http_status_code);
    snprintf(shard, sizeof shard, "%u", s->shard_index);
    bool seen = rep->r.status == XS_STATUS_OPEN || rep->r.status == XS_STATUS_CLOSED;
    const char *p[12] = {id,
                         ip,
                         port,
                         xs_status_name(rep->r.status),
                         c.severity,
                         c.has_http_status_code ? code : NULL,
                         c.title,
                         c.auth_method,
                         c.tech,
                         c.record,
                         seen ? "true" : "false",
                         shard};
    PGresult *r = PQexecPrepared(conn(s), "insert_endpoint", 12, p, NULL, NULL, 0);
    int rc = PQresultStatus(r) == PGRES_COMMAND_OK ? 0 : pg_fail(s, "cannot add an endpoint", r);
    PQclear(r);
    xs_store_cols_free(&c);
    if (rc < 0) {
        rollback(s);
        return -1;
    }
    if (++s->pending >= XS_STORE_BATCH)
        return pg_commit(s);
    return 0;
}

static int pg_end_sweep(xs_store *s, int64_t sweep, uint64_t end_ns, uint64_t open, uint64_t closed,
                        uint64_t other)
{
    if (pg_commit(s) < 0 || pg_begin(s) < 0)
        return -1;
    char id[24], shard[16], ended[32], o[24], c[24], x[24];
    snprintf(id, sizeof id, "%" PRId64, sweep);
    snprintf(shard, sizeof shard, "%u", s->shard_index);
    xs_format_time(end_ns, ended);
    snprintf(o, sizeof o, "%" PRIu64, open);
    snprintf(c, sizeof c, "%" PRIu64, closed);
    snprintf(x, sizeof x, "%" PRIu64, other);
    const char *p[6] = {id, shard, ended, o, c, x};
    PGresult *r = run(s, "cannot finish the shard",
                      "UPDATE sweep_shards SET ended = $3, open = $4, closed = $5, other = $6"
                      " WHERE sweep = $1 AND shard = $2",
                      6, p);
    if (!r)
        goto fail;
    bool updated = !strcmp(PQcmdTuples(r), "1");
    PQclear(r);
    if (!updated) {
        snprintf(s->err, sizeof s->err, "history database %s: no sweep %" PRId64 " shard %u",
                 s->path, sweep, s->shard_index + 1);
        goto fail;
    }
    /* The sweep row's lock orders the shards that end at the same moment: the last one sees
     * every other's ended (read committed takes a new snapshot per statement). */
    if (exec0(s, "cannot finish the sweep", "SELECT 1 FROM sweeps WHERE id = $1 FOR UPDATE", 1, p) <
            0 ||
        exec0(s, "cannot finish the sweep",
              "UPDATE sweeps w SET ended = $2, open = t.o, closed = t.c, other = t.x"
              " FROM (SELECT count(ended) AS done, sum(open) AS o, sum(closed) AS c,"
              "       sum(other) AS x FROM sweep_shards WHERE sweep = $1) t"
              " WHERE w.id = $1 AND t.done = w.shards",
              2, (const char *const[]){id, ended}) < 0 ||
        pg_commit(s) < 0)
        goto fail;
    return 0;
fail:
    rollback(s);
    return -1;
}

static int pg_prune(xs_store *s, unsigned keep_last_n)
{
    if (keep_last_n == 0)
        return 0;
    if (pg_commit(s) < 0 || pg_begin(s) < 0)
        return -1;
    char off[16];
    snprintf(off, sizeof off, "%u", keep_last_n - 1);
    const char *p[1] = {off};
    PGresult *r = run(s, "cannot prune",
                      "SELECT id FROM sweeps WHERE ended IS NOT NULL"
                      " ORDER BY id DESC LIMIT 1 OFFSET $1",
                      1, p);
    if (!r)
        goto fail;
    char oldest[24];
    snprintf(oldest, sizeof oldest, "%" PRId64, first_int(r, 0));
    PQclear(r);
    if (!strcmp(oldest, "0"))
        return pg_commit(s);
    const char *q[1] = {oldest};
    if (exec0(s, "cannot prune", "DELETE FROM endpoints WHERE sweep < $1", 1, q) < 0 ||
        !(r = run(s, "cannot prune", "UPDATE sweeps SET pruned = 1 WHERE id < $1 AND pruned = 0", 1,
                  q)))
        goto fail;
    int pruned = atoi(PQcmdTuples(r));
    PQclear(r);
    return pg_commit(s) < 0 ? -1 : pruned;
fail:
    rollback(s);
    return -1;
}

static int pg_clear_shard(xs_store *s, int64_t sweep)
{
    if (pg_begin(s) < 0)
        return -1;
    char id[24], shard[16];
    snprintf(id, sizeof id, "%" PRId64, sweep);
    snprintf(shard, sizeof shard, "%u", s->shard_index);
    const char *p[2] = {id, shard};
    if (exec0(s, "cannot reconcile the sweep",
              "DELETE FROM endpoints WHERE sweep = $1 AND shard = $2", 2, p) < 0) {
        rollback(s);
        return -1;
    }
    return 0;
}

static int pg_close(xs_store *s)
{
    int rc = pg_commit(s);
    PQfinish(conn(s));
    free(s->pg);
    s->pg = NULL;
    return rc;
}

static const xs_store_ops pg_ops = {
    .begin_sweep = pg_begin_sweep,
    .resume_sweep = pg_resume_sweep,
    .add = pg_add,
    .end_sweep = pg_end_sweep,
    .prune = pg_prune,
    .sync = pg_commit,
    .clear_shard = pg_clear_shard,
    .close = pg_close,
};

int xs_pg_open(xs_store *s, const char *conninfo, char *err, size_t errlen)
{
    char *label = xs_store_pg_label(conninfo);
    if (label) { /* never keep the password, even in messages */
        free(s->path);
        s->path = label;
    }
    if (!(s->pg = calloc(1, sizeof *s->pg))) {
        snprintf(err, errlen, "cannot open history database %s: out of memory", s->path);
        return -1;
    }
    s->pg->c = PQconnectdb(conninfo);
    if (PQstatus(s->pg->c) != CONNECTION_OK) {
        char one[300];
        snprintf(one, sizeof one, "%s", PQerrorMessage(s->pg->c));
        one[strcspn(one, "\n")] = '\0';
        snprintf(err, errlen, "cannot open history database %s: %s", s->path, one);
        goto fail;
    }
    PQsetNoticeProcessor(s->pg->c, NULL, NULL);
    PQclear(PQexec(s->pg->c, "SET client_min_messages = warning"));
    PGresult *r = PQexec(s->pg->c, "SELECT schema_version FROM xsweep_meta");
    int version = PQresultStatus(r) == PGRES_TUPLES_OK ? (int)first_int(r, 0) : 0;
    PQclear(r);
    if (version > XS_STORE_SCHEMA_VERSION) {
        snprintf(err, errlen,
                 "cannot open history database %s: written by a newer xsweep "
                 "(schema %d, this one reads %d)",
                 s->path, version, XS_STORE_SCHEMA_VERSION);
        goto fail;
    }
    if (version < XS_STORE_SCHEMA_VERSION) {
        char sql[sizeof SCHEMA + sizeof MIGRATE_1_TO_2 + 32];
        /* version 1: an IPv4-only history, upgraded in place (every row kept) */
        snprintf(sql, sizeof sql, "BEGIN;%sCOMMIT;", version == 1 ? MIGRATE_1_TO_2 : SCHEMA);
        r = PQexec(s->pg->c, sql);
        bool ok = PQresultStatus(r) == PGRES_COMMAND_OK;
        if (!ok) {
            char one[300];
            snprintf(one, sizeof one, "%s", PQresultErrorMessage(r));
            one[strcspn(one, "\n")] = '\0';
            snprintf(err, errlen, "cannot open history database %s: cannot create the schema: %s",
                     s->path, one);
        }
        PQclear(r);
        if (!ok)
            goto fail;
    }
    r = PQprepare(s->pg->c, "insert_endpoint", INSERT_ENDPOINT, 12, NULL);
    if (PQresultStatus(r) != PGRES_COMMAND_OK) {
        char one[300];
        snprintf(one, sizeof one, "%s", PQresultErrorMessage(r));
        one[strcspn(one, "\n")] = '\0';
        snprintf(err, errlen,
                 "cannot open history database %s: not an xsweep history database "
                 "(%s)",
                 s->path, one);
        PQclear(r);
        goto fail;
    }
    PQclear(r);
    s->ops = &pg_ops;
    return 0;
fail:
    PQfinish(s->pg->c);
    free(s->pg);
    s->pg = NULL;
    return -1;
}
