/* Dotted-quad IPv4 parsing and formatting (host byte order). */
#include <stdio.h>
#include "xsweep/targets.h"

/* Plain decimal only: inet_aton would read "010" as octal and "1.2.3" as 1.2.0.3,
 * which silently sweeps a different network than the user meant. */
const char *xs_scan_ipv4(const char *s, uint32_t *out, const char **end)
{
    uint32_t ip = 0;
    for (int part = 0; part < 4; part++) {
        if (part > 0) {
            if (*s != '.')
                return "expected an IPv4 address a.b.c.d";
            s++;
        }
        if (*s < '0' || *s > '9')
            return "expected an IPv4 address a.b.c.d";
        if (s[0] == '0' && s[1] >= '0' && s[1] <= '9')
            return "octet with a leading zero is ambiguous";
        unsigned v = 0;
        int digits = 0;
        while (*s >= '0' && *s <= '9') {
            if (++digits > 3)
                return "octet is out of range 0-255";
            v = v * 10 + (unsigned)(*s++ - '0');
        }
        if (v > 255)
            return "octet is out of range 0-255";
        ip = ip << 8 | v;
    }
    *out = ip;
    *end = s;
    return NULL;
}

bool xs_parse_ipv4(const char *s, uint32_t *out)
{
    const char *end;
    uint32_t ip;
    if (!s || xs_scan_ipv4(s, &ip, &end) || *end != '\0')
        return false;
    *out = ip;
    return true;
}

void xs_format_ipv4(uint32_t ip, char out[16])
{
    snprintf(out, 16, "%u.%u.%u.%u", ip >> 24, (ip >> 16) & 255, (ip >> 8) & 255, ip & 255);
}
