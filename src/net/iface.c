/* Interface facts from the kernel: hardware address, IPv4 address, MTU. */
#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>
#include "xsweep/netinfo.h"

int xs_netinfo_iface(const char *ifname, uint8_t mac[6], uint32_t *ip, int *mtu, char *err,
                     size_t errlen)
{
    struct ifreq ifr;
    if (!ifname || !*ifname || strlen(ifname) >= sizeof ifr.ifr_name) {
        snprintf(err, errlen, "invalid interface name \"%s\"", ifname ? ifname : "");
        return -1;
    }
    int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        snprintf(err, errlen, "cannot query interface %s: %s", ifname, strerror(errno));
        return -1;
    }
    memset(&ifr, 0, sizeof ifr);
    snprintf(ifr.ifr_name, sizeof ifr.ifr_name, "%s", ifname);
    if (ioctl(fd, SIOCGIFHWADDR, &ifr) < 0) {
        snprintf(err, errlen, "cannot query interface %s: %s", ifname, strerror(errno));
        close(fd);
        return -1;
    }
    memcpy(mac, ifr.ifr_hwaddr.sa_data, 6); /* zeros on loopback and tun */

    memset(&ifr.ifr_ifru, 0, sizeof ifr.ifr_ifru);
    *ip = 0;
    if (ioctl(fd, SIOCGIFADDR, &ifr) == 0) {
        struct sockaddr_in sin;
        memcpy(&sin, &ifr.ifr_addr, sizeof sin);
        *ip = ntohl(sin.sin_addr.s_addr);
    } else if (errno != EADDRNOTAVAIL) {
        snprintf(err, errlen, "cannot read the address of %s: %s", ifname, strerror(errno));
        close(fd);
        return -1;
    }

    memset(&ifr.ifr_ifru, 0, sizeof ifr.ifr_ifru);
    if (ioctl(fd, SIOCGIFMTU, &ifr) < 0) {
        snprintf(err, errlen, "cannot read the MTU of %s: %s", ifname, strerror(errno));
        close(fd);
        return -1;
    }
    *mtu = ifr.ifr_mtu;
    close(fd);
    return 0;
}
