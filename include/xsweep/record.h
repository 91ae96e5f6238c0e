/* The result of probing one endpoint, as it travels from the receiver to the output. */
#ifndef XSWEEP_RECORD_H
#define XSWEEP_RECORD_H
#include <stdbool.h>
#include <stdint.h>
#include "xsweep/addr.h"

/* Port status values, as the seed's `Port Status` property defines them. */
typedef enum {
    XS_STATUS_OPEN = 0,    /* SYN-ACK came back: the handshake succeeded */
    XS_STATUS_CLOSED,      /* RST came back, or nothing did */
    XS_STATUS_EXCLUDED,    /* covered by the exclude list: never probed */
    XS_STATUS_UNSUPPORTED, /* port filtered out by `--ports supported` */
    XS_STATUS_FAILED,      /* the probe could not be sent */
} xs_status;

const char *xs_status_name(xs_status s);
/* The status of a name xs_status_name gives; XS_STATUS_FAILED for any other. */
xs_status xs_status_parse(const char *name);

/* Fixed-size and copyable: this is what crosses the lock-free rings. */
typedef struct xs_result {
    xs_addr addr; /* either family (IPv4 as ::ffff:a.b.c.d) */
    uint16_t port;
    uint8_t status; /* xs_status */
    uint8_t ttl;    /* IP TTL of the reply, 0 when there was none */
    uint64_t ts_ns; /* CLOCK_REALTIME of the reply (or of the decision) */
} xs_result;

/* The identity of one IP:port, for de-duplication, the throttle and the answered set: the whole
 * address and the port, so it is unique for IPv6 as for IPv4 (no hash stands in for it; a
 * collision would drop a result or skip a probe). No padding: it may be hashed or compared as
 * three words. */
typedef struct xs_epkey {
    uint64_t hi, lo; /* address bytes 0-7 and 8-15, big-endian; IPv4 is ::ffff:a.b.c.d */
    uint64_t port;
} xs_epkey;

static inline uint64_t xs_be64_load(const uint8_t *p)
{
    return (uint64_t)p[0] << 56 | (uint64_t)p[1] << 48 | (uint64_t)p[2] << 40 |
           (uint64_t)p[3] << 32 | (uint64_t)p[4] << 24 | (uint64_t)p[5] << 16 |
           (uint64_t)p[6] << 8 | p[7];
}

static inline xs_epkey xs_endpoint_key(const xs_addr *a, uint16_t port)
{
    xs_epkey k = {xs_be64_load(a->b), xs_be64_load(a->b + 8), port};
    return k;
}

/* The same for an IPv4 address in host order (the IPv4-only callers). */
static inline xs_epkey xs_endpoint_key_v4(uint32_t ip, uint16_t port)
{
    xs_epkey k = {0, 0xffff00000000ULL | ip, port};
    return k;
}

static inline bool xs_epkey_eq(const xs_epkey *x, const xs_epkey *y)
{
    return ((x->hi ^ y->hi) | (x->lo ^ y->lo) | (x->port ^ y->port)) == 0;
}

/* Ordered as (address, port): what the endpoint list and the diff sort by. */
static inline int xs_epkey_cmp(const xs_epkey *x, const xs_epkey *y)
{
    if (x->hi != y->hi)
        return x->hi < y->hi ? -1 : 1;
    if (x->lo != y->lo)
        return x->lo < y->lo ? -1 : 1;
    return (x->port > y->port) - (x->port < y->port);
}

static inline bool xs_epkey_is_v4(const xs_epkey *k)
{
    return k->hi == 0 && (k->lo >> 32) == 0xffff;
}

/* IPv4 only: the 48-bit (ip << 16 | port) form, unique among IPv4 keys. */
static inline uint64_t xs_epkey_v4_compact(const xs_epkey *k)
{
    return (k->lo & 0xffffffffULL) << 16 | (k->port & 0xffff);
}

static inline xs_addr xs_epkey_addr(const xs_epkey *k)
{
    xs_addr a;
    for (int i = 0; i < 8; i++) {
        a.b[i] = (uint8_t)(k->hi >> (56 - 8 * i));
        a.b[8 + i] = (uint8_t)(k->lo >> (56 - 8 * i));
    }
    return a;
}

/* A well-mixed 64-bit hash of the whole key (for table slots; identity is xs_epkey_eq). */
static inline uint64_t xs_epkey_hash(const xs_epkey *k)
{
    uint64_t h = k->hi * 0x9e3779b97f4a7c15ULL ^ k->lo;
    h = (h ^ (h >> 32)) * 0xd6e8feb86659fd93ULL ^ k->port;
    h = (h ^ (h >> 32)) * 0xd6e8feb86659fd93ULL;
    return h ^ (h >> 32);
}

#endif
