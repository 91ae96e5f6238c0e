/* Probe module "mysql": MySQL/MariaDB: the server greets first.
 * One file per protocol: the request, the conversation, the signature (xs_probe_module). */
#include <stdio.h>
#include <string.h>

#include "probe_internal.h"

static xs_probe_step reply(unsigned *step, const unsigned char *in, size_t len, bool final,
                           xs_probe_info *info, unsigned char *out, size_t cap, size_t *out_len)
{
    (void)step; (void)out; (void)cap;
    *out_len = 0;
    return probe_single(xs_probe_parse_mysql, in, len, final, info);
}

const xs_probe_module xs_probe_mod_mysql = {
    .kind = XS_PROBE_MYSQL, .name = "mysql",
    .sends = "nothing: reads the greeting",
    .learns = "product, version, tls (CLIENT_SSL)",
    .request = NULL, .reply = reply, .identify = xs_probe_parse_mysql,
};
