/* `xsweep diff`: what changed between two sweeps stored in a history database (see store.h).
 *
 *   xsweep diff --db FILE [SWEEP_A SWEEP_B] [-oJ]
 *
 * Reports, in (ip, port) order, endpoints that appeared (open in B, not open in A), disappeared
 * (open in A, not open in B) or changed (in both, with another status, severity or technology
 * set). Default: the last two finished sweeps. Plain-text table, or JSON lines with -oJ. */
#ifndef XSWEEP_DIFF_H
#define XSWEEP_DIFF_H
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include "xsweep/addr.h"

/* An open history database, SQLite or PostgreSQL (see store.h). */
typedef struct xs_diff_db xs_diff_db;

typedef enum { XS_DIFF_APPEARED = 0, XS_DIFF_DISAPPEARED, XS_DIFF_CHANGED } xs_diff_change;

/* What differs, as bits of xs_diff_entry.fields. */
enum { XS_DIFF_STATUS = 1u << 0, XS_DIFF_SEVERITY = 1u << 1, XS_DIFF_TECH = 1u << 2 };

/* One endpoint in one sweep, as its row in the store has it. Strings may be NULL. */
typedef struct {
    const char *status;
    const char *severity;
    const char *tech; /* technology names, sorted, joined with "," */
    const char *title;
    const char *auth_method;
    int http_status_code;          /* 0 = none */
    int64_t first_seen, last_seen; /* sweep ids, 0 = none */
} xs_diff_side;

typedef struct {
    xs_addr addr; /* either family */
    uint16_t port;
    xs_diff_change change;
    unsigned fields;            /* XS_DIFF_* bits */
    const xs_diff_side *before; /* NULL: not in sweep A */
    const xs_diff_side *after;  /* NULL: not in sweep B */
} xs_diff_entry;

/* A sweep's row in the sweeps table. */
typedef struct {
    int64_t id;
    char started[32];
    bool finished;
    bool pruned;
} xs_diff_sweep;

/* Decides whether one endpoint's two sides (either may be NULL) are a change to report. */
bool xs_diff_classify(const xs_diff_side *before, const xs_diff_side *after, xs_diff_change *change,
                      unsigned *fields);
const char *xs_diff_change_name(xs_diff_change c);

/* Opens a history database (file or PostgreSQL connection string) read-only; NULL with one line
 * in err. */
xs_diff_db *xs_diff_open(const char *path, char *err, size_t errlen);
void xs_diff_close(xs_diff_db *db);
/* Looks a sweep up. Returns 1 found, 0 not found, -1 on a database error (err set). */
int xs_diff_find_sweep(xs_diff_db *db, int64_t id, xs_diff_sweep *out, char *err, size_t errlen);
/* The last two finished sweeps that still have rows: *a older, *b newer. Returns 1, 0 when there
 * are fewer than two, -1 on error. */
int xs_diff_last_two(xs_diff_db *db, xs_diff_sweep *a, xs_diff_sweep *b, char *err, size_t errlen);

/* Calls fn for every reported endpoint, in (ip, port) order; fn returns 0 to go on. Returns 0, or
 * -1 on a database error (err set) or when fn failed. The entry is valid only during the call. */
typedef int (*xs_diff_fn)(void *ctx, const xs_diff_entry *e);
int xs_diff_sweeps(xs_diff_db *db, int64_t a, int64_t b, xs_diff_fn fn, void *ctx, char *err,
                   size_t errlen);

/* Output forms: a table row (after xs_diff_print_header), or one JSON object a line. */
void xs_diff_print_header(FILE *out);
void xs_diff_print_text(FILE *out, const xs_diff_entry *e);
void xs_diff_print_json(FILE *out, const xs_diff_entry *e);

/* The subcommand; argv[0] = "diff". Returns the exit status: 0, 1 (database), 2 (usage). */
int xs_diff_main(int argc, char **argv);
void xs_diff_usage(FILE *out);

#endif
