/* IPv6 next-hop MAC: the kernel's neighbour table first; when it has no entry, one UDP datagram
 * to the target makes the kernel run neighbour discovery (RFC 4861) for the next hop on that
 * route, and the table is read again, within a bounded wait. The kernel speaks ND itself, so
 * this needs no raw socket and answers exactly what its own traffic would use. */
#include <errno.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include "xsweep/netinfo.h"

#define ND_ATTEMPTS  3
#define ND_POLL_MS   20
#define DISCARD_PORT 9 /* RFC 863: whatever answers there, nothing is asked of it */

static void sleep_ms(int ms)
{
    struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

/* One datagram towards target, leaving by ifname: the kernel resolves the next hop for it. */
static int solicit(const char *ifname, const xs_addr *target, char *err, size_t errlen)
{
    int fd = socket(AF_INET6, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        snprintf(err, errlen, "cannot resolve the IPv6 next hop on %s: %s", ifname,
                 strerror(errno));
        return -1;
    }
    struct sockaddr_in6 sin6 = {.sin6_family = AF_INET6, .sin6_port = htons(DISCARD_PORT)};
    memcpy(sin6.sin6_addr.s6_addr, target->b, 16);
    if (target->b[0] == 0xfe && (target->b[1] & 0xc0) == 0x80)
        sin6.sin6_scope_id = if_nametoindex(ifname); /* link-local: on the named link */
    (void)setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, ifname, (socklen_t)strlen(ifname));
    static const char probe = 0;
    ssize_t n = sendto(fd, &probe, 1, MSG_DONTWAIT, (struct sockaddr *)&sin6, sizeof sin6);
    int saved = errno;
    close(fd);
    /* EAGAIN/EHOSTUNREACH are what an unresolved neighbour looks like: keep waiting. */
    if (n < 0 && saved != EAGAIN && saved != EHOSTUNREACH && saved != ENOBUFS) {
        snprintf(err, errlen, "cannot resolve the IPv6 next hop on %s: %s", ifname,
                 strerror(saved));
        return -1;
    }
    return 0;
}

int xs_netinfo_resolve_mac6(const char *ifname, const uint8_t src_mac[6], const xs_addr *next_hop,
                            const xs_addr *target, uint8_t mac_out[6], int timeout_ms, char *err,
                            size_t errlen)
{
    static const uint8_t zero[6];
    if (memcmp(src_mac, zero, 6) == 0) {
        memset(mac_out, 0, 6); /* no link-layer addresses on this interface */
        return 0;
    }
    if (xs_neigh_lookup6(ifname, next_hop, mac_out) == 0)
        return 0;
    for (int attempt = 0; attempt < ND_ATTEMPTS; attempt++) {
        if (solicit(ifname, target, err, errlen) < 0)
            return -1;
        for (int waited = 0; waited < timeout_ms; waited += ND_POLL_MS) {
            sleep_ms(ND_POLL_MS);
            if (xs_neigh_lookup6(ifname, next_hop, mac_out) == 0)
                return 0;
        }
    }
    char hop[XS_ADDR_STRLEN];
    xs_addr_format(next_hop, hop);
    snprintf(err, errlen,
             "no neighbour advertisement from %s on %s after %d tries: give --router-mac", hop,
             ifname, ND_ATTEMPTS);
    return -1;
}
