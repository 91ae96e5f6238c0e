/* Probe module "banner": sends nothing; names what the server says first (xs_probe_identify).
 * One file per protocol: the request, the conversation, the signature (xs_probe_module). */
#include <stdio.h>
#include <string.h>

#include "probe_internal.h"

const xs_probe_module xs_probe_mod_banner = {
    .kind = XS_PROBE_BANNER,
    .name = "banner",
    .sends = "nothing: reads what the server says first",
    .learns = "protocol by signature",
    .request = NULL,
    .reply = NULL,
    .identify = xs_probe_identify,
};
