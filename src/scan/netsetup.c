/* Fills xs_netinfo from the options, asking the kernel for whatever the operator left out. */
#include <arpa/inet.h>
#include <stdio.h>
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

int xs_parse_source_ips(const char *s, bool *has_v4, uint32_t *v4, bool *has_v6, xs_addr *v6,
                        char *err, size_t errlen)
{
    *has_v4 = *has_v6 = false;
    char buf[2 * XS_ADDR_STRLEN + 2];
    if (strlen(s) >= sizeof buf)
        goto bad;
    snprintf(buf, sizeof buf, "%s", s);
    char *save = NULL;
    int parts = 0;
    for (char *tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
        xs_addr a;
        if (++parts > 2 || !xs_addr_parse(tok, &a))
            goto bad;
        if (xs_addr_is_v4(&a)) {
            if (*has_v4)
                goto bad;
            *has_v4 = true;
            *v4 = xs_addr_v4(&a);
        } else {
            if (*has_v6)
                goto bad;
            *has_v6 = true;
            *v6 = a;
        }
    }
    if (parts == 0)
        goto bad;
    return 0;
bad:
    snprintf(err, errlen,
             "invalid --source-ip \"%s\": give an IPv4 or IPv6 address, or one of each "
             "joined by a comma",
             s);
    return -1;
}

static void log_family(const xs_netinfo *net, const xs_addr *src, const xs_addr *hop, bool gateway,
                       const uint8_t mac[6])
{
    char a[XS_ADDR_STRLEN], b[XS_ADDR_STRLEN];
    xs_addr_format(src, a);
    xs_addr_format(hop, b);
    xs_log(XS_LOG_INFO,
           "sending on %s (MTU %d) from %s; next hop %s%s at %02x:%02x:%02x:%02x:%02x:%02x",
           net->ifname, net->mtu, a, b, gateway ? " (gateway)" : "", mac[0], mac[1], mac[2], mac[3],
           mac[4], mac[5]);
}

static int setup_v4(const xs_options *o, bool src_given, uint32_t first_ip, xs_netinfo *net,
                    char *err, size_t errlen)
{
    uint32_t gateway = 0, prefsrc = 0;
    if (xs_netinfo_route(o->interface, first_ip, net->ifname, &gateway, &prefsrc, err, errlen) < 0)
        return -1;
    uint32_t if_ip = 0;
    if (xs_netinfo_iface(net->ifname, net->src_mac, &if_ip, &net->mtu, err, errlen) < 0)
        return -1;
    if (!src_given)
        net->src_ip = prefsrc ? prefsrc : if_ip; /* the kernel's choice for this route first */
    if (net->src_ip == 0) {
        snprintf(err, errlen, "interface %s has no IPv4 address: give --source-ip", net->ifname);
        return -1;
    }
    net->next_hop = gateway ? gateway : first_ip;
    if (!o->router_mac &&
        xs_netinfo_resolve_mac(net->ifname, net->src_ip, net->src_mac, net->next_hop,
                               net->router_mac, 1000, err, errlen) < 0)
        return -1;
    if (xs_log_enabled(XS_LOG_INFO)) {
        xs_addr src = xs_addr_from_v4(net->src_ip), hop = xs_addr_from_v4(net->next_hop);
        log_family(net, &src, &hop, gateway != 0, net->router_mac);
    }
    return 0;
}

static bool is_link_local(const xs_addr *a)
{
    return a->b[0] == 0xfe && (a->b[1] & 0xc0) == 0x80;
}

/* IPv6 leaves by the interface IPv4 chose (one set of senders and one capture): a route by
 * another one is an error the operator resolves with -i or two scans. */
static int setup_v6(const xs_options *o, bool src_given, const xs_addr *first, xs_netinfo *net,
                    char *err, size_t errlen)
{
    char ifname[32];
    bool has_gw, has_src;
    xs_addr gateway, prefsrc;
    const char *forced = o->interface ? o->interface : net->has_v4 ? net->ifname : NULL;
    if (xs_netinfo_route6(o->interface, first, ifname, &has_gw, &gateway, &has_src, &prefsrc, err,
                          errlen) < 0)
        return -1;
    if (forced && strcmp(forced, ifname) != 0) {
        snprintf(err, errlen,
                 "IPv4 targets leave by %s, IPv6 targets by %s: give -i, or scan the "
                 "families separately",
                 forced, ifname);
        return -1;
    }
    snprintf(net->ifname, sizeof net->ifname, "%s", ifname);
    if (!net->has_v4) {
        uint32_t if_ip;
        if (xs_netinfo_iface(net->ifname, net->src_mac, &if_ip, &net->mtu, err, errlen) < 0)
            return -1;
    }
    if (!src_given) {
        if (has_src)
            net->src_ip6 = prefsrc; /* the kernel's source address selection for this route */
        else if (xs_netinfo_iface_addr6(net->ifname, is_link_local(first), &net->src_ip6, err,
                                        errlen) < 0)
            return -1;
    }
    net->next_hop6 = has_gw ? gateway : *first;
    if (!o->router_mac && xs_netinfo_resolve_mac6(net->ifname, net->src_mac, &net->next_hop6, first,
                                                  net->router_mac6, 1000, err, errlen) < 0)
        return -1;
    if (xs_log_enabled(XS_LOG_INFO))
        log_family(net, &net->src_ip6, &net->next_hop6, has_gw, net->router_mac6);
    return 0;
}

int xs_netsetup(const xs_options *o, const xs_addr *first_v4, const xs_addr *first_v6,
                xs_netinfo *net, char *err, size_t errlen)
{
    memset(net, 0, sizeof *net);
    bool src4 = false, src6 = false;
    if (o->source_ip && xs_parse_source_ips(o->source_ip, &src4, &net->src_ip, &src6, &net->src_ip6,
                                            err, errlen) < 0)
        return -XS_ERR_USAGE;
    if (o->router_mac && xs_parse_mac(o->router_mac, net->router_mac) < 0) {
        snprintf(err, errlen,
                 "invalid --router-mac \"%s\": give six hex bytes like 02:00:00:00:00:01",
                 o->router_mac);
        return -XS_ERR_USAGE;
    }
    memcpy(net->router_mac6, net->router_mac, 6); /* --router-mac is the next hop of both */
    if (o->interface && (!*o->interface || strlen(o->interface) >= IFNAMSIZ)) {
        snprintf(err, errlen, "invalid interface name \"%s\"", o->interface);
        return -XS_ERR_USAGE;
    }
    net->has_v4 = first_v4 != NULL;
    net->has_v6 = first_v6 != NULL;
    if (o->dry_run) {
        /* Nothing is sent: use what was given, placeholders for the rest. */
        snprintf(net->ifname, sizeof net->ifname, "%s", o->interface ? o->interface : "dry-run");
        return 0;
    }
    if (net->has_v4 && setup_v4(o, src4, xs_addr_v4(first_v4), net, err, errlen) < 0)
        return -1;
    if (net->has_v6 && setup_v6(o, src6, first_v6, net, err, errlen) < 0)
        return -1;
    return 0;
}
