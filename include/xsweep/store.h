/* Sweep history: every sweep's endpoint records in one SQLite database (`--db FILE`), so that
 * `xsweep diff` can say what appeared, disappeared or changed between two sweeps.
 *
 * Schema (PRAGMA user_version = 2; a version 1 database, IPv4 only, is upgraded when opened):
 *   sweeps(id INTEGER PRIMARY KEY, started TEXT, ended TEXT, options TEXT,
 *          open INTEGER, closed INTEGER, other INTEGER, pruned INTEGER)
 *       started/ended are ISO 8601 UTC ("2026-11-23T10:00:00Z"); ended is NULL while a sweep runs
 *       or when it never finished. pruned = 1 once its endpoint rows were deleted by prune.
 *   endpoints(sweep, ip BLOB (the 16-byte address, network order; IPv4 as ::ffff:a.b.c.d, so
 *             both families sort in one numeric order), port, status, severity, http_status_code,
 *             title, auth_method, tech, record, first_seen, last_seen)
 *       record is the whole JSON line the output stage wrote; the other columns are extracted from
 *       it (tech = the technology names, sorted, de-duplicated, joined with ",").
 *       first_seen/last_seen are sweep ids: the first and the latest sweep (up to this one) in which
 *       the endpoint was probed with an answer or a timeout, i.e. any status but excluded,
 *       unsupported or failed. NULL when it never was.
 *   view endpoints_text: endpoints with ip as text ("198.19.0.1", "2001:2::5"), for people
 *       typing SQL.
 *
 * One writer at a time (the scan); readers (`xsweep diff`, sqlite3) may read while it writes.
 *
 * Two backends behind these functions: SQLite (a file name, the embedded default) and PostgreSQL
 * (a "postgresql://" / "postgres://" URI or a libpq "key=value" connection string). PostgreSQL has
 * the same sweeps and endpoints tables (and view; endpoints.ip is of type inet there, IPv4 sorting
 * before IPv6), plus what sharing a sweep needs:
 *   sweeps.sweep_key TEXT UNIQUE, sweeps.shards INTEGER: the name the shards of one sweep share;
 *   sweep_shards(sweep, shard, started, ended, open, closed, other): one row per shard (0-based);
 *   endpoints.shard INTEGER: which shard wrote the row;
 *   xsweep_meta(schema_version).
 * Several processes (shards) write one sweep at once; its ended is set only when every shard has
 * ended. */
#ifndef XSWEEP_STORE_H
#define XSWEEP_STORE_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "xsweep/output.h"

typedef struct xs_store xs_store;

/* Opens or creates the database and its schema. NULL with one line in err ("cannot open history
 * database FILE: reason") when the file cannot be written or is not an xsweep database. */
xs_store *xs_store_open(const char *path, char *err, size_t errlen);
/* Commits what is pending and closes. Returns -1 (one line in err) when that commit failed.
 * NULL is fine; err may be NULL. */
int xs_store_close(xs_store *s, char *err, size_t errlen);
/* The last error of any call below, one line naming the database. */
const char *xs_store_error(const xs_store *s);

/* Records a new sweep; returns its id (> 0), or -1. options_text is the effective configuration. */
int64_t xs_store_begin_sweep(xs_store *s, const char *options_text, uint64_t start_realtime_ns);
/* Adds one endpoint record. record_json is the JSON line written for it (trailing newline
 * allowed); NULL or invalid JSON stores a minimal record built from rep. Rows are committed in
 * batches of XS_STORE_BATCH; a second add of the same endpoint in a sweep replaces the first. */
/* --resume: continue sweep (it must exist and not have ended). Returns it, or -1. */
int64_t xs_store_resume_sweep(xs_store *s, int64_t sweep);
int xs_store_add(xs_store *s, int64_t sweep, const xs_report *rep, const char *record_json);
/* Commits the sweep's last rows and records its end and its counts. */
int xs_store_end_sweep(xs_store *s, int64_t sweep, uint64_t end_realtime_ns, uint64_t open,
                       uint64_t closed, uint64_t other);
/* Deletes the endpoint rows of all but the newest keep_last_n sweeps (their sweeps rows stay, with
 * pruned = 1, so first_seen ids keep a date). keep_last_n = 0 keeps everything. Returns the number
 * of sweeps pruned, or -1. */
int xs_store_prune(xs_store *s, unsigned keep_last_n);

/* Is spec a PostgreSQL connection string (URI or key=value) rather than an SQLite file name? */
bool xs_store_is_postgres(const char *spec);
/* "postgresql://user@host:port/db" for messages: the connection string without its password
 * (malloc'd). */
char *xs_store_pg_label(const char *conninfo);
/* Before begin_sweep: this process is shard index0 (0-based) of count, and writes the shared
 * sweep named sweep_key (NULL: a sweep of its own). SQLite takes only count 1 or no key. */
int xs_store_set_shard(xs_store *s, uint32_t index0, uint32_t count, const char *sweep_key);
/* The default shared sweep name: "YYYY-Www-" (ISO week of realtime_ns) + 16 hex digits of the
 * SHA-256 of the configuration text (every shard must give the same configuration). */
void xs_store_sweep_key(const char *config_text, uint64_t realtime_ns, char out[48]);
/* Commits what is pending (called whenever the output file is flushed for a checkpoint). */
int xs_store_sync(xs_store *s);
/* --resume: makes this shard's rows of sweep exactly the records in the output file path
 * (format fmt, torn tail already cut): deletes the shard's rows, re-adds every record, commits, in
 * one transaction. Returns the number of records, or -1. */
long xs_store_reconcile(xs_store *s, int64_t sweep, const char *path, xs_format fmt);

#define XS_STORE_BATCH          10000
#define XS_STORE_SCHEMA_VERSION 2

#endif
