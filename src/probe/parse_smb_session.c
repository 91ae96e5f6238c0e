/* SESSION_SETUP answers: SMB2 ([MS-SMB2] 2.2.6: the NTLMSSP CHALLENGE leg, then the session the
 * guest login got) and SMB1 Session Setup AndX ([MS-CIFS] 2.2.4.53.2: NativeOS, NativeLanMan, where
 * Samba says its version). Pure and bounded. */
#include <stdio.h>
#include <string.h>

#include "probe_internal.h"

#define STATUS_MORE_PROCESSING_REQUIRED 0xc0000016u
#define SMB2_SESSION_FLAG_IS_GUEST      0x0001u
#define SMB2_SESSION_FLAG_IS_NULL       0x0002u

/* NetBIOS session framing around one SMB message (0xFE 'SMB' for SMB2, 0xFF 'SMB' for SMB1) of the
 * command cmd and at least min bytes: s[0..*len) once it is all here (or final), else MORE/BAD. */
static xs_probe_parse smb_frame(const unsigned char *b, size_t n, bool final, bool smb2,
                                unsigned cmd, size_t min, const unsigned char **s, size_t *len)
{
    if (n < 4 + 4)
        return final ? XS_PROBE_PARSE_BAD : XS_PROBE_PARSE_MORE;
    size_t nlen = (size_t)b[1] << 16 | (size_t)b[2] << 8 | b[3];
    if (b[0] != 0x00 || nlen < 4 || nlen > 0x1ffff)
        return XS_PROBE_PARSE_BAD;
    if (n - 4 < nlen && !final && n < XS_PROBE_MAX_BYTES)
        return XS_PROBE_PARSE_MORE;
    *s = b + 4;
    *len = n - 4 < nlen ? n - 4 : nlen;
    const unsigned char *m = *s;
    if (*len < min || m[0] != (smb2 ? 0xfe : 0xff) || memcmp(m + 1, "SMB", 3) != 0 ||
        (smb2 ? rd_le16(m + 12) : m[4]) != cmd)
        return XS_PROBE_PARSE_BAD; /* not the answer to that command */
    return XS_PROBE_PARSE_OK;
}

xs_probe_parse probe_smb2_setup_read(const unsigned char *b, size_t n, bool final,
                                     probe_smb2_setup *out)
{
    const unsigned char *s;
    size_t len;
    xs_probe_parse r = smb_frame(b, n, final, true, 0x0001, 64 + 8, &s, &len); /* SESSION_SETUP */
    if (r != XS_PROBE_PARSE_OK)
        return r;
    memset(out, 0, sizeof *out);
    out->status = rd_le32(s + 8);
    out->session_id = s + 40;
    const unsigned char *r9 = s + 64;
    if (rd_le16(r9) != 9)
        return XS_PROBE_PARSE_OK; /* an error response: status only */
    out->session_flags = rd_le16(r9 + 2);
    size_t off = rd_le16(r9 + 4), bl = rd_le16(r9 + 6);
    if (off >= 64 + 8 && off <= len && bl <= len - off) { /* offset from the SMB2 header */
        out->blob = s + off;
        out->blob_len = bl;
    }
    return XS_PROBE_PARSE_OK;
}

void probe_smb2_setup_learn(const probe_smb2_setup *s, bool answers_auth, xs_probe_info *info)
{
    if (s->status == STATUS_MORE_PROCESSING_REQUIRED) {
        if (s->blob)
            xs_probe_parse_ntlmssp_challenge(s->blob, s->blob_len, true, info);
        return;
    }
    if (!answers_auth)
        return; /* the NEGOTIATE leg failed: nothing learned of a guest */
    const char *what = "refused";
    if (s->status == 0) {
        /* A session for "guest" with a blank password: a guest session, or worse, a user one. */
        what = (s->session_flags & SMB2_SESSION_FLAG_IS_GUEST)  ? "guest"
               : (s->session_flags & SMB2_SESSION_FLAG_IS_NULL) ? "anonymous"
                                                                : "user";
        info->facts[XS_PROBE_FACT_SMB_GUEST] =
            (s->session_flags & SMB2_SESSION_FLAG_IS_NULL) &&
                    !(s->session_flags & SMB2_SESSION_FLAG_IS_GUEST)
                ? -1
                : 1;
    } else {
        info->facts[XS_PROBE_FACT_SMB_GUEST] = -1;
        probe_detail_add(info->detail, sizeof info->detail, "guest_status=0x%08x",
                         (unsigned)s->status);
    }
    PROBE_SET(info->smb.session, what);
}

xs_probe_parse xs_probe_parse_smb2_session(const unsigned char *b, size_t n, bool final,
                                           xs_probe_info *out)
{
    probe_smb2_setup s;
    xs_probe_parse r = probe_smb2_setup_read(b, n, final, &s);
    if (r == XS_PROBE_PARSE_OK)
        probe_smb2_setup_learn(&s, s.status != STATUS_MORE_PROCESSING_REQUIRED, out);
    return r;
}

/* One NUL-terminated string of the SMB1 byte area, ASCII or UTF-16LE; advances *at. */
static void smb1_string(const unsigned char *p, size_t n, size_t *at, bool unicode, char *dst,
                        size_t cap)
{
    size_t i = *at;
    if (unicode) {
        size_t start = i;
        while (i + 1 < n && (p[i] | p[i + 1]))
            i += 2;
        probe_copy_utf16(dst, cap, p + start, i - start);
        *at = i + 2 <= n ? i + 2 : n;
    } else {
        size_t start = i;
        while (i < n && p[i])
            i++;
        probe_copy_text(dst, cap, (const char *)p + start, i - start);
        *at = i < n ? i + 1 : n;
    }
}

xs_probe_parse xs_probe_parse_smb1_session(const unsigned char *b, size_t n, bool final,
                                           xs_probe_info *out)
{
    const unsigned char *s;
    size_t len;
    xs_probe_parse r =
        smb_frame(b, n, final, false, 0x73, 32 + 3, &s, &len); /* Session Setup AndX */
    if (r != XS_PROBE_PARSE_OK)
        return r;
    uint32_t status = rd_le32(s + 5);
    unsigned wc = s[32];
    size_t bc_at = 33 + 2 * (size_t)wc;
    if (status != 0 && status != STATUS_MORE_PROCESSING_REQUIRED) {
        probe_detail_add(out->detail, sizeof out->detail, "smb1_session=0x%08x", (unsigned)status);
        return XS_PROBE_PARSE_OK;
    }
    if (wc < 3 || bc_at + 2 > len)
        return XS_PROBE_PARSE_OK;
    size_t bc = rd_le16(s + bc_at), at = bc_at + 2;
    size_t end = bc <= len - at ? at + bc : len;
    if (wc >= 4)
        at += rd_le16(s + 33 + 6) <= end - at ? rd_le16(s + 33 + 6) : end - at; /* security blob */
    bool unicode = rd_le16(s + 10) & 0x8000;
    if (unicode && (at & 1))
        at++; /* UTF-16 strings start 2-aligned from the SMB header */
    xs_probe_smb *m = &out->smb;
    smb1_string(s, end, &at, unicode, m->native_os, sizeof m->native_os);
    smb1_string(s, end, &at, unicode, m->native_lanman, sizeof m->native_lanman);
    smb1_string(s, end, &at, unicode, m->workgroup, sizeof m->workgroup);
    /* Samba names itself in NativeLanMan ("Samba 4.17.12-Debian"): the only place it gives a
     * version before a login. The version field keeps the release, digits and dots. */
    if (strncmp(m->native_lanman, "Samba ", 6) == 0 && m->native_lanman[6] >= '0' &&
        m->native_lanman[6] <= '9') {
        PROBE_SET(out->product, "Samba");
        size_t vl = strspn(m->native_lanman + 6, "0123456789.");
        probe_copy_text(out->version, sizeof out->version, m->native_lanman + 6, vl);
    }
    return XS_PROBE_PARSE_OK;
}
