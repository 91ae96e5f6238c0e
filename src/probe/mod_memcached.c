/* Probe module "memcached": memcached: "version", one line back.
 * One file per protocol: the request, the conversation, the signature (xs_probe_module). */
#include <stdio.h>
#include <string.h>

#include "probe_internal.h"

static size_t request(const xs_addr *addr, uint16_t port, unsigned char *out, size_t cap)
{
    (void)addr;
    (void)port;
    return probe_put(out, cap, "version\r\n", 9);
}

const xs_probe_module xs_probe_mod_memcached = {
    .kind = XS_PROBE_MEMCACHED,
    .name = "memcached",
    .sends = "version",
    .learns = "version, auth",
    .request = request,
    .reply = NULL,
    .identify = xs_probe_parse_memcached,
};
