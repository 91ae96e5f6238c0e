/* Neighbour look-up: the kernel's neighbour table over rtnetlink (RTM_GETNEIGH dump), an entry
 * counting when it holds a link-layer address (reachable, stale, delay, probe, permanent). */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/neighbour.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>
#include "net_internal.h"
#include "xsweep/netinfo.h"

#define NUD_HAS_LLADDR (NUD_REACHABLE | NUD_STALE | NUD_DELAY | NUD_PROBE | NUD_PERMANENT)

typedef struct {
    const struct nlattr *dst, *lladdr;
} neigh_attrs;

static int neigh_attr(const struct nlattr *a, void *data)
{
    neigh_attrs *n = data;
    if (mnl_attr_type_valid(a, NDA_MAX) < 0)
        return MNL_CB_OK;
    if (mnl_attr_get_type(a) == NDA_DST)
        n->dst = a;
    else if (mnl_attr_get_type(a) == NDA_LLADDR)
        n->lladdr = a;
    return MNL_CB_OK;
}

int xs_neigh_parse_entry(const struct nlmsghdr *nlh, void *data)
{
    xs_neigh_query *q = data;
    if (q->found || nlh->nlmsg_type != RTM_NEWNEIGH ||
        nlh->nlmsg_len < MNL_NLMSG_HDRLEN + sizeof(struct ndmsg))
        return MNL_CB_OK;
    const struct ndmsg *ndm = mnl_nlmsg_get_payload(nlh);
    if (ndm->ndm_family != (q->v6 ? AF_INET6 : AF_INET) || !(ndm->ndm_state & NUD_HAS_LLADDR) ||
        (q->ifindex && (unsigned)ndm->ndm_ifindex != q->ifindex))
        return MNL_CB_OK;
    neigh_attrs n = {0};
    if (mnl_attr_parse(nlh, sizeof *ndm, neigh_attr, &n) < 0 || !n.dst || !n.lladdr ||
        mnl_attr_get_payload_len(n.dst) != (q->v6 ? 16u : 4u) ||
        mnl_attr_get_payload_len(n.lladdr) != 6)
        return MNL_CB_OK;
    if (q->v6) {
        if (memcmp(mnl_attr_get_payload(n.dst), q->ip6, 16) != 0)
            return MNL_CB_OK;
    } else {
        uint32_t ip;
        memcpy(&ip, mnl_attr_get_payload(n.dst), 4);
        if (ntohl(ip) != q->ip)
            return MNL_CB_OK;
    }
    static const uint8_t zero[6];
    if (memcmp(mnl_attr_get_payload(n.lladdr), zero, 6) == 0)
        return MNL_CB_OK;
    memcpy(q->mac, mnl_attr_get_payload(n.lladdr), 6);
    q->found = true;
    return MNL_CB_OK; /* keep reading: the dump must be drained */
}

static int lookup(const char *ifname_or_null, xs_neigh_query q, uint8_t mac_out[6])
{
    if (ifname_or_null && !(q.ifindex = if_nametoindex(ifname_or_null)))
        return -1;
    char buf[MNL_SOCKET_BUFFER_SIZE];
    struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
    nlh->nlmsg_type = RTM_GETNEIGH;
    nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
    struct ndmsg *ndm = mnl_nlmsg_put_extra_header(nlh, sizeof *ndm);
    ndm->ndm_family = q.v6 ? AF_INET6 : AF_INET;
    char err[128];
    if (xs_netlink_exchange(nlh, xs_neigh_parse_entry, &q, err, sizeof err) < 0 || !q.found)
        return -1;
    memcpy(mac_out, q.mac, 6);
    return 0;
}

int xs_neigh_lookup(const char *ifname_or_null, uint32_t ip, uint8_t mac_out[6])
{
    return lookup(ifname_or_null, (xs_neigh_query){.ip = ip}, mac_out);
}

int xs_neigh_lookup6(const char *ifname_or_null, const xs_addr *ip, uint8_t mac_out[6])
{
    xs_neigh_query q = {.v6 = true};
    memcpy(q.ip6, ip->b, 16);
    return lookup(ifname_or_null, q, mac_out);
}
