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
    xs_result   r;
    const char *protocol;          /* supported-ports table name ("SSH", "HTTP/S"), or NULL */
    const char *severity;          /* critical/high/medium/low/info, or NULL */
    const char *severity_reason;
    /* Optional writer for the stage fields (http, tls, auth, tech, …): called inside the JSON
     * object after the core fields, so every stage adds its keys without output knowing them. */
    void      (*extra_json)(const struct xs_report *rep, void *jsonw);
    const void *extra;             /* the stage data extra_json reads */
} xs_report;

typedef struct xs_output xs_output;
struct xs_store;

/* path NULL or "-" = stdout; append (resume) keeps what the file holds. NULL with err set. */
xs_output *xs_output_open(const char *path, xs_format fmt, bool append, char *err, size_t errlen);
void       xs_output_write(xs_output *o, const xs_report *rep);
uint64_t   xs_output_count(const xs_output *o, xs_status s);
/* Every record also goes, as its JSON line, into this sweep of the history database. */
void       xs_output_attach_store(xs_output *o, struct xs_store *store, int64_t sweep);
/* nmap XML needs the command line, the start time and the port list for its header. */
void       xs_output_xml_begin(xs_output *o, const char *args, uint64_t start_ns, const void *ports);
void       xs_output_flush(xs_output *o);
/* Flushes; true when a write (file or --db) has failed: the results on disk are not complete. */
bool       xs_output_failed(xs_output *o);
/* Flushes and closes; returns -1 when a write error happened at any point (disk full …). */
int        xs_output_close(xs_output *o);

/* extra_json writer for xs_enriched (the HTTP/fingerprint stage): http, tls, auth, tech. */
void xs_stage_fields_json(const xs_report *rep, void *jsonw);

/* ISO 8601 UTC with seconds: 2026-11-23T10:00:00Z */
void xs_format_time(uint64_t realtime_ns, char out[32]);

/* Single-threaded set of endpoint keys that grows as needed: one record per endpoint. */
typedef struct {
    uint64_t *slots;
    size_t mask, used;
} xs_seen;

int  xs_seen_init(xs_seen *s);
void xs_seen_free(xs_seen *s);
bool xs_seen_add(xs_seen *s, uint64_t key);      /* true when new */
bool xs_seen_contains(const xs_seen *s, uint64_t key);

#endif
