/* The output stage: de-duplicates results and writes one record per endpoint. */
#ifndef XSWEEP_OUTPUT_H
#define XSWEEP_OUTPUT_H
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include "xsweep/options.h"
#include "xsweep/record.h"

/* Everything known about one endpoint when its record is written. Stage fields are NULL/0 when
 * that stage did not run for the endpoint. */
typedef struct xs_report {
    xs_result r;
    const char *protocol; /* supported-ports table name ("SSH", "HTTP/S"), or NULL */
    const char *severity; /* critical/high/medium/low/info, or NULL */
    const char *severity_reason;
    /* What the probe identified (NULL = nothing: outputs fall back on the service table). */
    const char *service, *product, *version;
    /* Optional writer for the stage fields (http, tls, auth, tech, …): called inside the JSON
     * object after the core fields, so every stage adds its keys without output knowing them. */
    void (*extra_json)(const struct xs_report *rep, void *jsonw);
    const void *extra; /* the stage data extra_json reads */
} xs_report;

typedef struct xs_output xs_output;
struct xs_store;

/* The JSON records' "schema" value: raised when a key changes meaning or goes away. */
#define XS_JSON_SCHEMA 1

/* path NULL or "-" = stdout; append (resume): the format's reader takes back what the file holds
 * and cuts it to its last complete record; the writer continues there. NULL with err set. */
xs_output *xs_output_open(const char *path, xs_format fmt, bool append, char *err, size_t errlen);
/* Every output the options name: -o FILE (or standard output) in --output-format, and -oA BASE's
 * files, one per format; appended to when resuming. NULL with err set. */
xs_output *xs_output_open_options(const xs_options *o, char *err, size_t errlen);
/* Resuming: calls add(key) for each endpoint that every output file already holds (an endpoint
 * only some files hold, after a kill -9, is written again to the others only). Returns the count. */
long xs_output_replayed(xs_output *o, void (*add)(xs_epkey key, void *arg), void *arg);
void xs_output_write(xs_output *o, const xs_report *rep);
uint64_t xs_output_count(const xs_output *o, xs_status s);
/* Every record also goes, as its JSON line, into this sweep of the history database. */
void xs_output_attach_store(xs_output *o, struct xs_store *store, int64_t sweep);
/* The headers (nmap XML needs the command line, the start time and the port list) of the files
 * that are new; a resumed file keeps the one it has. */
void xs_output_begin(xs_output *o, const char *args, uint64_t start_ns, const void *ports);
/* Flushes; true when a write (file or --db) has failed: the results on disk are not complete. */
bool xs_output_failed(xs_output *o);
/* Writes the footers, flushes and closes; returns -1 when a write error happened at any point (disk full …). */
int xs_output_close(xs_output *o);

/* extra_json writer for xs_enriched (the HTTP/fingerprint stage): http, tls, auth, tech. */
void xs_stage_fields_json(const xs_report *rep, void *jsonw);
/* The stage data of a record (an xs_enriched *, for CSV and -oG columns), or NULL. */
const void *xs_report_stage_data(const xs_report *rep);

/* ISO 8601 UTC with seconds: 2026-11-23T10:00:00Z */
void xs_format_time(uint64_t realtime_ns, char out[32]);

/* Single-threaded set of endpoint keys that grows as needed: one record per endpoint. */
typedef struct {
    xs_epkey *slots; /* port + 1; 0 = empty */
    size_t mask, used;
} xs_seen;

int xs_seen_init(xs_seen *s);
void xs_seen_free(xs_seen *s);
bool xs_seen_add(xs_seen *s, xs_epkey key); /* true when new */
bool xs_seen_contains(const xs_seen *s, xs_epkey key);
/* Slot i (0..mask) holds a key: true and *key set. For walking the whole set. */
bool xs_seen_slot(const xs_seen *s, size_t i, xs_epkey *key);

#endif
