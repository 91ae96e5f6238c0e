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
    uint8_t  flags;
    uint8_t  ttl;
} xs_tcp_reply;

/* linktype: DLT_EN10MB (1) or DLT_RAW/LINUX_SLL as pcap reports. Handles 802.1Q tags.
 * Returns 0 when frame is a well-formed IPv4 TCP segment (first fragment, header fits), else -1. */
int xs_frame_parse(const uint8_t *frame, size_t caplen, int linktype, xs_tcp_reply *out);

#endif
