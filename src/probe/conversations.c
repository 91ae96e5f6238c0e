/* The exchanges after a server's first answer, each one bounded and read-only:
 *   FTP   USER anonymous / PASS (the one login xsweep ever tries), then QUIT: nothing is listed or read
 *   SMTP  EHLO (does it offer STARTTLS?), then QUIT
 *   SSH   our identification line, then the server's KEXINIT (algorithms); no key exchange
 *   SMB1  a NEGOTIATE offering only "NT LM 0.12": is SMBv1 still accepted?
 * Pure functions over the bytes received, like the rest of the conversation code. */
#include <stdio.h>
#include <string.h>

#include "probe_internal.h"

static size_t put(unsigned char *out, size_t cap, const char *s)
{
    size_t n = strlen(s);
    if (n > cap)
        return 0;
    memcpy(out, s, n);
    return n;
}

static xs_probe_step send_close(const char *what, unsigned char *out, size_t cap, size_t *out_len)
{
    *out_len = put(out, cap, what);
    return *out_len ? XS_PROBE_STEP_SEND_CLOSE : XS_PROBE_STEP_DONE;
}

static xs_probe_step send_next(unsigned *step, const char *what, unsigned char *out, size_t cap,
                               size_t *out_len)
{
    *out_len = put(out, cap, what);
    (*step)++;
    return *out_len ? XS_PROBE_STEP_SEND : XS_PROBE_STEP_DONE;
}

/* ---------------------------------------------------------------- FTP
 * step 1: reply to USER anonymous (331 wants the password, 230 logged in, 530 refused);
 * step 2: reply to PASS. Either way the next thing sent is QUIT. */
xs_probe_step probe_ftp_login(unsigned *step, const unsigned char *in, size_t len, bool final,
                              xs_probe_info *info, unsigned char *out, size_t cap, size_t *out_len)
{
    int code = probe_reply_code(in, len, final);
    if (code == 0)
        return final ? XS_PROBE_STEP_DONE : XS_PROBE_STEP_MORE;
    if (*step == 1 && code == 331)
        return send_next(step, "PASS anonymous@\r\n", out, cap, out_len);
    info->facts[XS_PROBE_FACT_FTP_ANONYMOUS] = code == 230 ? 1 : -1;
    if (code == 230)
        probe_detail_add(info->detail, sizeof info->detail, "anonymous=yes");
    return send_close("QUIT\r\n", out, cap, out_len);
}

/* ---------------------------------------------------------------- SMTP (RFC 5321 4.1.1.1, RFC 3207) */
xs_probe_step probe_smtp_ehlo(unsigned *step, const unsigned char *in, size_t len, bool final,
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
    return send_close("QUIT\r\n", out, cap, out_len);
}

/* ---------------------------------------------------------------- SSH (RFC 4253 6, 7.1) */
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

xs_probe_step probe_ssh_kexinit(unsigned *step, const unsigned char *in, size_t len, bool final,
                                xs_probe_info *info, unsigned char *out, size_t cap, size_t *out_len)
{
    (void)step; (void)out; (void)cap;
    *out_len = 0;
    if (len < 6)
        return final ? XS_PROBE_STEP_DONE : XS_PROBE_STEP_MORE;
    size_t plen = rd_be32(in);
    if (plen < 12 || plen > 35000 || in[5] != 20)   /* SSH_MSG_KEXINIT */
        return XS_PROBE_STEP_DONE;
    if (len < 4 + plen && !final && len < XS_PROBE_MAX_BYTES)
        return XS_PROBE_STEP_MORE;
    size_t n = len < 4 + plen ? len : 4 + plen;
    size_t at = 6 + 16;                              /* cookie */
    char skip[8];
    if (name_list(in, n, &at, info->ssh_kex, sizeof info->ssh_kex) &&
        name_list(in, n, &at, info->ssh_hostkeys, sizeof info->ssh_hostkeys) &&
        name_list(in, n, &at, info->ssh_ciphers, sizeof info->ssh_ciphers) &&
        name_list(in, n, &at, skip, sizeof skip))
        (void)(name_list(in, n, &at, info->ssh_macs, sizeof info->ssh_macs));
    return XS_PROBE_STEP_DONE;
}

/* ---------------------------------------------------------------- SMB1 ([MS-CIFS] 2.2.4.52) */
static const unsigned char smb1_negotiate[] = {
    0x00, 0x00, 0x00, 0x2f,
    0xff, 'S', 'M', 'B', 0x72, 0, 0, 0, 0,  0x18, 0x01, 0x40,  0, 0,  0, 0, 0, 0, 0, 0, 0, 0,
    0, 0,  0, 0,  0xff, 0xfe,  0, 0,  0, 0,
    0x00,                         /* WordCount */
    0x0c, 0x00,                   /* ByteCount */
    0x02, 'N', 'T', ' ', 'L', 'M', ' ', '0', '.', '1', '2', 0x00,
};

size_t probe_smb1_request(unsigned char *out, size_t cap)
{
    if (sizeof smb1_negotiate > cap)
        return 0;
    memcpy(out, smb1_negotiate, sizeof smb1_negotiate);
    return sizeof smb1_negotiate;
}

xs_probe_step probe_smb1_negotiate(unsigned *step, const unsigned char *in, size_t len, bool final,
                                   xs_probe_info *info, unsigned char *out, size_t cap, size_t *out_len)
{
    (void)step; (void)out; (void)cap;
    *out_len = 0;
    if (len < 4 + 32 + 3)
        return final ? (info->facts[XS_PROBE_FACT_SMB1] = -1, XS_PROBE_STEP_DONE) : XS_PROBE_STEP_MORE;
    const unsigned char *s = in + 4;
    bool smb1 = s[0] == 0xff && memcmp(s + 1, "SMB", 3) == 0 && s[4] == 0x72;
    uint32_t status = smb1 ? rd_le32(s + 5) : 1;
    /* DialectIndex 0 = our only dialect accepted; 0xffff = none acceptable. */
    bool accepted = smb1 && status == 0 && s[32] >= 1 && rd_le16(s + 33) == 0;
    info->facts[XS_PROBE_FACT_SMB1] = accepted ? 1 : -1;
    if (accepted) {
        size_t dl = strlen(info->dialects);
        snprintf(info->dialects + dl, sizeof info->dialects - dl, "%sNT LM 0.12", dl ? "," : "");
        if (s[32] >= 17 && len >= 4 + 32 + 4) {
            unsigned secmode = s[35];
            if (info->facts[XS_PROBE_FACT_SMB_SIGNING] == 0)
                info->facts[XS_PROBE_FACT_SMB_SIGNING] = (secmode & 0x08) ? 1 : -1;
        }
    }
    return XS_PROBE_STEP_DONE;
}
