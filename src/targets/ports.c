/* Port lists: "80,443,8000-8100" and the word "supported"; kept sorted and unique. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "xsweep/targets.h"

void xs_portlist_free(xs_portlist *pl)
{
    free(pl->v);
    memset(pl, 0, sizeof *pl);
}

static int fail(char *err, size_t errlen, const char *list, const char *why, const char *item,
                size_t len)
{
    if (item)
        snprintf(err, errlen, "invalid port \"%.*s\" in \"%s\": %s", (int)len, item, list, why);
    else
        snprintf(err, errlen, "invalid port list \"%s\": %s", list, why);
    return -1;
}

/* Reads a decimal port at *p (no sign), advancing *p. -1 when no digit, 65536 when too big. */
static long read_port(const char **p)
{
    const char *s = *p;
    long v = 0;
    if (*s < '0' || *s > '9')
        return -1;
    while (*s >= '0' && *s <= '9') {
        if (v <= 65535)
            v = v * 10 + (*s - '0');
        s++;
    }
    *p = s;
    return v > 65535 ? 65536 : v;
}

static void set_bit(uint64_t *bits, unsigned port)
{
    bits[port >> 6] |= 1ULL << (port & 63);
}

/* Parses one comma-separated item into the bitmap. */
static int parse_item(uint64_t *bits, const char *list, const char *item, size_t len, char *err,
                      size_t errlen)
{
    if (len == 9 && strncasecmp(item, "supported", 9) == 0) {
        for (size_t i = 0; i < xs_supported_ports_count; i++)
            set_bit(bits, xs_supported_ports[i].port);
        return 0;
    }
    char buf[32];
    if (len >= sizeof buf)
        return fail(err, errlen, list, "not a port number or range", item, len);
    memcpy(buf, item, len);
    buf[len] = '\0';
    const char *p = buf;
    long lo = read_port(&p), hi = lo;
    if (lo >= 0 && *p == '-') {
        p++;
        hi = read_port(&p);
    }
    if (lo < 0 || hi < 0 || *p != '\0')
        return fail(err, errlen, list, "not a port number or range", item, len);
    if (lo == 0 || hi == 0 || lo > 65535 || hi > 65535)
        return fail(err, errlen, list, "ports are 1-65535", item, len);
    if (lo > hi)
        return fail(err, errlen, list, "range start is after range end", item, len);
    for (long port = lo; port <= hi; port++)
        set_bit(bits, (unsigned)port);
    return 0;
}

static int parse_list(xs_portlist *pl, const char *list, char *err, size_t errlen)
{
    /* Collect into a bitmap first: sorting and de-duplication come free, and pl is left
     * untouched when the list has an error. */
    uint64_t *bits = calloc(65536 / 64, sizeof *bits);
    if (!bits) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    for (size_t i = 0; i < pl->n; i++)
        set_bit(bits, pl->v[i]);

    const char *p = list;
    for (;;) {
        while (*p == ' ' || *p == '\t')
            p++;
        const char *start = p;
        while (*p && *p != ',')
            p++;
        const char *end = p;
        while (end > start && (end[-1] == ' ' || end[-1] == '\t'))
            end--;
        if (end == start) {
            free(bits);
            return fail(err, errlen, list, *list ? "empty item" : "no port given", NULL, 0);
        }
        if (parse_item(bits, list, start, (size_t)(end - start), err, errlen) < 0) {
            free(bits);
            return -1;
        }
        if (*p == '\0')
            break;
        p++; /* the comma */
    }

    size_t n = 0;
    for (unsigned w = 0; w < 65536 / 64; w++)
        n += (size_t)__builtin_popcountll(bits[w]);
    uint16_t *v = realloc(pl->v, (n ? n : 1) * sizeof *v);
    if (!v) {
        free(bits);
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    size_t k = 0;
    for (unsigned port = 1; port < 65536; port++)
        if (bits[port >> 6] >> (port & 63) & 1)
            v[k++] = (uint16_t)port;
    free(bits);
    pl->v = v;
    pl->n = pl->cap = n;
    return 0;
}

int xs_portlist_parse(xs_portlist *pl, const char *list, char *err, size_t errlen)
{
    int rc = parse_list(pl, list, err, errlen);
    if (rc < 0)
        xs_error_one_line(err, errlen);
    return rc;
}

bool xs_portlist_contains(const xs_portlist *pl, uint16_t port)
{
    size_t lo = 0, hi = pl->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (pl->v[mid] < port)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < pl->n && pl->v[lo] == port;
}
