/* Parsing what the receiver captures: Ethernet/IPv4/TCP and Ethernet/IPv6/TCP, defensively (every
 * byte is hostile). */
#ifndef XSWEEP_FRAME_H
#define XSWEEP_FRAME_H
#include <stddef.h>
#include <stdint.h>

#define XS_TCP_FIN 0x01
#define XS_TCP_SYN 0x02
#define XS_TCP_RST 0x04
#define XS_TCP_ACK 0x10

/* Extension headers the IPv6 parser walks through before it gives up on a packet. */
#define XS_IPV6_MAX_EXT_HEADERS 8

typedef struct {
    uint8_t family;                   /* 4 or 6 */
    uint32_t src_ip, dst_ip;          /* IPv4: host order */
    uint8_t src_ip6[16], dst_ip6[16]; /* IPv6: network order */
    uint16_t src_port, dst_port;
    uint32_t seq, ack;
    uint8_t flags; /* TCP flags byte (FIN..CWR) */
    uint8_t ttl;   /* IPv4 TTL or IPv6 hop limit */
} xs_tcp_reply;

/* linktype as pcap_datalink() reports it: DLT_EN10MB (with up to two 802.1Q/802.1ad tags),
 * DLT_LINUX_SLL, DLT_LINUX_SLL2, DLT_RAW (12 or 14), LINKTYPE_RAW (101), DLT_IPV4 or DLT_IPV6.
 * Returns 0 when frame is a well-formed TCP segment: IPv4 (not a non-first fragment), or IPv6
 * whose chain of hop-by-hop, routing, destination-options and AH headers (at most
 * XS_IPV6_MAX_EXT_HEADERS) ends in TCP; IPv6 fragments, ESP, ICMPv6 and anything else are -1,
 * as is a header not within caplen. Never reads past caplen; out is only meaningful on 0. */
int xs_frame_parse(const uint8_t *frame, size_t caplen, int linktype, xs_tcp_reply *out);

#endif
