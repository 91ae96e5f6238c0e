/* -oL: masscan's list layout, so the parsers written for masscan read it:
 *   #masscan
 *   open tcp 80 198.18.0.1 1795428000
 *   # end */
#include <stdio.h>
#include "xsweep/output_module.h"
#include "xsweep/targets.h"

static void list_header(FILE *f, const xs_output_meta *m)
{
    (void)m;
    fputs("#masscan\n", f);
}

static bool list_record(FILE *f, const xs_report *rep, const xs_record_text *t)
{
    fprintf(f, "%s tcp %u %s %llu\n", xs_status_name(rep->r.status), rep->r.port, t->ip,
            (unsigned long long)(rep->r.ts_ns / 1000000000ULL));
    return true;
}

static void list_footer(FILE *f, const xs_output_meta *m)
{
    (void)m;
    fputs("# end\n", f);
}

static int list_read_line(const char *line, xs_read_record *rec)
{
    char status[32], ip[64];
    unsigned port;
    if (line[0] == '#' || sscanf(line, "%31s tcp %u %63s", status, &port, ip) != 3 || port == 0 ||
        port > 65535 || !xs_addr_parse(ip, &rec->addr))
        return 0;
    rec->port = (uint16_t)port;
    rec->status = xs_status_parse(status);
    return 1;
}

const xs_output_module xs_out_list = {
    .name = "list",
    .extension = "list",
    .header = list_header,
    .record = list_record,
    .footer = list_footer,
    .read_line = list_read_line,
};
