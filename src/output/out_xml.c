/* -oX: nmap XML. The document itself is written by xml_writer.c (xsweep/xml.h); this is its module:
 * the header once per file, one <host> line per record, runstats at the end. The reader takes the
 * <host> lines back, so a resumed file is one document: the footer of the interrupted run is cut
 * off and the resumed run continues after the last complete <host>. */
#include <stdlib.h>
#include <string.h>
#include "xsweep/output_module.h"
#include "xsweep/xml.h"

static void xml_header(FILE *f, const xs_output_meta *m)
{
    xs_xml_begin(f, m->args, m->start_ns, m->ports);
}

static bool xml_record(FILE *f, const xs_report *rep, const xs_record_text *t)
{
    (void)t;
    return xs_xml_host(f, rep);
}

static void xml_footer(FILE *f, const xs_output_meta *m)
{
    const uint64_t *c = m->counts;
    xs_xml_end(f, m->start_ns, m->end_ns, c[XS_STATUS_OPEN], c[XS_STATUS_CLOSED],
               c[XS_STATUS_EXCLUDED] + c[XS_STATUS_UNSUPPORTED] + c[XS_STATUS_FAILED]);
}

static const char *attr(const char *s, const char *name)
{
    const char *p = strstr(s, name);
    return p ? p + strlen(name) : NULL;
}

static int xml_read_line(const char *line, xs_read_record *rec)
{
    if (!strncmp(line, "<nmaprun ", 9)) { /* the first run's start, for runstats' elapsed */
        const char *st = attr(line, "\" start=\"");
        rec->start_s = st ? strtoull(st, NULL, 10) : 0;
        return 0;
    }
    size_t n = strlen(line);
    if (strncmp(line, "<host ", 6) || n < 7 || strcmp(line + n - 7, "</host>"))
        return 0;
    const char *addr = attr(line, "<address addr=\""), *port = attr(line, "portid=\""),
               *state = attr(line, "<state state=\"");
    char ip[64];
    if (!addr || !port || !state || sscanf(addr, "%63[0-9a-fA-F.:]", ip) != 1 ||
        !xs_addr_parse(ip, &rec->addr))
        return 0;
    unsigned long p = strtoul(port, NULL, 10);
    if (p == 0 || p > 65535)
        return 0;
    rec->port = (uint16_t)p;
    rec->status = !strncmp(state, "open\"", 5) ? XS_STATUS_OPEN : XS_STATUS_CLOSED;
    return 1;
}

const xs_output_module xs_out_xml = {
    .name = "xml",
    .extension = "xml",
    .header = xml_header,
    .record = xml_record,
    .footer = xml_footer,
    .read_line = xml_read_line,
};
