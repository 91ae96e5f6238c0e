/* SYN cookies: the sequence number is a keyed hash of the 4-tuple, so replies validate statelessly. */
#ifndef XSWEEP_COOKIE_H
#define XSWEEP_COOKIE_H
#include <stddef.h>
#include <stdint.h>

typedef struct {
    uint64_t k0, k1;
} xs_cookie_key;

/* SipHash-2-4 of an arbitrary message (reference-compatible). */
uint64_t xs_siphash24(const xs_cookie_key *key, const void *msg, size_t len);
/* Key from the seed (or from getrandom when seed_given is 0). */
void xs_cookie_key_init(xs_cookie_key *key, uint64_t seed, int seed_given);
/* All addresses/ports in host order, from the prober's point of view (src = us). */
uint32_t xs_cookie(const xs_cookie_key *key, uint32_t src_ip, uint16_t src_port, uint32_t dst_ip,
                   uint16_t dst_port);
/* The same over IPv6 addresses (16 bytes, network order): the whole of both addresses is hashed. */
uint32_t xs_cookie6(const xs_cookie_key *key, const uint8_t src_ip[16], uint16_t src_port,
                    const uint8_t dst_ip[16], uint16_t dst_port);

#endif
