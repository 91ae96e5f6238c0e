/* Next-hop MAC: the kernel's neighbour table first (neigh.c), ARP who-has on the interface second. */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include "net_internal.h"
#include "xsweep/clock.h"
#include "xsweep/netinfo.h"
#include "xsweep/bytes.h"

#define ARP_ATTEMPTS  3
#define ARP_FRAME_LEN 42 /* Ethernet 14 + ARP 28 */

static void build_request(uint8_t f[ARP_FRAME_LEN], uint32_t src_ip, const uint8_t src_mac[6],
                          uint32_t target)
{
    memset(f, 0, ARP_FRAME_LEN);
    memset(f, 0xff, 6); /* broadcast */
    memcpy(f + 6, src_mac, 6);
    xs_put_be16(f + 12, ETHERTYPE_ARP);
    uint8_t *a = f + 14;
    xs_put_be16(a, 1); /* Ethernet */
    xs_put_be16(a + 2, ETHERTYPE_IP);
    a[4] = 6;
    a[5] = 4;
    xs_put_be16(a + 6, 1); /* request */
    memcpy(a + 8, src_mac, 6);
    xs_put_be32(a + 14, src_ip);
    xs_put_be32(a + 24, target); /* target hardware address stays zero */
}

/* A reply from `target` carrying its MAC. */
static int parse_reply(const uint8_t *f, size_t len, uint32_t target, uint8_t mac_out[6])
{
    if (len < ARP_FRAME_LEN)
        return -1;
    const uint8_t *a = f + 14;
    uint32_t spa = (uint32_t)a[14] << 24 | (uint32_t)a[15] << 16 | (uint32_t)a[16] << 8 | a[17];
    if (f[12] != 0x08 || f[13] != 0x06 || a[0] != 0 || a[1] != 1 || a[2] != 0x08 || a[3] != 0 ||
        a[4] != 6 || a[5] != 4 || a[6] != 0 || a[7] != 2 || spa != target)
        return -1;
    memcpy(mac_out, a + 8, 6);
    return 0;
}

static int arp_who_has(const char *ifname, uint32_t src_ip, const uint8_t src_mac[6],
                       uint32_t target, uint8_t mac_out[6], int timeout_ms, char *err,
                       size_t errlen)
{
    unsigned ifindex = if_nametoindex(ifname);
    if (!ifindex) {
        snprintf(err, errlen, "cannot resolve the next hop on %s: %s", ifname, strerror(errno));
        return -1;
    }
    int fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, htons(ETHERTYPE_ARP));
    if (fd < 0) {
        snprintf(err, errlen, "cannot send ARP on %s: %s (needs CAP_NET_RAW, or give --router-mac)",
                 ifname, strerror(errno));
        return -1;
    }
    struct sockaddr_ll sll = {.sll_family = AF_PACKET,
                              .sll_protocol = htons(ETHERTYPE_ARP),
                              .sll_ifindex = (int)ifindex,
                              .sll_halen = 6};
    memset(sll.sll_addr, 0xff, 6);
    if (bind(fd, (struct sockaddr *)&sll, sizeof sll) < 0) {
        snprintf(err, errlen, "cannot send ARP on %s: %s", ifname, strerror(errno));
        close(fd);
        return -1;
    }
    uint8_t req[ARP_FRAME_LEN];
    build_request(req, src_ip, src_mac, target);
    for (int attempt = 0; attempt < ARP_ATTEMPTS; attempt++) {
        if (sendto(fd, req, sizeof req, 0, (struct sockaddr *)&sll, sizeof sll) < 0) {
            snprintf(err, errlen, "cannot send ARP on %s: %s", ifname, strerror(errno));
            close(fd);
            return -1;
        }
        int64_t deadline = (int64_t)(xs_now_ns() / 1000000) + timeout_ms;
        for (int64_t left = timeout_ms; left > 0;
             left = deadline - (int64_t)(xs_now_ns() / 1000000)) {
            struct pollfd pfd = {.fd = fd, .events = POLLIN};
            int r = poll(&pfd, 1, (int)left);
            if (r < 0 && errno != EINTR)
                break;
            if (r <= 0)
                continue;
            uint8_t buf[128];
            ssize_t n = recv(fd, buf, sizeof buf, MSG_DONTWAIT);
            if (n > 0 && parse_reply(buf, (size_t)n, target, mac_out) == 0) {
                close(fd);
                return 0;
            }
        }
    }
    close(fd);
    char ip[16];
    xs_net_ip_text(target, ip);
    snprintf(err, errlen, "no ARP reply from %s on %s after %d tries: give --router-mac", ip,
             ifname, ARP_ATTEMPTS);
    return -1;
}

int xs_netinfo_resolve_mac(const char *ifname, uint32_t src_ip, const uint8_t src_mac[6],
                           uint32_t next_hop, uint8_t mac_out[6], int timeout_ms, char *err,
                           size_t errlen)
{
    static const uint8_t zero[6];
    if (memcmp(src_mac, zero, 6) == 0) {
        memset(mac_out, 0, 6); /* no link-layer addresses on this interface */
        return 0;
    }
    if (xs_neigh_lookup(ifname, next_hop, mac_out) == 0)
        return 0;
    return arp_who_has(ifname, src_ip, src_mac, next_hop, mac_out, timeout_ms, err, errlen);
}
