/* A seed-deterministic bijection on [0, n): the order in which the index space is probed. */
#ifndef XSWEEP_PERMUTE_H
#define XSWEEP_PERMUTE_H
#include <stdint.h>

typedef struct {
    uint64_t n;          /* domain size */
    unsigned half_bits;  /* Feistel half width; domain 2^(2*half_bits) >= n */
    uint64_t keys[6];    /* round keys derived from the seed */
} xs_perm;

void     xs_perm_init(xs_perm *p, uint64_t n, uint64_t seed);
/* Returns the i-th element of the walk, i in [0, n). Cycle-walks a Feistel network. */
uint64_t xs_perm_at(const xs_perm *p, uint64_t i);

/* --shard I/N: shard I (0-based) walks positions I, I+N, I+2N, … < n. Disjoint and complete. */
typedef struct { uint32_t index, count; } xs_shard;
/* Parses "I/N" with 1 <= I <= N (1-based on the command line, as zmap). */
int xs_shard_parse(xs_shard *s, const char *spec, char *err, size_t errlen);
uint64_t xs_shard_positions(const xs_shard *s, uint64_t n);  /* how many positions this shard walks */

#endif
