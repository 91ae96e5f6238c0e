/* One place for the data directory and whole-file reads, shared by every loader. */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "xsweep/datafile.h"

#ifndef XS_DATADIR
#define XS_DATADIR "data"
#endif

void xs_set_error(char *err, size_t errlen, const char *fmt, ...)
{
    if (!err || !errlen)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
}

char *xs_next_token(char **cursor)
{
    char *s = *cursor;
    while (*s == ' ' || *s == '\t')
        s++;
    if (!*s) {
        *cursor = s;
        return NULL;
    }
    char *start = s;
    while (*s && *s != ' ' && *s != '\t')
        s++;
    if (*s)
        *s++ = '\0';
    *cursor = s;
    return start;
}

bool xs_valid_rule_id(const char *s, size_t max)
{
    size_t n = strlen(s);
    if (n == 0 || n >= max || !isalnum((unsigned char)s[0]))
        return false;
    for (; *s; s++)
        if (!(islower((unsigned char)*s) || isdigit((unsigned char)*s) || *s == '-' || *s == '_' ||
              *s == '.'))
            return false;
    return true;
}

int xs_data_path(char *out, size_t cap, const char *relative, char *err, size_t errlen)
{
    const char *dir = getenv("XSWEEP_DATADIR");
    if (!dir || !*dir)
        dir = XS_DATADIR;
    if ((size_t)snprintf(out, cap, "%s/%s", dir, relative) >= cap) {
        xs_set_error(err, errlen, "data path too long: %s/%s", dir, relative);
        return -1;
    }
    return 0;
}

char *xs_read_whole_file(const char *path, size_t max, size_t *len, char *err, size_t errlen)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        xs_set_error(err, errlen, "%s: %s", path, strerror(errno));
        return NULL;
    }
    char *buf = malloc(max + 1);
    size_t n = buf ? fread(buf, 1, max, f) : 0;
    bool too_big = buf && n == max && fgetc(f) != EOF;
    bool read_err = ferror(f);
    fclose(f);
    if (!buf || too_big || read_err) {
        xs_set_error(err, errlen, "%s: %s", path,
                     !buf      ? "out of memory"
                     : too_big ? "file too large"
                               : "read error");
        free(buf);
        return NULL;
    }
    buf[n] = '\0';
    *len = n;
    return buf;
}

void *xs_load_data_file(const char *path, const char *default_rel, xs_text_parser parse, char *err,
                        size_t errlen)
{
    char def[4096];
    if (!path) {
        if (xs_data_path(def, sizeof def, default_rel, err, errlen) < 0)
            return NULL;
        path = def;
    }
    size_t n;
    char *buf = xs_read_whole_file(path, XS_DATAFILE_MAX, &n, err, errlen);
    if (!buf)
        return NULL;
    void *obj = parse(buf, n, path, err, errlen);
    free(buf);
    return obj;
}
