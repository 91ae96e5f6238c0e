/* Binary min-heap of xs_timer pointers, ordered by `when`: the deadline heap of the event loop,
 * the project's one heap. Items carry their own slot index, so removing or moving one is
 * O(log n). */
#include <stdlib.h>

#include "xsweep/event_loop.h"

static void place(xs_timer_heap *h, size_t i, xs_timer *t)
{
    h->items[i] = t;
    t->slot = i;
}

static void sift_up(xs_timer_heap *h, size_t i)
{
    xs_timer *t = h->items[i];
    while (i > 0) {
        size_t parent = (i - 1) / 2;
        if (h->items[parent]->when <= t->when)
            break;
        place(h, i, h->items[parent]);
        i = parent;
    }
    place(h, i, t);
}

static void sift_down(xs_timer_heap *h, size_t i)
{
    xs_timer *t = h->items[i];
    for (;;) {
        size_t c = 2 * i + 1;
        if (c >= h->len)
            break;
        if (c + 1 < h->len && h->items[c + 1]->when < h->items[c]->when)
            c++;
        if (t->when <= h->items[c]->when)
            break;
        place(h, i, h->items[c]);
        i = c;
    }
    place(h, i, t);
}

void xs_timer_heap_free(xs_timer_heap *h)
{
    free(h->items);
    h->items = NULL;
    h->len = h->cap = 0;
}

int xs_timer_heap_push(xs_timer_heap *h, xs_timer *t)
{
    if (h->len == h->cap) {
        size_t cap = h->cap ? h->cap * 2 : 64;
        xs_timer **n = realloc(h->items, cap * sizeof *n);
        if (!n)
            return -1;
        h->items = n;
        h->cap = cap;
    }
    place(h, h->len++, t);
    sift_up(h, h->len - 1);
    return 0;
}

xs_timer *xs_timer_heap_peek(const xs_timer_heap *h)
{
    return h->len ? h->items[0] : NULL;
}

void xs_timer_heap_remove(xs_timer_heap *h, xs_timer *t)
{
    if (t->slot == SIZE_MAX || t->slot >= h->len || h->items[t->slot] != t)
        return;
    size_t i = t->slot;
    t->slot = SIZE_MAX;
    xs_timer *last = h->items[--h->len];
    if (i == h->len)
        return;
    place(h, i, last);
    sift_up(h, i);
    sift_down(h, last->slot);
}
