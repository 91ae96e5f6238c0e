/* The NTLMSSP CHALLENGE message ([MS-NLMP] 2.2.1.2) an SMB server answers our NEGOTIATE with: its
 * Version field (Windows' real build; Samba always says 6.1.0) and its target info AV pairs
 * (NetBIOS and DNS names of the computer and domain). Pure and bounded: every byte may be hostile. */
#include <stdio.h>
#include <string.h>

#include "probe_internal.h"

size_t probe_ntlmssp_find(const unsigned char *b, size_t n, uint32_t type)
{
    static const unsigned char sig[8] = {'N', 'T', 'L', 'M', 'S', 'S', 'P', 0};
    for (size_t at = 0; n >= 12 && at <= n - 12; at++) {
        const unsigned char *p = memchr(b + at, 'N', n - 12 - at + 1);
        if (!p)
            break;
        at = (size_t)(p - b);
        if (memcmp(p, sig, sizeof sig) == 0 && rd_le32(p + 8) == type)
            return at;
    }
    return SIZE_MAX;
}

void probe_copy_utf16(char *dst, size_t cap, const unsigned char *p, size_t bytes)
{
    if (cap == 0)
        return;
    size_t o = 0;
    for (size_t i = 0; i + 1 < bytes && o + 1 < cap; i += 2) {
        unsigned c = rd_le16(p + i);
        if (c == 0)
            break;
        dst[o++] = (c >= 0x20 && c < 0x7f) ? (char)c : '?';
    }
    dst[o] = 0;
}

bool probe_ntlmssp_target_info(const unsigned char *c, size_t cl, size_t *off, size_t *len)
{
    if (cl < 48)
        return false;
    size_t l = rd_le16(c + 40), o = rd_le32(c + 44);
    if (o > cl || l > cl - o)
        return false;
    *off = o;
    *len = l;
    return true;
}

xs_probe_parse xs_probe_parse_ntlmssp_challenge(const unsigned char *b, size_t n, bool final,
                                                xs_probe_info *out)
{
    (void) final;
    size_t at = probe_ntlmssp_find(b, n, 2);
    if (at == SIZE_MAX || n - at < 48)
        return XS_PROBE_PARSE_BAD;
    const unsigned char *c = b + at;
    size_t cl = n - at;
    uint32_t flags = rd_le32(c + 20);
    size_t name_off = rd_le32(c + 16), ti_off = 0, ti_len = 0;
    bool have_ti = probe_ntlmssp_target_info(c, cl, &ti_off, &ti_len);
    /* The Version field sits at 48 when NEGOTIATE_VERSION is set and the payload starts after it. */
    if ((flags & 0x02000000u) && cl >= 56 && name_off >= 56 &&
        (!have_ti || ti_off >= 56 || ti_len == 0))
        snprintf(out->smb.ntlm_version, sizeof out->smb.ntlm_version, "%u.%u.%u", c[48], c[49],
                 (unsigned)rd_le16(c + 50));
    if (have_ti) {
        const unsigned char *p = c + ti_off;
        for (size_t i = 0, k = 0; i + 4 <= ti_len && k < 32; k++) {
            unsigned id = rd_le16(p + i), l = rd_le16(p + i + 2);
            if (id == 0 || l > ti_len - i - 4)
                break; /* MsvAvEOL, or a pair that runs past the list */
            const unsigned char *v = p + i + 4;
            xs_probe_smb *s = &out->smb;
            switch (id) {
            case 1:
                probe_copy_utf16(s->netbios_computer, sizeof s->netbios_computer, v, l);
                break;
            case 2:
                probe_copy_utf16(s->netbios_domain, sizeof s->netbios_domain, v, l);
                break;
            case 3:
                probe_copy_utf16(s->dns_computer, sizeof s->dns_computer, v, l);
                break;
            case 4:
                probe_copy_utf16(s->dns_domain, sizeof s->dns_domain, v, l);
                break;
            default:
                break;
            }
            i += 4 + l;
        }
    }
    return XS_PROBE_PARSE_OK;
}
