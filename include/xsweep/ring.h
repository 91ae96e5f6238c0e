/* Lock-free single-producer / single-consumer ring of fixed-size elements. */
#ifndef XSWEEP_RING_H
#define XSWEEP_RING_H
#include <stdalign.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Each side owns one cache line: its own index plus its private copy of the other side's index,
 * re-read only when the copy says full/empty, so the lines do not bounce on every element. */
typedef struct {
    alignas(64) _Atomic size_t head; /* written by the producer only */
    size_t tail_seen;                /* producer's cached copy of tail */
    alignas(64) _Atomic size_t tail; /* written by the consumer only */
    size_t head_seen;                /* consumer's cached copy of head */
    alignas(64) size_t mask;         /* capacity - 1; read-only after init */
    size_t elem_size;
    unsigned char *buf;
} xs_ring;

/* capacity is rounded up to a power of two. Returns 0 or -1 (ENOMEM). */
int xs_ring_init(xs_ring *r, size_t capacity, size_t elem_size);
void xs_ring_free(xs_ring *r);
bool xs_ring_push(xs_ring *r, const void *elem); /* producer only; false when full */
bool xs_ring_pop(xs_ring *r, void *elem);        /* consumer only; false when empty */
size_t xs_ring_count(const xs_ring *r);          /* approximate, for status lines */

#endif
