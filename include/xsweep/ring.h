/* Lock-free single-producer / single-consumer ring of fixed-size elements. */
#ifndef XSWEEP_RING_H
#define XSWEEP_RING_H
#include <stdalign.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct {
    alignas(64) _Atomic size_t head;   /* written by the producer only */
    alignas(64) _Atomic size_t tail;   /* written by the consumer only */
    alignas(64) size_t mask;
    size_t elem_size;
    unsigned char *buf;
} xs_ring;

/* capacity is rounded up to a power of two. Returns 0 or -1 (ENOMEM). */
int    xs_ring_init(xs_ring *r, size_t capacity, size_t elem_size);
void   xs_ring_free(xs_ring *r);
bool   xs_ring_push(xs_ring *r, const void *elem);   /* false when full */
bool   xs_ring_pop(xs_ring *r, void *elem);          /* false when empty */
size_t xs_ring_count(const xs_ring *r);              /* approximate, for status lines */

#endif
