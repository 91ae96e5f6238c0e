/* Output formats as modules (one file per format in src/output/out_*.c, in the way of zmap's
 * output_module_t): a writer (header, record, footer) and a reader that --resume uses to learn
 * which endpoints a file already holds and to cut it back to where the writer continues.
 *
 * To add a format: a new out_NAME.c defining one xs_output_module, an xs_format value in
 * xsweep/options.h, a row in xs_output_modules() (module_table.c), its name in --output-format
 * (src/cli/option_table.c) and its section in man/xsweep.1 (OUTPUT FORMATS).
 *
 * A record is one line in every format: the reader is line based (a torn last line, from a
 * kill -9, is not a record). */
#ifndef XSWEEP_OUTPUT_MODULE_H
#define XSWEEP_OUTPUT_MODULE_H
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include "xsweep/output.h"

/* What headers and footers say about the run. counts are those of the records the file holds
 * (including those an interrupted run wrote, when resuming). */
typedef struct {
    const char *args;       /* the command line */
    uint64_t start_ns;      /* CLOCK_REALTIME at the start of the (first) run */
    uint64_t end_ns;        /* footer only */
    const void *ports;      /* xs_portlist of the scanned ports, or NULL */
    const uint64_t *counts; /* [XS_STATUS_FAILED + 1] */
} xs_output_meta;

/* The record's common text, rendered once for every format. */
typedef struct {
    const char *ip;   /* "198.19.0.1" or "2001:2::5" (RFC 5952, no brackets) */
    const char *ts;   /* ISO 8601 UTC */
    const char *json; /* the JSON line (with its newline), when the module needs_json */
} xs_record_text;

/* One record the reader found. */
typedef struct xs_read_record {
    xs_addr addr; /* either family */
    uint16_t port;
    xs_status status;
    uint64_t start_s; /* a header's start time (seconds), 0 when the line has none */
} xs_read_record;

typedef struct xs_output_module {
    const char *name;      /* --output-format value */
    const char *extension; /* -oA BASE.extension */
    bool needs_json;       /* record() reads t->json */
    /* Once, at the top of a new (empty) file; NULL when the format has none. */
    void (*header)(FILE *f, const xs_output_meta *m);
    /* One record; returns false when the format has nothing for this status (nothing written). */
    bool (*record)(FILE *f, const xs_report *rep, const xs_record_text *t);
    /* Once, at the end of a run (also an interrupted one); NULL when the format has none. The
     * resume reader removes it again, so a resumed file ends with one footer. */
    void (*footer)(FILE *f, const xs_output_meta *m);
    /* The reader: 1 when line (without its newline) is a record (*rec filled), 0 when it is not
     * (header, footer, comment). Lines that are not records after the last one are cut off. */
    int (*read_line)(const char *line, xs_read_record *rec);
} xs_output_module;

extern const xs_output_module xs_out_json, xs_out_csv, xs_out_list, xs_out_xml, xs_out_grepable;

/* The module of a format (never NULL for a valid xs_format). */
const xs_output_module *xs_output_module_of(xs_format fmt);
/* The number of formats; xs_output_module_of(0 .. n-1) are all of them (for -oA). */
unsigned xs_output_module_count(void);

/* CSV field, quoted as RFC 4180 says when it holds a comma, quote or line break. (Exposed for
 * tests.) */
void xs_csv_field(FILE *f, const char *s);

#endif
