/* MAC address text. */
#include "xsweep/netinfo.h"

static int hex_value(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

int xs_parse_mac(const char *s, uint8_t mac[6])
{
    if (!s)
        return -1;
    uint8_t out[6];
    char sep = 0;
    for (int i = 0; i < 6; i++) {
        /* Each read happens only after the previous character proved not to be the NUL. */
        const char *p = s + i * 3;
        int hi = hex_value(p[0]);
        if (hi < 0)
            return -1;
        int lo = hex_value(p[1]);
        if (lo < 0)
            return -1;
        out[i] = (uint8_t)(hi << 4 | lo);
        if (i == 5)
            break;
        if (i == 0)
            sep = p[2];
        if ((sep != ':' && sep != '-') || p[2] != sep)
            return -1;
    }
    if (s[17] != '\0')
        return -1;
    for (int i = 0; i < 6; i++)
        mac[i] = out[i];
    return 0;
}
