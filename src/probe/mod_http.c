/* Probe module "http / tls": not held here: the HTTP stage GETs the endpoint (plain first, or over
 * TLS) and the stage identifies the bytes it got.
 * One file per protocol: the request, the conversation, the signature (xs_probe_module). */
#include <stdio.h>
#include <string.h>

#include "probe_internal.h"

const xs_probe_module xs_probe_mod_http = {
    .kind = XS_PROBE_HTTP_STAGE,
    .name = "http",
    .sends = "the HTTP stage's GET, plain first",
    .learns = "status, title, headers, tech",
    .request = NULL,
    .reply = NULL,
    .identify = xs_probe_identify,
};

const xs_probe_module xs_probe_mod_tls = {
    .kind = XS_PROBE_TLS,
    .name = "tls",
    .sends = "the HTTP stage over TLS; bytes inside identified",
    .learns = "certificate, inner protocol",
    .request = NULL,
    .reply = NULL,
    .identify = xs_probe_identify,
};
