/* Probe module "postgresql": PostgreSQL: SSLRequest, one byte back (S or N).
 * One file per protocol: the request, the conversation, the signature (xs_probe_module). */
#include <stdio.h>
#include <string.h>

#include "probe_internal.h"

/* PostgreSQL SSLRequest: length 8, code 80877103. */
static const unsigned char pg_sslrequest[] = {0x00, 0x00, 0x00, 0x08, 0x04, 0xd2, 0x16, 0x2f};

static size_t request(const xs_addr *addr, uint16_t port, unsigned char *out, size_t cap)
{
    (void)addr;
    (void)port;
    return probe_put(out, cap, pg_sslrequest, sizeof pg_sslrequest);
}

const xs_probe_module xs_probe_mod_postgresql = {
    .kind = XS_PROBE_POSTGRES,
    .name = "postgresql",
    .sends = "SSLRequest",
    .learns = "tls",
    .request = request,
    .reply = NULL,
    .identify = xs_probe_parse_postgres,
};
