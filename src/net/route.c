/* Route lookup over /proc/net/route: longest prefix match, lowest metric among equals. */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "xsweep/netinfo.h"

#define RTF_UP_FLAG      0x0001
#define RTF_GATEWAY_FLAG 0x0002
#define RTF_REJECT_FLAG  0x0200

static void ip_text(uint32_t ip, char out[16])
{
    snprintf(out, 16, "%u.%u.%u.%u", ip >> 24, (ip >> 16) & 255, (ip >> 8) & 255, ip & 255);
}

static int prefix_len(uint32_t mask)
{
    int n = 0;
    while (n < 32 && (mask & (0x80000000u >> n)))
        n++;
    return n;
}

int xs_route_pick(const char *text, const char *ifname_or_null, uint32_t towards,
                  char ifname_out[32], uint32_t *gateway_out, char *err, size_t errlen)
{
    int best_len = -1;
    unsigned long best_metric = 0;
    char best_if[32] = "";
    uint32_t best_gw = 0;
    const char *cursor = text;
    char buf[256];
    for (int lineno = 0; xs_next_text_line(&cursor, buf, sizeof buf); lineno++) {
        if (lineno == 0)
            continue;   /* header */
        char ifn[32];
        unsigned dst, gw, flags, mask;
        unsigned long refcnt, use, metric;
        /* Addresses are the kernel's network-order words printed as native integers. */
        if (sscanf(buf, "%31s %x %x %x %lu %lu %lu %x", ifn, &dst, &gw, &flags, &refcnt, &use,
                   &metric, &mask) != 8)
            continue;
        if (!(flags & RTF_UP_FLAG) || (flags & RTF_REJECT_FLAG))
            continue;
        if (ifname_or_null && strcmp(ifn, ifname_or_null))
            continue;
        uint32_t d = ntohl(dst), m = ntohl(mask), g = ntohl(gw);
        if ((towards & m) != (d & m))
            continue;
        int len = prefix_len(m);
        if (len > best_len || (len == best_len && metric < best_metric)) {
            best_len = len;
            best_metric = metric;
            snprintf(best_if, sizeof best_if, "%s", ifn);
            best_gw = (flags & RTF_GATEWAY_FLAG) ? g : 0;
        }
    }
    if (best_len < 0) {
        if (ifname_or_null) {
            /* The operator chose the interface: targets without a route on it are on-link. */
            snprintf(ifname_out, 32, "%s", ifname_or_null);
            *gateway_out = 0;
            return 0;
        }
        char ip[16];
        ip_text(towards, ip);
        snprintf(err, errlen, "no route to %s: give the interface with -i", ip);
        return -1;
    }
    snprintf(ifname_out, 32, "%s", best_if);
    *gateway_out = best_gw;
    return 0;
}

int xs_netinfo_route(const char *ifname_or_null, uint32_t towards, char ifname_out[32],
                     uint32_t *gateway_out, char *err, size_t errlen)
{
    char *text = xs_read_text_file("/proc/net/route");
    if (!text) {
        snprintf(err, errlen, "cannot read /proc/net/route: %s", strerror(errno));
        return -1;
    }
    int rc = xs_route_pick(text, ifname_or_null, towards, ifname_out, gateway_out, err, errlen);
    free(text);
    return rc;
}
