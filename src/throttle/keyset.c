/* Lock-free set of endpoint keys (open addressing, linear probing, insert-only).
 * The receiver adds endpoints that answered; the transmitter skips them on retries. */
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include "xsweep/throttle.h"

#define EMPTY 0   /* keys are stored +1 so that 0 can mean "empty" */

static size_t hash_key(uint64_t k)
{
    k ^= k >> 33;
    k *= 0xff51afd7ed558ccdULL;
    k ^= k >> 33;
    return (size_t)k;
}

int xs_keyset_init(xs_keyset *s, size_t capacity)
{
    size_t n = 64;
    while (n < capacity * 2)   /* keep the load factor at or below 1/2 */
        n <<= 1;
    /* The receiver adds one key per reply at random places in a table of up to 64 MiB: huge pages
     * save most of the TLB misses (measured: ~400 ns -> ~100 ns per add). */
    size_t huge = 2u << 20, bytes = (n * sizeof *s->slots + huge - 1) & ~(huge - 1);
    s->slots = aligned_alloc(huge, bytes);
    if (!s->slots)
        return -1;
    madvise((void *)s->slots, bytes, MADV_HUGEPAGE);
    memset((void *)s->slots, 0, bytes);
    s->mask = n - 1;
    atomic_init(&s->used, 0);
    return 0;
}

void xs_keyset_free(xs_keyset *s)
{
    free((void *)s->slots);
    s->slots = NULL;
}

bool xs_keyset_add(xs_keyset *s, uint64_t key)
{
    uint64_t stored = key + 1;
    if (atomic_load_explicit(&s->used, memory_order_relaxed) >= (s->mask + 1) / 2)
        return false;                   /* full: callers tolerate a missed add */
    for (size_t i = hash_key(key), probes = 0; probes <= s->mask; i++, probes++) {
        _Atomic uint64_t *slot = &s->slots[i & s->mask];
        uint64_t cur = atomic_load_explicit(slot, memory_order_acquire);
        if (cur == stored)
            return false;
        if (cur == EMPTY) {
            uint64_t expected = EMPTY;
            if (atomic_compare_exchange_strong_explicit(slot, &expected, stored,
                                                        memory_order_release, memory_order_acquire)) {
                atomic_fetch_add_explicit(&s->used, 1, memory_order_relaxed);
                return true;
            }
            if (expected == stored)
                return false;
        }
    }
    return false;
}

bool xs_keyset_contains(const xs_keyset *s, uint64_t key)
{
    uint64_t stored = key + 1;
    for (size_t i = hash_key(key), probes = 0; probes <= s->mask; i++, probes++) {
        uint64_t cur = atomic_load_explicit(&s->slots[i & s->mask], memory_order_acquire);
        if (cur == stored)
            return true;
        if (cur == EMPTY)
            return false;
    }
    return false;
}
