/* Pass clock: keeps every retry of an IP:port at least min_gap after its previous probe.
 * Pass k-1 leaves (position reached, time) checkpoints; pass k may only go as far as the newest
 * checkpoint that is min_gap old. Since all passes walk the same order, that bounds every endpoint. */
#include <stdlib.h>
#include "xsweep/throttle.h"

int xs_pass_clock_init(xs_pass_clock *c, unsigned passes, uint64_t min_gap_ns, size_t ring_cap)
{
    c->passes = passes ? passes : 1;
    c->min_gap_ns = min_gap_ns;
    c->rings = NULL;
    if (c->passes < 2)
        return 0;
    if (ring_cap < 4)
        ring_cap = 4;
    c->rings = calloc(c->passes - 1, sizeof *c->rings);
    if (!c->rings)
        return -1;
    for (unsigned k = 0; k + 1 < c->passes; k++) {
        c->rings[k].cp = calloc(ring_cap, sizeof(xs_checkpoint));
        if (!c->rings[k].cp) {
            xs_pass_clock_free(c);
            return -1;
        }
        c->rings[k].cap = ring_cap;
    }
    return 0;
}

void xs_pass_clock_free(xs_pass_clock *c)
{
    if (c->rings) {
        for (unsigned k = 0; k + 1 < c->passes; k++)
            free(c->rings[k].cp);
        free(c->rings);
    }
    c->rings = NULL;
}

static xs_checkpoint *ring_at(xs_checkpoint_ring *r, size_t i) /* i = 0 is the oldest */
{
    return &r->cp[(r->head + i) % r->cap];
}

void xs_pass_clock_mark(xs_pass_clock *c, unsigned pass, uint64_t pos, uint64_t now_ns)
{
    if (pass + 1 >= c->passes)
        return; /* nobody follows the last pass */
    xs_checkpoint_ring *r = &c->rings[pass];
    if (r->count == r->cap) {
        /* Full: fold into the newest checkpoint. Later time for more positions is conservative. */
        xs_checkpoint *last = ring_at(r, r->count - 1);
        last->pos = pos;
        last->t_ns = now_ns;
        return;
    }
    xs_checkpoint *slot = ring_at(r, r->count);
    slot->pos = pos;
    slot->t_ns = now_ns;
    r->count++;
}

uint64_t xs_pass_clock_allowed(xs_pass_clock *c, unsigned pass, uint64_t now_ns)
{
    if (pass == 0 || pass >= c->passes)
        return UINT64_MAX;
    xs_checkpoint_ring *r = &c->rings[pass - 1];
    while (r->count > 0) {
        xs_checkpoint *oldest = ring_at(r, 0);
        if (oldest->t_ns + c->min_gap_ns > now_ns)
            break;
        r->floor = oldest->pos;
        r->head = (r->head + 1) % r->cap;
        r->count--;
    }
    return r->floor;
}
