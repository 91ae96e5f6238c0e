/* Reading two sweeps from PostgreSQL: the same questions as diff_load.c asks SQLite. The two
 * sweeps are joined in the server and streamed a row at a time (single-row mode), so memory
 * stays flat for any size. */
#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "diff_internal.h"
#include "xsweep/store.h"

static PGconn *pg(xs_diff_db *d)
{
    return d->pg;
}

static int pg_error(xs_diff_db *d, const char *what, const PGresult *r, char *err, size_t errlen)
{
    char one[300];
    snprintf(one, sizeof one, "%s",
             r && *PQresultErrorMessage(r) ? PQresultErrorMessage(r) : PQerrorMessage(pg(d)));
    one[strcspn(one, "\n")] = '\0';
    snprintf(err, errlen, "history database %s: %s: %s", d->label, what, one);
    return -1;
}

int xs_diff_pg_open(xs_diff_db *d, const char *conninfo, char *err, size_t errlen)
{
    char *label = xs_store_pg_label(conninfo);
    snprintf(d->label, sizeof d->label, "%s", label ? label : "postgresql");
    free(label);
    PGconn *c = PQconnectdb(conninfo);
    d->pg = c;
    if (PQstatus(c) != CONNECTION_OK) {
        char one[300];
        snprintf(one, sizeof one, "%s", PQerrorMessage(c));
        one[strcspn(one, "\n")] = '\0';
        snprintf(err, errlen, "cannot open history database %s: %s", d->label, one);
        PQfinish(c);
        return -1;
    }
    PQclear(PQexec(c, "SET default_transaction_read_only = on"));
    PGresult *r = PQexec(c, "SELECT schema_version FROM xsweep_meta");
    int version =
        PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) > 0 ? atoi(PQgetvalue(r, 0, 0)) : 0;
    PQclear(r);
    if (version < 1 || version > XS_STORE_SCHEMA_VERSION) {
        if (version < 1)
            snprintf(err, errlen, "cannot open history database %s: not an xsweep history database",
                     d->label);
        else
            snprintf(err, errlen,
                     "cannot open history database %s: written by a newer xsweep "
                     "(schema %d)",
                     d->label, version);
        PQfinish(c);
        return -1;
    }
    return 0;
}

void xs_diff_pg_close(xs_diff_db *d)
{
    PQfinish(pg(d));
}

static void read_sweep(PGresult *r, int row, xs_diff_sweep *out)
{
    memset(out, 0, sizeof *out);
    out->id = strtoll(PQgetvalue(r, row, 0), NULL, 10);
    snprintf(out->started, sizeof out->started, "%s", PQgetvalue(r, row, 1));
    out->finished = !PQgetisnull(r, row, 2);
    out->pruned = atoi(PQgetvalue(r, row, 3)) != 0;
}

int xs_diff_pg_find_sweep(xs_diff_db *d, int64_t id, xs_diff_sweep *out, char *err, size_t errlen)
{
    char ids[24];
    snprintf(ids, sizeof ids, "%lld", (long long)id);
    const char *p[1] = {ids};
    PGresult *r = PQexecParams(pg(d), "SELECT id, started, ended, pruned FROM sweeps WHERE id = $1",
                               1, NULL, p, NULL, NULL, 0);
    if (PQresultStatus(r) != PGRES_TUPLES_OK) {
        pg_error(d, "cannot read sweeps", r, err, errlen);
        PQclear(r);
        return -1;
    }
    int found = PQntuples(r) > 0;
    if (found)
        read_sweep(r, 0, out);
    PQclear(r);
    return found;
}

int xs_diff_pg_last_two(xs_diff_db *d, xs_diff_sweep *a, xs_diff_sweep *b, char *err, size_t errlen)
{
    PGresult *r = PQexec(pg(d), "SELECT id, started, ended, pruned FROM sweeps"
                                " WHERE ended IS NOT NULL AND pruned = 0 ORDER BY id DESC LIMIT 2");
    if (PQresultStatus(r) != PGRES_TUPLES_OK) {
        pg_error(d, "cannot read sweeps", r, err, errlen);
        PQclear(r);
        return -1;
    }
    int n = PQntuples(r);
    for (int i = 0; i < n; i++)
        read_sweep(r, i, i == 0 ? b : a);
    PQclear(r);
    return n == 2;
}

/* Columns: ip, port, then for A and for B: present, status, severity, tech, title, auth_method,
 * http_status_code, first_seen, last_seen. */
static const char JOINED[] =
    "SELECT coalesce(a.ip, b.ip)::text, coalesce(a.port, b.port),"
    " a.ip IS NOT NULL, a.status, a.severity, a.tech, a.title, a.auth_method, a.http_status_code,"
    " a.first_seen, a.last_seen,"
    " b.ip IS NOT NULL, b.status, b.severity, b.tech, b.title, b.auth_method, b.http_status_code,"
    " b.first_seen, b.last_seen"
    " FROM (SELECT * FROM endpoints WHERE sweep = $1) a"
    " FULL JOIN (SELECT * FROM endpoints WHERE sweep = $2) b ON a.ip = b.ip AND a.port = b.port"
    " ORDER BY coalesce(a.ip, b.ip), 2";

/* ip as text: schema 2's inet ("2001:2::5/128", either family) or schema 1's IPv4 integer (diff
 * only reads: the next sweep's xsweep upgrades the database). */
static xs_addr row_addr(const char *text)
{
    xs_addr a = {{0}};
    char buf[XS_ADDR_STRLEN + 8];
    if (text[0] && strspn(text, "0123456789") == strlen(text))
        return xs_addr_from_v4((uint32_t)strtoull(text, NULL, 10));
    snprintf(buf, sizeof buf, "%s", text);
    buf[strcspn(buf, "/")] = '\0';
    xs_addr_parse(buf, &a);
    return a;
}

static const char *text(PGresult *r, int col)
{
    return PQgetisnull(r, 0, col) ? NULL : PQgetvalue(r, 0, col);
}

static void read_side(PGresult *r, int base, xs_diff_side *s)
{
    s->status = text(r, base);
    s->severity = text(r, base + 1);
    s->tech = text(r, base + 2);
    s->title = text(r, base + 3);
    s->auth_method = text(r, base + 4);
    s->http_status_code = text(r, base + 5) ? atoi(text(r, base + 5)) : 0;
    s->first_seen = text(r, base + 6) ? strtoll(text(r, base + 6), NULL, 10) : 0;
    s->last_seen = text(r, base + 7) ? strtoll(text(r, base + 7), NULL, 10) : 0;
}

int xs_diff_pg_sweeps(xs_diff_db *d, int64_t a, int64_t b, xs_diff_fn fn, void *ctx, char *err,
                      size_t errlen)
{
    char sa[24], sb[24];
    snprintf(sa, sizeof sa, "%lld", (long long)a);
    snprintf(sb, sizeof sb, "%lld", (long long)b);
    const char *p[2] = {sa, sb};
    if (!PQsendQueryParams(pg(d), JOINED, 2, NULL, p, NULL, NULL, 0) || !PQsetSingleRowMode(pg(d)))
        return pg_error(d, "cannot read endpoints", NULL, err, errlen);
    int rc = 0;
    PGresult *r;
    while ((r = PQgetResult(pg(d)))) {
        ExecStatusType st = PQresultStatus(r);
        if (st == PGRES_SINGLE_TUPLE && rc == 0) {
            xs_diff_side before, after;
            bool in_a = !strcmp(PQgetvalue(r, 0, 2), "t"),
                 in_b = !strcmp(PQgetvalue(r, 0, 11), "t");
            if (in_a)
                read_side(r, 3, &before);
            if (in_b)
                read_side(r, 12, &after);
            xs_diff_entry e = {
                .addr = row_addr(PQgetvalue(r, 0, 0)),
                .port = (uint16_t)atoi(PQgetvalue(r, 0, 1)),
                .before = in_a ? &before : NULL,
                .after = in_b ? &after : NULL,
            };
            if (xs_diff_classify(e.before, e.after, &e.change, &e.fields) && fn(ctx, &e) != 0) {
                snprintf(err, errlen, "cannot write the diff");
                rc = -1;
            }
        } else if (st != PGRES_SINGLE_TUPLE && st != PGRES_TUPLES_OK && rc == 0) {
            rc = pg_error(d, "cannot read endpoints", r, err, errlen);
        }
        PQclear(r); /* drain every result, so the connection is clean */
    }
    return rc;
}
