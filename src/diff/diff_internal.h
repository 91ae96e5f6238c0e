/* The diff reader's handle and its PostgreSQL half (diff_load_pg.c). */
#ifndef XSWEEP_DIFF_INTERNAL_H
#define XSWEEP_DIFF_INTERNAL_H
#include <sqlite3.h>
#include "xsweep/diff.h"

struct pg_conn;

struct xs_diff_db {
    sqlite3 *lite;   /* SQLite, or */
    void *pg;        /* a PGconn */
    char label[256]; /* PostgreSQL: the database without its password, for messages */
};

int xs_diff_pg_open(xs_diff_db *d, const char *conninfo, char *err, size_t errlen);
void xs_diff_pg_close(xs_diff_db *d);
int xs_diff_pg_find_sweep(xs_diff_db *d, int64_t id, xs_diff_sweep *out, char *err, size_t errlen);
int xs_diff_pg_last_two(xs_diff_db *d, xs_diff_sweep *a, xs_diff_sweep *b, char *err,
                        size_t errlen);
int xs_diff_pg_sweeps(xs_diff_db *d, int64_t a, int64_t b, xs_diff_fn fn, void *ctx, char *err,
                      size_t errlen);

#endif
