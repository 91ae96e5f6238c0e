/* Probe module "redis": PING; INFO server only when PING needed no authentication.
 * One file per protocol: the request, the conversation, the signature (xs_probe_module). */
#include <stdio.h>
#include <string.h>

#include "probe_internal.h"

static size_t request(const xs_addr *addr, uint16_t port, unsigned char *out, size_t cap)
{
    (void)addr;
    (void)port;
    return probe_put(out, cap, "PING\r\n", 6);
}

static xs_probe_step reply(unsigned *step, const unsigned char *in, size_t len, bool final,
                           xs_probe_info *info, unsigned char *out, size_t cap, size_t *out_len)
{
    xs_probe_step st;
    *out_len = 0;
    if (*step == 0) {
        if (!probe_expect(xs_probe_parse_redis_ping, in, len, final, info, &st))
            return st;
        if (info->auth != XS_PROBE_AUTH_NONE)
            return XS_PROBE_STEP_DONE;
        return probe_send_next(step, "INFO server\r\n", out, cap, out_len);
    }
    return probe_last(xs_probe_parse_redis_info, in, len, final, info);
}

const xs_probe_module xs_probe_mod_redis = {
    .kind = XS_PROBE_REDIS,
    .name = "redis",
    .sends = "PING; INFO server only when PING needs no auth",
    .learns = "version, auth",
    .request = request,
    .reply = reply,
    .identify = xs_probe_parse_redis_ping,
};
