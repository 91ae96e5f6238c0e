/* xs_frame_parse: good replies on every link type, and every kind of malformed frame.
 * Frames are copied into exactly-sized heap buffers so ASan catches any read past caplen. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <pcap/dlt.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "xsweep/frame.h"
#include "xsweep/bytes.h"

enum { LINK_ETH, LINK_SLL, LINK_SLL2, LINK_RAW };

typedef struct {
    int link;
    int vlan_tags;         /* Ethernet only */
    uint16_t tag_types[3]; /* outer first */
    uint16_t ethertype;    /* 0 = IPv4 */
    uint8_t version, ihl_words, proto, ttl, doff_words, flags;
    uint16_t frag;     /* flags+offset field */
    int tot_len_delta; /* added to the honest total length */
    size_t pad;        /* trailing bytes after the IP packet (Ethernet padding) */
} spec;

static spec good_synack(int link)
{
    return (spec){.link = link,
                  .version = 4,
                  .ihl_words = 5,
                  .proto = 6,
                  .ttl = 61,
                  .doff_words = 5,
                  .flags = XS_TCP_SYN | XS_TCP_ACK};
}

/* Writes the frame into buf (>= 256 bytes) and returns its length. */
static size_t build(const spec *s, uint8_t *buf)
{
    memset(buf, 0, 256);
    size_t off = 0;
    uint16_t type = s->ethertype ? s->ethertype : 0x0800;
    switch (s->link) {
    case LINK_ETH:
        memset(buf, 0x02, 12);
        off = 12;
        for (int i = 0; i < s->vlan_tags; i++) {
            xs_put_be16(buf + off, s->tag_types[i] ? s->tag_types[i] : 0x8100);
            xs_put_be16(buf + off + 2, (uint16_t)(100 + i)); /* TCI: VLAN id */
            off += 4;
        }
        xs_put_be16(buf + off, type);
        off += 2;
        break;
    case LINK_SLL:
        xs_put_be16(buf, 0);     /* to us */
        xs_put_be16(buf + 2, 1); /* ARPHRD_ETHER */
        xs_put_be16(buf + 4, 6);
        xs_put_be16(buf + 14, type);
        off = 16;
        break;
    case LINK_SLL2:
        xs_put_be16(buf, type);
        xs_put_be32(buf + 4, 7);
        off = 20;
        break;
    default:
        break;
    }
    uint8_t *ip = buf + off;
    size_t ihl = (size_t)s->ihl_words * 4, doff = (size_t)s->doff_words * 4;
    size_t hdr_ihl = ihl < 20 ? 20 : ihl, hdr_doff = doff < 20 ? 20 : doff;
    ip[0] = (uint8_t)(s->version << 4 | s->ihl_words);
    xs_put_be16(ip + 2, (uint16_t)((int)(hdr_ihl + hdr_doff) + s->tot_len_delta));
    xs_put_be16(ip + 4, 0x1234);
    xs_put_be16(ip + 6, s->frag);
    ip[8] = s->ttl;
    ip[9] = s->proto;
    xs_put_be32(ip + 12, 0xC6130A05u); /* 198.19.10.5: the target answering */
    xs_put_be32(ip + 16, 0xC6120001u); /* 198.18.0.1: us */
    uint8_t *tcp = ip + hdr_ihl;
    xs_put_be16(tcp, 80);
    xs_put_be16(tcp + 2, 40001);
    xs_put_be32(tcp + 4, 0xA1B2C3D4u);
    xs_put_be32(tcp + 8, 0x01020305u);
    tcp[12] = (uint8_t)(s->doff_words << 4);
    tcp[13] = s->flags;
    xs_put_be16(tcp + 14, 65535);
    for (size_t i = 20; i < hdr_doff; i++)
        tcp[i] = 1; /* NOP options */
    return off + hdr_ihl + hdr_doff + s->pad;
}

static int dlt_of(int link)
{
    switch (link) {
    case LINK_ETH:
        return DLT_EN10MB;
    case LINK_SLL:
        return DLT_LINUX_SLL;
    case LINK_SLL2:
        return DLT_LINUX_SLL2;
    default:
        return DLT_RAW;
    }
}

/* Parses the first len bytes of buf from an exactly-sized copy. */
static int parse_exact(const uint8_t *buf, size_t len, int dlt, xs_tcp_reply *out)
{
    uint8_t *copy = malloc(len ? len : 1);
    assert_non_null(copy);
    memcpy(copy, buf, len);
    int rc = xs_frame_parse(copy, len, dlt, out);
    free(copy);
    return rc;
}

static int parse_spec(const spec *s, xs_tcp_reply *out)
{
    uint8_t buf[256];
    size_t len = build(s, buf);
    return parse_exact(buf, len, dlt_of(s->link), out);
}

static void assert_fields(const xs_tcp_reply *r, uint8_t flags)
{
    assert_int_equal(r->src_ip, 0xC6130A05u);
    assert_int_equal(r->dst_ip, 0xC6120001u);
    assert_int_equal(r->src_port, 80);
    assert_int_equal(r->dst_port, 40001);
    assert_int_equal(r->seq, 0xA1B2C3D4u);
    assert_int_equal(r->ack, 0x01020305u);
    assert_int_equal(r->flags, flags);
    assert_int_equal(r->ttl, 61);
}

static void good_replies_on_every_link_type(void **state)
{
    (void)state;
    int links[] = {LINK_ETH, LINK_SLL, LINK_SLL2, LINK_RAW};
    for (size_t i = 0; i < sizeof links / sizeof links[0]; i++) {
        spec s = good_synack(links[i]);
        xs_tcp_reply r = {0};
        assert_int_equal(parse_spec(&s, &r), 0);
        assert_fields(&r, XS_TCP_SYN | XS_TCP_ACK);
    }
    /* The other names pcap uses for raw IPv4. */
    uint8_t buf[256];
    spec s = good_synack(LINK_RAW);
    size_t len = build(&s, buf);
    int raw_names[] = {12, 14, 101, DLT_IPV4};
    for (size_t i = 0; i < 4; i++) {
        xs_tcp_reply r = {0};
        assert_int_equal(parse_exact(buf, len, raw_names[i], &r), 0);
        assert_fields(&r, XS_TCP_SYN | XS_TCP_ACK);
    }
}

static void rst_and_options_and_padding(void **state)
{
    (void)state;
    xs_tcp_reply r = {0};
    spec s = good_synack(LINK_ETH);
    s.flags = XS_TCP_RST | XS_TCP_ACK;
    assert_int_equal(parse_spec(&s, &r), 0);
    assert_fields(&r, XS_TCP_RST | XS_TCP_ACK);

    s = good_synack(LINK_ETH);
    s.ihl_words = 6;   /* IP options */
    s.doff_words = 10; /* MSS, SACK, timestamps, window scale */
    assert_int_equal(parse_spec(&s, &r), 0);
    assert_fields(&r, XS_TCP_SYN | XS_TCP_ACK);

    s = good_synack(LINK_ETH);
    s.pad = 6; /* 54-byte frame padded to the 60-byte Ethernet minimum */
    assert_int_equal(parse_spec(&s, &r), 0);

    s = good_synack(LINK_ETH);
    s.tot_len_delta = 1400; /* snaplen cut the payload off: fine, the headers are all we read */
    assert_int_equal(parse_spec(&s, &r), 0);

    s = good_synack(LINK_ETH);
    s.frag = 0x2000; /* first fragment (MF set, offset 0) carries the TCP header */
    assert_int_equal(parse_spec(&s, &r), 0);
    s.frag = 0x4000; /* DF */
    assert_int_equal(parse_spec(&s, &r), 0);
}

static void vlan_tags(void **state)
{
    (void)state;
    xs_tcp_reply r = {0};
    spec s = good_synack(LINK_ETH);
    s.vlan_tags = 1;
    assert_int_equal(parse_spec(&s, &r), 0);
    assert_fields(&r, XS_TCP_SYN | XS_TCP_ACK);

    s.vlan_tags = 2;
    s.tag_types[0] = 0x88a8; /* 802.1ad outer, 802.1Q inner */
    s.tag_types[1] = 0x8100;
    assert_int_equal(parse_spec(&s, &r), 0);
    assert_fields(&r, XS_TCP_SYN | XS_TCP_ACK);

    s.tag_types[0] = 0x9100;
    assert_int_equal(parse_spec(&s, &r), 0);

    s.vlan_tags = 3; /* more than we follow */
    s.tag_types[0] = s.tag_types[1] = s.tag_types[2] = 0x8100;
    assert_int_equal(parse_spec(&s, &r), -1);

    s = good_synack(LINK_SLL); /* SLL keeps the tag when the NIC did not strip it */
    uint8_t buf[256];
    size_t len = build(&s, buf);
    memmove(buf + 18, buf + 14, len - 14);
    xs_put_be16(buf + 14, 0x8100);
    xs_put_be16(buf + 16, 5);
    assert_int_equal(parse_exact(buf, len + 4, DLT_LINUX_SLL, &r), 0);
    assert_fields(&r, XS_TCP_SYN | XS_TCP_ACK);
}

/* Every proper prefix of a valid frame is rejected, on every link type and with VLAN tags. */
static void truncated_at_each_byte(void **state)
{
    (void)state;
    spec specs[6] = {good_synack(LINK_ETH),  good_synack(LINK_ETH), good_synack(LINK_SLL),
                     good_synack(LINK_SLL2), good_synack(LINK_RAW), good_synack(LINK_ETH)};
    specs[1].vlan_tags = 2;
    specs[5].ihl_words = 15;
    specs[5].doff_words = 15;
    for (size_t i = 0; i < 6; i++) {
        uint8_t buf[256];
        size_t len = build(&specs[i], buf);
        xs_tcp_reply r;
        for (size_t cut = 0; cut < len; cut++)
            assert_int_equal(parse_exact(buf, cut, dlt_of(specs[i].link), &r), -1);
        assert_int_equal(parse_exact(buf, len, dlt_of(specs[i].link), &r), 0);
    }
}

static void bad_ip_headers(void **state)
{
    (void)state;
    xs_tcp_reply r;
    for (uint8_t ihl = 0; ihl < 5; ihl++) {
        spec s = good_synack(LINK_ETH);
        s.ihl_words = ihl;
        assert_int_equal(parse_spec(&s, &r), -1);
    }
    spec s = good_synack(LINK_ETH);
    uint8_t buf[256];
    size_t len = build(&s, buf);
    buf[14] = 0x4f; /* IHL 60 bytes claimed in a 20-byte header: runs past caplen */
    assert_int_equal(parse_exact(buf, len, DLT_EN10MB, &r), -1);

    s = good_synack(LINK_ETH);
    s.tot_len_delta = -1; /* total length shorter than its headers */
    assert_int_equal(parse_spec(&s, &r), -1);
    s.tot_len_delta = -40; /* zero */
    assert_int_equal(parse_spec(&s, &r), -1);

    s = good_synack(LINK_ETH);
    s.proto = 17; /* UDP */
    assert_int_equal(parse_spec(&s, &r), -1);
    s.proto = 1; /* ICMP */
    assert_int_equal(parse_spec(&s, &r), -1);
}

static void bad_tcp_data_offset(void **state)
{
    (void)state;
    xs_tcp_reply r;
    for (uint8_t d = 0; d < 5; d++) {
        spec s = good_synack(LINK_ETH);
        s.doff_words = d;
        assert_int_equal(parse_spec(&s, &r), -1);
    }
    spec s = good_synack(LINK_ETH);
    uint8_t buf[256];
    size_t len = build(&s, buf);
    buf[14 + 20 + 12] = 0x60; /* claims 24 bytes of TCP header, 20 captured */
    assert_int_equal(parse_exact(buf, len, DLT_EN10MB, &r), -1);
    buf[14 + 20 + 12] = 0xf0;
    assert_int_equal(parse_exact(buf, len, DLT_EN10MB, &r), -1);
}

static void fragments_are_rejected_unless_first(void **state)
{
    (void)state;
    xs_tcp_reply r;
    uint16_t frags[] = {0x0001, 0x0100, 0x1fff, 0x2001, 0x4001};
    for (size_t i = 0; i < sizeof frags / sizeof frags[0]; i++) {
        spec s = good_synack(LINK_ETH);
        s.frag = frags[i];
        assert_int_equal(parse_spec(&s, &r), -1);
    }
}

static void other_protocols_are_rejected(void **state)
{
    (void)state;
    xs_tcp_reply r;
    spec s = good_synack(LINK_ETH);
    s.ethertype = 0x86dd; /* IPv6 */
    assert_int_equal(parse_spec(&s, &r), -1);
    s.ethertype = 0x0806; /* ARP */
    assert_int_equal(parse_spec(&s, &r), -1);
    s = good_synack(LINK_SLL);
    s.ethertype = 0x0806;
    assert_int_equal(parse_spec(&s, &r), -1);
    s = good_synack(LINK_SLL2);
    s.ethertype = 0x86dd;
    assert_int_equal(parse_spec(&s, &r), -1);

    s = good_synack(LINK_RAW); /* version nibble 6 on a raw link */
    s.version = 6;
    assert_int_equal(parse_spec(&s, &r), -1);
    s = good_synack(LINK_ETH); /* IPv4 ethertype, wrong version */
    s.version = 5;
    assert_int_equal(parse_spec(&s, &r), -1);
    s = good_synack(LINK_ETH);
    s.vlan_tags = 1;
    s.ethertype = 0x86dd; /* IPv6 behind a VLAN tag */
    assert_int_equal(parse_spec(&s, &r), -1);

    uint8_t buf[256];
    s = good_synack(LINK_ETH);
    size_t len = build(&s, buf);
    assert_int_equal(parse_exact(buf, len, 105 /* DLT_IEEE802_11 */, &r), -1);
    assert_int_equal(parse_exact(buf, len, -1, &r), -1);
    assert_int_equal(xs_frame_parse(NULL, 0, DLT_EN10MB, &r), -1);
}

/* ---- IPv6 ---- */
static const uint8_t SRC6[16] = {0x20, 0x01, 0x00, 0x02, [14] = 0x0a, [15] = 0x05}; /* the target */
static const uint8_t DST6[16] = {0x20, 0x01, 0x00, 0x02, [15] = 0x01};              /* us */

/* Ethernet + IPv6 + the extension headers named in ext (next-header values, 0-terminated list
 * of at most 8; each 8 bytes long, AH 12) + a 20-byte TCP header. Returns the length. */
static size_t build6(uint8_t *buf, const uint8_t *ext, size_t next, uint8_t flags)
{
    memset(buf, 0, 256);
    memset(buf, 0x02, 12);
    xs_put_be16(buf + 12, 0x86dd);
    uint8_t *ip = buf + 14;
    ip[0] = 0x60;
    ip[7] = 57;
    memcpy(ip + 8, SRC6, 16);
    memcpy(ip + 24, DST6, 16);
    size_t off = 40;
    uint8_t *nh = ip + 6;
    for (size_t i = 0; i < next; i++) {
        *nh = ext[i];
        uint8_t *h = ip + off;
        nh = h;
        if (ext[i] == 51) { /* AH: (len + 2) * 4 bytes */
            h[1] = 1;
            off += 12;
        } else { /* (len + 1) * 8 bytes */
            h[1] = 0;
            off += 8;
        }
    }
    *nh = 6;
    uint8_t *tcp = ip + off;
    xs_put_be16(tcp, 443);
    xs_put_be16(tcp + 2, 61001);
    xs_put_be32(tcp + 4, 0xA1B2C3D4u);
    xs_put_be32(tcp + 8, 0x01020305u);
    tcp[12] = 5 << 4;
    tcp[13] = flags;
    off += 20;
    xs_put_be16(ip + 4, (uint16_t)(off - 40));
    return 14 + off;
}

static void ipv6_replies_parse(void **state)
{
    (void)state;
    uint8_t buf[256];
    xs_tcp_reply r;
    size_t len = build6(buf, NULL, 0, XS_TCP_SYN | XS_TCP_ACK);
    assert_int_equal(len, 74);
    assert_int_equal(parse_exact(buf, len, DLT_EN10MB, &r), 0);
    assert_int_equal(r.family, 6);
    assert_memory_equal(r.src_ip6, SRC6, 16);
    assert_memory_equal(r.dst_ip6, DST6, 16);
    assert_int_equal(r.src_port, 443);
    assert_int_equal(r.dst_port, 61001);
    assert_int_equal(r.ack, 0x01020305u);
    assert_int_equal(r.ttl, 57);
    assert_int_equal(r.flags, XS_TCP_SYN | XS_TCP_ACK);
    /* the same packet on a raw and an IPv6 link */
    assert_int_equal(parse_exact(buf + 14, len - 14, DLT_RAW, &r), 0);
    assert_int_equal(parse_exact(buf + 14, len - 14, 229 /* DLT_IPV6 */, &r), 0);
    assert_int_equal(parse_exact(buf + 14, len - 14, DLT_IPV4, &r), -1);
    /* every truncation is refused, never over-read */
    for (size_t cut = 0; cut < len; cut++)
        assert_int_equal(parse_exact(buf, cut, DLT_EN10MB, &r), -1);
    /* the payload length bounds the headers too */
    xs_put_be16(buf + 14 + 4, 19);
    assert_int_equal(parse_exact(buf, len, DLT_EN10MB, &r), -1);
    xs_put_be16(buf + 14 + 4, 0); /* jumbogram */
    assert_int_equal(parse_exact(buf, len, DLT_EN10MB, &r), -1);
}

static void ipv6_extension_headers(void **state)
{
    (void)state;
    uint8_t buf[256];
    xs_tcp_reply r;
    const uint8_t chain[] = {0, 60, 43, 51, 60}; /* hop-by-hop, dest opts, routing, AH, dest opts */
    size_t len = build6(buf, chain, sizeof chain, XS_TCP_RST | XS_TCP_ACK);
    assert_int_equal(parse_exact(buf, len, DLT_EN10MB, &r), 0);
    assert_int_equal(r.src_port, 443);
    assert_int_equal(r.flags, XS_TCP_RST | XS_TCP_ACK);
    for (size_t cut = 0; cut < len; cut++)
        assert_int_equal(parse_exact(buf, cut, DLT_EN10MB, &r), -1);
    /* eight extension headers are walked, a ninth is too many */
    const uint8_t eight[] = {60, 60, 60, 60, 60, 60, 60, 60},
                  nine[] = {60, 60, 60, 60, 60, 60, 60, 60, 60};
    len = build6(buf, eight, sizeof eight, XS_TCP_SYN | XS_TCP_ACK);
    assert_int_equal(parse_exact(buf, len, DLT_EN10MB, &r), 0);
    len = build6(buf, nine, sizeof nine, XS_TCP_SYN | XS_TCP_ACK);
    assert_int_equal(parse_exact(buf, len, DLT_EN10MB, &r), -1);
    /* a header length that points past the packet */
    len = build6(buf, chain, 1, XS_TCP_SYN | XS_TCP_ACK);
    buf[14 + 40 + 1] = 200;
    assert_int_equal(parse_exact(buf, len, DLT_EN10MB, &r), -1);
}

static void ipv6_fragments_esp_icmp_refused(void **state)
{
    (void)state;
    uint8_t buf[256];
    xs_tcp_reply r;
    const uint8_t frag[] = {44}, hop_frag[] = {0, 44}, esp[] = {50}, none[] = {59};
    size_t len = build6(buf, frag, 1, XS_TCP_SYN | XS_TCP_ACK); /* even a first fragment */
    assert_int_equal(parse_exact(buf, len, DLT_EN10MB, &r), -1);
    len = build6(buf, hop_frag, 2, XS_TCP_SYN | XS_TCP_ACK);
    assert_int_equal(parse_exact(buf, len, DLT_EN10MB, &r), -1);
    len = build6(buf, esp, 1, XS_TCP_SYN | XS_TCP_ACK);
    assert_int_equal(parse_exact(buf, len, DLT_EN10MB, &r), -1);
    len = build6(buf, none, 1, XS_TCP_SYN | XS_TCP_ACK);
    assert_int_equal(parse_exact(buf, len, DLT_EN10MB, &r), -1);
    len = build6(buf, NULL, 0, XS_TCP_SYN | XS_TCP_ACK);
    buf[14 + 6] = 58; /* ICMPv6 */
    assert_int_equal(parse_exact(buf, len, DLT_EN10MB, &r), -1);
    /* an IPv6 header behind the IPv4 ethertype */
    len = build6(buf, NULL, 0, XS_TCP_SYN | XS_TCP_ACK);
    xs_put_be16(buf + 12, 0x0800);
    assert_int_equal(parse_exact(buf, len, DLT_EN10MB, &r), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(good_replies_on_every_link_type),
        cmocka_unit_test(rst_and_options_and_padding),
        cmocka_unit_test(vlan_tags),
        cmocka_unit_test(truncated_at_each_byte),
        cmocka_unit_test(bad_ip_headers),
        cmocka_unit_test(bad_tcp_data_offset),
        cmocka_unit_test(fragments_are_rejected_unless_first),
        cmocka_unit_test(other_protocols_are_rejected),
        cmocka_unit_test(ipv6_replies_parse),
        cmocka_unit_test(ipv6_extension_headers),
        cmocka_unit_test(ipv6_fragments_esp_icmp_refused),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
