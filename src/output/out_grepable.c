/* -oG: nmap's grepable layout, one "Host:" line per endpoint, so `grep /open/` and the scripts
 * written for nmap -oG read it:
 *   # xsweep 1.0 scan initiated Tue Dec  1 21:00:00 2026 UTC as: xsweep -oG - ...
 *   Host: 198.18.0.1 ()	Ports: 80/open/tcp//http//nginx 1.22.1/
 *   # xsweep done at Tue Dec  1 21:00:09 2026 UTC -- 1 endpoints (1 open, 0 closed) scanned in 9.00 seconds
 * The port entry is nmap's port/state/protocol/owner/service/rpc/version/; closed ports with no
 * reply are "filtered" as in -oX; excluded, unsupported and failed records are not written. */
#include <stdio.h>
#include <string.h>
#include <time.h>
#include "xsweep/output_module.h"
#include "xsweep/stage.h"
#include "xsweep/targets.h"
#include "xsweep/xml.h"

static void nmap_time(uint64_t realtime_ns, char out[64])
{
    time_t t = (time_t)(realtime_ns / 1000000000ULL);
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(out, 64, "%a %b %e %H:%M:%S %Y UTC", &tm);
}

/* A free-text field: '/' would end it and ',' the port entry, so they become '|' and ' ' the
 * way nmap does; control characters become spaces. */
static void put_field(FILE *f, const char *s)
{
    for (; s && *s; s++) {
        unsigned char c = (unsigned char)*s;
        fputc(c == '/' ? '|' : c == ',' || c < 0x20 || c == 0x7f ? ' ' : c, f);
    }
}

static void grepable_header(FILE *f, const xs_output_meta *m)
{
    char when[64];
    nmap_time(m->start_ns, when);
    fprintf(f, "# xsweep %s scan initiated %s as: ", XSWEEP_VERSION, when);
    for (const char *a = m->args; a && *a; a++) /* one comment line */
        fputc((unsigned char)*a < 0x20 ? ' ' : *a, f);
    fputc('\n', f);
}

static bool grepable_record(FILE *f, const xs_report *rep, const xs_record_text *t)
{
    const xs_result *r = &rep->r;
    const char *state;
    if (r->status == XS_STATUS_OPEN)
        state = "open";
    else if (r->status == XS_STATUS_CLOSED)
        state = r->ttl ? "closed" : "filtered";
    else
        return false;
    fprintf(f, "Host: %s ()\tPorts: %u/%s/tcp//", t->ip, r->port, state);
    if (rep->protocol)
        xs_xml_service_name(f, rep->protocol, r->port);
    fputs("//", f);
    const xs_enriched *e = xs_report_stage_data(rep);
    if (e && e->probe && e->probe->info.product[0]) {
        put_field(f, e->probe->info.product);
        if (e->probe->info.version[0]) {
            fputc(' ', f);
            put_field(f, e->probe->info.version);
        }
    }
    fputs("/\n", f);
    return true;
}

static void grepable_footer(FILE *f, const xs_output_meta *m)
{
    char when[64];
    nmap_time(m->end_ns, when);
    unsigned long long open = m->counts[XS_STATUS_OPEN], closed = m->counts[XS_STATUS_CLOSED];
    double secs = m->end_ns > m->start_ns ? (double)(m->end_ns - m->start_ns) / 1e9 : 0;
    fprintf(
        f,
        "# xsweep done at %s -- %llu endpoints (%llu open, %llu closed) scanned in %.2f seconds\n",
        when, open + closed, open, closed, secs);
}

static int grepable_read_line(const char *line, xs_read_record *rec)
{
    char ip[64], state[16];
    unsigned port;
    const char *ports = strstr(line, "\tPorts: ");
    if (strncmp(line, "Host: ", 6) || !ports || sscanf(line + 6, "%63[0-9a-fA-F.:]", ip) != 1 ||
        sscanf(ports + 8, "%u/%15[a-z]/", &port, state) != 2 || port == 0 || port > 65535 ||
        !xs_addr_parse(ip, &rec->addr))
        return 0;
    rec->port = (uint16_t)port;
    rec->status = !strcmp(state, "open") ? XS_STATUS_OPEN : XS_STATUS_CLOSED;
    return 1;
}

const xs_output_module xs_out_grepable = {
    .name = "grepable",
    .extension = "gnmap",
    .header = grepable_header,
    .record = grepable_record,
    .footer = grepable_footer,
    .read_line = grepable_read_line,
};
