/* -oJ: JSON lines, one object per endpoint. The line itself is rendered by writer.c (the history
 * store keeps the same line); the key set is documented in man/xsweep.1 (OUTPUT). */
#include <stdlib.h>
#include <string.h>
#include "xsweep/output_module.h"
#include "xsweep/targets.h"

static bool json_record(FILE *f, const xs_report *rep, const xs_record_text *t)
{
    (void)rep;
    fputs(t->json, f);
    return true;
}

/* Value of a string key of the top level: the first occurrence is the top-level one, since the
 * core keys come before any nested object and quotes inside strings are escaped. */
static bool string_value(const char *line, const char *key, char *out, size_t n)
{
    const char *p = strstr(line, key);
    if (!p)
        return false;
    p += strlen(key);
    size_t i = 0;
    while (p[i] && p[i] != '"' && i + 1 < n) {
        out[i] = p[i];
        i++;
    }
    out[i] = '\0';
    return p[i] == '"';
}

static int json_read_line(const char *line, xs_read_record *rec)
{
    char ip[64], status[16];
    const char *port = strstr(line, "\"port\":");
    if (line[0] != '{' || !port || !string_value(line, "\"ip\":\"", ip, sizeof ip) ||
        !string_value(line, "\"status\":\"", status, sizeof status))
        return 0;
    char *end;
    unsigned long p = strtoul(port + 7, &end, 10);
    if (p == 0 || p > 65535 || !xs_addr_parse(ip, &rec->addr))
        return 0;
    rec->port = (uint16_t)p;
    rec->status = xs_status_parse(status);
    return 1;
}

const xs_output_module xs_out_json = {
    .name = "json",
    .extension = "json",
    .needs_json = true,
    .record = json_record,
    .read_line = json_read_line,
};
