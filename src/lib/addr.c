/* Text and socket forms of xs_addr (include/xsweep/addr.h). */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include "xsweep/addr.h"
#include "xsweep/targets.h"

void xs_addr_format(const xs_addr *a, char out[XS_ADDR_STRLEN])
{
    if (xs_addr_is_v4(a)) {
        xs_format_ipv4(xs_addr_v4(a), out);
        return;
    }
    if (!inet_ntop(AF_INET6, a->b, out, XS_ADDR_STRLEN))
        snprintf(out, XS_ADDR_STRLEN, "?");
}

void xs_addr_format_host(const xs_addr *a, char out[XS_ADDR_STRLEN + 2])
{
    char text[XS_ADDR_STRLEN];
    xs_addr_format(a, text);
    if (xs_addr_is_v4(a))
        snprintf(out, XS_ADDR_STRLEN + 2, "%s", text);
    else
        snprintf(out, XS_ADDR_STRLEN + 2, "[%s]", text);
}

bool xs_addr_parse(const char *s, xs_addr *out)
{
    uint32_t ip;
    if (!s)
        return false;
    if (xs_parse_ipv4(s, &ip)) {
        *out = xs_addr_from_v4(ip);
        return true;
    }
    struct in6_addr in6;
    if (inet_pton(AF_INET6, s, &in6) != 1)
        return false;
    *out = xs_addr_from_v6(in6.s6_addr);
    return true;
}

socklen_t xs_addr_to_sockaddr(const xs_addr *a, uint16_t port, struct sockaddr_storage *ss)
{
    memset(ss, 0, sizeof *ss);
    if (xs_addr_is_v4(a)) {
        struct sockaddr_in *sin = (struct sockaddr_in *)ss;
        sin->sin_family = AF_INET;
        sin->sin_port = htons(port);
        sin->sin_addr.s_addr = htonl(xs_addr_v4(a));
        return sizeof *sin;
    }
    struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)ss;
    sin6->sin6_family = AF_INET6;
    sin6->sin6_port = htons(port);
    memcpy(sin6->sin6_addr.s6_addr, a->b, 16);
    return sizeof *sin6;
}

bool xs_addr_from_sockaddr(const struct sockaddr *sa, xs_addr *out, uint16_t *port_out)
{
    if (sa->sa_family == AF_INET) {
        const struct sockaddr_in *sin = (const struct sockaddr_in *)sa;
        *out = xs_addr_from_v4(ntohl(sin->sin_addr.s_addr));
        if (port_out)
            *port_out = ntohs(sin->sin_port);
        return true;
    }
    if (sa->sa_family == AF_INET6) {
        const struct sockaddr_in6 *sin6 = (const struct sockaddr_in6 *)sa;
        *out = xs_addr_from_v6(sin6->sin6_addr.s6_addr);
        if (port_out)
            *port_out = ntohs(sin6->sin6_port);
        return true;
    }
    return false;
}

const char *xs_addr_family_name(const xs_addr *a)
{
    return xs_addr_is_v4(a) ? "ipv4" : "ipv6";
}
