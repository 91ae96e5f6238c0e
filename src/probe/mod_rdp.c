/* Probe module "rdp": RDP: X.224 Connection Request; the Confirm says whether CredSSP (NLA) was
 * chosen.
 * One file per protocol: the request, the conversation, the signature (xs_probe_module). */
#include <stdio.h>
#include <string.h>

#include "probe_internal.h"

/* TPKT + X.224 Connection Request + RDP_NEG_REQ asking for SSL | HYBRID (what mstsc asks). */
static const unsigned char rdp_x224[] = {
    0x03, 0x00, 0x00, 0x13, 0x0e, 0xe0, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x01, 0x00, 0x08, 0x00, 0x03, 0x00, 0x00, 0x00,
};

static size_t request(const xs_addr *addr, uint16_t port, unsigned char *out, size_t cap)
{
    (void)addr;
    (void)port;
    return probe_put(out, cap, rdp_x224, sizeof rdp_x224);
}

const xs_probe_module xs_probe_mod_rdp = {
    .kind = XS_PROBE_RDP,
    .name = "rdp",
    .sends = "X.224 Connection Request (SSL|HYBRID)",
    .learns = "rdp.nla, tls",
    .request = request,
    .reply = NULL,
    .identify = xs_probe_parse_rdp,
};
