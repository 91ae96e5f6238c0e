/* Record writers: JSON lines, CSV and masscan-style lists. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "xsweep/jsonw.h"
#include "xsweep/ratelimit.h"
#include "xsweep/output.h"
#include "xsweep/safe_open.h"
#include "xsweep/store.h"
#include "xsweep/targets.h"
#include "xsweep/xml.h"

struct xs_output {
    FILE *f;
    bool owned;
    xs_format fmt;
    uint64_t counts[XS_STATUS_FAILED + 1];
    /* the JSON line of the current record, for the JSON file and the history store alike */
    FILE *json;
    char *json_buf;
    size_t json_len;
    xs_store *store;
    int64_t sweep;
    bool store_failed;
    bool xml_open;
    uint64_t start_ns;
};

void xs_format_time(uint64_t realtime_ns, char out[32])
{
    time_t t = (time_t)(realtime_ns / 1000000000ULL);
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

xs_output *xs_output_open(const char *path, xs_format fmt, bool append, char *err, size_t errlen)
{
    xs_output *o = calloc(1, sizeof *o);
    if (!o) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    o->fmt = fmt;
    if (!path || !strcmp(path, "-")) {
        o->f = stdout;
    } else {
        o->f = xs_open_output_file(path, append);
        if (!o->f) {
            snprintf(err, errlen, "cannot write %s: %s", path,
                     errno == ELOOP ? "a symbolic link someone else owns: refused" : strerror(errno));
            free(o);
            return NULL;
        }
        o->owned = true;
    }
    if (!(o->json = open_memstream(&o->json_buf, &o->json_len))) {
        snprintf(err, errlen, "out of memory");
        if (o->owned)
            fclose(o->f);
        free(o);
        return NULL;
    }
    /* Big buffer: a fast scan writes many small records. */
    setvbuf(o->f, NULL, _IOFBF, 1 << 20);
    if (fmt == XS_FMT_CSV && ftell(o->f) <= 0)
        fputs("ip,port,proto,status,ttl,ts,protocol,severity,severity_reason\n", o->f);
    return o;
}

/* Renders the record's JSON line into o->json_buf (reused from record to record). */
static void render_json(xs_output *o, const xs_report *rep, const char *ip, const char *ts)
{
    rewind(o->json);
    xs_jsonw w;
    xs_jsonw_init(&w, o->json);
    xs_jsonw_begin_object(&w);
    xs_jsonw_key(&w, "ip");       xs_jsonw_cstr(&w, ip);
    xs_jsonw_key(&w, "port");     xs_jsonw_uint(&w, rep->r.port);
    xs_jsonw_key(&w, "proto");    xs_jsonw_cstr(&w, "tcp");
    xs_jsonw_key(&w, "status");   xs_jsonw_cstr(&w, xs_status_name(rep->r.status));
    xs_jsonw_key(&w, "ttl");      xs_jsonw_uint(&w, rep->r.ttl);
    xs_jsonw_key(&w, "ts");       xs_jsonw_cstr(&w, ts);
    if (rep->protocol) {
        xs_jsonw_key(&w, "protocol");
        xs_jsonw_cstr(&w, rep->protocol);
    }
    if (rep->severity) {
        xs_jsonw_key(&w, "severity");        xs_jsonw_cstr(&w, rep->severity);
        xs_jsonw_key(&w, "severity_reason"); xs_jsonw_cstr(&w, rep->severity_reason);
    }
    if (rep->extra_json)
        rep->extra_json(rep, &w);
    xs_jsonw_end_object(&w);
    fputc('\n', o->json);
    fputc('\0', o->json);
    fflush(o->json);
}

/* A CSV field: quoted when it holds a separator, quote or line break (RFC 4180). */
static void csv_field(FILE *f, const char *s)
{
    if (!s)
        return;
    if (!strpbrk(s, ",\"\r\n")) {
        fputs(s, f);
        return;
    }
    fputc('"', f);
    for (; *s; s++) {
        if (*s == '"')
            fputc('"', f);
        fputc(*s, f);
    }
    fputc('"', f);
}

void xs_output_write(xs_output *o, const xs_report *rep)
{
    char ip[16], ts[32];
    xs_format_ipv4(rep->r.ip, ip);
    xs_format_time(rep->r.ts_ns, ts);
    if (rep->r.status <= XS_STATUS_FAILED)
        o->counts[rep->r.status]++;
    if (o->fmt == XS_FMT_JSON || o->store)
        render_json(o, rep, ip, ts);
    if (o->store && !o->store_failed && xs_store_add(o->store, o->sweep, rep, o->json_buf) < 0) {
        o->store_failed = true;   /* reported once, at the end; the file output goes on */
    }
    switch (o->fmt) {
    case XS_FMT_JSON:
        fputs(o->json_buf, o->f);
        break;
    case XS_FMT_XML:
        xs_xml_host(o->f, rep);
        break;
    case XS_FMT_CSV:
        fprintf(o->f, "%s,%u,tcp,%s,%u,%s,", ip, rep->r.port, xs_status_name(rep->r.status),
                rep->r.ttl, ts);
        csv_field(o->f, rep->protocol);
        fputc(',', o->f);
        csv_field(o->f, rep->severity);
        fputc(',', o->f);
        csv_field(o->f, rep->severity_reason);
        fputc('\n', o->f);
        break;
    case XS_FMT_LIST:
        /* masscan's -oL layout, so existing parsers read it. */
        fprintf(o->f, "%s tcp %u %s %llu\n", xs_status_name(rep->r.status), rep->r.port, ip,
                (unsigned long long)(rep->r.ts_ns / 1000000000ULL));
        break;
    }
}

void xs_output_attach_store(xs_output *o, xs_store *store, int64_t sweep)
{
    o->store = store;
    o->sweep = sweep;
}

void xs_output_xml_begin(xs_output *o, const char *args, uint64_t start_ns, const void *ports)
{
    if (o->fmt != XS_FMT_XML || o->xml_open)
        return;
    xs_xml_begin(o->f, args, start_ns, ports);
    o->xml_open = true;
    o->start_ns = start_ns;
}

uint64_t xs_output_count(const xs_output *o, xs_status s)
{
    return s <= XS_STATUS_FAILED ? o->counts[s] : 0;
}

void xs_output_flush(xs_output *o)
{
    fflush(o->f);
}

bool xs_output_failed(xs_output *o)
{
    return fflush(o->f) != 0 || ferror(o->f) || o->store_failed;
}

int xs_output_close(xs_output *o)
{
    if (!o)
        return 0;
    if (o->xml_open)
        xs_xml_end(o->f, o->start_ns, xs_realtime_ns(), o->counts[XS_STATUS_OPEN],
                   o->counts[XS_STATUS_CLOSED],
                   o->counts[XS_STATUS_EXCLUDED] + o->counts[XS_STATUS_UNSUPPORTED] +
                   o->counts[XS_STATUS_FAILED]);
    fclose(o->json);
    free(o->json_buf);
    int rc = fflush(o->f) == 0 && !ferror(o->f) && !o->store_failed ? 0 : -1;
    if (o->owned && fclose(o->f) != 0)
        rc = -1;
    free(o);
    return rc;
}
