/* Link layer -> IPv4 or IPv6 -> TCP, with a bounds check before every read: captured bytes are
 * hostile. Branch-light and allocation-free: it runs once per captured packet. */
#include <pcap/dlt.h>
#include <string.h>
#include "xsweep/frame.h"

#ifndef DLT_IPV6
#define DLT_IPV6 229
#endif
#define ETHERTYPE_IPV4     0x0800
#define ETHERTYPE_IPV6     0x86dd
#define ETHERTYPE_VLAN     0x8100 /* 802.1Q */
#define ETHERTYPE_QINQ     0x88a8 /* 802.1ad service tag */
#define ETHERTYPE_QINQ_OLD 0x9100 /* pre-standard double tagging, still seen in the wild */
#define MAX_VLAN_TAGS      2
#define LINKTYPE_RAW       101 /* what DLT_RAW is called in savefiles */
#define DLT_RAW_LINUX      12
#define DLT_RAW_OPENBSD    14
#define IP_PROTO_TCP       6
#define IPV4_MIN_HDR       20
#define IPV6_HDR           40
/* IPv6 next-header values */
#define NH_HOP_BY_HOP 0
#define NH_ROUTING    43
#define NH_FRAGMENT   44
#define NH_AH         51
#define NH_DEST_OPTS  60
#define TCP_MIN_HDR   20

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

/* The IP version an ethertype announces, 0 for another protocol. */
static inline int version_of(uint16_t type)
{
    return type == ETHERTYPE_IPV4 ? 4 : type == ETHERTYPE_IPV6 ? 6 : 0;
}

/* Follows the ethertype field at frame[type_off] through up to two VLAN tags. Returns the offset
 * of the network header when the final ethertype is IPv4 or IPv6 (*version says which), else -1. */
static long skip_to_ip(const uint8_t *frame, size_t caplen, size_t type_off, int *version)
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
    *version = version_of(type);
    return *version ? (long)(type_off + 2) : -1;
}

/* Offset of the IP header for this link type, or -1. *version: the IP version the link layer
 * announces, 0 when it does not say (raw links: the header's version nibble decides). */
static long network_offset(const uint8_t *frame, size_t caplen, int linktype, int *version)
{
    *version = 0;
    switch (linktype) {
    case DLT_EN10MB: /* dst(6) src(6) type(2) */
        return skip_to_ip(frame, caplen, 12, version);
    case DLT_LINUX_SLL: /* pkttype(2) hatype(2) halen(2) addr(8) protocol(2) */
        return skip_to_ip(frame, caplen, 14, version);
    case DLT_LINUX_SLL2: /* protocol(2) reserved(2) ifindex(4) hatype(2) pkttype(1) halen(1)
                               addr(8) */
        if (caplen < 20 || !(*version = version_of(be16(frame))))
            return -1;
        return 20;
    case DLT_IPV4:
        *version = 4;
        return 0;
    case DLT_IPV6:
        *version = 6;
        return 0;
    case DLT_RAW_LINUX:
    case DLT_RAW_OPENBSD:
    case LINKTYPE_RAW:
        return 0;
    default:
        return -1;
    }
}

static void read_tcp(const uint8_t *tcp, xs_tcp_reply *out)
{
    out->src_port = be16(tcp);
    out->dst_port = be16(tcp + 2);
    out->seq = be32(tcp + 4);
    out->ack = be32(tcp + 8);
    out->flags = tcp[13];
}

/* ip: the IPv6 header, avail bytes of it captured. */
static int parse_ipv6(const uint8_t *ip, size_t avail, xs_tcp_reply *out)
{
    if (avail < IPV6_HDR)
        return -1;
    /* The payload length bounds the chain as much as caplen does; 0 is a jumbogram: refused. */
    size_t plen = be16(ip + 4);
    if (plen == 0)
        return -1;
    size_t end = IPV6_HDR + plen < avail ? IPV6_HDR + plen : avail;
    uint8_t nh = ip[6];
    size_t off = IPV6_HDR;
    for (int hops = 0; nh != IP_PROTO_TCP; hops++) {
        if (hops == XS_IPV6_MAX_EXT_HEADERS || off + 8 > end)
            return -1;
        size_t len;
        switch (nh) {
        case NH_HOP_BY_HOP:
        case NH_ROUTING:
        case NH_DEST_OPTS:
            len = ((size_t)ip[off + 1] + 1) * 8;
            break;
        case NH_AH:
            len = ((size_t)ip[off + 1] + 2) * 4;
            break;
        default: /* fragment (no whole TCP header to trust), ESP, ICMPv6, no-next-header ... */
            return -1;
        }
        nh = ip[off];
        off += len;
    }
    if (off + TCP_MIN_HDR > end)
        return -1;
    const uint8_t *tcp = ip + off;
    size_t doff = (size_t)(tcp[12] >> 4) * 4;
    if (doff < TCP_MIN_HDR || off + doff > end)
        return -1;
    out->family = 6;
    out->ttl = ip[7];
    out->src_ip = out->dst_ip = 0;
    memcpy(out->src_ip6, ip + 8, 16);
    memcpy(out->dst_ip6, ip + 24, 16);
    read_tcp(tcp, out);
    return 0;
}

int xs_frame_parse(const uint8_t *frame, size_t caplen, int linktype, xs_tcp_reply *out)
{
    if (!frame)
        return -1;
    int announced;
    long l3 = network_offset(frame, caplen, linktype, &announced);
    if (l3 < 0 || (size_t)l3 + IPV4_MIN_HDR > caplen)
        return -1;
    const uint8_t *ip = frame + l3;
    size_t avail = caplen - (size_t)l3;
    int version = ip[0] >> 4;
    if (announced && version != announced) /* an IPv4 header behind the IPv6 ethertype ... */
        return -1;
    if (version == 6)
        return parse_ipv6(ip, avail, out);
    if (version != 4)
        return -1;
    size_t ihl = (size_t)(ip[0] & 0x0f) * 4;
    if (ihl < IPV4_MIN_HDR || ihl + TCP_MIN_HDR > avail) /* IP header + minimal TCP fit */
        return -1;
    if (ip[9] != IP_PROTO_TCP)
        return -1;
    if (be16(ip + 6) & 0x1fff) /* fragment offset != 0: no TCP header in here */
        return -1;

    const uint8_t *tcp = ip + ihl;
    size_t doff = (size_t)(tcp[12] >> 4) * 4;
    if (doff < TCP_MIN_HDR || ihl + doff > avail)
        return -1;
    /* Total length may exceed caplen (snaplen) or fall short of it (Ethernet padding), but it
     * can never be smaller than the headers it carries. */
    if (be16(ip + 2) < ihl + doff)
        return -1;

    out->family = 4;
    out->ttl = ip[8];
    out->src_ip = be32(ip + 12);
    out->dst_ip = be32(ip + 16);
    read_tcp(tcp, out);
    return 0;
}
