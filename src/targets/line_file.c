/* Line-by-line reading of target, exclude and endpoint files, with FILE:LINE error prefixes. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "xsweep/targets.h"

int xs_read_lines(const char *path, xs_line_fn fn, void *ctx, char *err, size_t errlen)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        snprintf(err, errlen, "cannot read %s: %s", path, strerror(errno));
        xs_error_one_line(err, errlen);
        return -1;
    }
    char *line = NULL;
    size_t cap = 0;
    unsigned long lineno = 0;
    int rc = 0;
    ssize_t len;
    errno = 0;
    while ((len = getline(&line, &cap, f)) >= 0) {
        lineno++;
        if (len > 0 && line[len - 1] == '\n')
            line[--len] = '\0';
        char msg[512];
        if (strlen(line) != (size_t)len) {
            snprintf(err, errlen, "%s:%lu: line contains a NUL byte", path, lineno);
            rc = -1;
            break;
        }
        msg[0] = '\0';
        if (fn(ctx, line, msg, sizeof msg) < 0) {
            snprintf(err, errlen, "%s:%lu: %s", path, lineno, msg);
            rc = -1;
            break;
        }
        errno = 0;
    }
    if (rc == 0 && ferror(f)) {
        snprintf(err, errlen, "cannot read %s: %s", path, strerror(errno ? errno : EIO));
        rc = -1;
    }
    free(line);
    fclose(f);
    if (rc < 0)
        xs_error_one_line(err, errlen);
    return rc;
}
