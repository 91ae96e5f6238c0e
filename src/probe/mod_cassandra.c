/* Probe module "cassandra": CQL OPTIONS, then STARTUP without credentials: READY or AUTHENTICATE.
 * One file per protocol: the request, the conversation, the signature (xs_probe_module). */
#include <stdio.h>
#include <string.h>

#include "probe_internal.h"

/* CQL v4 OPTIONS (stream 0) and STARTUP {CQL_VERSION: 3.0.0} (stream 1), no credentials. */
static const unsigned char cql_options[] = {0x04, 0x00, 0x00, 0x00, 0x05, 0x00, 0x00, 0x00, 0x00};
static const unsigned char cql_startup[] = {
    0x04, 0x00, 0x00, 0x01, 0x01, 0x00, 0x00, 0x00, 0x16, 0x00, 0x01, 0x00, 0x0b, 'C', 'Q', 'L',
    '_',  'V',  'E',  'R',  'S',  'I',  'O',  'N',  0x00, 0x05, '3',  '.',  '0',  '.', '0',
};

static size_t request(const xs_addr *addr, uint16_t port, unsigned char *out, size_t cap)
{
    (void)addr;
    (void)port;
    return probe_put(out, cap, cql_options, sizeof cql_options);
}

static xs_probe_step reply(unsigned *step, const unsigned char *in, size_t len, bool final,
                           xs_probe_info *info, unsigned char *out, size_t cap, size_t *out_len)
{
    xs_probe_step st;
    *out_len = 0;
    if (*step == 0) {
        if (!probe_expect(xs_probe_parse_cassandra_options, in, len, final, info, &st))
            return st;
        if (len > 0 && in[4] == 0x00) /* ERROR to OPTIONS: STARTUP would fail the same way */
            return XS_PROBE_STEP_DONE;
        return probe_send_bytes(step, cql_startup, sizeof cql_startup, out, cap, out_len);
    }
    return probe_last(xs_probe_parse_cassandra_startup, in, len, final, info);
}

const xs_probe_module xs_probe_mod_cassandra = {
    .kind = XS_PROBE_CASSANDRA,
    .name = "cassandra",
    .sends = "CQL OPTIONS, STARTUP without credentials",
    .learns = "versions, auth",
    .request = request,
    .reply = reply,
    .identify = xs_probe_parse_cassandra_options,
};
