/* What the sender needs to know about the local network: interface, addresses, next-hop MAC. */
#ifndef XSWEEP_NETINFO_H
#define XSWEEP_NETINFO_H
#include <stddef.h>
#include <stdbool.h>
#include <stdint.h>

typedef struct {
    char     ifname[32];
    uint8_t  src_mac[6];
    uint32_t src_ip;       /* host order */
    uint8_t  router_mac[6];/* MAC of the next hop towards the targets */
    uint32_t next_hop;     /* gateway, or the first target when it is on-link */
    int      mtu;
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
int xs_netinfo_iface(const char *ifname, uint8_t mac[6], uint32_t *ip, int *mtu, char *err, size_t errlen);

/* Looks the next hop up in the kernel's neighbour table (netlink); when absent, sends ARP who-has
 * on ifname and waits up to timeout_ms for the reply, three times. An interface without a MAC
 * (all-zero src_mac: loopback, tun) needs none and gets all zeros. */
int xs_netinfo_resolve_mac(const char *ifname, uint32_t src_ip, const uint8_t src_mac[6],
                           uint32_t next_hop, uint8_t mac_out[6], int timeout_ms,
                           char *err, size_t errlen);
/* The kernel's neighbour entry for ip (on ifname, when given) with a link-layer address: 0 or -1. */
int xs_neigh_lookup(const char *ifname_or_null, uint32_t ip, uint8_t mac_out[6]);

/* "aa:bb:cc:dd:ee:ff" (or with '-'): 0, or -1 when it is not exactly six hex pairs. */
int xs_parse_mac(const char *s, uint8_t mac[6]);

#endif
