/* Probe module "smtp": the greeting, EHLO (is STARTTLS offered?), QUIT (RFC 5321 4.1.1.1, RFC
 * 3207).
 * One file per protocol: the request, the conversation, the signature (xs_probe_module). */
#include <stdio.h>
#include <string.h>

#include "probe_internal.h"

/* ---------------------------------------------------------------- SMTP (RFC 5321 4.1.1.1, RFC 3207) */
static xs_probe_step ehlo(unsigned *step, const unsigned char *in, size_t len, bool final,
                          xs_probe_info *info, unsigned char *out, size_t cap, size_t *out_len)
{
    (void)step;
    int code = probe_reply_code(in, len, final);
    if (code == 0)
        return final ? XS_PROBE_STEP_DONE : XS_PROBE_STEP_MORE;
    if (code == 250) {
        bool starttls = false;
        char kw[128] = ""; /* the EHLO keywords, as the server listed them */
        for (size_t at = 0, line = 0; at + 4 < len; at++) {
            if (at != 0 && in[at - 1] != '\n')
                continue;
            if (line++ > 0) { /* the first line is the greeting, not a keyword */
                size_t kl = 0, used = strlen(kw);
                while (at + 4 + kl < len && in[at + 4 + kl] != ' ' && in[at + 4 + kl] != '\r' &&
                       in[at + 4 + kl] != '\n')
                    kl++;
                if (kl && used + kl + 2 < sizeof kw) {
                    if (used)
                        kw[used++] = ',';
                    probe_copy_text(kw + used, sizeof kw - used, (const char *)in + at + 4, kl);
                }
            }
            if (at + 12 <= len &&
                probe_find_ci(in + at + 4, 8, "STARTTLS") == 0) /* "250-STARTTLS" */
                starttls = true;
        }
        if (kw[0])
            probe_detail_add(info->detail, sizeof info->detail, "ehlo=%s", kw);
        info->facts[XS_PROBE_FACT_SMTP_STARTTLS] = starttls ? 1 : -1;
        info->tls = starttls ? XS_PROBE_TLS_YES : XS_PROBE_TLS_NO;
    }
    return probe_send_close("QUIT\r\n", out, cap, out_len);
}

static xs_probe_step reply(unsigned *step, const unsigned char *in, size_t len, bool final,
                           xs_probe_info *info, unsigned char *out, size_t cap, size_t *out_len)
{
    xs_probe_step st;
    *out_len = 0;
    if (*step > 0)
        return ehlo(step, in, len, final, info, out, cap, out_len);
    if (!probe_expect(xs_probe_parse_smtp, in, len, final, info, &st))
        return st;
    if (final || probe_reply_code(in, len, final) != 220)
        return probe_send_close("QUIT\r\n", out, cap, out_len); /* leave politely */
    return probe_send_next(step, "EHLO xsweep.invalid\r\n", out, cap,
                           out_len); /* STARTTLS offered? */
}

const xs_probe_module xs_probe_mod_smtp = {
    .kind = XS_PROBE_SMTP,
    .name = "smtp",
    .sends = "EHLO xsweep.invalid, QUIT",
    .learns = "product, smtp.starttls",
    .request = NULL,
    .reply = reply,
    .identify = xs_probe_parse_smtp,
};
