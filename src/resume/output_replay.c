/* What an interrupted run already wrote: its endpoints are not reported (or probed) again. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "xsweep/record.h"
#include "xsweep/resume.h"
#include "xsweep/targets.h"

/* A kill -9 can leave half a line at the end: cut the file back to its last newline. */
static int cut_torn_tail(FILE *f, const char *path)
{
    if (fseeko(f, 0, SEEK_END) != 0)
        return -1;
    off_t end = ftello(f), keep = end;
    while (keep > 0) {
        if (fseeko(f, keep - 1, SEEK_SET) != 0)
            return -1;
        if (fgetc(f) == '\n')
            break;
        keep--;
    }
    if (keep != end && truncate(path, keep) != 0)
        return -1;
    return fseeko(f, 0, SEEK_SET);
}

/* Pulls ip and port out of one record line, whatever the format. */
static int parse_line(char *line, xs_format fmt, uint32_t *ip, uint16_t *port)
{
    char ipbuf[32] = "";
    unsigned p = 0;
    if (fmt == XS_FMT_JSON) {
        char *a = strstr(line, "\"ip\":\""), *b = strstr(line, "\"port\":");
        if (!a || !b || sscanf(a + 6, "%31[0-9.]", ipbuf) != 1 || sscanf(b + 7, "%u", &p) != 1)
            return -1;
    } else if (fmt == XS_FMT_CSV) {
        if (sscanf(line, "%31[0-9.],%u,", ipbuf, &p) != 2)
            return -1;   /* the header line */
    } else {
        char status[32];
        if (sscanf(line, "%31s tcp %u %31s", status, &p, ipbuf) != 3)
            return -1;
    }
    if (p == 0 || p > 65535 || !xs_parse_ipv4(ipbuf, ip))
        return -1;
    *port = (uint16_t)p;
    return 0;
}

long xs_output_replay(const char *path, xs_format fmt, void (*add)(uint64_t key, void *arg), void *arg,
                      char *err, size_t errlen)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        if (errno == ENOENT)
            return 0;     /* nothing was written yet */
        snprintf(err, errlen, "cannot read %s: %s", path, strerror(errno));
        return -1;
    }
    if (cut_torn_tail(f, path) < 0) {
        snprintf(err, errlen, "cannot repair %s: %s", path, strerror(errno));
        fclose(f);
        return -1;
    }
    char *line = NULL;
    size_t cap = 0;
    long n = 0;
    while (getline(&line, &cap, f) != -1) {
        uint32_t ip;
        uint16_t port;
        if (parse_line(line, fmt, &ip, &port) == 0) {
            add(xs_endpoint_key(ip, port), arg);
            n++;
        }
    }
    free(line);
    fclose(f);
    return n;
}
