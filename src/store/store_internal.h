/* What the store's files share: the handle and its error helpers. */
#ifndef XSWEEP_STORE_INTERNAL_H
#define XSWEEP_STORE_INTERNAL_H
#include <sqlite3.h>
#include <stdbool.h>
#include "xsweep/store.h"

struct xs_store {
    sqlite3      *db;
    char         *path;
    sqlite3_stmt *find_previous;   /* latest earlier row of one endpoint: first_seen, last_seen */
    sqlite3_stmt *insert_endpoint;
    unsigned      pending;         /* rows added since the last commit */
    bool          in_transaction;
    char          err[512];
};

/* Sets s->err to "history database PATH: what: sqlite's message"; returns -1. */
int xs_store_fail(xs_store *s, const char *what);
/* Runs SQL without results; -1 (err set) on failure. */
int xs_store_exec(xs_store *s, const char *sql, const char *what);
/* Opens the write transaction when none is open / commits the one that is. */
int xs_store_begin(xs_store *s);
int xs_store_commit(xs_store *s);

#endif
