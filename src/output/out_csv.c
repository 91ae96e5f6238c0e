/* -oC: CSV with a header line (RFC 4180: a field holding a comma, quote or line break is quoted,
 * quotes doubled). Network text (titles, server headers, banners) has its control characters
 * turned into spaces, so one record stays one line for line-based tools and for the resume
 * reader. The columns are documented in man/xsweep.1 (OUTPUT FORMATS). */
#include <stdlib.h>
#include <string.h>
#include "xsweep/output_module.h"
#include "xsweep/stage.h"
#include "xsweep/targets.h"

#define CSV_HEADER                                                                                 \
    "ip,port,proto,status,ttl,ts,protocol,severity,severity_reason,"                               \
    "http_status_code,http_title,http_server,tech,product,version,service\n"

void xs_csv_field(FILE *f, const char *s)
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

/* A field of network text: control characters (line breaks included) become spaces. */
static void text_field(FILE *f, const char *s)
{
    if (!s)
        return;
    char *t = strdup(s);
    if (!t)
        return;
    for (char *p = t; *p; p++)
        if ((unsigned char)*p < 0x20 || *p == 0x7f)
            *p = ' ';
    xs_csv_field(f, t);
    free(t);
}

static void csv_header(FILE *f, const xs_output_meta *m)
{
    (void)m;
    fputs(CSV_HEADER, f);
}

/* tech as httpx writes it: "nginx:1.22.1;PHP" */
static void tech_field(FILE *f, const xs_fp_result *t)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *m = open_memstream(&buf, &len);
    if (!m)
        return;
    for (size_t i = 0; i < t->n; i++)
        fprintf(m, "%s%s%s%s", i ? ";" : "", t->v[i].name, t->v[i].version[0] ? ":" : "",
                t->v[i].version);
    fclose(m);
    text_field(f, buf);
    free(buf);
}

static bool csv_record(FILE *f, const xs_report *rep, const xs_record_text *t)
{
    fprintf(f, "%s,%u,tcp,%s,%u,%s,", t->ip, rep->r.port, xs_status_name(rep->r.status), rep->r.ttl,
            t->ts);
    xs_csv_field(f, rep->protocol);
    fputc(',', f);
    xs_csv_field(f, rep->severity);
    fputc(',', f);
    text_field(f, rep->severity_reason);
    fputc(',', f);
    const xs_enriched *e = xs_report_stage_data(rep);
    const xs_http_result *h = e ? e->http : NULL;
    if (h && h->status_code > 0)
        fprintf(f, "%d", h->status_code);
    fputc(',', f);
    text_field(f, h ? h->title : NULL);
    fputc(',', f);
    text_field(f, h ? h->server : NULL);
    fputc(',', f);
    if (e)
        tech_field(f, &e->tech);
    fputc(',', f);
    const xs_probe_info *p = e && e->probe ? &e->probe->info : NULL;
    text_field(f, p && p->product[0] ? p->product : NULL);
    fputc(',', f);
    text_field(f, p && p->version[0] ? p->version : NULL);
    fputc(',', f);
    text_field(f, rep->service); /* what the probe identified, not the port's table name */
    fputc('\n', f);
    return true;
}

static int csv_read_line(const char *line, xs_read_record *rec)
{
    char ip[64], status[16];
    unsigned port;
    if (sscanf(line, "%63[0-9a-fA-F.:],%u,tcp,%15[a-z],", ip, &port, status) != 3 || port == 0 ||
        port > 65535 || !xs_addr_parse(ip, &rec->addr))
        return 0; /* the header line */
    rec->port = (uint16_t)port;
    rec->status = xs_status_parse(status);
    return 1;
}

const xs_output_module xs_out_csv = {
    .name = "csv",
    .extension = "csv",
    .header = csv_header,
    .record = csv_record,
    .read_line = csv_read_line,
};
