/* Parsing what the receiver captures: Ethernet/IPv4/TCP, defensively (every byte is hostile). */
#ifndef XSWEEP_FRAME_H
#define XSWEEP_FRAME_H
#include <stddef.h>
#include <stdint.h>

#define XS_TCP_FIN 0x01
#define XS_TCP_SYN 0x02
#define XS_TCP_RST 0x04
#define XS_TCP_ACK 0x10

typedef struct {
    uint32_t src_ip, dst_ip;     /* host order */
    uint16_t src_port, dst_port;
    uint32_t seq, ack;
    uint8_t  flags;              /* TCP flags byte (FIN..CWR) */
    uint8_t  ttl;
} xs_tcp_reply;

/* linktype as pcap_datalink() reports it: DLT_EN10MB (with up to two 802.1Q/802.1ad tags),
 * DLT_LINUX_SLL, DLT_LINUX_SLL2, DLT_RAW (12 or 14), LINKTYPE_RAW (101) or DLT_IPV4.
 * Returns 0 when frame is a well-formed IPv4 TCP segment (not a non-first fragment, IP and TCP
 * headers within caplen), else -1. Never reads past caplen; out is only meaningful on 0. */
int xs_frame_parse(const uint8_t *frame, size_t caplen, int linktype, xs_tcp_reply *out);

#endif
