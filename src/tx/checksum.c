/* Internet checksums: the reference full computation, and the per-probe incremental fill. */
#include <string.h>
#include "xsweep/packet.h"
#include "xsweep/bytes.h"

enum { IP_OFF = 14, TCP_OFF = 34, TCP_LEN = 24 };

static inline uint16_t fold(uint64_t sum)
{
    sum = (sum & 0xffffffffu) + (sum >> 32);
    sum = (sum & 0xffff) + (sum >> 16);
    sum = (sum & 0xffff) + (sum >> 16);
    sum = (sum & 0xffff) + (sum >> 16);
    return (uint16_t)sum;
}

uint64_t xs_sum_be16(const uint8_t *p, size_t len)
{
    uint64_t sum = 0;
    for (size_t i = 0; i + 1 < len; i += 2)
        sum += (uint32_t)p[i] << 8 | p[i + 1];
    if (len & 1)
        sum += (uint32_t)p[len - 1] << 8;
    return sum;
}

uint16_t xs_inet_checksum(const void *data, size_t len)
{
    return (uint16_t)~fold(xs_sum_be16(data, len));
}

uint16_t xs_tcp_checksum_full(uint32_t src_ip, uint32_t dst_ip, const uint8_t *tcp, size_t tcp_len)
{
    uint64_t sum = (src_ip >> 16) + (src_ip & 0xffff) + (dst_ip >> 16) + (dst_ip & 0xffff) +
                   6 /* IPPROTO_TCP */ + tcp_len + xs_sum_be16(tcp, tcp_len);
    return (uint16_t)~fold(sum);
}

void xs_syn_template_fill(const xs_syn_template *t, uint8_t *out, uint32_t dst_ip,
                          uint16_t dst_port, uint16_t src_port, uint16_t ip_id, uint32_t seq)
{
    memcpy(out, t->frame, XS_SYN_FRAME_LEN);
    uint8_t *ip = out + IP_OFF, *tcp = out + TCP_OFF;
    uint32_t dst_words = (dst_ip >> 16) + (dst_ip & 0xffff);

    xs_put_be16(ip + 4, ip_id);
    xs_put_be32(ip + 16, dst_ip);
    xs_put_be16(ip + 10, (uint16_t)~fold((uint64_t)t->ip_sum_base + ip_id + dst_words));

    xs_put_be16(tcp, src_port);
    xs_put_be16(tcp + 2, dst_port);
    xs_put_be32(tcp + 4, seq);
    uint64_t tsum =
        (uint64_t)t->tcp_sum_base + dst_words + src_port + dst_port + (seq >> 16) + (seq & 0xffff);
    xs_put_be16(tcp + 16, (uint16_t)~fold(tsum));
}

enum { IP6_OFF = 14, TCP6_OFF = 54 };

void xs_syn_template_fill6(const xs_syn_template *t, uint8_t *out, const uint8_t dst_ip6[16],
                           uint16_t dst_port, uint16_t src_port, uint32_t seq)
{
    memcpy(out, t->frame, XS_SYN6_FRAME_LEN);
    uint8_t *ip6 = out + IP6_OFF, *tcp = out + TCP6_OFF;
    memcpy(ip6 + 24, dst_ip6, 16);
    xs_put_be16(tcp, src_port);
    xs_put_be16(tcp + 2, dst_port);
    xs_put_be32(tcp + 4, seq);
    uint64_t tsum = (uint64_t)t->tcp_sum_base + xs_sum_be16(dst_ip6, 16) + src_port + dst_port +
                    (seq >> 16) + (seq & 0xffff);
    xs_put_be16(tcp + 16, (uint16_t)~fold(tsum));
}
