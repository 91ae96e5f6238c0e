/* Route look-up: the kernel's own answer to "how would you send to this address" (RTM_GETROUTE,
 * what `ip route get` asks), so policy rules and every routing table count, not just main. */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>
#include "net_internal.h"
#include "xsweep/netinfo.h"

void xs_net_ip_text(uint32_t ip, char out[16])
{
    snprintf(out, 16, "%u.%u.%u.%u", ip >> 24, (ip >> 16) & 255, (ip >> 8) & 255, ip & 255);
}

typedef struct {
    bool     found;
    unsigned oif;
    uint32_t gateway, prefsrc;   /* host order, 0 when absent */
    uint8_t  type;
} route_answer;

static int route_attr(const struct nlattr *a, void *data)
{
    route_answer *r = data;
    if (mnl_attr_type_valid(a, RTA_MAX) < 0)
        return MNL_CB_OK;
    switch (mnl_attr_get_type(a)) {
    case RTA_OIF:
        if (mnl_attr_validate(a, MNL_TYPE_U32) == 0)
            r->oif = mnl_attr_get_u32(a);
        break;
    case RTA_GATEWAY:
        if (mnl_attr_validate(a, MNL_TYPE_U32) == 0)
            r->gateway = ntohl(mnl_attr_get_u32(a));
        break;
    case RTA_PREFSRC:
        if (mnl_attr_validate(a, MNL_TYPE_U32) == 0)
            r->prefsrc = ntohl(mnl_attr_get_u32(a));
        break;
    }
    return MNL_CB_OK;
}

int xs_route_parse_answer(const struct nlmsghdr *nlh, void *data)
{
    route_answer *r = data;
    if (nlh->nlmsg_type != RTM_NEWROUTE || nlh->nlmsg_len < MNL_NLMSG_HDRLEN + sizeof(struct rtmsg))
        return MNL_CB_OK;
    const struct rtmsg *rtm = mnl_nlmsg_get_payload(nlh);
    if (rtm->rtm_family != AF_INET)
        return MNL_CB_OK;
    r->found = true;
    r->type = rtm->rtm_type;
    return mnl_attr_parse(nlh, sizeof *rtm, route_attr, r);
}

int xs_netinfo_route(const char *ifname_or_null, uint32_t towards, char ifname_out[32],
                     uint32_t *gateway_out, uint32_t *prefsrc_out, char *err, size_t errlen)
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
    rtm->rtm_family = AF_INET;
    rtm->rtm_dst_len = 32;
    mnl_attr_put_u32(nlh, RTA_DST, htonl(towards));
    if (forced)
        mnl_attr_put_u32(nlh, RTA_OIF, forced);
    route_answer r = {0};
    char nlerr[128];
    int rc = xs_netlink_exchange(nlh, xs_route_parse_answer, &r, nlerr, sizeof nlerr);
    bool usable = rc == 0 && r.found && r.oif &&
                  (r.type == RTN_UNICAST || r.type == RTN_LOCAL);
    if (!usable) {
        if (forced) {
            /* The operator chose the interface: targets without a route on it are on-link. */
            snprintf(ifname_out, 32, "%s", ifname_or_null);
            *gateway_out = 0;
            *prefsrc_out = 0;
            return 0;
        }
        char ip[16];
        xs_net_ip_text(towards, ip);
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
    *gateway_out = r.gateway;
    *prefsrc_out = r.prefsrc;
    return 0;
}
