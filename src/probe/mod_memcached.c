/* Probe module "memcached": memcached: "version", one line back.
 * One file per protocol: the request, the conversation, the signature (xs_probe_module). */
#include <stdio.h>
#include <string.h>

#include "probe_internal.h"

static size_t request(const xs_addr *addr, uint16_t port, unsigned char *out, size_t cap)
{
    (void)addr; (void)port;
    return probe_put(out, cap, "version\r\n", 9);
}

static xs_probe_step reply(unsigned *step, const unsigned char *in, size_t len, bool final,
                           xs_probe_info *info, unsigned char *out, size_t cap, size_t *out_len)
{
    (void)step; (void)out; (void)cap;
    *out_len = 0;
    return probe_single(xs_probe_parse_memcached, in, len, final, info);
}

const xs_probe_module xs_probe_mod_memcached = {
    .kind = XS_PROBE_MEMCACHED, .name = "memcached",
    .sends = "version",
    .learns = "version, auth",
    .request = request, .reply = reply, .identify = xs_probe_parse_memcached,
};
