/* Lock-free single-producer / single-consumer ring (see ring.h).
 *
 * head and tail are free-running counters: they are never reduced modulo the capacity, and
 * unsigned subtraction keeps head - tail right even when they wrap at SIZE_MAX. The producer
 * publishes an element with a release store of head; the consumer reads it after an acquire load
 * of head and hands the slot back with a release store of tail, which the producer acquires
 * before overwriting it. */
#include <stdlib.h>
#include <string.h>
#include "xsweep/ring.h"

static size_t round_up_pow2(size_t n)
{
    size_t p = 2;
    while (p < n) {
        if (p > SIZE_MAX / 2)
            return 0;
        p <<= 1;
    }
    return p;
}

int xs_ring_init(xs_ring *r, size_t capacity, size_t elem_size)
{
    memset(r, 0, sizeof *r);
    size_t cap = round_up_pow2(capacity);
    if (cap == 0 || elem_size == 0 || cap > SIZE_MAX / elem_size)
        return -1;
    unsigned char *buf = malloc(cap * elem_size);
    if (!buf)
        return -1;
    r->buf = buf;
    r->mask = cap - 1;
    r->elem_size = elem_size;
    atomic_init(&r->head, 0);
    atomic_init(&r->tail, 0);
    return 0;
}

void xs_ring_free(xs_ring *r)
{
    free(r->buf);
    r->buf = NULL;
}

bool xs_ring_push(xs_ring *r, const void *elem)
{
    size_t head = atomic_load_explicit(&r->head, memory_order_relaxed); /* only we write it */
    if (head - r->tail_seen > r->mask) {
        r->tail_seen = atomic_load_explicit(&r->tail, memory_order_acquire);
        if (head - r->tail_seen > r->mask)
            return false;
    }
    memcpy(r->buf + (head & r->mask) * r->elem_size, elem, r->elem_size);
    atomic_store_explicit(&r->head, head + 1, memory_order_release);
    return true;
}

bool xs_ring_pop(xs_ring *r, void *elem)
{
    size_t tail = atomic_load_explicit(&r->tail, memory_order_relaxed); /* only we write it */
    if (tail == r->head_seen) {
        r->head_seen = atomic_load_explicit(&r->head, memory_order_acquire);
        if (tail == r->head_seen)
            return false;
    }
    memcpy(elem, r->buf + (tail & r->mask) * r->elem_size, r->elem_size);
    atomic_store_explicit(&r->tail, tail + 1, memory_order_release);
    return true;
}

size_t xs_ring_count(const xs_ring *r)
{
    size_t tail = atomic_load_explicit(&r->tail, memory_order_acquire);
    size_t head = atomic_load_explicit(&r->head, memory_order_acquire);
    size_t n = head - tail;
    return n > r->mask + 1 ? r->mask + 1 : n; /* the two loads are not one snapshot */
}
