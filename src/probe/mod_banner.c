/* Probe module "banner": sends nothing; names what the server says first (xs_probe_identify).
 * One file per protocol: the request, the conversation, the signature (xs_probe_module). */
#include <stdio.h>
#include <string.h>

#include "probe_internal.h"

static xs_probe_step passive(unsigned *step, const unsigned char *in, size_t len, bool final,
                             xs_probe_info *info, unsigned char *out, size_t cap, size_t *out_len)
{
    (void)step; (void)out; (void)cap;
    *out_len = 0;
    return probe_fallback(in, len, final, info);
}

const xs_probe_module xs_probe_mod_banner = {
    .kind = XS_PROBE_BANNER, .name = "banner",
    .sends = "nothing: reads what the server says first",
    .learns = "protocol by signature",
    .request = NULL, .reply = passive, .identify = xs_probe_identify,
};
