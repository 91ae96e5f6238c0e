/* One request/answer exchange with the kernel over rtnetlink (libmnl): route and neighbour
 * look-ups ask the kernel itself, so policy routing, every table and every state count. The route
 * look-up of both families is here too: one request and one answer walk, the family's address
 * length aside. */
#include <arpa/inet.h>
#include <errno.h>
#include <libmnl/libmnl.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "net_internal.h"
#include "xsweep/addr.h"

int xs_netlink_exchange(struct nlmsghdr *req, mnl_cb_t on_msg, void *data, char *err, size_t errlen)
{
    struct mnl_socket *nl = mnl_socket_open2(NETLINK_ROUTE, SOCK_CLOEXEC);
    if (!nl) {
        snprintf(err, errlen, "cannot open a netlink socket: %s", strerror(errno));
        return -1;
    }
    if (mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0) {
        snprintf(err, errlen, "cannot bind a netlink socket: %s", strerror(errno));
        mnl_socket_close(nl);
        return -1;
    }
    unsigned portid = mnl_socket_get_portid(nl);
    req->nlmsg_seq = (unsigned)time(NULL);
    if (mnl_socket_sendto(nl, req, req->nlmsg_len) < 0) {
        snprintf(err, errlen, "cannot send a netlink request: %s", strerror(errno));
        mnl_socket_close(nl);
        return -1;
    }
    char buf[32768]; /* the size the kernel recommends for dumps */
    int rc;
    do {
        ssize_t n = mnl_socket_recvfrom(nl, buf, sizeof buf);
        if (n < 0) {
            rc = -1;
            break;
        }
        rc = mnl_cb_run(buf, (size_t)n, req->nlmsg_seq, portid, on_msg, data);
    } while (rc > 0 && (req->nlmsg_flags & NLM_F_DUMP)); /* a dump goes on until NLMSG_DONE */
    int saved = errno;
    mnl_socket_close(nl);
    if (rc < 0) {
        errno = saved;
        snprintf(err, errlen, "netlink: %s", strerror(saved));
        return -1;
    }
    return 0;
}

/* ---- the route look-up of both families (RTM_GETROUTE, what `ip route get` asks) ---- */
typedef struct {
    int family;
    size_t alen; /* 4 or 16: the family's address length */
    bool found;
    unsigned oif;
    uint8_t type;
    bool has_gateway, has_prefsrc;
    uint8_t gateway[16], prefsrc[16]; /* network order */
} route_answer;

static int route_attr(const struct nlattr *a, void *data)
{
    route_answer *r = data;
    if (mnl_attr_type_valid(a, RTA_MAX) < 0)
        return MNL_CB_OK;
    uint16_t type = mnl_attr_get_type(a);
    if (type == RTA_OIF) {
        if (mnl_attr_validate(a, MNL_TYPE_U32) == 0)
            r->oif = mnl_attr_get_u32(a);
    } else if ((type == RTA_GATEWAY || type == RTA_PREFSRC) &&
               mnl_attr_get_payload_len(a) == r->alen) {
        memcpy(type == RTA_GATEWAY ? r->gateway : r->prefsrc, mnl_attr_get_payload(a), r->alen);
        *(type == RTA_GATEWAY ? &r->has_gateway : &r->has_prefsrc) = true;
    }
    return MNL_CB_OK;
}

static int route_answer_msg(const struct nlmsghdr *nlh, void *data)
{
    route_answer *r = data;
    if (nlh->nlmsg_type != RTM_NEWROUTE || nlh->nlmsg_len < MNL_NLMSG_HDRLEN + sizeof(struct rtmsg))
        return MNL_CB_OK;
    const struct rtmsg *rtm = mnl_nlmsg_get_payload(nlh);
    if (rtm->rtm_family != r->family)
        return MNL_CB_OK;
    r->found = true;
    r->type = rtm->rtm_type;
    return mnl_attr_parse(nlh, sizeof *rtm, route_attr, r);
}

static xs_addr answer_addr(const route_answer *r, const uint8_t *b)
{
    if (r->family == AF_INET6)
        return xs_addr_from_v6(b);
    uint32_t ip;
    memcpy(&ip, b, 4);
    return xs_addr_from_v4(ntohl(ip));
}

int xs_netlink_route(const char *ifname_or_null, const xs_addr *towards, char ifname_out[32],
                     xs_route_hop *hop, char *err, size_t errlen)
{
    hop->has_gateway = hop->has_prefsrc = false;
    unsigned forced = 0;
    if (ifname_or_null && !(forced = if_nametoindex(ifname_or_null))) {
        snprintf(err, errlen, "no interface %s: %s", ifname_or_null, strerror(errno));
        return -1;
    }
    bool v4 = xs_addr_is_v4(towards);
    route_answer r = {.family = v4 ? AF_INET : AF_INET6, .alen = v4 ? 4 : 16};
    char buf[MNL_SOCKET_BUFFER_SIZE];
    struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
    nlh->nlmsg_type = RTM_GETROUTE;
    nlh->nlmsg_flags = NLM_F_REQUEST;
    struct rtmsg *rtm = mnl_nlmsg_put_extra_header(nlh, sizeof *rtm);
    rtm->rtm_family = (unsigned char)r.family;
    rtm->rtm_dst_len = (unsigned char)(r.alen * 8);
    mnl_attr_put(nlh, RTA_DST, r.alen, v4 ? towards->b + 12 : towards->b);
    if (forced)
        mnl_attr_put_u32(nlh, RTA_OIF, forced);
    char nlerr[128];
    int rc = xs_netlink_exchange(nlh, route_answer_msg, &r, nlerr, sizeof nlerr);
    bool usable = rc == 0 && r.found && r.oif && (r.type == RTN_UNICAST || r.type == RTN_LOCAL);
    if (!usable) {
        if (forced) {
            /* The operator chose the interface: targets without a route on it are on-link. */
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
    if ((hop->has_gateway = r.has_gateway))
        hop->gateway = answer_addr(&r, r.gateway);
    if ((hop->has_prefsrc = r.has_prefsrc))
        hop->prefsrc = answer_addr(&r, r.prefsrc);
    return 0;
}
