/* Writing one sweep: its row in sweeps, then its endpoint rows in batched transactions. */
#include <stdio.h>
#include <string.h>
#include "store_internal.h"
#include "xsweep/targets.h"

int64_t xs_sqlite_begin_sweep(xs_store *s, const char *options_text, uint64_t start_realtime_ns)
{
    /* The sweep row is committed at once, so even a sweep that dies half-way is on record. */
    if (xs_store_commit(s) < 0)
        return -1;
    char started[32];
    xs_format_time(start_realtime_ns, started);
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(s->db, "INSERT INTO sweeps(started, options) VALUES(?1, ?2)", -1, &st,
                           NULL) != SQLITE_OK)
        return xs_store_fail(s, "cannot record the sweep");
    sqlite3_bind_text(st, 1, started, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 2, options_text, -1, SQLITE_TRANSIENT);
    int rc = sqlite3_step(st);
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE)
        return xs_store_fail(s, "cannot record the sweep");
    return sqlite3_last_insert_rowid(s->db);
}

/* Probed with a definite outcome: the statuses that count as "seen" for first/last_seen. */
static bool counts_as_seen(uint8_t status)
{
    return status == XS_STATUS_OPEN || status == XS_STATUS_CLOSED;
}

/* The endpoint's first_seen/last_seen as of its latest earlier row (0 = none). */
static int previous_seen(xs_store *s, int64_t sweep, const xs_result *r, int64_t *first,
                         int64_t *last)
{
    sqlite3_stmt *st = s->find_previous;
    *first = *last = 0;
    sqlite3_bind_blob(st, 1, r->addr.b, sizeof r->addr.b, SQLITE_STATIC);
    sqlite3_bind_int(st, 2, r->port);
    sqlite3_bind_int64(st, 3, sweep);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        *first = sqlite3_column_int64(st, 0);
        *last = sqlite3_column_int64(st, 1);
    }
    sqlite3_reset(st);
    sqlite3_clear_bindings(st); /* the address belongs to the caller */
    return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : xs_store_fail(s, "cannot read history");
}

static void bind_id_or_null(sqlite3_stmt *st, int i, int64_t id)
{
    if (id > 0)
        sqlite3_bind_int64(st, i, id);
    else
        sqlite3_bind_null(st, i);
}

int xs_sqlite_add(xs_store *s, int64_t sweep, const xs_report *rep, const char *record_json)
{
    if (xs_store_begin(s) < 0)
        return -1;
    int64_t first, last;
    if (previous_seen(s, sweep, &rep->r, &first, &last) < 0)
        return -1;
    if (counts_as_seen(rep->r.status)) {
        if (!first)
            first = sweep;
        last = sweep;
    }
    char ip[XS_ADDR_STRLEN];
    xs_addr_format(&rep->r.addr, ip);
    sqlite3_stmt *st = s->insert_endpoint;
    sqlite3_bind_int64(st, 1, sweep);
    sqlite3_bind_blob(st, 2, rep->r.addr.b, sizeof rep->r.addr.b, SQLITE_STATIC);
    sqlite3_bind_int(st, 3, rep->r.port);
    sqlite3_bind_text(st, 4, xs_status_name(rep->r.status), -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 5, rep->severity, -1, SQLITE_STATIC); /* NULL binds NULL */
    bind_id_or_null(st, 6, first);
    bind_id_or_null(st, 7, last);
    sqlite3_bind_text(st, 8, ip, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 9, record_json, -1, SQLITE_STATIC);
    int rc = sqlite3_step(st);
    sqlite3_reset(st);
    sqlite3_clear_bindings(st); /* the bound strings belong to the caller */
    if (rc != SQLITE_DONE)
        return xs_store_fail(s, "cannot add an endpoint");
    if (++s->pending >= XS_STORE_BATCH)
        return xs_store_commit(s);
    return 0;
}

int xs_sqlite_end_sweep(xs_store *s, int64_t sweep, uint64_t end_realtime_ns, uint64_t open,
                        uint64_t closed, uint64_t other)
{
    if (xs_store_commit(s) < 0)
        return -1;
    char ended[32];
    xs_format_time(end_realtime_ns, ended);
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(s->db,
                           "UPDATE sweeps SET ended = ?2, open = ?3, closed = ?4, other = ?5"
                           " WHERE id = ?1",
                           -1, &st, NULL) != SQLITE_OK)
        return xs_store_fail(s, "cannot finish the sweep");
    sqlite3_bind_int64(st, 1, sweep);
    sqlite3_bind_text(st, 2, ended, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(st, 3, (int64_t)open);
    sqlite3_bind_int64(st, 4, (int64_t)closed);
    sqlite3_bind_int64(st, 5, (int64_t)other);
    int rc = sqlite3_step(st);
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE)
        return xs_store_fail(s, "cannot finish the sweep");
    if (sqlite3_changes(s->db) != 1) {
        snprintf(s->err, sizeof s->err, "history database %s: no sweep %lld", s->path,
                 (long long)sweep);
        return -1;
    }
    return 0;
}

int64_t xs_sqlite_resume_sweep(xs_store *s, int64_t sweep)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(s->db, "SELECT 1 FROM sweeps WHERE id = ?1 AND ended IS NULL", -1, &st,
                           NULL) != SQLITE_OK)
        return xs_store_fail(s, "cannot read the sweeps table");
    sqlite3_bind_int64(st, 1, sweep);
    int rc = sqlite3_step(st);
    sqlite3_finalize(st);
    if (rc != SQLITE_ROW)
        return xs_store_fail(s, "the sweep to resume is not in the database, or it already ended");
    return sweep;
}
