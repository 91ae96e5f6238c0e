/* Link layer -> IPv4 -> TCP, with a bounds check before every read: captured bytes are hostile.
 * Branch-light and allocation-free: it runs once per captured packet. */
#include <pcap/dlt.h>
#include "xsweep/frame.h"

#define ETHERTYPE_IPV4     0x0800
#define ETHERTYPE_VLAN     0x8100   /* 802.1Q */
#define ETHERTYPE_QINQ     0x88a8   /* 802.1ad service tag */
#define ETHERTYPE_QINQ_OLD 0x9100   /* pre-standard double tagging, still seen in the wild */
#define MAX_VLAN_TAGS      2
#define LINKTYPE_RAW       101      /* what DLT_RAW is called in savefiles */
#define DLT_RAW_LINUX      12
#define DLT_RAW_OPENBSD    14
#define IP_PROTO_TCP       6
#define IPV4_MIN_HDR       20
#define TCP_MIN_HDR        20

static inline uint16_t be16(const uint8_t *p)
{
    return (uint16_t)((uint16_t)p[0] << 8 | p[1]);
}

static inline uint32_t be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static inline int is_vlan(uint16_t type)
{
    return type == ETHERTYPE_VLAN || type == ETHERTYPE_QINQ || type == ETHERTYPE_QINQ_OLD;
}

/* Follows the ethertype field at frame[type_off] through up to two VLAN tags. Returns the offset
 * of the network header when the final ethertype is IPv4, else -1. */
static long skip_to_ipv4(const uint8_t *frame, size_t caplen, size_t type_off)
{
    if (type_off + 2 > caplen)
        return -1;
    uint16_t type = be16(frame + type_off);
    for (int tags = 0; is_vlan(type); tags++) {
        /* A tag is TCI(2) followed by the next ethertype(2). */
        if (tags == MAX_VLAN_TAGS || type_off + 6 > caplen)
            return -1;
        type_off += 4;
        type = be16(frame + type_off);
    }
    return type == ETHERTYPE_IPV4 ? (long)(type_off + 2) : -1;
}

/* Offset of the IPv4 header for this link type, or -1. */
static long network_offset(const uint8_t *frame, size_t caplen, int linktype)
{
    switch (linktype) {
    case DLT_EN10MB:        /* dst(6) src(6) type(2) */
        return skip_to_ipv4(frame, caplen, 12);
    case DLT_LINUX_SLL:     /* pkttype(2) hatype(2) halen(2) addr(8) protocol(2) */
        return skip_to_ipv4(frame, caplen, 14);
    case DLT_LINUX_SLL2:    /* protocol(2) reserved(2) ifindex(4) hatype(2) pkttype(1) halen(1)
                               addr(8) */
        if (caplen < 20 || be16(frame) != ETHERTYPE_IPV4)
            return -1;
        return 20;
    case DLT_RAW_LINUX:
    case DLT_RAW_OPENBSD:
    case LINKTYPE_RAW:
    case DLT_IPV4:
        return 0;
    default:
        return -1;
    }
}

int xs_frame_parse(const uint8_t *frame, size_t caplen, int linktype, xs_tcp_reply *out)
{
    if (!frame)
        return -1;
    long l3 = network_offset(frame, caplen, linktype);
    if (l3 < 0 || (size_t)l3 + IPV4_MIN_HDR > caplen)
        return -1;
    const uint8_t *ip = frame + l3;
    size_t avail = caplen - (size_t)l3;

    if (ip[0] >> 4 != 4)
        return -1;
    size_t ihl = (size_t)(ip[0] & 0x0f) * 4;
    if (ihl < IPV4_MIN_HDR || ihl + TCP_MIN_HDR > avail)   /* IP header + minimal TCP fit */
        return -1;
    if (ip[9] != IP_PROTO_TCP)
        return -1;
    if (be16(ip + 6) & 0x1fff)          /* fragment offset != 0: no TCP header in here */
        return -1;

    const uint8_t *tcp = ip + ihl;
    size_t doff = (size_t)(tcp[12] >> 4) * 4;
    if (doff < TCP_MIN_HDR || ihl + doff > avail)
        return -1;
    /* Total length may exceed caplen (snaplen) or fall short of it (Ethernet padding), but it
     * can never be smaller than the headers it carries. */
    if (be16(ip + 2) < ihl + doff)
        return -1;

    out->ttl = ip[8];
    out->src_ip = be32(ip + 12);
    out->dst_ip = be32(ip + 16);
    out->src_port = be16(tcp);
    out->dst_port = be16(tcp + 2);
    out->seq = be32(tcp + 4);
    out->ack = be32(tcp + 8);
    out->flags = tcp[13];
    return 0;
}
