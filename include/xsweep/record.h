/* The result of probing one endpoint, as it travels from the receiver to the output. */
#ifndef XSWEEP_RECORD_H
#define XSWEEP_RECORD_H
#include <stdint.h>
#include "xsweep/addr.h"

/* Port status values, as the seed's `Port Status` property defines them. */
typedef enum {
    XS_STATUS_OPEN = 0,      /* SYN-ACK came back: the handshake succeeded */
    XS_STATUS_CLOSED,        /* RST came back, or nothing did */
    XS_STATUS_EXCLUDED,      /* covered by the exclude list: never probed */
    XS_STATUS_UNSUPPORTED,   /* port filtered out by `--ports supported` */
    XS_STATUS_FAILED,        /* the probe could not be sent */
} xs_status;

const char *xs_status_name(xs_status s);
/* The status of a name xs_status_name gives; XS_STATUS_FAILED for any other. */
xs_status   xs_status_parse(const char *name);

/* Fixed-size and copyable: this is what crosses the lock-free rings. */
typedef struct xs_result {
    xs_addr  addr;      /* either family (IPv4 as ::ffff:a.b.c.d) */
    uint16_t port;
    uint8_t  status;    /* xs_status */
    uint8_t  ttl;       /* IP TTL of the reply, 0 when there was none */
    uint64_t ts_ns;     /* CLOCK_REALTIME of the reply (or of the decision) */
} xs_result;

/* One 64-bit key per IP:port, used by de-duplication and the throttle. */
static inline uint64_t xs_endpoint_key(uint32_t ip, uint16_t port)
{
    return ((uint64_t)ip << 16) | port;
}

#endif
