/* Probe module "mssql": MSSQL: TDS PRELOGIN.
 * One file per protocol: the request, the conversation, the signature (xs_probe_module). */
#include <stdio.h>
#include <string.h>

#include "probe_internal.h"

/* TDS PRELOGIN: VERSION, ENCRYPTION (off), INSTOPT (""), THREADID, MARS, terminator, data. */
static const unsigned char mssql_prelogin[] = {
    0x12, 0x01, 0x00, 0x2f, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x1a, 0x00, 0x06, 0x01, 0x00, 0x20,
    0x00, 0x01, 0x02, 0x00, 0x21, 0x00, 0x01, 0x03, 0x00, 0x22, 0x00, 0x04, 0x04, 0x00, 0x26, 0x00,
    0x01, 0xff, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
};

static size_t request(const xs_addr *addr, uint16_t port, unsigned char *out, size_t cap)
{
    (void)addr;
    (void)port;
    return probe_put(out, cap, mssql_prelogin, sizeof mssql_prelogin);
}

const xs_probe_module xs_probe_mod_mssql = {
    .kind = XS_PROBE_MSSQL,
    .name = "mssql",
    .sends = "TDS PRELOGIN",
    .learns = "version, encryption",
    .request = request,
    .reply = NULL,
    .identify = xs_probe_parse_mssql,
};
