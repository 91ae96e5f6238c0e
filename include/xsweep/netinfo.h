/* What the sender needs to know about the local network: interface, addresses, next-hop MAC. */
#ifndef XSWEEP_NETINFO_H
#define XSWEEP_NETINFO_H
#include <stddef.h>
#include <stdint.h>

typedef struct {
    char     ifname[32];
    uint8_t  src_mac[6];
    uint32_t src_ip;       /* host order */
    uint8_t  router_mac[6];/* MAC of the next hop towards the targets */
    uint32_t next_hop;     /* gateway, or the first target when it is on-link */
    int      mtu;
} xs_netinfo;

/* Finds the route to `towards` in /proc/net/route (longest prefix), unless ifname is given. */
int xs_netinfo_route(const char *ifname_or_null, uint32_t towards, char ifname_out[32],
                     uint32_t *gateway_out, char *err, size_t errlen);
int xs_netinfo_iface(const char *ifname, uint8_t mac[6], uint32_t *ip, int *mtu, char *err, size_t errlen);
/* Looks the next hop up in the neighbour table; when absent, sends ARP requests on ifname and waits
 * up to timeout_ms for the reply. */
int xs_netinfo_resolve_mac(const char *ifname, uint32_t src_ip, const uint8_t src_mac[6],
                           uint32_t next_hop, uint8_t mac_out[6], int timeout_ms,
                           char *err, size_t errlen);
int xs_parse_mac(const char *s, uint8_t mac[6]);

#endif
