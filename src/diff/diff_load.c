/* Reading two sweeps from the history database and walking them side by side. Both are read in
 * (ip, port) order straight off the (sweep, ip, port) index, so memory stays flat for any size. */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "xsweep/diff.h"
#include "xsweep/store.h"
#include "diff_internal.h"

static int db_error(sqlite3 *db, const char *what, char *err, size_t errlen)
{
    snprintf(err, errlen, "history database %s: %s: %s", sqlite3_db_filename(db, "main"), what,
             sqlite3_errmsg(db));
    return -1;
}

static sqlite3 *lite_open(const char *path, char *err, size_t errlen)
{
    sqlite3 *db = NULL;
    int version = -1;
    sqlite3_stmt *st = NULL;
    if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK ||
        sqlite3_busy_timeout(db, 5000) != SQLITE_OK ||
        sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &st, NULL) != SQLITE_OK ||
        sqlite3_step(st) != SQLITE_ROW) {
        int sys = db ? sqlite3_system_errno(db) : 0;
        const char *msg = db ? sqlite3_errmsg(db) : "out of memory";
        if (sys)
            snprintf(err, errlen, "cannot open history database %s: %s (%s)", path, msg,
                     strerror(sys));
        else
            snprintf(err, errlen, "cannot open history database %s: %s", path, msg);
        sqlite3_finalize(st);
        sqlite3_close(db);
        return NULL;
    }
    version = sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
    if (version < 1 || version > XS_STORE_SCHEMA_VERSION) {
        if (version < 1)
            snprintf(err, errlen, "cannot open history database %s: not an xsweep history database",
                     path);
        else
            snprintf(err, errlen,
                     "cannot open history database %s: written by a newer xsweep "
                     "(schema %d)",
                     path, version);
        sqlite3_close(db);
        return NULL;
    }
    return db;
}

static void read_sweep(sqlite3_stmt *st, xs_diff_sweep *out)
{
    memset(out, 0, sizeof *out);
    out->id = sqlite3_column_int64(st, 0);
    const unsigned char *started = sqlite3_column_text(st, 1);
    snprintf(out->started, sizeof out->started, "%s", started ? (const char *)started : "?");
    out->finished = sqlite3_column_type(st, 2) != SQLITE_NULL;
    out->pruned = sqlite3_column_int(st, 3) != 0;
}

static int lite_find_sweep(sqlite3 *db, int64_t id, xs_diff_sweep *out, char *err, size_t errlen)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db, "SELECT id, started, ended, pruned FROM sweeps WHERE id = ?1", -1,
                           &st, NULL) != SQLITE_OK)
        return db_error(db, "cannot read sweeps", err, errlen);
    sqlite3_bind_int64(st, 1, id);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        read_sweep(st, out);
    sqlite3_finalize(st);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        return db_error(db, "cannot read sweeps", err, errlen);
    return rc == SQLITE_ROW;
}

static int lite_last_two(sqlite3 *db, xs_diff_sweep *a, xs_diff_sweep *b, char *err, size_t errlen)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db,
                           "SELECT id, started, ended, pruned FROM sweeps"
                           " WHERE ended IS NOT NULL AND pruned = 0 ORDER BY id DESC LIMIT 2",
                           -1, &st, NULL) != SQLITE_OK)
        return db_error(db, "cannot read sweeps", err, errlen);
    int found = 0, rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW)
        read_sweep(st, found++ == 0 ? b : a);
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE)
        return db_error(db, "cannot read sweeps", err, errlen);
    return found == 2;
}

static const char ROWS[] =
    "SELECT ip, port, status, severity, tech, title, auth_method, http_status_code, first_seen,"
    " last_seen FROM endpoints WHERE sweep = ?1 ORDER BY ip, port";

static const char *text_or_null(sqlite3_stmt *st, int col)
{
    return (const char *)sqlite3_column_text(st, col);
}

/* The current row of st as a side; its strings live until the next step. */
static void read_side(sqlite3_stmt *st, xs_diff_side *s)
{
    s->status = text_or_null(st, 2);
    s->severity = text_or_null(st, 3);
    s->tech = text_or_null(st, 4);
    s->title = text_or_null(st, 5);
    s->auth_method = text_or_null(st, 6);
    s->http_status_code = sqlite3_column_int(st, 7);
    s->first_seen = sqlite3_column_int64(st, 8);
    s->last_seen = sqlite3_column_int64(st, 9);
}

/* The row's endpoint: schema 2 holds the 16-byte address, schema 1 (read as it is, never
 * written) an IPv4 integer. */
typedef struct {
    xs_addr addr;
    uint16_t port;
} row_key;

static row_key key_of(sqlite3_stmt *st)
{
    row_key k = {.port = (uint16_t)sqlite3_column_int(st, 1)};
    if (sqlite3_column_type(st, 0) == SQLITE_INTEGER) {
        k.addr = xs_addr_from_v4((uint32_t)sqlite3_column_int64(st, 0));
    } else {
        const void *b = sqlite3_column_blob(st, 0);
        if (b && sqlite3_column_bytes(st, 0) == (int)sizeof k.addr.b)
            memcpy(k.addr.b, b, sizeof k.addr.b);
    }
    return k;
}

/* Both schemas keep a sweep's rows in this order (the integer of schema 1 as its IPv4 address). */
static int key_cmp(const row_key *x, const row_key *y)
{
    int c = xs_addr_cmp(&x->addr, &y->addr);
    return c ? c : (x->port > y->port) - (x->port < y->port);
}

/* Steps st; returns 1 row, 0 done, -1 error. */
static int step(sqlite3_stmt *st)
{
    int rc = sqlite3_step(st);
    return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -1;
}

static int lite_sweeps(sqlite3 *db, int64_t a, int64_t b, xs_diff_fn fn, void *ctx, char *err,
                       size_t errlen)
{
    sqlite3_stmt *sa = NULL, *sb = NULL;
    int rc = -1;
    if (sqlite3_prepare_v2(db, ROWS, -1, &sa, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(db, ROWS, -1, &sb, NULL) != SQLITE_OK) {
        db_error(db, "cannot read endpoints", err, errlen);
        goto out;
    }
    sqlite3_bind_int64(sa, 1, a);
    sqlite3_bind_int64(sb, 1, b);
    int ha = step(sa), hb = step(sb);
    while (ha > 0 || hb > 0) {
        row_key ka = {0}, kb = {0};
        if (ha > 0)
            ka = key_of(sa);
        if (hb > 0)
            kb = key_of(sb);
        int c = ha <= 0 ? 1 : hb <= 0 ? -1 : key_cmp(&ka, &kb);
        xs_diff_side before, after;
        bool in_a = c <= 0, in_b = c >= 0;
        if (in_a)
            read_side(sa, &before);
        if (in_b)
            read_side(sb, &after);
        xs_diff_entry e = {
            .addr = in_a ? ka.addr : kb.addr,
            .port = in_a ? ka.port : kb.port,
            .before = in_a ? &before : NULL,
            .after = in_b ? &after : NULL,
        };
        if (xs_diff_classify(e.before, e.after, &e.change, &e.fields) && fn(ctx, &e) != 0) {
            snprintf(err, errlen, "cannot write the diff");
            goto out;
        }
        if (in_a)
            ha = step(sa);
        if (in_b)
            hb = step(sb);
    }
    if (ha < 0 || hb < 0) {
        db_error(db, "cannot read endpoints", err, errlen);
        goto out;
    }
    rc = 0;
out:
    sqlite3_finalize(sa);
    sqlite3_finalize(sb);
    return rc;
}

xs_diff_db *xs_diff_open(const char *path, char *err, size_t errlen)
{
    xs_diff_db *d = calloc(1, sizeof *d);
    if (!d) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    if (xs_store_is_postgres(path) ? xs_diff_pg_open(d, path, err, errlen) < 0
                                   : !(d->lite = lite_open(path, err, errlen))) {
        free(d);
        return NULL;
    }
    return d;
}

void xs_diff_close(xs_diff_db *d)
{
    if (!d)
        return;
    if (d->lite)
        sqlite3_close(d->lite);
    else
        xs_diff_pg_close(d);
    free(d);
}

int xs_diff_find_sweep(xs_diff_db *d, int64_t id, xs_diff_sweep *out, char *err, size_t errlen)
{
    return d->lite ? lite_find_sweep(d->lite, id, out, err, errlen)
                   : xs_diff_pg_find_sweep(d, id, out, err, errlen);
}

int xs_diff_last_two(xs_diff_db *d, xs_diff_sweep *a, xs_diff_sweep *b, char *err, size_t errlen)
{
    return d->lite ? lite_last_two(d->lite, a, b, err, errlen)
                   : xs_diff_pg_last_two(d, a, b, err, errlen);
}

int xs_diff_sweeps(xs_diff_db *d, int64_t a, int64_t b, xs_diff_fn fn, void *ctx, char *err,
                   size_t errlen)
{
    return d->lite ? lite_sweeps(d->lite, a, b, fn, ctx, err, errlen)
                   : xs_diff_pg_sweeps(d, a, b, fn, ctx, err, errlen);
}
