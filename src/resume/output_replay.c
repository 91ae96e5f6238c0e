/* What an interrupted run already wrote: its endpoints are not reported (or probed) again. */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
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

#define INTERRUPTED_HTTP  "\"http\":{\"error\":\"interrupted\"}"
#define INTERRUPTED_PROBE "\"probe\":{\"error\":\"interrupted\"}"

/* A record whose HTTP fetch (or probe) a stop cut off: --resume probes and fetches it again, so
 * it is dropped from the file rather than counted as done. */
static bool interrupted_record(const char *line, xs_format fmt)
{
    return fmt == XS_FMT_JSON && (strstr(line, INTERRUPTED_HTTP) || strstr(line, INTERRUPTED_PROBE));
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
    /* Dropped lines are squeezed out in place: every write lands behind what was already read. */
    int wfd = -1;
    off_t woff = 0;
    bool dropping = false, failed = false;
    char *line = NULL;
    size_t cap = 0;
    long n = 0;
    ssize_t len;
    while ((len = getline(&line, &cap, f)) != -1) {
        if (interrupted_record(line, fmt)) {
            if (!dropping && (wfd = open(path, O_WRONLY | O_CLOEXEC | O_NOFOLLOW)) < 0) {
                failed = true;
                break;
            }
            dropping = true;
            continue;
        }
        if (dropping && pwrite(wfd, line, (size_t)len, woff) != len) {
            failed = true;
            break;
        }
        woff += len;
        uint32_t ip;
        uint16_t port;
        if (parse_line(line, fmt, &ip, &port) == 0) {
            add(xs_endpoint_key(ip, port), arg);
            n++;
        }
    }
    failed |= ferror(f) != 0;
    if (dropping && !failed && (ftruncate(wfd, woff) != 0 || fsync(wfd) != 0))
        failed = true;
    if (wfd >= 0)
        close(wfd);
    free(line);
    fclose(f);
    if (failed) {
        snprintf(err, errlen, "cannot read back %s: %s", path, strerror(errno ? errno : EIO));
        return -1;
    }
    return n;
}
