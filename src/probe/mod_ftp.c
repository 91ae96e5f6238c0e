/* Probe module "ftp": the greeting, then USER anonymous / PASS anonymous@ and QUIT: the one login
 * xsweep ever tries; nothing is listed or read.
 * One file per protocol: the request, the conversation, the signature (xs_probe_module). */
#include <stdio.h>
#include <string.h>

#include "probe_internal.h"

/* ---------------------------------------------------------------- FTP
 * step 1: reply to USER anonymous (331 wants the password, 230 logged in, 530 refused);
 * step 2: reply to PASS. Either way the next thing sent is QUIT. */
static xs_probe_step login(unsigned *step, const unsigned char *in, size_t len, bool final,
                           xs_probe_info *info, unsigned char *out, size_t cap, size_t *out_len)
{
    int code = probe_reply_code(in, len, final);
    if (code == 0)
        return final ? XS_PROBE_STEP_DONE : XS_PROBE_STEP_MORE;
    if (*step == 1 && code == 331)
        return probe_send_next(step, "PASS anonymous@\r\n", out, cap, out_len);
    info->facts[XS_PROBE_FACT_FTP_ANONYMOUS] = code == 230 ? 1 : -1;
    if (code == 230)
        probe_detail_add(info->detail, sizeof info->detail, "anonymous=yes");
    return probe_send_close("QUIT\r\n", out, cap, out_len);
}

static xs_probe_step reply(unsigned *step, const unsigned char *in, size_t len, bool final,
                           xs_probe_info *info, unsigned char *out, size_t cap, size_t *out_len)
{
    xs_probe_step st;
    *out_len = 0;
    if (*step > 0)
        return login(step, in, len, final, info, out, cap, out_len);
    if (!probe_expect(xs_probe_parse_ftp, in, len, final, info, &st))
        return st;
    if (final || probe_reply_code(in, len, final) != 220)
        return XS_PROBE_STEP_DONE;
    return probe_send_next(step, "USER anonymous\r\n", out, cap, out_len);
}

const xs_probe_module xs_probe_mod_ftp = {
    .kind = XS_PROBE_FTP,
    .name = "ftp",
    .sends = "USER anonymous, PASS anonymous@, QUIT",
    .learns = "product, version, ftp.anonymous",
    .request = NULL,
    .reply = reply,
    .identify = xs_probe_parse_ftp,
};
