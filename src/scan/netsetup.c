/* Fills xs_netinfo from the options, asking the kernel for whatever the operator left out. */
#include <arpa/inet.h>
#include <net/if.h>
#include <stdlib.h>
#include <string.h>
#include "xsweep/log.h"
#include "xsweep/run.h"
#include "xsweep/targets.h"

int xs_parse_port_range(const char *s, uint16_t *first, uint16_t *count, char *err, size_t errlen)
{
    char *end;
    unsigned long a = strtoul(s, &end, 10), b = a;
    if (end == s)
        goto bad;
    if (*end == '-') {
        const char *q = end + 1;
        b = strtoul(q, &end, 10);
        if (end == q)
            goto bad;
    }
    if (*end || a == 0 || b > 65535 || a > b)
        goto bad;
    *first = (uint16_t)a;
    *count = (uint16_t)(b - a + 1 > 65535 ? 65535 : b - a + 1);
    return 0;
bad:
    snprintf(err, errlen, "invalid --source-port \"%s\": give P or P-Q within 1-65535", s);
    return -1;
}

int xs_netsetup(const xs_options *o, uint32_t first_ip, xs_netinfo *net, char *err, size_t errlen)
{
    memset(net, 0, sizeof *net);
    if (o->source_ip && !xs_parse_ipv4(o->source_ip, &net->src_ip)) {
        snprintf(err, errlen, "invalid --source-ip \"%s\"", o->source_ip);
        return -XS_ERR_USAGE;
    }
    if (o->router_mac && xs_parse_mac(o->router_mac, net->router_mac) < 0) {
        snprintf(err, errlen, "invalid --router-mac \"%s\": give six hex bytes like 02:00:00:00:00:01",
                 o->router_mac);
        return -XS_ERR_USAGE;
    }
    if (o->interface && (!*o->interface || strlen(o->interface) >= IFNAMSIZ)) {
        snprintf(err, errlen, "invalid interface name \"%s\"", o->interface);
        return -XS_ERR_USAGE;
    }
    if (o->dry_run) {
        /* Nothing is sent: use what was given, placeholders for the rest. */
        snprintf(net->ifname, sizeof net->ifname, "%s", o->interface ? o->interface : "dry-run");
        return 0;
    }
    uint32_t gateway = 0, prefsrc = 0;
    if (xs_netinfo_route(o->interface, first_ip, net->ifname, &gateway, &prefsrc, err, errlen) < 0)
        return -1;
    uint32_t if_ip = 0;
    if (xs_netinfo_iface(net->ifname, net->src_mac, &if_ip, &net->mtu, err, errlen) < 0)
        return -1;
    if (!o->source_ip)
        net->src_ip = prefsrc ? prefsrc : if_ip;   /* the kernel's choice for this route first */
    if (net->src_ip == 0) {
        snprintf(err, errlen, "interface %s has no IPv4 address: give --source-ip", net->ifname);
        return -1;
    }
    net->next_hop = gateway ? gateway : first_ip;
    if (!o->router_mac &&
        xs_netinfo_resolve_mac(net->ifname, net->src_ip, net->src_mac, net->next_hop, net->router_mac,
                               1000, err, errlen) < 0)
        return -1;
    if (xs_log_enabled(XS_LOG_INFO)) {
        char src[INET_ADDRSTRLEN], hop[INET_ADDRSTRLEN];
        uint32_t s_be = htonl(net->src_ip), h_be = htonl(net->next_hop);
        inet_ntop(AF_INET, &s_be, src, sizeof src);
        inet_ntop(AF_INET, &h_be, hop, sizeof hop);
        xs_log(XS_LOG_INFO, "sending on %s (MTU %d) from %s; next hop %s%s at %02x:%02x:%02x:%02x:%02x:%02x",
               net->ifname, net->mtu, src, hop, gateway ? " (gateway)" : "", net->router_mac[0],
               net->router_mac[1], net->router_mac[2], net->router_mac[3], net->router_mac[4],
               net->router_mac[5]);
    }
    return 0;
}
