/* What the sender needs to know about the local network: interface, addresses, next-hop MAC. */
#ifndef XSWEEP_NETINFO_H
#define XSWEEP_NETINFO_H
#include <stddef.h>
#include <stdbool.h>
#include <stdint.h>
#include "xsweep/addr.h"

typedef struct {
    char ifname[32];
    uint8_t src_mac[6];
    uint32_t src_ip;       /* host order */
    uint8_t router_mac[6]; /* MAC of the next hop towards the targets */
    uint32_t next_hop;     /* gateway, or the first target when it is on-link */
    int mtu;
    /* Which families the scan sends; IPv6 has its own source, next hop and MAC (the router of
     * one family need not be the other's). Both leave by ifname. */
    bool has_v4, has_v6;
    xs_addr src_ip6;
    xs_addr next_hop6;
    uint8_t router_mac6[6];
} xs_netinfo;

/* All functions return 0 or -1 with one line of explanation in err (no trailing newline).
 * Addresses are in host order. */

/* Asks the kernel for its route to `towards` (RTM_GETROUTE over netlink: policy rules and every
 * table count): the outgoing interface, the gateway (0 when on-link) and the preferred source
 * address (0 when the route names none). With ifname given, the route must leave by it; when the
 * kernel has none there, the target is taken to be on-link (gateway 0). */
int xs_netinfo_route(const char *ifname_or_null, uint32_t towards, char ifname_out[32],
                     uint32_t *gateway_out, uint32_t *prefsrc_out, char *err, size_t errlen);

/* MAC, IPv4 address (0 when it has none) and MTU of an interface. */
int xs_netinfo_iface(const char *ifname, uint8_t mac[6], uint32_t *ip, int *mtu, char *err,
                     size_t errlen);

/* Looks the next hop up in the kernel's neighbour table (netlink); when absent, sends ARP who-has
 * on ifname and waits up to timeout_ms for the reply, three times. An interface without a MAC
 * (all-zero src_mac: loopback, tun) needs none and gets all zeros. */
int xs_netinfo_resolve_mac(const char *ifname, uint32_t src_ip, const uint8_t src_mac[6],
                           uint32_t next_hop, uint8_t mac_out[6], int timeout_ms, char *err,
                           size_t errlen);
/* The kernel's neighbour entry for ip (on ifname, when given) with a link-layer address: 0 or -1. */
int xs_neigh_lookup(const char *ifname_or_null, uint32_t ip, uint8_t mac_out[6]);

/* ---- IPv6 ---- */
/* The kernel's route to an IPv6 address: interface, gateway and the source address it would pick
 * (each flagged when present). With ifname given and no route there: on-link, as for IPv4. */
int xs_netinfo_route6(const char *ifname_or_null, const xs_addr *towards, char ifname_out[32],
                      bool *has_gateway, xs_addr *gateway_out, bool *has_prefsrc,
                      xs_addr *prefsrc_out, char *err, size_t errlen);
/* The interface's first usable global (or, link_local, link-local) IPv6 address (netlink). */
int xs_netinfo_iface_addr6(const char *ifname, bool link_local, xs_addr *out, char *err,
                           size_t errlen);
/* The neighbour table's entry for an IPv6 address: 0 or -1. */
int xs_neigh_lookup6(const char *ifname_or_null, const xs_addr *ip, uint8_t mac_out[6]);
/* Next-hop MAC for IPv6: the neighbour table, else one UDP datagram to target (the kernel then
 * runs neighbour discovery) and the table again, up to timeout_ms, three times. */
int xs_netinfo_resolve_mac6(const char *ifname, const uint8_t src_mac[6], const xs_addr *next_hop,
                            const xs_addr *target, uint8_t mac_out[6], int timeout_ms, char *err,
                            size_t errlen);

/* "aa:bb:cc:dd:ee:ff" (or with '-'): 0, or -1 when it is not exactly six hex pairs. */
int xs_parse_mac(const char *s, uint8_t mac[6]);

#endif
