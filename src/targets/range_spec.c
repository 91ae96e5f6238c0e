/* Target specs: "a.b.c.d", "a.b.c.d/n" and "a.b.c.d-e.f.g.h", alone or in a list. */
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include "xsweep/targets.h"

static int fail(char *err, size_t errlen, const char *spec, size_t len, const char *why)
{
    snprintf(err, errlen, "invalid target \"%.*s\": %s", (int)len, spec, why);
    return -1;
}

/* Parses exactly spec[0..len) and adds it. */
static int add_spec_n(xs_rangelist *rl, const char *spec, size_t len, char *err, size_t errlen)
{
    char buf[64];
    if (len == 0)
        return fail(err, errlen, spec, len, "empty target");
    if (len >= sizeof buf)
        return fail(err, errlen, spec, len, "too long for an IPv4 address, range or CIDR block");
    memcpy(buf, spec, len);
    buf[len] = '\0';

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
            return fail(err, errlen, spec, len, strncmp(why, "expected", 8) == 0 ? "range end must be an IPv4 address a.b.c.d" : why);
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
    bool need_item = true;   /* at start, or just after a comma */
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
        snprintf(err, errlen, "invalid target list \"%s\": %s", list, any ? "empty item" : "no target given");
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
