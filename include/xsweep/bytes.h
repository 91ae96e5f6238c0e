/* Big-endian (network order) stores into a frame being built: the ARP request, the SYN template
 * and the tests' frames write their fields with these. */
#ifndef XSWEEP_BYTES_H
#define XSWEEP_BYTES_H
#include <stdint.h>

static inline void xs_put_be16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)(v >> 8);
    p[1] = (uint8_t)v;
}

static inline void xs_put_be32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24); /* four stores, as the SYN fill has always compiled them */
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

#endif
