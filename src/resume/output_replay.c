/* What an interrupted run already wrote: each format's module reads its records back (its
 * endpoints are then not reported or probed again), and the file is cut back to the end of its
 * last complete record, so a torn line (kill -9) and the footer (-oX runstats, -oL "# end") go and
 * the resumed run continues one document. A file left with no record is emptied: it gets its
 * header again. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "xsweep/output_module.h"
#include "xsweep/resume.h"

long xs_output_replay(const char *path, xs_format fmt, void (*add)(const xs_read_record *rec, void *arg),
                      void *arg, uint64_t *start_s, char *err, size_t errlen)
{
    const xs_output_module *mod = xs_output_module_of(fmt);
    FILE *f = fopen(path, "r");
    if (!f) {
        if (errno == ENOENT)
            return 0;     /* nothing was written yet */
        snprintf(err, errlen, "cannot read %s: %s", path, strerror(errno));
        return -1;
    }
    char *line = NULL;
    size_t cap = 0;
    ssize_t len;
    long n = 0;
    off_t pos = 0, keep = 0;
    while ((len = getline(&line, &cap, f)) != -1) {
        pos += len;
        if (line[len - 1] != '\n')
            break;        /* torn: the writer died inside it */
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
            keep = pos;
        }
    }
    free(line);
    bool failed = ferror(f);
    fclose(f);
    if (failed || truncate(path, keep) != 0) {
        snprintf(err, errlen, "cannot repair %s: %s", path, strerror(errno));
        return -1;
    }
    return n;
}
