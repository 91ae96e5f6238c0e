/* Probe module "elasticsearch": GET / asking for JSON; the root document names the version.
 * One file per protocol: the request, the conversation, the signature (xs_probe_module). */
#include <stdio.h>
#include <string.h>

#include "probe_internal.h"

static size_t request(const xs_addr *addr, uint16_t port, unsigned char *out, size_t cap)
{
    char host[XS_ADDR_STRLEN + 2];
    xs_addr_format_host(addr, host); /* [2001:2::5] for IPv6 (RFC 7230 5.4) */
    int w = snprintf((char *)out, cap,
                     "GET / HTTP/1.1\r\nHost: %s:%u\r\nUser-Agent: xsweep/0.1\r\n"
                     "Accept: application/json\r\nConnection: close\r\n\r\n",
                     host, port);
    return (w > 0 && (size_t)w < cap) ? (size_t)w : 0;
}

const xs_probe_module xs_probe_mod_elasticsearch = {
    .kind = XS_PROBE_ELASTICSEARCH,
    .name = "elasticsearch",
    .sends = "GET / (Accept: application/json)",
    .learns = "version, auth",
    .request = request,
    .reply = NULL,
    .identify = xs_probe_parse_elasticsearch,
};
