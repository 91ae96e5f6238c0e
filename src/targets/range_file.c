/* Target and exclude files (-iL, --exclude-file): one spec per line, '#' comments. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "xsweep/targets.h"

static int add_line(void *ctx, const char *line, char *err, size_t errlen)
{
    size_t len = strcspn(line, "#");
    if (strspn(line, " \t\r\f\v") >= len)
        return 0; /* blank or comment only */
    char *specs = strndup(line, len);
    if (!specs) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    /* A line may also hold several specs separated by commas or spaces, as nmap -iL allows. */
    int rc = xs_rangelist_add_list(ctx, specs, err, errlen);
    free(specs);
    return rc;
}

int xs_rangelist_load_file(xs_rangelist *rl, const char *path, char *err, size_t errlen)
{
    return xs_read_lines(path, add_line, rl, err, errlen);
}
