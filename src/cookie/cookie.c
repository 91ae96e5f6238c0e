/* SYN cookies: seq = SipHash-2-4(key, 4-tuple). Replies carry seq+1 in their ack field, so the
 * receiver re-derives the cookie from the reply's addresses and needs no per-probe state. */
#include <errno.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>
#include "xsweep/clock.h"
#include "xsweep/cookie.h"

/* splitmix64 finaliser: a well-mixed bijection, so nearby seeds give unrelated keys. */
static uint64_t mix64(uint64_t x)
{
    x += 0x9e3779b97f4a7c15ULL;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
    return x ^ (x >> 31);
}

void xs_cookie_key_init(xs_cookie_key *key, uint64_t seed, int seed_given)
{
    if (seed_given) {
        key->k0 = mix64(seed ^ 0x7873776565702d30ULL); /* "xsweep-0" */
        key->k1 = mix64(key->k0 ^ seed ^ 0x7873776565702d31ULL);
        return;
    }
    uint64_t k[2];
    size_t got = 0;
    while (got < sizeof k) {
        ssize_t n = getrandom((uint8_t *)k + got, sizeof k - got, 0);
        if (n > 0) {
            got += (size_t)n;
        } else if (n < 0 && errno != EINTR) {
            /* No getrandom (very old kernel): fall back to clock and pid, mixed. Unpredictable
             * enough for a validation cookie; it only has to resist off-path guessing. */
            uint64_t s = xs_realtime_ns();
            k[0] = mix64(s ^ (uint64_t)getpid());
            k[1] = mix64(k[0] ^ s);
            break;
        }
    }
    key->k0 = k[0];
    key->k1 = k[1];
}

uint32_t xs_cookie(const xs_cookie_key *key, uint32_t src_ip, uint16_t src_port, uint32_t dst_ip,
                   uint16_t dst_port)
{
    /* Fixed 12-byte little-endian encoding of the tuple: the same on every host. */
    uint8_t m[12] = {
        (uint8_t)src_ip,          (uint8_t)(src_ip >> 8),  (uint8_t)(src_ip >> 16),
        (uint8_t)(src_ip >> 24),  (uint8_t)dst_ip,         (uint8_t)(dst_ip >> 8),
        (uint8_t)(dst_ip >> 16),  (uint8_t)(dst_ip >> 24), (uint8_t)src_port,
        (uint8_t)(src_port >> 8), (uint8_t)dst_port,       (uint8_t)(dst_port >> 8),
    };
    uint64_t h = xs_siphash24(key, m, sizeof m);
    return (uint32_t)(h ^ (h >> 32));
}

uint32_t xs_cookie6(const xs_cookie_key *key, const uint8_t src_ip[16], uint16_t src_port,
                    const uint8_t dst_ip[16], uint16_t dst_port)
{
    /* 36 bytes: both addresses as on the wire, then the ports little-endian as above. */
    uint8_t m[36];
    memcpy(m, src_ip, 16);
    memcpy(m + 16, dst_ip, 16);
    m[32] = (uint8_t)src_port;
    m[33] = (uint8_t)(src_port >> 8);
    m[34] = (uint8_t)dst_port;
    m[35] = (uint8_t)(dst_port >> 8);
    uint64_t h = xs_siphash24(key, m, sizeof m);
    return (uint32_t)(h ^ (h >> 32));
}
