/* Target and exclude files (-iL, --exclude-file): one spec per line, '#' comments. */
#include <stdio.h>
#include <string.h>
#include "xsweep/targets.h"

static int add_line(void *ctx, const char *line, char *err, size_t errlen)
{
    char buf[4096];
    size_t len = strcspn(line, "#");
    if (len >= sizeof buf) {
        snprintf(err, errlen, "line is too long");
        return -1;
    }
    memcpy(buf, line, len);
    buf[len] = '\0';
    if (strspn(buf, " \t\r\f\v") == len)
        return 0;   /* blank or comment only */
    /* A line may also hold several specs separated by commas or spaces, as nmap -iL allows. */
    return xs_rangelist_add_list(ctx, buf, err, errlen);
}

int xs_rangelist_load_file(xs_rangelist *rl, const char *path, char *err, size_t errlen)
{
    return xs_read_lines(path, add_line, rl, err, errlen);
}
