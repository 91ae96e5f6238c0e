/* Probe module "mongodb": MongoDB: OP_MSG isMaster.
 * One file per protocol: the request, the conversation, the signature (xs_probe_module). */
#include <stdio.h>
#include <string.h>

#include "probe_internal.h"

/* OP_MSG { isMaster: 1, $db: "admin" } (isMaster rather than hello: every server since 3.6). */
static const unsigned char
    mongo_ismaster
        [] =
            {
                55,   0,    0, 0,   0x78, 0x73, 0x70, 0x62, 0,   0,   0,   0,
                0xdd, 0x07, 0, 0, /* header, OP_MSG */
                0,    0,    0, 0, /* flagBits */
                0,                /* section kind 0 */
                34,   0,    0, 0,   0x10, 'i',  's',  'M',  'a', 's', 't', 'e',
                'r',  0,    1, 0,   0,    0,    0x02, '$',  'd', 'b', 0,   6,
                0,    0,    0, 'a', 'd',  'm',  'i',  'n',  0,   0,
};

static size_t request(const xs_addr *addr, uint16_t port, unsigned char *out, size_t cap)
{
    (void)addr;
    (void)port;
    return probe_put(out, cap, mongo_ismaster, sizeof mongo_ismaster);
}

const xs_probe_module xs_probe_mod_mongodb = {
    .kind = XS_PROBE_MONGODB,
    .name = "mongodb",
    .sends = "OP_MSG isMaster",
    .learns = "version, auth",
    .request = request,
    .reply = NULL,
    .identify = xs_probe_parse_mongodb,
};
