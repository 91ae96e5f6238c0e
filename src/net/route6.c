/* IPv6 route look-up: RTM_GETROUTE for AF_INET6, the kernel's own answer as `ip -6 route get`
 * gives it (outgoing interface, gateway, and the source address it would choose). */
#include <errno.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>
#include "net_internal.h"
#include "xsweep/netinfo.h"

typedef struct {
    bool     found;
    unsigned oif;
    bool     has_gateway, has_prefsrc;
    uint8_t  gateway[16], prefsrc[16];
    uint8_t  type;
} route6_answer;

static int route6_attr(const struct nlattr *a, void *data)
{
    route6_answer *r = data;
    if (mnl_attr_type_valid(a, RTA_MAX) < 0)
        return MNL_CB_OK;
    switch (mnl_attr_get_type(a)) {
    case RTA_OIF:
        if (mnl_attr_validate(a, MNL_TYPE_U32) == 0)
            r->oif = mnl_attr_get_u32(a);
        break;
    case RTA_GATEWAY:
        if (mnl_attr_get_payload_len(a) == 16) {
            memcpy(r->gateway, mnl_attr_get_payload(a), 16);
            r->has_gateway = true;
        }
        break;
    case RTA_PREFSRC:
        if (mnl_attr_get_payload_len(a) == 16) {
            memcpy(r->prefsrc, mnl_attr_get_payload(a), 16);
            r->has_prefsrc = true;
        }
        break;
    }
    return MNL_CB_OK;
}

static int route6_parse_answer(const struct nlmsghdr *nlh, void *data)
{
    route6_answer *r = data;
    if (nlh->nlmsg_type != RTM_NEWROUTE || nlh->nlmsg_len < MNL_NLMSG_HDRLEN + sizeof(struct rtmsg))
        return MNL_CB_OK;
    const struct rtmsg *rtm = mnl_nlmsg_get_payload(nlh);
    if (rtm->rtm_family != AF_INET6)
        return MNL_CB_OK;
    r->found = true;
    r->type = rtm->rtm_type;
    return mnl_attr_parse(nlh, sizeof *rtm, route6_attr, r);
}

int xs_netinfo_route6(const char *ifname_or_null, const xs_addr *towards, char ifname_out[32],
                      bool *has_gateway, xs_addr *gateway_out, bool *has_prefsrc,
                      xs_addr *prefsrc_out, char *err, size_t errlen)
{
    unsigned forced = 0;
    if (ifname_or_null && !(forced = if_nametoindex(ifname_or_null))) {
        snprintf(err, errlen, "no interface %s: %s", ifname_or_null, strerror(errno));
        return -1;
    }
    char buf[MNL_SOCKET_BUFFER_SIZE];
    struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
    nlh->nlmsg_type = RTM_GETROUTE;
    nlh->nlmsg_flags = NLM_F_REQUEST;
    struct rtmsg *rtm = mnl_nlmsg_put_extra_header(nlh, sizeof *rtm);
    rtm->rtm_family = AF_INET6;
    rtm->rtm_dst_len = 128;
    mnl_attr_put(nlh, RTA_DST, 16, towards->b);
    if (forced)
        mnl_attr_put_u32(nlh, RTA_OIF, forced);
    route6_answer r = {0};
    char nlerr[128];
    int rc = xs_netlink_exchange(nlh, route6_parse_answer, &r, nlerr, sizeof nlerr);
    bool usable = rc == 0 && r.found && r.oif && (r.type == RTN_UNICAST || r.type == RTN_LOCAL);
    *has_gateway = *has_prefsrc = false;
    if (!usable) {
        if (forced) {   /* as for IPv4: the operator chose the link, the targets are on it */
            snprintf(ifname_out, 32, "%s", ifname_or_null);
            return 0;
        }
        char ip[XS_ADDR_STRLEN];
        xs_addr_format(towards, ip);
        if (rc == 0 || errno == ENETUNREACH || errno == EHOSTUNREACH)
            snprintf(err, errlen, "no route to %s: give the interface with -i", ip);
        else
            snprintf(err, errlen, "cannot look up the route to %s: %s", ip, nlerr);
        return -1;
    }
    char name[IF_NAMESIZE];
    if (!if_indextoname(r.oif, name)) {
        snprintf(err, errlen, "route look-up: interface %u: %s", r.oif, strerror(errno));
        return -1;
    }
    snprintf(ifname_out, 32, "%s", name);
    if ((*has_gateway = r.has_gateway))
        *gateway_out = xs_addr_from_v6(r.gateway);
    if ((*has_prefsrc = r.has_prefsrc))
        *prefsrc_out = xs_addr_from_v6(r.prefsrc);
    return 0;
}
