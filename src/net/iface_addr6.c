/* An interface's global IPv6 address, from the kernel's address list (RTM_GETADDR dump): the
 * source for IPv6 probes when neither --source-ip nor the route names one. Addresses still in
 * duplicate address detection, failed it, or deprecated are not used: replies could not reach
 * them, or should not. */
#include <linux/if_addr.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>
#include "net_internal.h"
#include "xsweep/netinfo.h"

#define UNUSABLE (IFA_F_TENTATIVE | IFA_F_DADFAILED | IFA_F_DEPRECATED)

typedef struct {
    unsigned ifindex;
    bool link_local; /* wanted: a link-local address (fe80::/10 targets) */
    bool found;
    uint8_t addr[16];
} addr6_query;

typedef struct {
    const struct nlattr *address, *flags;
} addr_attrs;

static int addr_attr(const struct nlattr *a, void *data)
{
    addr_attrs *n = data;
    if (mnl_attr_type_valid(a, IFA_MAX) < 0)
        return MNL_CB_OK;
    if (mnl_attr_get_type(a) == IFA_ADDRESS)
        n->address = a;
    else if (mnl_attr_get_type(a) == IFA_FLAGS)
        n->flags = a;
    return MNL_CB_OK;
}

static int addr6_entry(const struct nlmsghdr *nlh, void *data)
{
    addr6_query *q = data;
    if (q->found || nlh->nlmsg_type != RTM_NEWADDR ||
        nlh->nlmsg_len < MNL_NLMSG_HDRLEN + sizeof(struct ifaddrmsg))
        return MNL_CB_OK;
    const struct ifaddrmsg *ifa = mnl_nlmsg_get_payload(nlh);
    if (ifa->ifa_family != AF_INET6 || ifa->ifa_index != q->ifindex)
        return MNL_CB_OK;
    if (ifa->ifa_scope != (q->link_local ? RT_SCOPE_LINK : RT_SCOPE_UNIVERSE))
        return MNL_CB_OK;
    addr_attrs n = {0};
    if (mnl_attr_parse(nlh, sizeof *ifa, addr_attr, &n) < 0 || !n.address ||
        mnl_attr_get_payload_len(n.address) != 16)
        return MNL_CB_OK;
    uint32_t flags = ifa->ifa_flags;
    if (n.flags && mnl_attr_get_payload_len(n.flags) == 4)
        flags = mnl_attr_get_u32(n.flags); /* the 32-bit flags, when the kernel sends them */
    if (flags & UNUSABLE)
        return MNL_CB_OK;
    memcpy(q->addr, mnl_attr_get_payload(n.address), 16);
    q->found = true;
    return MNL_CB_OK; /* the dump must still be drained */
}

int xs_netinfo_iface_addr6(const char *ifname, bool link_local, xs_addr *out, char *err,
                           size_t errlen)
{
    addr6_query q = {.ifindex = if_nametoindex(ifname), .link_local = link_local};
    if (!q.ifindex) {
        snprintf(err, errlen, "no interface %s", ifname);
        return -1;
    }
    char buf[MNL_SOCKET_BUFFER_SIZE];
    struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
    nlh->nlmsg_type = RTM_GETADDR;
    nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
    struct ifaddrmsg *ifa = mnl_nlmsg_put_extra_header(nlh, sizeof *ifa);
    ifa->ifa_family = AF_INET6;
    if (xs_netlink_exchange(nlh, addr6_entry, &q, err, errlen) < 0)
        return -1;
    if (!q.found) {
        snprintf(err, errlen, "interface %s has no usable %s IPv6 address: give --source-ip",
                 ifname, link_local ? "link-local" : "global");
        return -1;
    }
    *out = xs_addr_from_v6(q.addr);
    return 0;
}
