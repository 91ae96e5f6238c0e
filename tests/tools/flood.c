/* flood: a bounded flood of forged and malformed replies for xsweep's receiver tests.
 *
 *   flood -i IF --src-mac MAC --dst-mac MAC --dst-ip IP --dst-ports A-B --src-net NET/LEN  (IPv4 or IPv6)
 *         --src-ports P,Q,... [--seconds S] [--count N] [--pps R] [--seed X]
 *
 * Sends Ethernet frames on IF (AF_PACKET, SOCK_RAW) from a namespace the test created: SYN-ACKs and
 * RSTs from NET:P to IP:A-B with random sequence and acknowledgment numbers (so wrong SYN cookies),
 * plus truncated and malformed frames (bad header lengths, fragments, bad checksums, VLAN, wrong
 * version, ...). With an IPv6 --dst-ip and --src-net (a /96 or longer), the same over IPv6: forged
 * SYN-ACKs/RSTs, also behind valid chains of extension headers (hop-by-hop, routing, destination
 * options), plus fragments (first, later and atomic), extension headers running past the frame,
 * over-long chains, bad payload lengths, IPv4 in an IPv6 frame and the reverse. Stops after S seconds (default 10, at most 60) or N frames (default 1,000,000),
 * whichever comes first, paced to R frames per second (default 100,000). Prints one summary line.
 * Build: cc -O2 -Wall -o flood tests/tools/flood.c */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

enum kind {
    K_SYNACK,
    K_RST,
    K_RSTACK,
    K_TRUNCATED,
    K_BAD_IHL,
    K_BAD_TOTLEN,
    K_BAD_DOFF,
    K_FRAGMENT,
    K_BAD_CSUM,
    K_WRONG_VERSION,
    K_VLAN_SYNACK,
    K_EDGE_ACK,
    K_PAYLOAD,
    K_RUNT,
    K_NOT_TCP,
    K_COUNT
};
/* IPv6 kinds (--dst-ip is IPv6): the forged replies first, as for IPv4. */
enum kind6 {
    K6_SYNACK,
    K6_RST,
    K6_RSTACK,
    K6_EXT_SYNACK,
    K6_TRUNCATED,
    K6_BAD_PLEN,
    K6_BAD_DOFF,
    K6_FRAG_FIRST,
    K6_FRAG_LATER,
    K6_FRAG_ATOMIC,
    K6_EXT_OVERRUN,
    K6_EXT_LONG_CHAIN,
    K6_BAD_CSUM,
    K6_WRONG_VERSION,
    K6_V4_IN_V6,
    K6_VLAN_SYNACK,
    K6_EDGE_ACK,
    K6_PAYLOAD,
    K6_RUNT,
    K6_NOT_TCP,
    K6_NO_NEXT,
    K6_COUNT
};
static const char *kind6_name[K6_COUNT] = {
    "synack",   "rst",           "rstack",         "ext_synack",  "truncated",   "bad_plen",
    "bad_doff", "frag_first",    "frag_later",     "frag_atomic", "ext_overrun", "ext_long_chain",
    "bad_csum", "wrong_version", "v4_in_v6",       "vlan_synack", "edge_ack",    "payload",
    "runt",     "not_tcp",       "no_next_header",
};
#define N_FORGED6 4 /* K6_SYNACK..K6_EXT_SYNACK: well-formed replies with wrong cookies */

static const char *kind_name[K_COUNT] = {
    "synack",      "rst",      "rstack",   "truncated", "bad_ihl",
    "bad_totlen",  "bad_doff", "fragment", "bad_csum",  "wrong_version",
    "vlan_synack", "edge_ack", "payload",  "runt",      "not_tcp",
};

static uint64_t rng_state = 88172645463325252ull;
static uint64_t rnd(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}

static uint64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static uint16_t csum_fold(uint32_t sum)
{
    while (sum >> 16)
        sum = (sum & 0xffff) + (sum >> 16);
    return (uint16_t)~sum;
}

static uint32_t csum_add(uint32_t sum, const uint8_t *p, size_t n)
{
    for (size_t i = 0; i + 1 < n; i += 2)
        sum += (uint32_t)(p[i] << 8 | p[i + 1]);
    if (n & 1)
        sum += (uint32_t)(p[n - 1] << 8);
    return sum;
}

static void put16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)(v >> 8);
    p[1] = (uint8_t)v;
}
static void put32(uint8_t *p, uint32_t v)
{
    put16(p, (uint16_t)(v >> 16));
    put16(p + 2, (uint16_t)v);
}

typedef struct {
    uint8_t src_mac[6], dst_mac[6];
    int v6;                        /* 1: --dst-ip and --src-net are IPv6 */
    uint8_t dst_ip6[16], net6[16]; /* net6: the prefix; the last 32 bits vary within net_size */
    uint32_t dst_ip, net, net_size;
    uint16_t dport_first, dport_count;
    uint16_t sports[64];
    unsigned nsports;
} config;

/* A well-formed IPv4/TCP segment at p (IP header first); returns its length. */
static size_t build_tcp(const config *c, uint8_t *p, uint8_t flags, uint32_t ack, size_t payload)
{
    uint32_t src = c->net + (uint32_t)(rnd() % c->net_size);
    uint16_t sport = c->sports[rnd() % c->nsports];
    uint16_t dport = (uint16_t)(c->dport_first + rnd() % c->dport_count);
    size_t tcp_len = 20 + payload, ip_len = 20 + tcp_len;
    memset(p, 0, ip_len);
    p[0] = 0x45;
    put16(p + 2, (uint16_t)ip_len);
    put16(p + 4, (uint16_t)rnd());
    p[6] = 0x40; /* DF */
    p[8] = 64;
    p[9] = IPPROTO_TCP;
    put32(p + 12, src);
    put32(p + 16, c->dst_ip);
    put16(p + 10, csum_fold(csum_add(0, p, 20)));
    uint8_t *t = p + 20;
    put16(t, sport);
    put16(t + 2, dport);
    put32(t + 4, (uint32_t)rnd());
    put32(t + 8, ack);
    t[12] = 5 << 4;
    t[13] = flags;
    put16(t + 14, 65535);
    for (size_t i = 0; i < payload; i++)
        t[20 + i] = (uint8_t)rnd();
    uint8_t pseudo[12];
    memcpy(pseudo, p + 12, 8);
    pseudo[8] = 0;
    pseudo[9] = IPPROTO_TCP;
    put16(pseudo + 10, (uint16_t)tcp_len);
    put16(t + 16, csum_fold(csum_add(csum_add(0, pseudo, 12), t, tcp_len)));
    return ip_len;
}

static void fix_ip_csum(uint8_t *ip)
{
    put16(ip + 10, 0);
    put16(ip + 10, csum_fold(csum_add(0, ip, 20)));
}

/* One frame of the given kind into f; returns its length. */
static size_t build_frame(const config *c, enum kind k, uint8_t *f)
{
    memcpy(f, c->dst_mac, 6);
    memcpy(f + 6, c->src_mac, 6);
    put16(f + 12, ETHERTYPE_IP);
    uint8_t *ip = f + 14;
    const uint8_t SA = 0x12, R = 0x04, RA = 0x14;
    uint32_t ack = (uint32_t)rnd();
    size_t n;
    switch (k) {
    case K_SYNACK:
        return 14 + build_tcp(c, ip, SA, ack, 0);
    case K_RST:
        return 14 + build_tcp(c, ip, R, ack, 0);
    case K_RSTACK:
        return 14 + build_tcp(c, ip, RA, ack, 0);
    case K_TRUNCATED:
        n = 14 + build_tcp(c, ip, rnd() & 1 ? SA : RA, ack, 0);
        return 1 + rnd() % (n - 1); /* 1..53 bytes of a valid reply */
    case K_BAD_IHL:
        build_tcp(c, ip, SA, ack, 0);
        ip[0] = (uint8_t)(0x40 | (rnd() & 1 ? rnd() % 5
                                            : 6 + rnd() % 10)); /* ihl < 5 or past the TCP header */
        fix_ip_csum(ip);
        return 14 + 40;
    case K_BAD_TOTLEN:
        build_tcp(c, ip, SA, ack, 0);
        put16(ip + 2, (uint16_t)(rnd() & 1 ? rnd() % 40 : 41 + rnd() % 65000));
        fix_ip_csum(ip);
        return 14 + 40;
    case K_BAD_DOFF:
        build_tcp(c, ip, SA, ack, 0);
        ip[20 + 12] = (uint8_t)((rnd() & 1 ? rnd() % 5 : 6 + rnd() % 10) << 4);
        return 14 + 40;
    case K_FRAGMENT:
        build_tcp(c, ip, SA, ack, 0);
        put16(ip + 6, (uint16_t)(rnd() & 1 ? 0x2000 : 0x2000 | (1 + rnd() % 100))); /* MF, offset */
        fix_ip_csum(ip);
        return 14 + 40;
    case K_BAD_CSUM:
        build_tcp(c, ip, SA, ack, 0);
        if (rnd() & 1)
            ip[10] ^= 0x5a;
        else
            ip[36] ^= 0x5a;
        return 14 + 40;
    case K_WRONG_VERSION:
        build_tcp(c, ip, SA, ack, 0);
        ip[0] = (uint8_t)((rnd() & 1 ? 0x60 : (rnd() % 16) << 4) | 5);
        if ((ip[0] >> 4) == 4)
            ip[0] = 0x65;
        return 14 + 40;
    case K_VLAN_SYNACK:
        put16(f + 12, 0x8100);
        put16(f + 14, (uint16_t)(rnd() % 4096));
        put16(f + 16, ETHERTYPE_IP);
        return 18 + build_tcp(c, f + 18, SA, ack, 0);
    case K_EDGE_ACK: {
        static const uint32_t edges[] = {0, 1, 0xffffffffu, 0x80000000u};
        return 14 + build_tcp(c, ip, rnd() & 1 ? SA : R, edges[rnd() % 4], 0);
    }
    case K_PAYLOAD:
        return 14 + build_tcp(c, ip, SA, ack, 1 + rnd() % 1400);
    case K_RUNT:
        return 1 + rnd() % 13;
    case K_NOT_TCP:
        build_tcp(c, ip, SA, ack, 0);
        ip[9] = (uint8_t)(rnd() & 1 ? IPPROTO_UDP : IPPROTO_ICMP);
        fix_ip_csum(ip);
        return 14 + 40;
    default:
        return 14 + build_tcp(c, ip, SA, ack, 0);
    }
}

/* ---- IPv6 ---------------------------------------------------------------------------------- */
enum {
    NH_HOPOPTS = 0,
    NH_TCP = 6,
    NH_UDP = 17,
    NH_ROUTING = 43,
    NH_FRAGMENT = 44,
    NH_ICMPV6 = 58,
    NH_NONE = 59,
    NH_DSTOPTS = 60
};

static void ip6_header(const config *c, uint8_t *p, uint16_t payload_len, uint8_t next,
                       uint8_t src[16])
{
    uint32_t flow = (uint32_t)rnd() & 0xfffff;
    p[0] = 0x60 | (uint8_t)(rnd() & 0x0f); /* version 6, random traffic class */
    p[1] = (uint8_t)(flow >> 16);
    p[2] = (uint8_t)(flow >> 8);
    p[3] = (uint8_t)flow;
    put16(p + 4, payload_len);
    p[6] = next;
    p[7] = 64;
    memcpy(src, c->net6, 16);
    uint32_t host = (uint32_t)(rnd() % c->net_size);
    uint32_t low =
        ((uint32_t)src[12] << 24 | (uint32_t)src[13] << 16 | (uint32_t)src[14] << 8 | src[15]) +
        host;
    put32(src + 12, low);
    memcpy(p + 8, src, 16);
    memcpy(p + 24, c->dst_ip6, 16);
}

/* An extension header of 8 * (1 + len8) bytes at p, padded with a PadN option. */
static size_t ext_header(uint8_t *p, uint8_t type, uint8_t next, unsigned len8)
{
    size_t n = 8 * (1 + len8);
    memset(p, 0, n);
    p[0] = next;
    p[1] = (uint8_t)len8;
    if (type == NH_ROUTING) {
        p[2] = (uint8_t)(rnd() & 1 ? 0 : 4); /* type 0 (deprecated) or 4 (SRH) */
        p[3] = 0;                            /* segments left: nothing to route */
    } else {
        p[2] = 1; /* PadN over the rest */
        p[3] = (uint8_t)(n - 4);
    }
    return n;
}

/* A TCP segment at t for the IPv6 pseudo-header of ip6; returns its length. */
static size_t tcp6(const config *c, const uint8_t *ip6, uint8_t *t, uint8_t flags, uint32_t ack,
                   size_t payload)
{
    uint16_t sport = c->sports[rnd() % c->nsports];
    uint16_t dport = (uint16_t)(c->dport_first + rnd() % c->dport_count);
    size_t n = 20 + payload;
    memset(t, 0, n);
    put16(t, sport);
    put16(t + 2, dport);
    put32(t + 4, (uint32_t)rnd());
    put32(t + 8, ack);
    t[12] = 5 << 4;
    t[13] = flags;
    put16(t + 14, 65535);
    for (size_t i = 0; i < payload; i++)
        t[20 + i] = (uint8_t)rnd();
    uint8_t pseudo[40];
    memcpy(pseudo, ip6 + 8, 32);
    put32(pseudo + 32, (uint32_t)n);
    pseudo[36] = pseudo[37] = pseudo[38] = 0;
    pseudo[39] = NH_TCP;
    put16(t + 16, csum_fold(csum_add(csum_add(0, pseudo, 40), t, n)));
    return n;
}

/* IPv6 header + optional chain of n_ext extension headers + TCP at p; returns its length. */
static size_t build_tcp6(const config *c, uint8_t *p, uint8_t flags, uint32_t ack, size_t payload,
                         unsigned n_ext)
{
    static const uint8_t types[] = {NH_HOPOPTS, NH_DSTOPTS, NH_ROUTING, NH_DSTOPTS};
    uint8_t src[16], kinds[8];
    size_t off = 40;
    if (n_ext > 8)
        n_ext = 8;
    for (unsigned i = 0; i < n_ext; i++) /* hop-by-hop only first, as RFC 8200 4.1 wants */
        kinds[i] = i == 0 ? types[rnd() % 4] : types[1 + rnd() % 3];
    for (unsigned i = 0; i < n_ext; i++)
        off += ext_header(p + off, kinds[i], i + 1 < n_ext ? kinds[i + 1] : NH_TCP,
                          (unsigned)(rnd() % 3));
    ip6_header(c, p, 0, n_ext ? kinds[0] : NH_TCP, src);
    size_t n = tcp6(c, p, p + off, flags, ack, payload);
    put16(p + 4, (uint16_t)(off - 40 + n));
    return off + n;
}

static size_t build_frame6(const config *c, enum kind6 k, uint8_t *f)
{
    memcpy(f, c->dst_mac, 6);
    memcpy(f + 6, c->src_mac, 6);
    put16(f + 12, 0x86dd);
    uint8_t *ip = f + 14, src[16];
    const uint8_t SA = 0x12, R = 0x04, RA = 0x14;
    uint32_t ack = (uint32_t)rnd();
    size_t n;
    switch (k) {
    case K6_SYNACK:
        return 14 + build_tcp6(c, ip, SA, ack, 0, 0);
    case K6_RST:
        return 14 + build_tcp6(c, ip, R, ack, 0, 0);
    case K6_RSTACK:
        return 14 + build_tcp6(c, ip, RA, ack, 0, 0);
    case K6_EXT_SYNACK:
        return 14 + build_tcp6(c, ip, rnd() & 1 ? SA : RA, ack, 0, 1 + (unsigned)(rnd() % 3));
    case K6_TRUNCATED:
        n = 14 + build_tcp6(c, ip, rnd() & 1 ? SA : RA, ack, 0, (unsigned)(rnd() % 2));
        return 1 + rnd() % (n - 1);
    case K6_BAD_PLEN:
        n = build_tcp6(c, ip, SA, ack, 0, (unsigned)(rnd() % 2));
        put16(ip + 4, (uint16_t)(rnd() & 1 ? rnd() % 20 : n - 40 + 1 + rnd() % 65000));
        return 14 + n;
    case K6_BAD_DOFF:
        n = build_tcp6(c, ip, SA, ack, 0, 0);
        ip[40 + 12] = (uint8_t)((rnd() & 1 ? rnd() % 5 : 6 + rnd() % 10) << 4);
        return 14 + n;
    case K6_FRAG_FIRST:
    case K6_FRAG_LATER:
    case K6_FRAG_ATOMIC: {
        /* IPv6 + fragment header + a complete SYN-ACK: a receiver must refuse fragments. */
        ip6_header(c, ip, 0, NH_FRAGMENT, src);
        uint8_t *fh = ip + 40;
        memset(fh, 0, 8);
        fh[0] = NH_TCP;
        uint16_t off_flags = k == K6_FRAG_FIRST   ? 1
                             : k == K6_FRAG_LATER ? (uint16_t)((1 + rnd() % 100) << 3)
                                                  : 0;
        put16(fh + 2, off_flags);
        put32(fh + 4, (uint32_t)rnd());
        n = tcp6(c, ip, fh + 8, SA, ack, 0);
        put16(ip + 4, (uint16_t)(8 + n));
        return 14 + 40 + 8 + n;
    }
    case K6_EXT_OVERRUN: {
        /* An extension header whose length runs past the end of the frame. */
        ip6_header(c, ip, 0, rnd() & 1 ? NH_HOPOPTS : NH_DSTOPTS, src);
        uint8_t *e = ip + 40;
        e[0] = NH_TCP;
        e[1] = (uint8_t)(10 + rnd() % 240); /* claims 88..1928 bytes */
        e[2] = 1;
        e[3] = 4;
        memset(e + 4, 0, 4);
        n = tcp6(c, ip, e + 8, SA, ack, 0);
        put16(ip + 4, (uint16_t)(8 + n));
        return 14 + 40 + 8 + n;
    }
    case K6_EXT_LONG_CHAIN: {
        /* 40-120 destination-options headers before the TCP header (a receiver must bound it). */
        unsigned count = 40 + (unsigned)(rnd() % 81);
        size_t off = 40;
        ip6_header(c, ip, 0, NH_DSTOPTS, src);
        for (unsigned i = 0; i < count; i++)
            off += ext_header(ip + off, NH_DSTOPTS, i + 1 < count ? NH_DSTOPTS : NH_TCP, 0);
        n = tcp6(c, ip, ip + off, SA, ack, 0);
        put16(ip + 4, (uint16_t)(off - 40 + n));
        return 14 + off + n;
    }
    case K6_BAD_CSUM:
        n = build_tcp6(c, ip, SA, ack, 0, 0);
        ip[40 + 16] ^= 0x5a;
        return 14 + n;
    case K6_WRONG_VERSION:
        n = build_tcp6(c, ip, SA, ack, 0, 0);
        ip[0] = (uint8_t)((rnd() & 1 ? 4 : rnd() % 16 == 6 ? 7 : rnd() % 16) << 4);
        if ((ip[0] >> 4) == 6)
            ip[0] = 0x70;
        return 14 + n;
    case K6_V4_IN_V6: /* an IPv4 header behind the IPv6 ethertype, and the reverse */
        if (rnd() & 1) {
            put16(f + 12, ETHERTYPE_IP);
            return 14 + build_tcp6(c, ip, SA, ack, 0, 0);
        }
        return 14 + build_tcp(c, ip, SA, ack, 0);
    case K6_VLAN_SYNACK:
        put16(f + 12, 0x8100);
        put16(f + 14, (uint16_t)(rnd() % 4096));
        put16(f + 16, 0x86dd);
        return 18 + build_tcp6(c, f + 18, SA, ack, 0, 0);
    case K6_EDGE_ACK: {
        static const uint32_t edges[] = {0, 1, 0xffffffffu, 0x80000000u};
        return 14 + build_tcp6(c, ip, rnd() & 1 ? SA : R, edges[rnd() % 4], 0, 0);
    }
    case K6_PAYLOAD:
        return 14 + build_tcp6(c, ip, SA, ack, 1 + rnd() % 1300, (unsigned)(rnd() % 2));
    case K6_RUNT:
        return 1 + rnd() % 13;
    case K6_NOT_TCP:
        n = build_tcp6(c, ip, SA, ack, 0, 0);
        ip[6] = rnd() & 1 ? NH_UDP : NH_ICMPV6;
        return 14 + n;
    case K6_NO_NEXT:
        n = build_tcp6(c, ip, SA, ack, 0, 0);
        ip[6] = NH_NONE;
        return 14 + n;
    default:
        return 14 + build_tcp6(c, ip, SA, ack, 0, 0);
    }
}

static int parse_mac(const char *s, uint8_t m[6])
{
    unsigned v[6];
    if (sscanf(s, "%x:%x:%x:%x:%x:%x", &v[0], &v[1], &v[2], &v[3], &v[4], &v[5]) != 6)
        return -1;
    for (int i = 0; i < 6; i++)
        m[i] = (uint8_t)v[i];
    return 0;
}

static void usage(void)
{
    fprintf(stderr,
            "usage: flood -i IF --src-mac MAC --dst-mac MAC --dst-ip IP --dst-ports A-B "
            "--src-net NET/LEN --src-ports P,Q [--seconds S] [--count N] [--pps R] [--seed X]\n");
    exit(2);
}

int main(int argc, char **argv)
{
    config c = {0};
    const char *ifname = NULL;
    double seconds = 10;
    unsigned long long count = 1000000, pps = 100000;
    int have = 0;
    static const struct option opts[] = {{"src-mac", 1, 0, 'S'},
                                         {"dst-mac", 1, 0, 'D'},
                                         {"dst-ip", 1, 0, 'I'},
                                         {"dst-ports", 1, 0, 'P'},
                                         {"src-net", 1, 0, 'N'},
                                         {"src-ports", 1, 0, 'p'},
                                         {"seconds", 1, 0, 't'},
                                         {"count", 1, 0, 'c'},
                                         {"pps", 1, 0, 'r'},
                                         {"seed", 1, 0, 'x'},
                                         {0, 0, 0, 0}};
    int o;
    while ((o = getopt_long(argc, argv, "i:", opts, NULL)) != -1) {
        struct in_addr a;
        unsigned x, y;
        char net[64];
        switch (o) {
        case 'i':
            ifname = optarg;
            break;
        case 'S':
            if (parse_mac(optarg, c.src_mac))
                usage();
            have |= 1;
            break;
        case 'D':
            if (parse_mac(optarg, c.dst_mac))
                usage();
            have |= 2;
            break;
        case 'I':
            if (inet_pton(AF_INET6, optarg, c.dst_ip6) == 1) {
                c.v6 |= 1;
                have |= 4;
                break;
            }
            if (inet_pton(AF_INET, optarg, &a) != 1)
                usage();
            c.dst_ip = ntohl(a.s_addr);
            have |= 4;
            break;
        case 'P':
            if (sscanf(optarg, "%u-%u", &x, &y) != 2 || x > y || y > 65535)
                usage();
            c.dport_first = (uint16_t)x;
            c.dport_count = (uint16_t)(y - x + 1);
            have |= 8;
            break;
        case 'N':
            if (sscanf(optarg, "%63[0-9a-fA-F:]/%u", net, &x) == 2 && strchr(net, ':')) {
                /* IPv6: a /96 or longer, so the varying part fits the last 32 bits */
                if (x < 96 || x > 128 || inet_pton(AF_INET6, net, c.net6) != 1)
                    usage();
                c.net_size = x == 96 ? 0xffffffffu : 1u << (128 - x);
                uint32_t low = (uint32_t)c.net6[12] << 24 | (uint32_t)c.net6[13] << 16 |
                               (uint32_t)c.net6[14] << 8 | c.net6[15];
                low &= x == 96 ? 0 : ~(c.net_size - 1);
                put32(c.net6 + 12, low);
                c.v6 |= 2;
                have |= 16;
                break;
            }
            if (sscanf(optarg, "%31[0-9.]/%u", net, &x) != 2 || x < 8 || x > 32 ||
                inet_pton(AF_INET, net, &a) != 1)
                usage();
            c.net_size = 1u << (32 - x);
            c.net = ntohl(a.s_addr) & ~(c.net_size - 1);
            have |= 16;
            break;
        case 'p':
            for (char *s = optarg; *s && c.nsports < 64;) {
                c.sports[c.nsports++] = (uint16_t)strtoul(s, &s, 10);
                if (*s == ',')
                    s++;
                else
                    break;
            }
            if (c.nsports)
                have |= 32;
            break;
        case 't':
            seconds = atof(optarg);
            break;
        case 'c':
            count = strtoull(optarg, NULL, 10);
            break;
        case 'r':
            pps = strtoull(optarg, NULL, 10);
            break;
        case 'x':
            rng_state = strtoull(optarg, NULL, 10) * 2654435761ull + 1;
            break;
        default:
            usage();
        }
    }
    if (!ifname || have != 63 || seconds <= 0 || pps == 0)
        usage();
    if (c.v6 == 1 || c.v6 == 2) { /* both addresses of one family */
        fprintf(stderr, "flood: --dst-ip and --src-net must be of the same family\n");
        return 2;
    }
    c.v6 = c.v6 == 3;
    if (c.v6) { /* the IPv4 header of K6_V4_IN_V6 frames: any addresses will do */
        c.dst_ip = 0xc6120001u;
        c.net = 0xc6130000u;
    }
    if (seconds > 60)
        seconds = 60; /* a hard bound, whatever the caller asked for */

    int fd = socket(AF_PACKET, SOCK_RAW, 0); /* protocol 0: send only, receive nothing */
    if (fd < 0) {
        perror("flood: socket");
        return 1;
    }
    struct sockaddr_ll sll = {
        .sll_family = AF_PACKET, .sll_ifindex = (int)if_nametoindex(ifname), .sll_halen = 6};
    if (!sll.sll_ifindex) {
        fprintf(stderr, "flood: no interface %s\n", ifname);
        return 1;
    }
    memcpy(sll.sll_addr, c.dst_mac, 6);

    uint64_t start = now_ns(), end = start + (uint64_t)(seconds * 1e9);
    unsigned long long sent = 0, errors = 0,
                       per_kind[(int)K6_COUNT > (int)K_COUNT ? (int)K6_COUNT : (int)K_COUNT] = {0};
    uint8_t frame[1600];
    while (sent + errors < count) {
        uint64_t t = now_ns();
        if (t >= end)
            break;
        /* Pace: never ahead of pps * elapsed. */
        if ((sent + errors) * 1000000000ull > (t - start) * pps) {
            struct timespec ts = {0, 50000};
            nanosleep(&ts, NULL);
            continue;
        }
        /* Half are forged replies (the cookie check's job), half are broken frames (the parser's). */
        int k;
        size_t n;
        if (c.v6) {
            k = rnd() & 1 ? (int)(rnd() % N_FORGED6)
                          : (int)(N_FORGED6 + rnd() % (K6_COUNT - N_FORGED6));
            n = build_frame6(&c, (enum kind6)k, frame);
        } else {
            k = rnd() & 1 ? (int)(rnd() % 3) : (int)(3 + rnd() % (K_COUNT - 3));
            n = build_frame(&c, (enum kind)k, frame);
        }
        if (sendto(fd, frame, n, 0, (struct sockaddr *)&sll, sizeof sll) < 0) {
            if (errno != ENOBUFS && errno != EAGAIN && errno != EINVAL) {
                perror("flood: sendto");
                break;
            }
            errors++;
            continue;
        }
        sent++;
        per_kind[k]++;
    }
    close(fd);
    printf("flood: sent=%llu errors=%llu seconds=%.1f", sent, errors,
           (double)(now_ns() - start) / 1e9);
    for (int k = 0; k < (c.v6 ? K6_COUNT : K_COUNT); k++)
        printf(" %s=%llu", c.v6 ? kind6_name[k] : kind_name[k], per_kind[k]);
    printf("\n");
    return 0;
}
