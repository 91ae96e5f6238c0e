/* The output: one record per endpoint, to every file the operator asked for (-o FILE in one
 * format, and -oA BASE in all of them), each through its format's module (xsweep/output_module.h),
 * and, as its JSON line, to the history store. */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include "xsweep/jsonw.h"
#include "xsweep/output_module.h"
#include "xsweep/clock.h"
#include "xsweep/resume.h"
#include "xsweep/safe_open.h"
#include "xsweep/store.h"
#include "xsweep/targets.h"

#define MAX_SINKS 8

typedef struct {
    const xs_output_module *mod;
    FILE *f;
    bool owned;
    bool fresh;        /* the file was empty: it gets the header */
    bool begun;        /* the header is written (or was, by the interrupted run) */
    uint64_t start_ns; /* the run the file began with */
    uint64_t counts[XS_STATUS_FAILED + 1]; /* records the file holds */
    bool resumed;
    xs_seen had; /* resume: the endpoints this file already holds */
} xs_sink;

struct xs_output {
    xs_sink sinks[MAX_SINKS];
    unsigned nsinks;
    bool needs_json;
    uint64_t counts[XS_STATUS_FAILED + 1]; /* records written by this run */
    /* the JSON line of the current record, for the JSON file and the history store alike */
    FILE *json;
    char *json_buf;
    size_t json_len;
    xs_store *store;
    int64_t sweep;
    bool store_failed;
};

void xs_format_time(uint64_t realtime_ns, char out[32])
{
    time_t t = (time_t)(realtime_ns / 1000000000ULL);
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static xs_output *output_new(char *err, size_t errlen)
{
    xs_output *o = calloc(1, sizeof *o);
    if (o && !(o->json = open_memstream(&o->json_buf, &o->json_len))) {
        free(o);
        o = NULL;
    }
    if (!o)
        snprintf(err, errlen, "out of memory");
    return o;
}

static void replay_add(const xs_read_record *rec, void *arg)
{
    xs_sink *s = arg;
    if (xs_seen_add(&s->had, xs_endpoint_key(&rec->addr, rec->port)) &&
        rec->status <= XS_STATUS_FAILED)
        s->counts[rec->status]++;
}

/* append (resume): the file's module reads back what it holds and cuts it to its last complete
 * record, and the writer continues there. */
static int add_sink(xs_output *o, const char *path, xs_format fmt, bool append, char *err,
                    size_t errlen)
{
    if (o->nsinks == MAX_SINKS) {
        snprintf(err, errlen, "too many outputs");
        return -1;
    }
    xs_sink *s = &o->sinks[o->nsinks];
    memset(s, 0, sizeof *s);
    s->mod = xs_output_module_of(fmt);
    o->needs_json |= s->mod->needs_json;
    if (!path || !strcmp(path, "-")) {
        s->f = stdout;
        s->fresh = true;
    } else {
        uint64_t start_s = 0;
        if (append) {
            if (xs_seen_init(&s->had) < 0) {
                snprintf(err, errlen, "out of memory");
                return -1;
            }
            s->resumed = true;
            o->nsinks++; /* from here on, close frees it */
            if (xs_output_replay(path, fmt, replay_add, s, &start_s, err, errlen) < 0)
                return -1;
            o->nsinks--;
        }
        s->f = xs_open_output_file(path, append);
        if (!s->f) {
            snprintf(err, errlen, "cannot write %s: %s", path,
                     errno == ELOOP ? "a symbolic link someone else owns: refused"
                                    : strerror(errno));
            xs_seen_free(&s->had);
            return -1;
        }
        s->owned = true;
        struct stat st;
        s->fresh = fstat(fileno(s->f), &st) != 0 || st.st_size == 0;
        s->begun = !s->fresh;
        s->start_ns = start_s * 1000000000ULL;
    }
    /* Big buffer: a fast scan writes many small records. */
    setvbuf(s->f, NULL, _IOFBF, 1 << 20);
    o->nsinks++;
    return 0;
}

xs_output *xs_output_open(const char *path, xs_format fmt, bool append, char *err, size_t errlen)
{
    xs_output *o = output_new(err, errlen);
    if (o && add_sink(o, path, fmt, append, err, errlen) < 0) {
        xs_output_close(o);
        return NULL;
    }
    return o;
}

xs_output *xs_output_open_options(const xs_options *opt, char *err, size_t errlen)
{
    xs_output *o = output_new(err, errlen);
    if (!o)
        return NULL;
    int rc = 0;
    if (opt->output_file || !opt->output_all)
        rc = add_sink(o, opt->output_file, opt->format, opt->resuming, err, errlen);
    for (unsigned i = 0; rc == 0 && opt->output_all && i < xs_output_module_count(); i++) {
        char path[PATH_MAX];
        const xs_output_module *m = xs_output_module_of((xs_format)i);
        if (snprintf(path, sizeof path, "%s.%s", opt->output_all, m->extension) >=
            (int)sizeof path) {
            snprintf(err, errlen, "-oA %s: name too long", opt->output_all);
            rc = -1;
        } else {
            rc = add_sink(o, path, (xs_format)i, opt->resuming, err, errlen);
        }
    }
    if (rc < 0) {
        xs_output_close(o);
        return NULL;
    }
    return o;
}

long xs_output_replayed(xs_output *o, void (*add)(xs_epkey key, void *arg), void *arg)
{
    xs_sink *first = NULL;
    for (unsigned i = 0; i < o->nsinks && !first; i++)
        if (o->sinks[i].resumed)
            first = &o->sinks[i];
    if (!first)
        return 0;
    long n = 0;
    for (size_t k = 0; k <= first->had.mask; k++) {
        xs_epkey key;
        if (!xs_seen_slot(&first->had, k, &key))
            continue;
        bool everywhere =
            true; /* a record only some files got (kill -9) is written again to the others */
        for (unsigned i = 0; i < o->nsinks && everywhere; i++)
            if (o->sinks[i].resumed && !xs_seen_contains(&o->sinks[i].had, key))
                everywhere = false;
        if (everywhere) {
            add(key, arg);
            n++;
        }
    }
    return n;
}

/* Renders the record's JSON line into o->json_buf (reused from record to record). */
static void render_json(xs_output *o, const xs_report *rep, const char *ip, const char *ts)
{
    rewind(o->json);
    xs_jsonw w;
    xs_jsonw_init(&w, o->json);
    xs_jsonw_begin_object(&w);
    xs_jsonw_key(&w, "ip");
    xs_jsonw_cstr(&w, ip);
    xs_jsonw_key(&w, "port");
    xs_jsonw_uint(&w, rep->r.port);
    xs_jsonw_key(&w, "proto");
    xs_jsonw_cstr(&w, "tcp");
    xs_jsonw_key(&w, "status");
    xs_jsonw_cstr(&w, xs_status_name(rep->r.status));
    xs_jsonw_key(&w, "ttl");
    xs_jsonw_uint(&w, rep->r.ttl);
    xs_jsonw_key(&w, "ts");
    xs_jsonw_cstr(&w, ts);
    xs_jsonw_key(&w, "schema");
    xs_jsonw_uint(&w, XS_JSON_SCHEMA);
    if (rep->protocol) {
        xs_jsonw_key(&w, "protocol");
        xs_jsonw_cstr(&w, rep->protocol);
    }
    if (rep->service) { /* identified by the probe, not the port's table name */
        xs_jsonw_key(&w, "service");
        xs_jsonw_cstr(&w, rep->service);
    }
    if (rep->severity) {
        xs_jsonw_key(&w, "severity");
        xs_jsonw_cstr(&w, rep->severity);
        xs_jsonw_key(&w, "severity_reason");
        xs_jsonw_cstr(&w, rep->severity_reason);
    }
    if (rep->extra_json)
        rep->extra_json(rep, &w);
    xs_jsonw_end_object(&w);
    fputc('\n', o->json);
    fputc('\0', o->json);
    fflush(o->json);
}

void xs_output_write(xs_output *o, const xs_report *rep)
{
    char ip[XS_ADDR_STRLEN], ts[32];
    xs_addr_format(&rep->r.addr, ip);
    xs_format_time(rep->r.ts_ns, ts);
    uint8_t st = rep->r.status <= XS_STATUS_FAILED ? rep->r.status : XS_STATUS_FAILED;
    o->counts[st]++;
    if (o->needs_json || o->store)
        render_json(o, rep, ip, ts);
    if (o->store && !o->store_failed && xs_store_add(o->store, o->sweep, rep, o->json_buf) < 0) {
        o->store_failed = true; /* reported once, at the end; the file output goes on */
    }
    xs_record_text t = {ip, ts, o->json_buf};
    xs_epkey key = xs_endpoint_key(&rep->r.addr, rep->r.port);
    for (unsigned i = 0; i < o->nsinks; i++) {
        xs_sink *s = &o->sinks[i];
        if (s->resumed && xs_seen_contains(&s->had, key))
            continue; /* this file has it from the interrupted run */
        if (s->mod->record(s->f, rep, &t))
            s->counts[st]++;
    }
}

void xs_output_attach_store(xs_output *o, xs_store *store, int64_t sweep)
{
    o->store = store;
    o->sweep = sweep;
}

void xs_output_begin(xs_output *o, const char *args, uint64_t start_ns, const void *ports)
{
    for (unsigned i = 0; i < o->nsinks; i++) {
        xs_sink *s = &o->sinks[i];
        if (!s->start_ns)
            s->start_ns = start_ns;
        if (s->fresh && !s->begun && s->mod->header) {
            xs_output_meta m = {args, s->start_ns, 0, ports, s->counts};
            s->mod->header(s->f, &m);
        }
        s->begun = true;
    }
}

uint64_t xs_output_count(const xs_output *o, xs_status s)
{
    return s <= XS_STATUS_FAILED ? o->counts[s] : 0;
}

bool xs_output_failed(xs_output *o)
{
    bool failed = o->store_failed;
    for (unsigned i = 0; i < o->nsinks; i++)
        failed |= fflush(o->sinks[i].f) != 0 || ferror(o->sinks[i].f);
    return failed;
}

int xs_output_close(xs_output *o)
{
    if (!o)
        return 0;
    int rc = o->store_failed ? -1 : 0;
    uint64_t end = xs_realtime_ns();
    for (unsigned i = 0; i < o->nsinks; i++) {
        xs_sink *s = &o->sinks[i];
        if (s->begun && s->mod->footer) {
            xs_output_meta m = {NULL, s->start_ns, end, NULL, s->counts};
            s->mod->footer(s->f, &m);
        }
        if (fflush(s->f) != 0 || ferror(s->f))
            rc = -1;
        if (s->owned && fclose(s->f) != 0)
            rc = -1;
        if (s->resumed)
            xs_seen_free(&s->had);
    }
    fclose(o->json);
    free(o->json_buf);
    free(o);
    return rc;
}
