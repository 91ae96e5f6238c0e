/* The SYN probe template: built once with libnet, then only patched per probe (see checksum.c). */
#include <libnet.h>
#include <stdio.h>
#include <string.h>
#include "xsweep/packet.h"

/* Offsets inside the frame. */
enum {
    ETH_LEN = 14,
    IP_OFF = ETH_LEN,
    TCP_OFF = ETH_LEN + 20,
    TCP_LEN = 24,
    SYN_WINDOW = 1024,
};

/* One SYN frame: the MSS option, TCP, the network layer (IPv6 when src_ip6 is given, else IPv4
 * from src_ip), Ethernet. Placeholders (ports, seq, dst, id) are zero: fill() writes them per
 * probe. Returns the frame's length, or 0 with err set. */
static size_t build_with_libnet(uint8_t frame[96], const uint8_t src_mac[6],
                                const uint8_t dst_mac[6], uint32_t src_ip, const uint8_t *src_ip6,
                                uint16_t mss, uint8_t ttl, char *err, size_t errlen)
{
    char lnerr[LIBNET_ERRBUF_SIZE] = "";
    libnet_t *l = libnet_init(LIBNET_NONE, NULL, lnerr);
    if (!l) {
        snprintf(err, errlen, "libnet_init: %s", lnerr);
        return 0;
    }
    uint8_t opts[4] = {2, 4, (uint8_t)(mss >> 8), (uint8_t)mss}; /* MSS option, kind 2 len 4 */
    size_t want = src_ip6 ? XS_SYN6_FRAME_LEN : XS_SYN_FRAME_LEN, rc = 0;
    uint8_t *pkt = NULL;
    uint32_t pkt_len = 0;
    int net = -1;
    if (libnet_build_tcp_options(opts, sizeof opts, l, 0) != -1 &&
        libnet_build_tcp(0, 0, 0, 0, TH_SYN, SYN_WINDOW, 0, 0, TCP_LEN, NULL, 0, l, 0) != -1) {
        if (src_ip6) {
            struct libnet_in6_addr src, dst;
            memcpy(&src, src_ip6, 16);
            memset(&dst, 0, sizeof dst);
            net = libnet_build_ipv6(0, 0, TCP_LEN, IPPROTO_TCP, ttl, src, dst, NULL, 0, l, 0);
        } else {
            net = libnet_build_ipv4(20 + TCP_LEN, 0, 0, IP_DF, ttl, IPPROTO_TCP, 0, htonl(src_ip),
                                    0, NULL, 0, l, 0);
        }
    }
    if (net == -1 ||
        libnet_build_ethernet(dst_mac, src_mac, src_ip6 ? ETHERTYPE_IPV6 : ETHERTYPE_IP, NULL, 0, l,
                              0) == -1) {
        snprintf(err, errlen, "libnet: %s", libnet_geterror(l));
        goto out;
    }
    /* libnet_adv_cull_packet wants an advanced-mode (device-bound) context; coalescing is what it
     * does underneath and works for the device-less LIBNET_NONE context. */
    if (libnet_pblock_coalesce(l, &pkt, &pkt_len) == -1) {
        snprintf(err, errlen, "libnet_pblock_coalesce: %s", libnet_geterror(l));
        goto out;
    }
    if (pkt_len != want) {
        snprintf(err, errlen, "libnet built a %u-byte %sframe, expected %zu", pkt_len,
                 src_ip6 ? "IPv6 " : "", want);
        goto out;
    }
    memset(frame, 0, 96);
    memcpy(frame, pkt, pkt_len);
    rc = pkt_len;
out:
    if (pkt)
        libnet_adv_free_packet(l, pkt);
    libnet_destroy(l);
    return rc;
}

int xs_syn_template_init(xs_syn_template *t, const uint8_t src_mac[6], const uint8_t dst_mac[6],
                         uint32_t src_ip, uint16_t mss, uint8_t ttl, char *err, size_t errlen)
{
    memset(t, 0, sizeof *t);
    t->len = build_with_libnet(t->frame, src_mac, dst_mac, src_ip, NULL, mss ? mss : 1460,
                               ttl ? ttl : 64, err, errlen);
    if (t->len == 0)
        return -1;
    t->src_ip = src_ip;

    uint8_t *ip = t->frame + IP_OFF, *tcp = t->frame + TCP_OFF;
    /* The varying fields and both checksums are zero in the template: the base sums then cover
     * exactly the constant words, and fill() adds the varying ones. */
    memset(ip + 4, 0, 2);   /* id */
    memset(ip + 10, 0, 2);  /* header checksum */
    memset(ip + 16, 0, 4);  /* dst */
    memset(tcp, 0, 8);      /* ports, seq */
    memset(tcp + 16, 0, 2); /* checksum */
    t->ip_sum_base = (uint32_t)xs_sum_be16(ip, 20);
    /* Pseudo-header: src (constant), dst (varies), zero+protocol, TCP length. */
    t->tcp_sum_base = (src_ip >> 16) + (src_ip & 0xffff) + IPPROTO_TCP + TCP_LEN +
                      (uint32_t)xs_sum_be16(tcp, TCP_LEN);
    return 0;
}

enum { IP6_OFF = ETH_LEN, TCP6_OFF = ETH_LEN + 40 };

int xs_syn_template_init6(xs_syn_template *t, const uint8_t src_mac[6], const uint8_t dst_mac[6],
                          const uint8_t src_ip6[16], uint16_t mss, uint8_t ttl, char *err,
                          size_t errlen)
{
    memset(t, 0, sizeof *t);
    t->len = build_with_libnet(t->frame, src_mac, dst_mac, 0, src_ip6, mss ? mss : 1460,
                               ttl ? ttl : 64, err, errlen);
    if (t->len == 0)
        return -1;
    memcpy(t->src_ip6, src_ip6, 16);
    uint8_t *ip6 = t->frame + IP6_OFF, *tcp = t->frame + TCP6_OFF;
    /* What the header must say, whatever libnet's conventions: version 6, no traffic class or
     * flow label, the payload length, TCP directly after the fixed header. */
    ip6[0] = 0x60;
    ip6[1] = ip6[2] = ip6[3] = 0;
    ip6[4] = 0;
    ip6[5] = TCP_LEN;
    ip6[6] = IPPROTO_TCP;
    memset(ip6 + 24, 0, 16); /* dst */
    memset(tcp, 0, 8);       /* ports, seq */
    memset(tcp + 16, 0, 2);  /* checksum */
    /* Pseudo-header: src (constant), dst (varies), upper-layer length, next header. */
    t->tcp_sum_base =
        (uint32_t)(xs_sum_be16(src_ip6, 16) + TCP_LEN + IPPROTO_TCP + xs_sum_be16(tcp, TCP_LEN));
    return 0;
}
