/* Record writers: JSON lines, CSV and masscan-style lists. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "xsweep/jsonw.h"
#include "xsweep/output.h"
#include "xsweep/targets.h"

struct xs_output {
    FILE *f;
    bool owned;
    xs_format fmt;
    uint64_t counts[XS_STATUS_FAILED + 1];
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
        o->f = fopen(path, append ? "a" : "w");
        if (!o->f) {
            snprintf(err, errlen, "cannot write %s: %s", path, strerror(errno));
            free(o);
            return NULL;
        }
        o->owned = true;
    }
    /* Big buffer: a fast scan writes many small records. */
    setvbuf(o->f, NULL, _IOFBF, 1 << 20);
    if (fmt == XS_FMT_CSV && ftell(o->f) <= 0)
        fputs("ip,port,proto,status,ttl,ts,protocol,severity,severity_reason\n", o->f);
    return o;
}

static void write_json(xs_output *o, const xs_report *rep, const char *ip, const char *ts)
{
    xs_jsonw w;
    xs_jsonw_init(&w, o->f);
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
    fputc('\n', o->f);
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
    switch (o->fmt) {
    case XS_FMT_JSON:
        write_json(o, rep, ip, ts);
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

uint64_t xs_output_count(const xs_output *o, xs_status s)
{
    return s <= XS_STATUS_FAILED ? o->counts[s] : 0;
}

void xs_output_flush(xs_output *o)
{
    fflush(o->f);
}

int xs_output_close(xs_output *o)
{
    if (!o)
        return 0;
    int rc = fflush(o->f) == 0 && !ferror(o->f) ? 0 : -1;
    if (o->owned && fclose(o->f) != 0)
        rc = -1;
    free(o);
    return rc;
}
