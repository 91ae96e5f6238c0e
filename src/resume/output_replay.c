/* What an interrupted run already wrote: each format's module reads its records back (its
 * endpoints are then not reported or probed again), and the file is cut back to the end of its
 * last complete record, so a torn line (kill -9) and the footer (-oX runstats, -oL "# end") go and
 * the resumed run continues one document. A file left with no record is emptied: it gets its
 * header again. Records marked interrupted (a stop cut their HTTP fetch off) are dropped from a
 * JSON file: the resumed run fetches them again. */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "xsweep/output_module.h"
#include "xsweep/resume.h"

#define INTERRUPTED_HTTP  "\"http\":{\"error\":\"interrupted\"}"
#define INTERRUPTED_PROBE "\"probe\":{\"error\":\"interrupted\"}"

/* A record whose HTTP fetch (or probe) a stop cut off: --resume probes and fetches it again, so
 * it is dropped from the file rather than counted as done (JSON lines carry the marker). */
static bool interrupted_record(const char *line, xs_format fmt)
{
    return fmt == XS_FMT_JSON &&
           (strstr(line, INTERRUPTED_HTTP) || strstr(line, INTERRUPTED_PROBE));
}

long xs_output_replay(const char *path, xs_format fmt,
                      void (*add)(const xs_read_record *rec, void *arg), void *arg,
                      uint64_t *start_s, char *err, size_t errlen)
{
    const xs_output_module *mod = xs_output_module_of(fmt);
    FILE *f = fopen(path, "r");
    if (!f) {
        if (errno == ENOENT)
            return 0; /* nothing was written yet */
        snprintf(err, errlen, "cannot read %s: %s", path, strerror(errno));
        return -1;
    }
    char *line = NULL;
    size_t cap = 0;
    ssize_t len;
    long n = 0;
    off_t keep = 0, woff = 0; /* woff: where the next kept line goes once lines are dropped */
    int wfd = -1;
    bool wfailed = false;
    while ((len = getline(&line, &cap, f)) != -1) {
        if (line[len - 1] != '\n')
            break; /* torn: the writer died inside it */
        if (interrupted_record(line, fmt)) {
            /* squeezed out in place: every write lands behind what was already read */
            if (wfd < 0 && (wfd = open(path, O_WRONLY | O_CLOEXEC | O_NOFOLLOW)) < 0) {
                wfailed = true;
                break;
            }
            continue;
        }
        if (wfd >= 0 && pwrite(wfd, line, (size_t)len, woff) != len) {
            wfailed = true;
            break;
        }
        woff += len;
        line[len - 1] = '\0';
        if (len > 1 && line[len - 2] == '\r')
            line[len - 2] = '\0';
        xs_read_record rec = {0};
        int r = mod->read_line(line, &rec);
        if (rec.start_s && start_s)
            *start_s = rec.start_s;
        if (r == 1) {
            add(&rec, arg);
            n++;
            keep = woff;
        }
    }
    free(line);
    bool failed = ferror(f) || wfailed;
    fclose(f);
    if (wfd >= 0 && (fsync(wfd) != 0 || close(wfd) != 0))
        failed = true;
    if (failed || truncate(path, keep) != 0) {
        snprintf(err, errlen, "cannot repair %s: %s", path, strerror(errno));
        return -1;
    }
    return n;
}
