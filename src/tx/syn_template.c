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

/* Sum of big-endian 16-bit words, not yet folded. */
static uint32_t sum_words(const uint8_t *p, size_t len)
{
    uint32_t sum = 0;
    for (size_t i = 0; i + 1 < len; i += 2)
        sum += (uint32_t)p[i] << 8 | p[i + 1];
    if (len & 1)
        sum += (uint32_t)p[len - 1] << 8;
    return sum;
}

static int build_with_libnet(uint8_t frame[96], size_t *len, const uint8_t src_mac[6],
                             const uint8_t dst_mac[6], uint32_t src_ip, uint16_t mss, uint8_t ttl,
                             char *err, size_t errlen)
{
    char lnerr[LIBNET_ERRBUF_SIZE] = "";
    libnet_t *l = libnet_init(LIBNET_NONE, NULL, lnerr);
    if (!l) {
        snprintf(err, errlen, "libnet_init: %s", lnerr);
        return -1;
    }
    uint8_t opts[4] = {2, 4, (uint8_t)(mss >> 8), (uint8_t)mss};   /* MSS option, kind 2 len 4 */
    int rc = -1;
    uint8_t *pkt = NULL;
    uint32_t pkt_len = 0;
    /* Placeholders (ports, seq, dst, id) are zero: fill() writes them per probe. */
    if (libnet_build_tcp_options(opts, sizeof opts, l, 0) == -1 ||
        libnet_build_tcp(0, 0, 0, 0, TH_SYN, SYN_WINDOW, 0, 0, TCP_LEN, NULL, 0, l, 0) == -1 ||
        libnet_build_ipv4(20 + TCP_LEN, 0, 0, IP_DF, ttl, IPPROTO_TCP, 0, htonl(src_ip), 0, NULL,
                          0, l, 0) == -1 ||
        libnet_build_ethernet(dst_mac, src_mac, ETHERTYPE_IP, NULL, 0, l, 0) == -1) {
        snprintf(err, errlen, "libnet: %s", libnet_geterror(l));
        goto out;
    }
    /* libnet_adv_cull_packet wants an advanced-mode (device-bound) context; coalescing is what it
     * does underneath and works for the device-less LIBNET_NONE context. */
    if (libnet_pblock_coalesce(l, &pkt, &pkt_len) == -1) {
        snprintf(err, errlen, "libnet_pblock_coalesce: %s", libnet_geterror(l));
        goto out;
    }
    if (pkt_len != XS_SYN_FRAME_LEN) {
        snprintf(err, errlen, "libnet built a %u-byte frame, expected %d", pkt_len,
                 XS_SYN_FRAME_LEN);
        goto out;
    }
    memset(frame, 0, 96);
    memcpy(frame, pkt, pkt_len);
    *len = pkt_len;
    rc = 0;
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
    if (build_with_libnet(t->frame, &t->len, src_mac, dst_mac, src_ip, mss ? mss : 1460,
                          ttl ? ttl : 64, err, errlen) != 0)
        return -1;
    t->src_ip = src_ip;

    uint8_t *ip = t->frame + IP_OFF, *tcp = t->frame + TCP_OFF;
    /* The varying fields and both checksums are zero in the template: the base sums then cover
     * exactly the constant words, and fill() adds the varying ones. */
    memset(ip + 4, 0, 2);     /* id */
    memset(ip + 10, 0, 2);    /* header checksum */
    memset(ip + 16, 0, 4);    /* dst */
    memset(tcp, 0, 8);        /* ports, seq */
    memset(tcp + 16, 0, 2);   /* checksum */
    t->ip_sum_base = sum_words(ip, 20);
    /* Pseudo-header: src (constant), dst (varies), zero+protocol, TCP length. */
    t->tcp_sum_base = (src_ip >> 16) + (src_ip & 0xffff) + IPPROTO_TCP + TCP_LEN +
                      sum_words(tcp, TCP_LEN);
    return 0;
}

enum { IP6_OFF = ETH_LEN, TCP6_OFF = ETH_LEN + 40 };

static int build6_with_libnet(uint8_t frame[96], const uint8_t src_mac[6], const uint8_t dst_mac[6],
                              const uint8_t src_ip6[16], uint16_t mss, uint8_t ttl, char *err,
                              size_t errlen)
{
    char lnerr[LIBNET_ERRBUF_SIZE] = "";
    libnet_t *l = libnet_init(LIBNET_NONE, NULL, lnerr);
    if (!l) {
        snprintf(err, errlen, "libnet_init: %s", lnerr);
        return -1;
    }
    uint8_t opts[4] = {2, 4, (uint8_t)(mss >> 8), (uint8_t)mss};   /* the IPv4 probe's options */
    struct libnet_in6_addr src, dst;
    memcpy(&src, src_ip6, 16);
    memset(&dst, 0, sizeof dst);
    int rc = -1;
    uint8_t *pkt = NULL;
    uint32_t pkt_len = 0;
    if (libnet_build_tcp_options(opts, sizeof opts, l, 0) == -1 ||
        libnet_build_tcp(0, 0, 0, 0, TH_SYN, SYN_WINDOW, 0, 0, TCP_LEN, NULL, 0, l, 0) == -1 ||
        libnet_build_ipv6(0, 0, TCP_LEN, IPPROTO_TCP, ttl, src, dst, NULL, 0, l, 0) == -1 ||
        libnet_build_ethernet(dst_mac, src_mac, ETHERTYPE_IPV6, NULL, 0, l, 0) == -1) {
        snprintf(err, errlen, "libnet: %s", libnet_geterror(l));
        goto out;
    }
    if (libnet_pblock_coalesce(l, &pkt, &pkt_len) == -1) {
        snprintf(err, errlen, "libnet_pblock_coalesce: %s", libnet_geterror(l));
        goto out;
    }
    if (pkt_len != XS_SYN6_FRAME_LEN) {
        snprintf(err, errlen, "libnet built a %u-byte IPv6 frame, expected %d", pkt_len,
                 XS_SYN6_FRAME_LEN);
        goto out;
    }
    memset(frame, 0, 96);
    memcpy(frame, pkt, pkt_len);
    rc = 0;
out:
    if (pkt)
        libnet_adv_free_packet(l, pkt);
    libnet_destroy(l);
    return rc;
}

int xs_syn_template_init6(xs_syn_template *t, const uint8_t src_mac[6], const uint8_t dst_mac[6],
                          const uint8_t src_ip6[16], uint16_t mss, uint8_t ttl, char *err,
                          size_t errlen)
{
    memset(t, 0, sizeof *t);
    if (build6_with_libnet(t->frame, src_mac, dst_mac, src_ip6, mss ? mss : 1460, ttl ? ttl : 64,
                           err, errlen) != 0)
        return -1;
    t->len = XS_SYN6_FRAME_LEN;
    memcpy(t->src_ip6, src_ip6, 16);
    uint8_t *ip6 = t->frame + IP6_OFF, *tcp = t->frame + TCP6_OFF;
    /* What the header must say, whatever libnet's conventions: version 6, no traffic class or
     * flow label, the payload length, TCP directly after the fixed header. */
    ip6[0] = 0x60;
    ip6[1] = ip6[2] = ip6[3] = 0;
    ip6[4] = 0;
    ip6[5] = TCP_LEN;
    ip6[6] = IPPROTO_TCP;
    memset(ip6 + 24, 0, 16);  /* dst */
    memset(tcp, 0, 8);        /* ports, seq */
    memset(tcp + 16, 0, 2);   /* checksum */
    /* Pseudo-header: src (constant), dst (varies), upper-layer length, next header. */
    t->tcp_sum_base = sum_words(src_ip6, 16) + TCP_LEN + IPPROTO_TCP + sum_words(tcp, TCP_LEN);
    return 0;
}
