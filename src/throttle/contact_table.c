/* Last-contact table for connection stages: no IP:port is contacted twice within min_gap.
 * Open addressing keyed by endpoint; an entry older than min_gap is as good as empty, so the
 * table only has to hold the endpoints contacted within the last gap. */
#include <stdlib.h>
#include "xsweep/throttle.h"

typedef struct {
    xs_epkey key;
    uint64_t t_ns;
} contact;

struct xs_throttle {
    contact *v;
    size_t mask, live;
    uint64_t gap;
};

xs_throttle *xs_throttle_new(uint64_t min_gap_ns)
{
    xs_throttle *t = calloc(1, sizeof *t);
    if (!t)
        return NULL;
    t->mask = 1023;
    t->v = calloc(t->mask + 1, sizeof *t->v);
    if (!t->v) {
        free(t);
        return NULL;
    }
    t->gap = min_gap_ns;
    return t;
}

void xs_throttle_free(xs_throttle *t)
{
    if (t) {
        free(t->v);
        free(t);
    }
}

static size_t slot_of(const xs_epkey *k)
{
    return (size_t)xs_epkey_hash(k);
}

static bool expired(const xs_throttle *t, const contact *c, uint64_t now)
{
    return c->t_ns == 0 || c->t_ns + t->gap <= now;
}

/* Rebuilds at twice the size keeping only live entries (t_ns == 0 marks a free slot). */
static void grow(xs_throttle *t, uint64_t now)
{
    size_t n = (t->mask + 1) * 2;
    contact *nv = calloc(n, sizeof *nv);
    if (!nv)
        return; /* stay small: lookups still work, only slower */
    size_t live = 0;
    for (size_t i = 0; i <= t->mask; i++) {
        contact *c = &t->v[i];
        if (expired(t, c, now))
            continue;
        for (size_t j = slot_of(&c->key);; j++) {
            if (nv[j & (n - 1)].t_ns == 0) {
                nv[j & (n - 1)] = *c;
                live++;
                break;
            }
        }
    }
    free(t->v);
    t->v = nv;
    t->mask = n - 1;
    t->live = live;
}

/* Finds key's slot, or the slot where it would go. Expired entries are reused in place. */
static contact *find(xs_throttle *t, const xs_epkey *key, uint64_t now)
{
    contact *reuse = NULL;
    for (size_t i = slot_of(key), probes = 0; probes <= t->mask; i++, probes++) {
        contact *c = &t->v[i & t->mask];
        if (c->t_ns == 0)
            return reuse ? reuse : c;
        if (xs_epkey_eq(&c->key, key))
            return c;
        if (!reuse && expired(t, c, now))
            reuse = c;
    }
    return reuse;
}

void xs_throttle_note(xs_throttle *t, xs_epkey key, uint64_t now_ns)
{
    if (now_ns == 0)
        now_ns = 1;
    if (t->live * 2 >= t->mask + 1)
        grow(t, now_ns);
    contact *c = find(t, &key, now_ns);
    if (!c)
        return;
    if (c->t_ns == 0)
        t->live++;
    c->key = key;
    if (c->t_ns < now_ns)
        c->t_ns = now_ns;
}

uint64_t xs_throttle_acquire(xs_throttle *t, xs_epkey key, uint64_t now_ns)
{
    if (now_ns == 0)
        now_ns = 1;
    contact *c = find(t, &key, now_ns);
    if (c && c->t_ns != 0 && xs_epkey_eq(&c->key, &key) && c->t_ns + t->gap > now_ns)
        return c->t_ns + t->gap - now_ns;
    xs_throttle_note(t, key, now_ns);
    return 0;
}
