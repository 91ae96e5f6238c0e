/* A seed-deterministic bijection on [0, n): the order in which the index space is probed. */
#ifndef XSWEEP_PERMUTE_H
#define XSWEEP_PERMUTE_H
#include <stddef.h>
#include <stdint.h>

#define XS_PERM_ROUNDS 4

/* Construction (see src/permute/feistel.c): a 4-round keyed Feistel network over the smallest
 * power-of-two domain 2^bits >= n (bits >= 2), split into a left half of bits/2 bits and a right
 * half of the rest, walked in a cycle until the value falls inside [0, n). */
typedef struct {
    uint64_t n;          /* domain size */
    unsigned bits;       /* Feistel domain is 2^bits >= n */
    unsigned left_bits;  /* bits / 2 */
    unsigned right_bits; /* bits - left_bits */
    uint64_t left_mask, right_mask;
    uint64_t keys[XS_PERM_ROUNDS];  /* round keys (added) derived from the seed and n */
    uint64_t mults[XS_PERM_ROUNDS]; /* round multipliers (odd) derived from the seed and n */
} xs_perm;

void xs_perm_init(xs_perm *p, uint64_t n, uint64_t seed);
/* Returns the i-th element of the walk, i in [0, n). Cycle-walks a Feistel network. */
uint64_t xs_perm_at(const xs_perm *p, uint64_t i);

/* --shard I/N: shard I (0-based) walks positions I, I+N, I+2N, … < n. Disjoint and complete. */
typedef struct {
    uint32_t index, count;
} xs_shard;
/* Parses "I/N" with 1 <= I <= N <= 65535 (1-based on the command line, as zmap); stores I-1. */
int xs_shard_parse(xs_shard *s, const char *spec, char *err, size_t errlen);
uint64_t xs_shard_positions(const xs_shard *s,
                            uint64_t n); /* how many positions this shard walks */

#endif
