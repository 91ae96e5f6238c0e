/* Growable open-addressing set of endpoint keys, owned by the output thread alone. */
#include <stdlib.h>
#include "xsweep/output.h"

static size_t mix(uint64_t k)
{
    k ^= k >> 33;
    k *= 0xc4ceb9fe1a85ec53ULL;
    return (size_t)(k ^ (k >> 29));
}

int xs_seen_init(xs_seen *s)
{
    s->mask = 1023;
    s->used = 0;
    s->slots = calloc(s->mask + 1, sizeof *s->slots);
    return s->slots ? 0 : -1;
}

void xs_seen_free(xs_seen *s)
{
    free(s->slots);
    s->slots = NULL;
}

static bool insert(uint64_t *slots, size_t mask, uint64_t stored)
{
    for (size_t i = mix(stored);; i++) {
        uint64_t *p = &slots[i & mask];
        if (*p == stored)
            return false;
        if (*p == 0) {
            *p = stored;
            return true;
        }
    }
}

static int grow(xs_seen *s)
{
    size_t n = (s->mask + 1) * 2;
    uint64_t *nv = calloc(n, sizeof *nv);
    if (!nv)
        return -1;
    for (size_t i = 0; i <= s->mask; i++)
        if (s->slots[i])
            insert(nv, n - 1, s->slots[i]);
    free(s->slots);
    s->slots = nv;
    s->mask = n - 1;
    return 0;
}

bool xs_seen_add(xs_seen *s, uint64_t key)
{
    if ((s->used + 1) * 2 > s->mask + 1 && grow(s) < 0 && s->used >= s->mask)
        return true;   /* out of memory and full: report rather than lose the result */
    if (!insert(s->slots, s->mask, key + 1))
        return false;
    s->used++;
    return true;
}

bool xs_seen_contains(const xs_seen *s, uint64_t key)
{
    for (size_t i = mix(key + 1);; i++) {
        uint64_t v = s->slots[i & s->mask];
        if (v == key + 1)
            return true;
        if (v == 0)
            return false;
    }
}
