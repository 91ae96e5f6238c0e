/* Helpers shared by the route and neighbour look-ups (src/net only). */
#ifndef XSWEEP_NET_INTERNAL_H
#define XSWEEP_NET_INTERNAL_H
#include <libmnl/libmnl.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "xsweep/addr.h"

/* Sends req (its length, type and flags set; seq is filled in) and runs on_msg on every answer
 * until the kernel is done. 0, or -1 with one line in err (errno kept). */
int xs_netlink_exchange(struct nlmsghdr *req, mnl_cb_t on_msg, void *data, char *err,
                        size_t errlen);

/* Callbacks over one answer message, exposed for the unit tests. */
typedef struct {
    uint32_t ip; /* host order */
    bool v6;     /* look for ip6 (AF_INET6 entries) instead */
    uint8_t ip6[16];
    unsigned ifindex; /* 0: any interface */
    bool found;
    uint8_t mac[6];
} xs_neigh_query;
int xs_neigh_parse_entry(const struct nlmsghdr *nlh, void *query);

/* What the kernel's route towards one address says besides the interface. */
typedef struct {
    bool has_gateway, has_prefsrc; /* false: on-link / no preferred source */
    xs_addr gateway, prefsrc;
} xs_route_hop;
/* The kernel's route to `towards` (either family; RTM_GETROUTE): the outgoing interface's name and
 * hop. With ifname given the route must leave by it; when the kernel has none there, the target
 * is taken to be on-link (no gateway). 0, or -1 with one line in err. */
int xs_netlink_route(const char *ifname_or_null, const xs_addr *towards, char ifname_out[32],
                     xs_route_hop *hop, char *err, size_t errlen);

/* "a.b.c.d" of a host-order address. */
void xs_net_ip_text(uint32_t ip, char out[16]);

#endif
