/* Route look-up: the kernel's own answer to "how would you send to this address" (RTM_GETROUTE,
 * what `ip route get` asks), so policy rules and every routing table count, not just main. Both
 * families ask through xs_netlink_route (netlink.c); these are their shapes for the callers. */
#include <stdio.h>
#include "net_internal.h"
#include "xsweep/netinfo.h"

void xs_net_ip_text(uint32_t ip, char out[16])
{
    snprintf(out, 16, "%u.%u.%u.%u", ip >> 24, (ip >> 16) & 255, (ip >> 8) & 255, ip & 255);
}

int xs_netinfo_route(const char *ifname_or_null, uint32_t towards, char ifname_out[32],
                     uint32_t *gateway_out, uint32_t *prefsrc_out, char *err, size_t errlen)
{
    xs_addr to = xs_addr_from_v4(towards);
    xs_route_hop hop;
    if (xs_netlink_route(ifname_or_null, &to, ifname_out, &hop, err, errlen) != 0)
        return -1;
    *gateway_out = hop.has_gateway ? xs_addr_v4(&hop.gateway) : 0;
    *prefsrc_out = hop.has_prefsrc ? xs_addr_v4(&hop.prefsrc) : 0;
    return 0;
}

int xs_netinfo_route6(const char *ifname_or_null, const xs_addr *towards, char ifname_out[32],
                      bool *has_gateway, xs_addr *gateway_out, bool *has_prefsrc,
                      xs_addr *prefsrc_out, char *err, size_t errlen)
{
    xs_route_hop hop;
    *has_gateway = *has_prefsrc = false;
    if (xs_netlink_route(ifname_or_null, towards, ifname_out, &hop, err, errlen) != 0)
        return -1;
    if ((*has_gateway = hop.has_gateway))
        *gateway_out = hop.gateway;
    if ((*has_prefsrc = hop.has_prefsrc))
        *prefsrc_out = hop.prefsrc;
    return 0;
}
