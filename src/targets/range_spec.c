/* Target specs: "a.b.c.d", "a.b.c.d/n" and "a.b.c.d-e.f.g.h", their IPv6 forms, alone or in a
 * list. */
#include <arpa/inet.h>
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include "xsweep/targets.h"

static int fail(char *err, size_t errlen, const char *spec, size_t len, const char *why)
{
    snprintf(err, errlen, "invalid target \"%.*s\": %s", (int)len, spec, why);
    return -1;
}

/* One IPv6 address in text (inet_pton: RFC 4291 forms, no zone index, no brackets). */
static bool parse6(const char *s, xs_u128 *out)
{
    struct in6_addr in6;
    if (inet_pton(AF_INET6, s, &in6) != 1)
        return false;
    xs_addr a = xs_addr_from_v6(in6.s6_addr);
    *out = xs_addr_to_u128(&a);
    return true;
}

#define V4MAPPED_FIRST ((xs_u128)0xffff << 32)
#define V4MAPPED_LAST  ((xs_u128)0xffff << 32 | 0xffffffffu)

/* "2001:db8::1", "2001:db8::/112" or "2001:db8::1-2001:db8::ff" in buf (NUL-terminated). */
static int add_spec6(xs_rangelist *rl, char *buf, const char *spec, size_t len, char *err,
                     size_t errlen)
{
    xs_u128 first, last;
    char *slash = strchr(buf, '/'), *dash = strchr(buf, '-');
    if (slash && dash)
        return fail(err, errlen, spec, len, "give a prefix or a range, not both");
    char *sep = slash ? slash : dash;
    if (sep)
        *sep = '\0';
    if (!parse6(buf, &first))
        return fail(err, errlen, spec, len, "expected an IPv6 address like 2001:db8::1");
    last = first;
    if (slash) {
        const char *p = slash + 1;
        unsigned bits = 0;
        int digits = 0;
        while (*p >= '0' && *p <= '9' && digits < 4) {
            bits = bits * 10 + (unsigned)(*p++ - '0');
            digits++;
        }
        if (digits == 0 || digits > 3 || bits > 128 || *p != '\0')
            return fail(err, errlen, spec, len, "IPv6 prefix length must be 0-128");
        xs_u128 host = bits == 128 ? 0 : ~(xs_u128)0 >> bits;
        first &= ~host; /* host bits set are masked off, as for IPv4 */
        last = first | host;
    } else if (dash) {
        if (!parse6(dash + 1, &last))
            return fail(err, errlen, spec, len, "range end must be an IPv6 address");
        if (first > last)
            return fail(err, errlen, spec, len, "range start is after range end");
    }
    /* IPv4-mapped: these are IPv4 addresses (a socket sends to them as such). */
    if (first >= V4MAPPED_FIRST && last <= V4MAPPED_LAST) {
        xs_rangelist_add(rl, (uint32_t)first, (uint32_t)last);
        return 0;
    }
    xs_u128 count = last - first + 1; /* 0 only for ::/0, 2^128 addresses */
    if (count == 0 || count > XS_IPV6_SPEC_MAX) {
        char n[40], why[200];
        if (count == 0)
            snprintf(n, sizeof n, "340282366920938463463374607431768211456");
        else
            xs_u128_format(count, n);
        snprintf(why, sizeof why,
                 "%s addresses, more than can be swept one by one (at most %llu, a /96): "
                 "list the subnets in use",
                 n, (unsigned long long)XS_IPV6_SPEC_MAX);
        return fail(err, errlen, spec, len, why);
    }
    if (first <= V4MAPPED_LAST && last >= V4MAPPED_FIRST)
        return fail(err, errlen, spec, len,
                    "overlaps the IPv4-mapped block ::ffff:0:0/96: give IPv4 targets as a.b.c.d");
    xs_rangelist_add6(rl, first, last);
    return 0;
}

/* Parses exactly spec[0..len) and adds it. */
static int add_spec_n(xs_rangelist *rl, const char *spec, size_t len, char *err, size_t errlen)
{
    char buf[128]; /* the longest: two full IPv6 addresses and a '-' */
    bool v6 = memchr(spec, ':', len) != NULL;
    if (len == 0)
        return fail(err, errlen, spec, len, "empty target");
    if (len >= (v6 ? sizeof buf : 64))
        return fail(err, errlen, spec, len,
                    v6 ? "too long for an IPv6 address, range or prefix"
                       : "too long for an IPv4 address, range or CIDR block");
    memcpy(buf, spec, len);
    buf[len] = '\0';
    if (v6)
        return add_spec6(rl, buf, spec, len, err, errlen);

    uint32_t first, last;
    const char *p;
    const char *why = xs_scan_ipv4(buf, &first, &p);
    if (why)
        return fail(err, errlen, spec, len, why);
    if (*p == '\0') {
        last = first;
    } else if (*p == '/') {
        p++;
        unsigned bits = 0;
        int digits = 0;
        while (*p >= '0' && *p <= '9' && digits < 3) {
            bits = bits * 10 + (unsigned)(*p++ - '0');
            digits++;
        }
        if (digits == 0 || digits > 2 || bits > 32 || (*p >= '0' && *p <= '9'))
            return fail(err, errlen, spec, len, "prefix length must be 0-32");
        if (*p != '\0')
            return fail(err, errlen, spec, len, "unexpected text after the prefix length");
        /* Host bits set ("10.1.2.3/8") are masked off, as nmap does. */
        uint32_t mask = bits ? ~0u << (32 - bits) : 0;
        first &= mask;
        last = first | ~mask;
    } else if (*p == '-') {
        why = xs_scan_ipv4(p + 1, &last, &p);
        if (why)
            return fail(err, errlen, spec, len,
                        strncmp(why, "expected", 8) == 0
                            ? "range end must be an IPv4 address a.b.c.d"
                            : why);
        if (*p != '\0')
            return fail(err, errlen, spec, len, "unexpected text after the range end");
        if (first > last)
            return fail(err, errlen, spec, len, "range start is after range end");
    } else {
        return fail(err, errlen, spec, len, "unexpected text after the address");
    }
    xs_rangelist_add(rl, first, last);
    return 0;
}

static bool is_space(char c)
{
    return isspace((unsigned char)c) != 0;
}

int xs_rangelist_add_spec(xs_rangelist *rl, const char *spec, char *err, size_t errlen)
{
    int rc;
    size_t len = strlen(spec);
    while (len > 0 && is_space(*spec))
        spec++, len--;
    while (len > 0 && is_space(spec[len - 1]))
        len--;
    if ((rc = add_spec_n(rl, spec, len, err, errlen)) < 0)
        xs_error_one_line(err, errlen);
    return rc;
}

/* Comma- or whitespace-separated; whitespace runs are one separator, but two commas in a row
 * (or a leading/trailing comma) are an empty item, most likely a typo. */
static int add_list(xs_rangelist *rl, const char *list, char *err, size_t errlen)
{
    const char *p = list;
    bool need_item = true; /* at start, or just after a comma */
    bool any = false;
    for (;;) {
        while (is_space(*p))
            p++;
        if (*p == '\0')
            break;
        if (*p == ',') {
            if (need_item) {
                snprintf(err, errlen, "invalid target list \"%s\": empty item", list);
                return -1;
            }
            need_item = true;
            p++;
            continue;
        }
        const char *start = p;
        while (*p && *p != ',' && !is_space(*p))
            p++;
        if (add_spec_n(rl, start, (size_t)(p - start), err, errlen) < 0)
            return -1;
        need_item = false;
        any = true;
    }
    if (!any || need_item) {
        snprintf(err, errlen, "invalid target list \"%s\": %s", list,
                 any ? "empty item" : "no target given");
        return -1;
    }
    return 0;
}

int xs_rangelist_add_list(xs_rangelist *rl, const char *list, char *err, size_t errlen)
{
    int rc = add_list(rl, list, err, errlen);
    if (rc < 0)
        xs_error_one_line(err, errlen);
    return rc;
}
