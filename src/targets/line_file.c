/* Line-by-line reading of target, exclude, endpoint and config files, with FILE:LINE error
 * prefixes. Fails closed: a read error (I/O, a directory, out of memory) is an error, never an
 * early end of file, so an exclude file can never be half-applied; and a line is bounded, so
 * -iL /dev/zero is one error line instead of gigabytes. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "xsweep/targets.h"

int xs_read_lines_stream(FILE *f, const char *path, xs_line_fn fn, void *ctx, char *err,
                         size_t errlen)
{
    char *line = malloc(XS_LINE_MAX + 1);
    if (!line) {
        snprintf(err, errlen, "cannot read %s: out of memory", path);
        return -1;
    }
    unsigned long lineno = 0;
    int rc = 0;
    for (;;) {
        size_t len = 0;
        int ch = EOF;
        errno = 0;
        while ((ch = getc_unlocked(f)) != EOF && ch != '\n' && ch != '\0' && len < XS_LINE_MAX)
            line[len++] = (char)ch;
        if (ch == EOF && ferror(f)) {
            snprintf(err, errlen, "cannot read %s: %s", path, strerror(errno ? errno : EIO));
            rc = -1;
            break;
        }
        if (ch == EOF && len == 0)
            break;
        lineno++;
        if (ch == '\0') {
            snprintf(err, errlen, "%s:%lu: line contains a NUL byte", path, lineno);
            rc = -1;
            break;
        }
        if (len == XS_LINE_MAX && ch != '\n' && ch != EOF) {
            snprintf(err, errlen, "%s:%lu: line longer than %u bytes", path, lineno, XS_LINE_MAX);
            rc = -1;
            break;
        }
        line[len] = '\0';
        char msg[512] = "";
        if (fn(ctx, line, msg, sizeof msg) < 0) {
            snprintf(err, errlen, "%s:%lu: %s", path, lineno, msg);
            rc = -1;
            break;
        }
        if (ch == EOF)
            break;
    }
    free(line);
    if (rc < 0)
        xs_error_one_line(err, errlen);
    return rc;
}

int xs_read_lines(const char *path, xs_line_fn fn, void *ctx, char *err, size_t errlen)
{
    FILE *f = fopen(path, "re");
    if (!f) {
        snprintf(err, errlen, "cannot read %s: %s", path, strerror(errno));
        xs_error_one_line(err, errlen);
        return -1;
    }
    int rc = xs_read_lines_stream(f, path, fn, ctx, err, errlen);
    fclose(f);
    return rc;
}
