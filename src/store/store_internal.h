/* What the store's files share: the handle, its two backends (SQLite, PostgreSQL) and their
 * error helpers. The public functions (store_api.c) dispatch through xs_store_ops. */
#ifndef XSWEEP_STORE_INTERNAL_H
#define XSWEEP_STORE_INTERNAL_H
#include <sqlite3.h>
#include <stdbool.h>
#include "xsweep/store.h"

struct pg_conn;

typedef struct {
    int64_t (*begin_sweep)(xs_store *s, const char *options_text, uint64_t start_ns);
    int64_t (*resume_sweep)(xs_store *s, int64_t sweep);
    int (*add)(xs_store *s, int64_t sweep, const xs_report *rep, const char *record_json);
    int (*end_sweep)(xs_store *s, int64_t sweep, uint64_t end_ns, uint64_t open, uint64_t closed,
                     uint64_t other);
    int (*prune)(xs_store *s, unsigned keep_last_n);
    int (*sync)(xs_store *s);                       /* commit what is pending */
    int (*clear_shard)(xs_store *s, int64_t sweep); /* in a transaction: drop this shard's rows */
    int (*close)(xs_store *s);                      /* commit, free the backend's part */
} xs_store_ops;

struct xs_store {
    const xs_store_ops *ops;
    char *path;                        /* as given; for PostgreSQL without its password */
    uint32_t shard_index, shard_count; /* 0-based index; count 1 = not sharded */
    char *sweep_key;     /* shared sweep name (PostgreSQL), NULL = a sweep of our own */
    uint64_t rebuilt[3]; /* open, closed, other records xs_store_reconcile re-added */
    unsigned pending;    /* rows added since the last commit */
    bool in_transaction;
    char err[512];
    /* SQLite */
    sqlite3 *db;
    sqlite3_stmt *find_previous; /* latest earlier row of one endpoint: first_seen, last_seen */
    sqlite3_stmt *insert_endpoint;
    /* PostgreSQL */
    struct pg_conn *pg;
};

extern const xs_store_ops xs_sqlite_ops;
/* Backend constructors: fill s (path set) or return -1 with one line in err. */
int xs_sqlite_open(xs_store *s, char *err, size_t errlen);
int xs_pg_open(xs_store *s, const char *conninfo, char *err, size_t errlen);

int64_t xs_sqlite_begin_sweep(xs_store *s, const char *options_text, uint64_t start_ns);
int64_t xs_sqlite_resume_sweep(xs_store *s, int64_t sweep);
int xs_sqlite_add(xs_store *s, int64_t sweep, const xs_report *rep, const char *record_json);
int xs_sqlite_end_sweep(xs_store *s, int64_t sweep, uint64_t end_ns, uint64_t open, uint64_t closed,
                        uint64_t other);
int xs_sqlite_prune(xs_store *s, unsigned keep_last_n);

/* SQLite helpers. Sets s->err to "history database PATH: what: sqlite's message"; returns -1. */
int xs_store_fail(xs_store *s, const char *what);
/* Runs SQL without results; -1 (err set) on failure. */
int xs_store_exec(xs_store *s, const char *sql, const char *what);
/* Opens the write transaction when none is open / commits the one that is. */
int xs_store_begin(xs_store *s);
int xs_store_commit(xs_store *s);

/* The columns both backends pull out of a record line (jansson, so they agree exactly). */
typedef struct {
    char *severity, *title, *auth_method, *tech; /* NULL = none; free with xs_store_cols_free */
    int http_status_code;
    bool has_http_status_code;
    char *record; /* the line, or a minimal record built */
} xs_store_cols;
int xs_store_cols_from(const xs_report *rep, const char *record_json, xs_store_cols *c);
void xs_store_cols_free(xs_store_cols *c);

#endif
