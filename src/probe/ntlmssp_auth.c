/* The two NTLMSSP messages xsweep sends in an SMB SESSION_SETUP, each in its SPNEGO wrapper
 * (RFC 4178): NEGOTIATE, then AUTHENTICATE as user "guest" with a blank password, NTLMv2
 * ([MS-NLMP] 3.3.2) - the guest login nmap's smb scripts try, never any other password. The
 * HMAC-MD5 is OpenSSL's; MD4 of the blank password is a constant (no legacy provider needed). */
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <string.h>

#include "probe_internal.h"

#define NTLM_FLAGS                                                                                 \
    0xa2888205u /* UNICODE REQUEST_TARGET NTLM ALWAYS_SIGN EXTENDED_SESSIONSECURITY
                                  * TARGET_INFO VERSION 128 56 */

/* GSS-API InitialContextToken: SPNEGO NegTokenInit { mechTypes { NTLMSSP }, mechToken NEGOTIATE }. */
const unsigned char probe_spnego_ntlm_negotiate[74] = {
    0x60,
    0x48,
    0x06,
    0x06,
    0x2b,
    0x06,
    0x01,
    0x05,
    0x05,
    0x02,
    0xa0,
    0x3e,
    0x30,
    0x3c,
    0xa0,
    0x0e,
    0x30,
    0x0c,
    0x06,
    0x0a,
    0x2b,
    0x06,
    0x01,
    0x04,
    0x01,
    0x82,
    0x37,
    0x02,
    0x02,
    0x0a,
    0xa2,
    0x2a,
    0x04,
    0x28,
    'N',
    'T',
    'L',
    'M',
    'S',
    'S',
    'P',
    0,
    0x01,
    0,
    0,
    0,
    NTLM_FLAGS & 0xff,
    (NTLM_FLAGS >> 8) & 0xff,
    (NTLM_FLAGS >> 16) & 0xff,
    NTLM_FLAGS >> 24,
    0,
    0,
    0,
    0,
    0,
    0,
    0,
    0,
    0,
    0,
    0,
    0,
    0,
    0,
    0,
    0, /* no domain, no workstation */
    0,
    0,
    0,
    0,
    0,
    0,
    0,
    0x0f, /* version: none, NTLM rev 15 */
};

/* MD4(UTF-16LE("")): the NT one-way function of a blank password. */
static const unsigned char ntowf_blank[16] = {
    0x31, 0xd6, 0xcf, 0xe0, 0xd1, 0x6a, 0xe9, 0x31, 0xb7, 0x3c, 0x59, 0xd7, 0xe0, 0xc0, 0x89, 0xc0,
};
/* UTF-16LE "guest" as sent, and "GUEST" (the user, upper-cased, and the empty domain) for NTOWFv2. */
static const unsigned char user_guest[10] = {'g', 0, 'u', 0, 'e', 0, 's', 0, 't', 0};
static const unsigned char user_dom_upper[10] = {'G', 0, 'U', 0, 'E', 0, 'S', 0, 'T', 0};
#define TARGET_INFO_MAX 320u

static void put_le16(unsigned char *p, size_t v)
{
    p[0] = (unsigned char)v;
    p[1] = (unsigned char)(v >> 8);
}
static void put_le32(unsigned char *p, uint32_t v)
{
    put_le16(p, v & 0xffff);
    put_le16(p + 2, v >> 16);
}
static void put_fields(unsigned char *p, size_t len, size_t off) /* Len, MaxLen, Offset */
{
    put_le16(p, len);
    put_le16(p + 2, len);
    put_le32(p + 4, (uint32_t)off);
}

/* DER tag + length; returns bytes written (the length fits 16 bits here). */
static size_t der_head(unsigned char *p, unsigned tag, size_t len)
{
    p[0] = (unsigned char)tag;
    if (len < 0x80) {
        p[1] = (unsigned char)len;
        return 2;
    }
    if (len < 0x100) {
        p[1] = 0x81;
        p[2] = (unsigned char)len;
        return 3;
    }
    p[1] = 0x82;
    p[2] = (unsigned char)(len >> 8);
    p[3] = (unsigned char)len;
    return 4;
}
static size_t der_size(size_t len)
{
    return (len < 0x80 ? 2 : len < 0x100 ? 3 : 4) + len;
}

/* The AUTHENTICATE message (72-byte header with Version, no MIC) into m; its length or 0. */
static size_t authenticate(const unsigned char *c, size_t cl, unsigned char *m, size_t cap)
{
    size_t ti_off, ti_len;
    if (!probe_ntlmssp_target_info(c, cl, &ti_off, &ti_len) || ti_len > TARGET_INFO_MAX)
        return 0;
    /* NTLMv2_CLIENT_CHALLENGE: 1, 1, Z(6), time, client challenge, Z(4), the server's AV pairs, Z(4).
     * The time is the server's MsvAvTimestamp when it sent one. */
    unsigned char blob[28 + TARGET_INFO_MAX + 4] = {1, 1};
    const unsigned char *ti = c + ti_off;
    for (size_t i = 0; i + 4 <= ti_len;) {
        unsigned id = rd_le16(ti + i), l = rd_le16(ti + i + 2);
        if (id == 0 || l > ti_len - i - 4)
            break;
        if (id == 7 && l == 8)
            memcpy(blob + 8, ti + i + 4, 8);
        i += 4 + l;
    }
    memcpy(blob + 16, "xsweep!!", 8); /* the client challenge: fixed, nothing to hide */
    memcpy(blob + 28, ti, ti_len);
    size_t blob_len = 28 + ti_len + 4;
    size_t nt_len = 16 + blob_len, lm_len = 24, hdr = 72;
    size_t total = hdr + lm_len + nt_len + sizeof user_guest;
    if (total > cap)
        return 0;
    unsigned char key[EVP_MAX_MD_SIZE], proof[EVP_MAX_MD_SIZE], msg[8 + sizeof blob];
    unsigned kl = 0, pl = 0;
    if (!HMAC(EVP_md5(), ntowf_blank, sizeof ntowf_blank, user_dom_upper, sizeof user_dom_upper,
              key, &kl) ||
        kl != 16)
        return 0;
    memcpy(msg, c + 24, 8); /* the server challenge */
    memcpy(msg + 8, blob, blob_len);
    if (!HMAC(EVP_md5(), key, 16, msg, 8 + blob_len, proof, &pl) || pl != 16)
        return 0;
    memset(m, 0, hdr + lm_len); /* LMv2 response: Z(24) beside NTLMv2 */
    memcpy(m, "NTLMSSP", 8);
    put_le32(m + 8, 3);
    size_t lm_off = hdr, nt_off = lm_off + lm_len, user_off = nt_off + nt_len;
    put_fields(m + 12, lm_len, lm_off);
    put_fields(m + 20, nt_len, nt_off);
    put_fields(m + 28, 0, user_off); /* domain: empty (the server's own) */
    put_fields(m + 36, sizeof user_guest, user_off);
    put_fields(m + 44, 0, total); /* workstation: none */
    put_fields(m + 52, 0, total); /* no session key exchange */
    put_le32(m + 60, rd_le32(c + 20) & NTLM_FLAGS & ~0x02000000u);
    memcpy(m + nt_off, proof, 16);
    memcpy(m + nt_off + 16, blob, blob_len);
    memcpy(m + user_off, user_guest, sizeof user_guest);
    return total;
}

size_t probe_ntlm_guest_auth(const unsigned char *b, size_t n, unsigned char *out, size_t cap)
{
    size_t at = probe_ntlmssp_find(b, n, 2);
    unsigned char m[512];
    size_t ml = at == SIZE_MAX ? 0 : authenticate(b + at, n - at, m, sizeof m);
    if (ml == 0)
        return 0;
    /* NegTokenResp [1] { SEQUENCE { responseToken [2] OCTET STRING } } */
    size_t l4 = der_size(ml), l3 = der_size(l4), l2 = der_size(l3), total = der_size(l2);
    if (total > cap)
        return 0;
    size_t o = der_head(out, 0xa1, l2);
    o += der_head(out + o, 0x30, l3);
    o += der_head(out + o, 0xa2, l4);
    o += der_head(out + o, 0x04, ml);
    memcpy(out + o, m, ml);
    return o + ml;
}
