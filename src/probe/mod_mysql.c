/* Probe module "mysql": MySQL/MariaDB: the server greets first.
 * One file per protocol: the request, the conversation, the signature (xs_probe_module). */
#include <stdio.h>
#include <string.h>

#include "probe_internal.h"

const xs_probe_module xs_probe_mod_mysql = {
    .kind = XS_PROBE_MYSQL,
    .name = "mysql",
    .sends = "nothing: reads the greeting",
    .learns = "product, version, tls (CLIENT_SSL)",
    .request = NULL,
    .reply = NULL,
    .identify = xs_probe_parse_mysql,
};
