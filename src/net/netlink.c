/* One request/answer exchange with the kernel over rtnetlink (libmnl): route and neighbour
 * look-ups ask the kernel itself, so policy routing, every table and every state count. */
#include <errno.h>
#include <libmnl/libmnl.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "net_internal.h"

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
    char buf[32768];   /* the size the kernel recommends for dumps */
    int rc;
    do {
        ssize_t n = mnl_socket_recvfrom(nl, buf, sizeof buf);
        if (n < 0) {
            rc = -1;
            break;
        }
        rc = mnl_cb_run(buf, (size_t)n, req->nlmsg_seq, portid, on_msg, data);
    } while (rc > 0 && (req->nlmsg_flags & NLM_F_DUMP));   /* a dump goes on until NLMSG_DONE */
    int saved = errno;
    mnl_socket_close(nl);
    if (rc < 0) {
        errno = saved;
        snprintf(err, errlen, "netlink: %s", strerror(saved));
        return -1;
    }
    return 0;
}
