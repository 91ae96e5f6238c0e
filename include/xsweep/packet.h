/* The SYN probe: one Ethernet+IPv4+TCP (or Ethernet+IPv6+TCP) frame built once (libnet), patched
 * per probe. */
#ifndef XSWEEP_PACKET_H
#define XSWEEP_PACKET_H
#include <stddef.h>
#include <stdint.h>

#define XS_SYN_FRAME_LEN  58 /* 14 Ethernet + 20 IPv4 + 24 TCP (header + MSS option) */
#define XS_SYN6_FRAME_LEN 78 /* 14 Ethernet + 40 IPv6 + 24 TCP (the same options) */

typedef struct {
    uint8_t frame[96];
    size_t len;
    uint32_t src_ip;       /* host order (IPv4 template) */
    uint8_t src_ip6[16];   /* network order (IPv6 template) */
    uint32_t ip_sum_base;  /* ones'-complement sum of the constant IPv4 header words */
    uint32_t tcp_sum_base; /* ones'-complement sum of the constant TCP words + pseudo-header */
} xs_syn_template;

/* Builds the frame with libnet. mss 0 = 1460. ttl 0 = 64. Returns 0, or -1 with err set. */
int xs_syn_template_init(xs_syn_template *t, const uint8_t src_mac[6], const uint8_t dst_mac[6],
                         uint32_t src_ip, uint16_t mss, uint8_t ttl, char *err, size_t errlen);
/* Writes t->len bytes into out: the template with these fields and both checksums fixed up
 * incrementally (no re-summing of the whole packet). Hot path: no allocation, no branches on data. */
void xs_syn_template_fill(const xs_syn_template *t, uint8_t *out, uint32_t dst_ip,
                          uint16_t dst_port, uint16_t src_port, uint16_t ip_id, uint32_t seq);

/* The IPv6 template: hop limit ttl (0 = 64), flow label 0, no extension header. The TCP checksum
 * covers the IPv6 pseudo-header (RFC 8200 8.1): both addresses, the upper-layer length, next
 * header 6; fill6 patches it for the destination, ports and sequence number. */
int xs_syn_template_init6(xs_syn_template *t, const uint8_t src_mac[6], const uint8_t dst_mac[6],
                          const uint8_t src_ip6[16], uint16_t mss, uint8_t ttl, char *err,
                          size_t errlen);
void xs_syn_template_fill6(const xs_syn_template *t, uint8_t *out, const uint8_t dst_ip6[16],
                           uint16_t dst_port, uint16_t src_port, uint32_t seq);

/* Sum of big-endian 16-bit words, not folded: what every checksum and base sum starts from. */
uint64_t xs_sum_be16(const uint8_t *p, size_t len);
/* Reference (full) Internet checksum, used by the tests to check the incremental one. */
uint16_t xs_inet_checksum(const void *data, size_t len);
/* Full TCP checksum over pseudo-header + segment (addresses host order). */
uint16_t xs_tcp_checksum_full(uint32_t src_ip, uint32_t dst_ip, const uint8_t *tcp, size_t tcp_len);

#endif
