/* --resume with --db: the database's rows of this shard become exactly the output file's
 * records, whatever a crash left committed or uncommitted on either side. */
#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "store_internal.h"
#include "xsweep/output_module.h"
#include "xsweep/targets.h"

static int status_of(const char *name)
{
    for (int i = 0; i <= XS_STATUS_FAILED; i++)
        if (name && !strcmp(name, xs_status_name((xs_status)i)))
            return i;
    return -1;
}

/* One record line as a report: 0, or -1 for a line that is not a record (CSV header). */
static int parse_record(char *line, xs_format fmt, xs_report *rep, json_t **owned)
{
    char ipbuf[64] = "", status[32] = "";
    unsigned port = 0;
    memset(rep, 0, sizeof *rep);
    *owned = NULL;
    if (fmt == XS_FMT_JSON) {
        json_t *o = json_loads(line, 0, NULL);
        if (!o)
            return -1;
        *owned = o;
        snprintf(ipbuf, sizeof ipbuf, "%s", json_string_value(json_object_get(o, "ip")) ?: "");
        snprintf(status, sizeof status, "%s",
                 json_string_value(json_object_get(o, "status")) ?: "");
        port = (unsigned)json_integer_value(json_object_get(o, "port"));
        rep->r.ttl = (uint8_t)json_integer_value(json_object_get(o, "ttl"));
        rep->protocol = json_string_value(json_object_get(o, "protocol"));
        rep->severity = json_string_value(json_object_get(o, "severity"));
        rep->severity_reason = json_string_value(json_object_get(o, "severity_reason"));
    } else {
        /* every other format: its module's reader, which knows its headers and footers */
        char buf[4096];
        snprintf(buf, sizeof buf, "%s", line);
        buf[strcspn(buf, "\r\n")] = '\0';
        xs_read_record rec;
        if (xs_output_module_of(fmt)->read_line(buf, &rec) != 1)
            return -1;
        rep->r.addr = rec.addr;
        rep->r.port = rec.port;
        rep->r.status = (uint8_t)rec.status;
        return rec.port && rec.status <= XS_STATUS_FAILED ? 0 : -1;
    }
    int st = status_of(status);
    if (st < 0 || port == 0 || port > 65535 || !xs_addr_parse(ipbuf, &rep->r.addr))
        return -1;
    rep->r.port = (uint16_t)port;
    rep->r.status = (uint8_t)st;
    return 0;
}

long xs_store_reconcile(xs_store *s, int64_t sweep, const char *path, xs_format fmt)
{
    FILE *f = fopen(path, "r");
    if (!f && errno != ENOENT) {
        snprintf(s->err, sizeof s->err, "history database %s: cannot read %s", s->path, path);
        return -1;
    }
    if (s->ops->sync(s) < 0 || s->ops->clear_shard(s, sweep) < 0) {
        if (f)
            fclose(f);
        return -1;
    }
    long n = 0;
    memset(s->rebuilt, 0, sizeof s->rebuilt);
    char *line = NULL;
    size_t cap = 0;
    int rc = 0;
    while (f && rc == 0 && getline(&line, &cap, f) > 0) {
        xs_report rep;
        json_t *o;
        if (parse_record(line, fmt, &rep, &o) == 0) {
            /* the file's own line is the record: the database gets what the file holds */
            s->pending = 0; /* one transaction for the whole rebuild */
            rc = s->ops->add(s, sweep, &rep, fmt == XS_FMT_JSON ? line : NULL);
            n++;
            s->rebuilt[rep.r.status == XS_STATUS_OPEN     ? 0
                       : rep.r.status == XS_STATUS_CLOSED ? 1
                                                          : 2]++;
        }
        json_decref(o);
    }
    free(line);
    if (f)
        fclose(f);
    if (rc < 0 || s->ops->sync(s) < 0)
        return -1;
    return n;
}
