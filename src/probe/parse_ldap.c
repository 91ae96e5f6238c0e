/* LDAP (RFC 4511): the few BER elements of an LDAPMessage that the probe and the StartTLS upgrade
 * read. Definite lengths of at most 4 bytes and one-byte tags only (RFC 4511 5.1 allows no
 * other); every length is checked against the bytes at hand before it is used. */
#include <stdio.h>
#include <string.h>

#include "probe_internal.h"

const unsigned char xs_ldap_starttls_request[31] = {
    0x30, 0x1d, 0x02, 0x01, 0x01, /* LDAPMessage, messageID 1 */
    0x77, 0x18, 0x80, 0x16,       /* ExtendedRequest [APPLICATION 23], requestName [0] */
    '1',  '.',  '3',  '.',  '6',  '.', '1', '.', '4', '.', '1',
    '.',  '1',  '4',  '6',  '6',  '.', '2', '0', '0', '3', '7',
};

/* One element at b[0..n): 1 with its tag, header size and content length; 0 = incomplete;
 * -1 = not BER we accept. */
static int ber_element(const unsigned char *b, size_t n, unsigned *tag, size_t *hdr, size_t *len)
{
    if (n < 2)
        return 0;
    if ((b[0] & 0x1f) == 0x1f) /* high tag numbers: never in LDAP */
        return -1;
    *tag = b[0];
    if (b[1] < 0x80) {
        *hdr = 2;
        *len = b[1];
        return 1;
    }
    size_t k = b[1] & 0x7f;
    if (k == 0 || k > 4) /* indefinite, or longer than any answer we read */
        return -1;
    if (n < 2 + k)
        return 0;
    size_t l = 0;
    for (size_t i = 0; i < k; i++)
        l = l << 8 | b[2 + i];
    *hdr = 2 + k;
    *len = l;
    return 1;
}

/* An element wholly inside b[0..n) at *at, of tag want (0 = any): its content, *at moved past. */
static bool ber_next(const unsigned char *b, size_t n, size_t *at, unsigned want, unsigned *tag,
                     const unsigned char **v, size_t *vl)
{
    size_t hdr, len;
    unsigned t;
    if (*at > n || ber_element(b + *at, n - *at, &t, &hdr, &len) != 1 || len > n - *at - hdr ||
        (want && t != want))
        return false;
    if (tag)
        *tag = t;
    *v = b + *at + hdr;
    *vl = len;
    *at += hdr + len;
    return true;
}

/* A non-negative INTEGER or ENUMERATED content of 1 to 4 bytes, or -1. */
static long ber_uint(const unsigned char *v, size_t vl)
{
    if (vl < 1 || vl > 4 || (v[0] & 0x80))
        return -1;
    long x = 0;
    for (size_t i = 0; i < vl; i++)
        x = x << 8 | v[i];
    return x;
}

xs_probe_parse xs_ldap_message_read(const unsigned char *b, size_t n, xs_ldap_message *m)
{
    unsigned tag;
    size_t hdr, len;
    if (n >= 1 && b[0] != 0x30)
        return XS_PROBE_PARSE_BAD;
    int r = ber_element(b, n, &tag, &hdr, &len);
    if (r < 0)
        return XS_PROBE_PARSE_BAD;
    if (r == 0 || len > n - hdr)
        return XS_PROBE_PARSE_MORE;
    const unsigned char *s = b + hdr, *v;
    size_t at = 0, vl;
    long id;
    if (!ber_next(s, len, &at, 0x02, NULL, &v, &vl) || (id = ber_uint(v, vl)) < 0 ||
        !ber_next(s, len, &at, 0, &tag, &v, &vl) || (tag & 0xc0) != 0x40) /* APPLICATION class */
        return XS_PROBE_PARSE_BAD;
    m->id = (uint32_t)id;
    m->op = tag & 0x1f;
    m->op_body = v;
    m->op_len = vl;
    m->size = hdr + len;
    return XS_PROBE_PARSE_OK;
}

long xs_ldap_result_code(const xs_ldap_message *m)
{
    const unsigned char *v;
    size_t at = 0, vl;
    return ber_next(m->op_body, m->op_len, &at, 0x0a, NULL, &v, &vl) ? ber_uint(v, vl) : -1;
}

#define STARTTLS_OID "1.3.6.1.4.1.1466.20037"
#define AD_OID       "1.2.840.113556.1.4.800" /* supportedCapabilities: Active Directory */

static bool is(const unsigned char *v, size_t vl, const char *s)
{
    return vl == strlen(s) && memcmp(v, s, vl) == 0;
}

/* The rootDSE's attributes of a SearchResultEntry: what the server says of itself. */
static void rootdse(const unsigned char *e, size_t el, xs_probe_info *out)
{
    const unsigned char *v, *attrs, *a, *vals;
    size_t at = 0, vl, al, avl, vsl;
    if (!ber_next(e, el, &at, 0x04, NULL, &v, &vl) ||
        !ber_next(e, el, &at, 0x30, NULL, &attrs, &al))
        return;
    char versions[16] = "";
    for (size_t ai = 0; ber_next(attrs, al, &ai, 0x30, NULL, &a, &avl);) {
        size_t k = 0;
        const unsigned char *type;
        size_t tl;
        if (!ber_next(a, avl, &k, 0x04, NULL, &type, &tl) ||
            !ber_next(a, avl, &k, 0x31, NULL, &vals, &vsl))
            continue;
        for (size_t vi = 0; ber_next(vals, vsl, &vi, 0x04, NULL, &v, &vl);) {
            if (is(type, tl, "vendorName"))
                probe_copy_text(out->product, sizeof out->product, (const char *)v, vl);
            else if (is(type, tl, "vendorVersion"))
                probe_copy_text(out->version, sizeof out->version, (const char *)v, vl);
            else if (is(type, tl, "supportedExtension") && is(v, vl, STARTTLS_OID))
                out->tls = XS_PROBE_TLS_YES;
            else if (is(type, tl, "supportedCapabilities") && is(v, vl, AD_OID) && !out->product[0])
                PROBE_SET(out->product, "Microsoft Active Directory");
            else if (is(type, tl, "structuralObjectClass") && is(v, vl, "OpenLDAProotDSE") &&
                     !out->product[0])
                PROBE_SET(out->product, "OpenLDAP");
            else if (is(type, tl, "supportedLDAPVersion") && vl == 1 &&
                     strlen(versions) + 2 < sizeof versions)
                snprintf(versions + strlen(versions), sizeof versions - strlen(versions), "%s%c",
                         versions[0] ? "," : "", v[0]);
        }
    }
    if (versions[0])
        probe_detail_add(out->detail, sizeof out->detail, "ldap_versions=%s", versions);
}

xs_probe_parse xs_probe_parse_ldap(const unsigned char *b, size_t n, bool final, xs_probe_info *out)
{
    xs_probe_info got = *out; /* filled only when the answer turns out to be LDAP */
    xs_ldap_message m;
    bool entry = false;
    for (size_t at = 0; at < n || !final;) {
        xs_probe_parse r = xs_ldap_message_read(b + at, n - at, &m);
        if (r == XS_PROBE_PARSE_MORE)
            return final ? (entry ? XS_PROBE_PARSE_OK : XS_PROBE_PARSE_BAD) : XS_PROBE_PARSE_MORE;
        if (r == XS_PROBE_PARSE_BAD || m.id > 1) /* ours is 1; 0 = unsolicited (a notice) */
            return entry ? XS_PROBE_PARSE_OK : XS_PROBE_PARSE_BAD;
        at += m.size;
        if (m.op == 4) { /* SearchResultEntry */
            if (!entry)
                rootdse(m.op_body, m.op_len, &got);
            entry = true;
            continue;
        }
        long code = xs_ldap_result_code(&m);
        if (code < 0 || (m.op != 5 && m.op != 24)) /* SearchResultDone, ExtendedResponse */
            return entry ? XS_PROBE_PARSE_OK : XS_PROBE_PARSE_BAD;
        if (code != 0)
            probe_detail_add(got.detail, sizeof got.detail, "result=%ld", code);
        if (code == 48 || code == 50) /* inappropriateAuthentication, insufficientAccessRights */
            got.auth = XS_PROBE_AUTH_REQUIRED;
        if (code == 13) /* confidentialityRequired: TLS first */
            got.tls = XS_PROBE_TLS_YES;
        break;
    }
    if (!entry && n == 0)
        return XS_PROBE_PARSE_BAD;
    PROBE_SET(got.protocol, "ldap");
    probe_set_banner_strings(&got, b, n);
    *out = got;
    return XS_PROBE_PARSE_OK;
}
