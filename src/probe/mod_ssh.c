/* Probe module "ssh": the identification line, ours, then the server's KEXINIT (RFC 4253 4.2,
 * 7.1); no key exchange, no login.
 * One file per protocol: the request, the conversation, the signature (xs_probe_module). */
#include <stdio.h>
#include <string.h>

#include "probe_internal.h"

static bool name_list(const unsigned char *p, size_t n, size_t *at, char *dst, size_t cap)
{
    if (*at + 4 > n)
        return false;
    size_t l = rd_be32(p + *at);
    if (l > n - *at - 4)
        return false;
    if (dst)
        probe_copy_text(dst, cap, (const char *)p + *at + 4, l);
    *at += 4 + l;
    return true;
}

static xs_probe_step kexinit(unsigned *step, const unsigned char *in, size_t len, bool final,
                             xs_probe_info *info, unsigned char *out, size_t cap, size_t *out_len)
{
    (void)step;
    (void)out;
    (void)cap;
    *out_len = 0;
    if (len < 6)
        return final ? XS_PROBE_STEP_DONE : XS_PROBE_STEP_MORE;
    size_t plen = rd_be32(in);
    if (plen < 12 || plen > 35000 || in[5] != 20) /* SSH_MSG_KEXINIT */
        return XS_PROBE_STEP_DONE;
    if (len < 4 + plen && !final && len < XS_PROBE_MAX_BYTES)
        return XS_PROBE_STEP_MORE;
    size_t n = len < 4 + plen ? len : 4 + plen;
    size_t at = 6 + 16; /* cookie */
    char skip[8];
    if (name_list(in, n, &at, info->ssh_kex, sizeof info->ssh_kex) &&
        name_list(in, n, &at, info->ssh_hostkeys, sizeof info->ssh_hostkeys) &&
        name_list(in, n, &at, info->ssh_ciphers, sizeof info->ssh_ciphers) &&
        name_list(in, n, &at, skip, sizeof skip))
        (void)(name_list(in, n, &at, info->ssh_macs, sizeof info->ssh_macs));
    return XS_PROBE_STEP_DONE;
}

static xs_probe_step reply(unsigned *step, const unsigned char *in, size_t len, bool final,
                           xs_probe_info *info, unsigned char *out, size_t cap, size_t *out_len)
{
    xs_probe_parse r;
    *out_len = 0;
    if (*step > 0)
        return kexinit(step, in, len, final, info, out, cap, out_len);
    r = xs_probe_parse_ssh(in, len, final, info);
    if (r != XS_PROBE_PARSE_OK)
        return probe_single(xs_probe_parse_ssh, in, len, final, info);
    if (final || strncmp((const char *)info->banner, "SSH-2.0", 7) != 0)
        return XS_PROBE_STEP_DONE;
    *out_len = probe_put(out, cap, "SSH-2.0-xsweep_0.1\r\n", 20); /* then the server's KEXINIT */
    (*step)++;
    return *out_len ? XS_PROBE_STEP_SEND : XS_PROBE_STEP_DONE;
}

const xs_probe_module xs_probe_mod_ssh = {
    .kind = XS_PROBE_SSH,
    .name = "ssh",
    .sends = "its identification line after the server's",
    .learns = "product, version, KEXINIT algorithms",
    .request = NULL,
    .reply = reply,
    .identify = xs_probe_parse_ssh,
};
