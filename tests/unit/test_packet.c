/* The SYN template: the incrementally patched frame must equal a fully recomputed one. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include "xsweep/packet.h"

static const uint8_t src_mac[6] = {0x02, 0x58, 0x53, 0x00, 0x00, 0x01};
static const uint8_t dst_mac[6] = {0x02, 0x58, 0x53, 0x00, 0x00, 0x02};
#define SRC_IP 0xc6120001u /* 198.18.0.1 */

static uint16_t be16(const uint8_t *p)
{
    return (uint16_t)(p[0] << 8 | p[1]);
}
static uint32_t be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* xorshift64: reproducible "random" field values. */
static uint64_t rng_state = 0x9e3779b97f4a7c15ULL;
static uint64_t rnd(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}

static void init_template(xs_syn_template *t, uint16_t mss, uint8_t ttl)
{
    char err[128] = "";
    int rc = xs_syn_template_init(t, src_mac, dst_mac, SRC_IP, mss, ttl, err, sizeof err);
    if (rc != 0)
        fail_msg("template: %s", err);
    assert_int_equal(t->len, XS_SYN_FRAME_LEN);
}

/* Parses the frame as a receiver would and checks every field. */
static void check_frame(const uint8_t *f, uint32_t dst_ip, uint16_t dport, uint16_t sport,
                        uint16_t id, uint32_t seq, uint16_t mss, uint8_t ttl)
{
    assert_memory_equal(f, dst_mac, 6);
    assert_memory_equal(f + 6, src_mac, 6);
    assert_int_equal(be16(f + 12), 0x0800);

    const uint8_t *ip = f + 14;
    assert_int_equal(ip[0], 0x45);      /* IPv4, 20-byte header */
    assert_int_equal(be16(ip + 2), 44); /* total length */
    assert_int_equal(be16(ip + 4), id);
    assert_int_equal(be16(ip + 6), 0x4000); /* DF, offset 0 */
    assert_int_equal(ip[8], ttl);
    assert_int_equal(ip[9], 6); /* TCP */
    assert_int_equal(be32(ip + 12), SRC_IP);
    assert_int_equal(be32(ip + 16), dst_ip);
    assert_int_equal(xs_inet_checksum(ip, 20), 0); /* a valid header sums to zero */

    const uint8_t *tcp = ip + 20;
    assert_int_equal(be16(tcp), sport);
    assert_int_equal(be16(tcp + 2), dport);
    assert_int_equal(be32(tcp + 4), seq);
    assert_int_equal(be32(tcp + 8), 0);  /* ack */
    assert_int_equal(tcp[12] >> 4, 6);   /* data offset: 24 bytes */
    assert_int_equal(tcp[13], 0x02);     /* SYN only */
    assert_true(be16(tcp + 14) > 0);     /* window */
    assert_int_equal(be16(tcp + 18), 0); /* urgent */
    assert_int_equal(tcp[20], 2);        /* MSS option */
    assert_int_equal(tcp[21], 4);
    assert_int_equal(be16(tcp + 22), mss);
    assert_int_equal(xs_tcp_checksum_full(SRC_IP, dst_ip, tcp, 24), 0);
}

static void test_fill_matches_full_checksums(void **state)
{
    (void)state;
    xs_syn_template t;
    init_template(&t, 0, 0);
    uint8_t frame[128], ref[128];
    for (int i = 0; i < 200000; i++) {
        uint64_t r = rnd(), r2 = rnd();
        uint32_t dst = (uint32_t)r;
        uint16_t dport = (uint16_t)(r >> 32), sport = (uint16_t)(r >> 48), id = (uint16_t)r2;
        uint32_t seq = (uint32_t)(r2 >> 32);
        if (i < 4) { /* extremes: all-zero and all-one fields */
            dst = i & 1 ? 0xffffffffu : 0;
            dport = sport = id = i & 2 ? 0xffff : 0;
            seq = i & 1 ? 0 : 0xffffffffu;
        }
        xs_syn_template_fill(&t, frame, dst, dport, sport, id, seq);

        /* Reference: same fields, checksums zeroed and recomputed from scratch. */
        memcpy(ref, frame, XS_SYN_FRAME_LEN);
        memset(ref + 14 + 10, 0, 2);
        memset(ref + 34 + 16, 0, 2);
        uint16_t ip_sum = xs_inet_checksum(ref + 14, 20);
        uint16_t tcp_sum = xs_tcp_checksum_full(SRC_IP, dst, ref + 34, 24);
        assert_int_equal(be16(frame + 14 + 10), ip_sum);
        assert_int_equal(be16(frame + 34 + 16), tcp_sum);
        if (i < 1000)
            check_frame(frame, dst, dport, sport, id, seq, 1460, 64);
    }
}

static void test_template_options(void **state)
{
    (void)state;
    xs_syn_template t;
    init_template(&t, 1400, 128);
    uint8_t frame[128];
    xs_syn_template_fill(&t, frame, 0xc6130007, 443, 40123, 7, 0x12345678);
    check_frame(frame, 0xc6130007, 443, 40123, 7, 0x12345678, 1400, 128);
}

/* Known-answer check of the reference checksum (RFC 1071 style example header). */
static void test_inet_checksum_known_answer(void **state)
{
    (void)state;
    const uint8_t hdr[20] = {0x45, 0x00, 0x00, 0x73, 0x00, 0x00, 0x40, 0x00, 0x40, 0x11,
                             0x00, 0x00, 0xc0, 0xa8, 0x00, 0x01, 0xc0, 0xa8, 0x00, 0xc7};
    assert_int_equal(xs_inet_checksum(hdr, sizeof hdr), 0xb861);
    const uint8_t odd[3] = {0x01, 0x02, 0x03};
    assert_int_equal(xs_inet_checksum(odd, 3), (uint16_t) ~(0x0102 + 0x0300));
}

/* ---- IPv6 ---- */
static const uint8_t SRC6[16] = {0x20, 0x01, 0x00, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0x01};

/* An independent TCP-over-IPv6 checksum, written out from RFC 8200 8.1 with 32-bit words: the
 * pseudo-header (src, dst, 32-bit length, 3 zero bytes, next header) laid out as bytes, then the
 * segment, summed in one pass. */
static uint16_t ref_tcp6_checksum(const uint8_t src[16], const uint8_t dst[16], const uint8_t *tcp,
                                  size_t len)
{
    uint8_t buf[40 + 64];
    memcpy(buf, src, 16);
    memcpy(buf + 16, dst, 16);
    buf[32] = (uint8_t)(len >> 24);
    buf[33] = (uint8_t)(len >> 16);
    buf[34] = (uint8_t)(len >> 8);
    buf[35] = (uint8_t)len;
    buf[36] = buf[37] = buf[38] = 0;
    buf[39] = 6;
    memcpy(buf + 40, tcp, len);
    uint32_t sum = 0;
    for (size_t i = 0; i < 40 + len; i += 2) {
        sum += (uint32_t)buf[i] << 8 | buf[i + 1];
        sum = (sum & 0xffff) + (sum >> 16);
    }
    return (uint16_t)~sum;
}

static void test_ipv6_template_checksums(void **state)
{
    (void)state;
    xs_syn_template t;
    char err[128] = "";
    if (xs_syn_template_init6(&t, src_mac, dst_mac, SRC6, 0, 0, err, sizeof err) != 0)
        fail_msg("template: %s", err);
    assert_int_equal(t.len, XS_SYN6_FRAME_LEN);
    uint8_t frame[128], ref[128];
    for (int i = 0; i < 100000; i++) {
        uint64_t r = rnd(), r2 = rnd(), r3 = rnd();
        uint8_t dst[16];
        for (int k = 0; k < 8; k++) {
            dst[k] = (uint8_t)(r2 >> (8 * k));
            dst[8 + k] = (uint8_t)(r3 >> (8 * k));
        }
        uint16_t dport = (uint16_t)r, sport = (uint16_t)(r >> 16);
        uint32_t seq = (uint32_t)(r >> 32);
        if (i < 4) {
            memset(dst, i & 1 ? 0xff : 0, 16);
            dport = sport = i & 2 ? 0xffff : 0;
            seq = i & 1 ? 0 : 0xffffffffu;
        }
        xs_syn_template_fill6(&t, frame, dst, dport, sport, seq);
        assert_memory_equal(frame, dst_mac, 6);
        assert_memory_equal(frame + 6, src_mac, 6);
        assert_int_equal(be16(frame + 12), 0x86dd);
        const uint8_t *ip6 = frame + 14, *tcp = frame + 54;
        assert_int_equal(ip6[0], 0x60);                /* version 6, no traffic class */
        assert_int_equal(ip6[1] | ip6[2] | ip6[3], 0); /* flow label 0 */
        assert_int_equal(be16(ip6 + 4), 24);           /* payload: the TCP header with MSS */
        assert_int_equal(ip6[6], 6);                   /* next header TCP, no extension header */
        assert_int_equal(ip6[7], 64);                  /* hop limit */
        assert_memory_equal(ip6 + 8, SRC6, 16);
        assert_memory_equal(ip6 + 24, dst, 16);
        assert_int_equal(be16(tcp), sport);
        assert_int_equal(be16(tcp + 2), dport);
        assert_int_equal(be32(tcp + 4), seq);
        assert_int_equal(be32(tcp + 8), 0);
        assert_int_equal(tcp[12] >> 4, 6);
        assert_int_equal(tcp[13], 0x02);
        assert_int_equal(tcp[20], 2); /* the IPv4 probe's MSS option */
        assert_int_equal(be16(tcp + 22), 1460);
        memcpy(ref, tcp, 24);
        memset(ref + 16, 0, 2);
        assert_int_equal(be16(tcp + 16), ref_tcp6_checksum(SRC6, dst, ref, 24));
    }
}

static void test_ipv6_template_options(void **state)
{
    (void)state;
    xs_syn_template t;
    char err[128] = "";
    assert_int_equal(xs_syn_template_init6(&t, src_mac, dst_mac, SRC6, 1400, 255, err, sizeof err),
                     0);
    uint8_t frame[128], dst[16] = {0x20, 0x01, 0x00, 0x02, [15] = 7};
    xs_syn_template_fill6(&t, frame, dst, 443, 61000, 0x12345678);
    assert_int_equal(frame[14 + 7], 255);
    assert_int_equal(be16(frame + 54 + 22), 1400);
    uint8_t ref[24];
    memcpy(ref, frame + 54, 24);
    memset(ref + 16, 0, 2);
    assert_int_equal(be16(frame + 54 + 16), ref_tcp6_checksum(SRC6, dst, ref, 24));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fill_matches_full_checksums),
        cmocka_unit_test(test_template_options),
        cmocka_unit_test(test_inet_checksum_known_answer),
        cmocka_unit_test(test_ipv6_template_checksums),
        cmocka_unit_test(test_ipv6_template_options),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
