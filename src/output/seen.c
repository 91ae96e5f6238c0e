/* Growable open-addressing set of endpoint keys, owned by the output thread alone. A slot holds
 * the whole key (both families) with port + 1, so that port 0 means an empty slot. */
#include <stdlib.h>
#include "xsweep/output.h"

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

static bool insert(xs_epkey *slots, size_t mask, const xs_epkey *stored)
{
    for (size_t i = (size_t)xs_epkey_hash(stored);; i++) {
        xs_epkey *p = &slots[i & mask];
        if (xs_epkey_eq(p, stored))
            return false;
        if (p->port == 0) {
            *p = *stored;
            return true;
        }
    }
}

static int grow(xs_seen *s)
{
    size_t n = (s->mask + 1) * 2;
    xs_epkey *nv = calloc(n, sizeof *nv);
    if (!nv)
        return -1;
    for (size_t i = 0; i <= s->mask; i++)
        if (s->slots[i].port)
            insert(nv, n - 1, &s->slots[i]);
    free(s->slots);
    s->slots = nv;
    s->mask = n - 1;
    return 0;
}

bool xs_seen_add(xs_seen *s, xs_epkey key)
{
    if ((s->used + 1) * 2 > s->mask + 1 && grow(s) < 0 && s->used >= s->mask)
        return true; /* out of memory and full: report rather than lose the result */
    key.port++;
    if (!insert(s->slots, s->mask, &key))
        return false;
    s->used++;
    return true;
}

bool xs_seen_contains(const xs_seen *s, xs_epkey key)
{
    key.port++;
    for (size_t i = (size_t)xs_epkey_hash(&key);; i++) {
        const xs_epkey *v = &s->slots[i & s->mask];
        if (xs_epkey_eq(v, &key))
            return true;
        if (v->port == 0)
            return false;
    }
}

bool xs_seen_slot(const xs_seen *s, size_t i, xs_epkey *key)
{
    if (i > s->mask || s->slots[i].port == 0)
        return false;
    *key = s->slots[i];
    key->port--;
    return true;
}
