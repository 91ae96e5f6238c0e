/* Reading /proc text files whole: they report size 0, so read until EOF. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "xsweep/netinfo.h"

#define TEXT_FILE_MAX (64u << 20)   /* a routing table bigger than this is not one we parse */

char *xs_read_text_file(const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return NULL;
    size_t cap = 4096, len = 0;
    char *buf = malloc(cap);
    while (buf) {
        size_t n = fread(buf + len, 1, cap - len - 1, f);
        len += n;
        if (n == 0)
            break;
        if (len + 1 == cap) {
            char *bigger = cap < TEXT_FILE_MAX ? realloc(buf, cap * 2) : NULL;
            if (!bigger) {
                free(buf);
                buf = NULL;
                break;
            }
            buf = bigger;
            cap *= 2;
        }
    }
    int failed = ferror(f);
    fclose(f);
    if (!buf)
        return NULL;
    if (failed) {
        free(buf);
        return NULL;
    }
    buf[len] = '\0';
    return buf;
}

bool xs_next_text_line(const char **cursor, char *buf, size_t cap)
{
    const char *line = *cursor;
    if (!line || !*line || cap == 0)
        return false;
    const char *nl = strchr(line, '\n');
    size_t n = nl ? (size_t)(nl - line) : strlen(line);
    if (n >= cap)
        n = cap - 1;
    memcpy(buf, line, n);
    buf[n] = '\0';
    *cursor = nl ? nl + 1 : NULL;
    return true;
}
