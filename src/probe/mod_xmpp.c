/* Probe module "xmpp": the client's stream header (RFC 6120 4.2, to= the address, as testssl.sh
 * -t xmpp --xmpphost ADDRESS: no name is known), the server's header and stream features (is STARTTLS offered?),
 * then the closing tag. No SASL, no login.
 * One file per protocol: the request, the conversation, the signature (xs_probe_module). */
#include <stdio.h>
#include <string.h>

#include "probe_internal.h"

static size_t request(const xs_addr *addr, uint16_t port, unsigned char *out, size_t cap)
{
    (void)port;
    char host[XS_ADDR_STRLEN] = "";
    if (addr)
        xs_addr_format(addr, host);
    int n = snprintf((char *)out, cap,
                     "<?xml version='1.0'?><stream:stream to='%s' xmlns='jabber:client' "
                     "xmlns:stream='http://etherx.jabber.org/streams' version='1.0'>",
                     host);
    return n > 0 && (size_t)n < cap ? (size_t)n : 0;
}

static xs_probe_step reply(unsigned *step, const unsigned char *in, size_t len, bool final,
                           xs_probe_info *info, unsigned char *out, size_t cap, size_t *out_len)
{
    (void)step;
    xs_probe_step st;
    *out_len = 0;
    if (!probe_expect(xs_probe_parse_xmpp, in, len, final, info, &st))
        return st;
    return final ? XS_PROBE_STEP_DONE : probe_send_close("</stream:stream>", out, cap, out_len);
}

const xs_probe_module xs_probe_mod_xmpp = {
    .kind = XS_PROBE_XMPP,
    .name = "xmpp",
    .sends = "a client stream header, </stream:stream>",
    .learns = "tls (STARTTLS among the stream features)",
    .request = request,
    .reply = reply,
    .identify = xs_probe_parse_xmpp,
};
