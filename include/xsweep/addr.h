/* One address type for both families, as it travels through every stage.
 *
 * An IPv4 address is held as the IPv4-mapped IPv6 address ::ffff:a.b.c.d (RFC 4291 2.5.5.2), so
 * that a record, a key or a sort order needs no family switch; a real IPv6 target inside
 * ::ffff:0:0/96 is meaningless on the wire and is refused by the target parser. Bytes are in
 * network order; xs_addr_v4() gives the IPv4 address in host order, as the IPv4 code uses it. */
#ifndef XSWEEP_ADDR_H
#define XSWEEP_ADDR_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>

typedef struct xs_addr {
    uint8_t b[16];
} xs_addr;

/* INET6_ADDRSTRLEN: the longest text form, with its NUL. */
#define XS_ADDR_STRLEN 46

static inline xs_addr xs_addr_from_v4(uint32_t ip_host_order)
{
    xs_addr a = {{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, (uint8_t)(ip_host_order >> 24),
                  (uint8_t)(ip_host_order >> 16), (uint8_t)(ip_host_order >> 8),
                  (uint8_t)ip_host_order}};
    return a;
}

static inline bool xs_addr_is_v4(const xs_addr *a)
{
    static const uint8_t mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
    return memcmp(a->b, mapped, sizeof mapped) == 0;
}

/* The IPv4 address in host order; meaningful only when xs_addr_is_v4(). */
static inline uint32_t xs_addr_v4(const xs_addr *a)
{
    return (uint32_t)a->b[12] << 24 | (uint32_t)a->b[13] << 16 | (uint32_t)a->b[14] << 8 | a->b[15];
}

static inline xs_addr xs_addr_from_v6(const uint8_t bytes[16])
{
    xs_addr a;
    memcpy(a.b, bytes, 16);
    return a;
}

static inline int xs_addr_cmp(const xs_addr *x, const xs_addr *y)
{
    return memcmp(x->b, y->b, 16);
}

static inline bool xs_addr_eq(const xs_addr *x, const xs_addr *y)
{
    return memcmp(x->b, y->b, 16) == 0;
}

/* "198.19.0.1" or "2001:2::1" (RFC 5952 form). */
void xs_addr_format(const xs_addr *a, char out[XS_ADDR_STRLEN]);
/* As a URL or `host:port` needs it: "198.19.0.1" or "[2001:2::1]". */
void xs_addr_format_host(const xs_addr *a, char out[XS_ADDR_STRLEN + 2]);
/* Either family, the whole string: dotted quad (plain decimal, as xs_parse_ipv4) or IPv6 text
 * (inet_pton; "::ffff:a.b.c.d" is read as the IPv4 address). */
bool xs_addr_parse(const char *s, xs_addr *out);
/* sockaddr_in or sockaddr_in6 for connect(); returns its length. */
socklen_t xs_addr_to_sockaddr(const xs_addr *a, uint16_t port, struct sockaddr_storage *ss);
/* The inverse; false for another family. */
bool xs_addr_from_sockaddr(const struct sockaddr *sa, xs_addr *out, uint16_t *port_out);
/* "ipv4" or "ipv6", as nmap's XML addrtype spells it. */
const char *xs_addr_family_name(const xs_addr *a);

#endif
