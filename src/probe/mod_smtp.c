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
        for (size_t at = 0; at + 12 <= len; at++)   /* "250-STARTTLS" / "250 STARTTLS" */
            if ((at == 0 || in[at - 1] == '\n') && probe_find_ci(in + at + 4, 8, "STARTTLS") == 0)
                starttls = true;
        info->facts[XS_PROBE_FACT_SMTP_STARTTLS] = starttls ? 1 : -1;
        info->tls = starttls ? XS_PROBE_TLS_YES : XS_PROBE_TLS_NO;
    }
    return probe_send_close("QUIT\r\n", out, cap, out_len);
}

static xs_probe_step reply(unsigned *step, const unsigned char *in, size_t len, bool final,
                           xs_probe_info *info, unsigned char *out, size_t cap, size_t *out_len)
{
    xs_probe_parse r;
    *out_len = 0;
    if (*step > 0)
        return ehlo(step, in, len, final, info, out, cap, out_len);
    r = xs_probe_parse_smtp(in, len, final, info);
    if (r == XS_PROBE_PARSE_MORE)
        return final ? XS_PROBE_STEP_DONE : XS_PROBE_STEP_MORE;
    if (r == XS_PROBE_PARSE_BAD)
        return probe_fallback(in, len, final, info);
    if (final || probe_reply_code(in, len, final) != 220) {
        *out_len = probe_put(out, cap, "QUIT\r\n", 6);     /* leave politely */
        return *out_len ? XS_PROBE_STEP_SEND_CLOSE : XS_PROBE_STEP_DONE;
    }
    *out_len = probe_put(out, cap, "EHLO xsweep.invalid\r\n", 21);   /* STARTTLS offered? */
    (*step)++;
    return *out_len ? XS_PROBE_STEP_SEND : XS_PROBE_STEP_DONE;
}

const xs_probe_module xs_probe_mod_smtp = {
    .kind = XS_PROBE_SMTP, .name = "smtp",
    .sends = "EHLO xsweep.invalid, QUIT",
    .learns = "product, smtp.starttls",
    .request = NULL, .reply = reply, .identify = xs_probe_parse_smtp,
};
