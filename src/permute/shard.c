/* --shard I/N: splits the permuted walk between N cooperating scanners by position mod N. */
#include <stdio.h>
#include <stdlib.h>
#include "xsweep/permute.h"
#include "xsweep/targets.h"

static int read_number(const char **p, unsigned long *out)
{
    const char *s = *p;
    unsigned long v = 0;
    if (*s < '0' || *s > '9')
        return -1;
    while (*s >= '0' && *s <= '9') {
        if (v <= 65535)
            v = v * 10 + (unsigned long)(*s - '0');
        s++;
    }
    *out = v;
    *p = s;
    return 0;
}

int xs_shard_parse(xs_shard *s, const char *spec, char *err, size_t errlen)
{
    const char *p = spec;
    unsigned long i, n;
    if (read_number(&p, &i) < 0 || *p++ != '/' || read_number(&p, &n) < 0 || *p != '\0') {
        snprintf(err, errlen, "invalid shard \"%s\": expected I/N, e.g. 1/4", spec);
        xs_error_one_line(err, errlen);
        return -1;
    }
    if (n < 1 || n > 65535) {
        snprintf(err, errlen, "invalid shard \"%s\": shard count must be 1-65535", spec);
        return -1;
    }
    if (i < 1 || i > n) {
        snprintf(err, errlen, "invalid shard \"%s\": shard index must be 1-%lu", spec, n);
        return -1;
    }
    s->index = (uint32_t)(i - 1);
    s->count = (uint32_t)n;
    return 0;
}

uint64_t xs_shard_positions(const xs_shard *s, uint64_t n)
{
    if (s->count == 0)
        return n;
    if (n <= s->index)
        return 0;
    return (n - s->index - 1) / s->count + 1;
}
