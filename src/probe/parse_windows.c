/* Parsers for the Microsoft-born protocols: TDS pre-login (MSSQL), X.224 + RDP negotiation, SMB2
 * NEGOTIATE. */
#include <stdio.h>
#include <string.h>

#include "probe_internal.h"

/* ---------------------------------------------------------------- MSSQL (TDS PRELOGIN reply)
 * Packet header: type 0x04 (tabular result), status, length (BE, whole packet), spid, id, window.
 * Payload: option tokens (token, offset BE, length BE) until 0xFF, then their data. */
static const char *mssql_release(unsigned major)
{
    switch (major) {
    case 8:
        return "2000";
    case 9:
        return "2005";
    case 10:
        return "2008";
    case 11:
        return "2012";
    case 12:
        return "2014";
    case 13:
        return "2016";
    case 14:
        return "2017";
    case 15:
        return "2019";
    case 16:
        return "2022";
    case 17:
        return "2025";
    default:
        return NULL;
    }
}

xs_probe_parse xs_probe_parse_mssql(const unsigned char *b, size_t n, bool final,
                                    xs_probe_info *out)
{
    if (n < 8)
        return final ? XS_PROBE_PARSE_BAD : XS_PROBE_PARSE_MORE;
    size_t plen = rd_be16(b + 2);
    if (b[0] != 0x04 || plen < 8 + 6 || (b[1] & ~0x1fu) != 0)
        return XS_PROBE_PARSE_BAD;
    if (n < plen && !final)
        return XS_PROBE_PARSE_MORE;
    if (n < plen)
        return XS_PROBE_PARSE_BAD; /* the reply is small: a cut one is not worth guessing at */
    const unsigned char *p = b + 8;
    size_t len = plen - 8;
    bool have_version = false;
    int encryption = -1;
    unsigned major = 0, minor = 0, build = 0;
    size_t i = 0;
    for (unsigned k = 0; k < 32; k++) {
        if (i >= len)
            return XS_PROBE_PARSE_BAD;
        unsigned tok = p[i];
        if (tok == 0xff)
            break;
        if (len - i < 5)
            return XS_PROBE_PARSE_BAD;
        size_t off = rd_be16(p + i + 1), ol = rd_be16(p + i + 3);
        if (off > len || ol > len - off)
            return XS_PROBE_PARSE_BAD;
        if (tok == 0x00 && ol >= 6) {
            major = p[off];
            minor = p[off + 1];
            build = rd_be16(p + off + 2);
            have_version = true;
        } else if (tok == 0x01 && ol >= 1) {
            encryption = p[off];
        }
        i += 5;
    }
    if (!have_version)
        return XS_PROBE_PARSE_BAD;
    PROBE_SET(out->protocol, "mssql");
    PROBE_SET(out->product, "Microsoft SQL Server");
    snprintf(out->version, sizeof out->version, "%u.%u.%u", major, minor, build);
    const char *rel = mssql_release(major);
    if (rel)
        probe_detail_add(out->detail, sizeof out->detail, "release=%s", rel);
    static const char *const enc[] = {"off", "on", "not-supported", "required"};
    if (encryption >= 0 && encryption <= 3) {
        probe_detail_add(out->detail, sizeof out->detail, "encryption=%s", enc[encryption]);
        /* OFF still encrypts the login packet: only NOT_SUP means no TLS at all */
        out->tls = encryption == 2 ? XS_PROBE_TLS_NO : XS_PROBE_TLS_YES;
    }
    char summary[96];
    snprintf(summary, sizeof summary, "mssql prelogin version=%s", out->version);
    probe_set_banner(out, (const unsigned char *)summary, strlen(summary));
    return XS_PROBE_PARSE_OK;
}

/* ---------------------------------------------------------------- RDP
 * TPKT (03 00 len-BE) + X.224 Connection Confirm (LI, 0xD0, ...) + optional RDP_NEG_RSP (type 2,
 * selectedProtocol) or RDP_NEG_FAILURE (type 3, failureCode). [MS-RDPBCGR] 2.2.1.2. */
#define RDP_PROTOCOL_SSL       0x1u
#define RDP_PROTOCOL_HYBRID    0x2u
#define RDP_PROTOCOL_RDSTLS    0x4u
#define RDP_PROTOCOL_HYBRID_EX 0x8u

xs_probe_parse xs_probe_parse_rdp(const unsigned char *b, size_t n, bool final, xs_probe_info *out)
{
    if (n < 4)
        return final ? XS_PROBE_PARSE_BAD : XS_PROBE_PARSE_MORE;
    size_t tlen = rd_be16(b + 2);
    if (b[0] != 0x03 || b[1] != 0x00 || tlen < 11 || tlen > 512)
        return XS_PROBE_PARSE_BAD;
    if (n < tlen)
        return final ? XS_PROBE_PARSE_BAD : XS_PROBE_PARSE_MORE;
    unsigned li = b[4];
    if ((b[5] & 0xf0) != 0xd0 || li + 5 > tlen || li < 6)
        return XS_PROBE_PARSE_BAD; /* not a Connection Confirm */
    PROBE_SET(out->protocol, "rdp");
    const char *summary = "rdp standard security";
    if (tlen >= 19 && li >= 14) {
        const unsigned char *neg = b + 11;
        uint32_t v = rd_le32(neg + 4);
        if (neg[0] == 0x02) {
            out->tls = (v & (RDP_PROTOCOL_SSL | RDP_PROTOCOL_HYBRID | RDP_PROTOCOL_HYBRID_EX |
                             RDP_PROTOCOL_RDSTLS))
                           ? XS_PROBE_TLS_YES
                           : XS_PROBE_TLS_NO;
            if (v & (RDP_PROTOCOL_HYBRID | RDP_PROTOCOL_HYBRID_EX)) {
                out->auth = XS_PROBE_AUTH_REQUIRED; /* NLA: credentials before any session */
                out->facts[XS_PROBE_FACT_RDP_NLA] = 1;
                summary = "rdp selected=hybrid (NLA)";
                probe_detail_add(out->detail, sizeof out->detail, "selected=hybrid, nla=yes");
            } else if (v & RDP_PROTOCOL_SSL) {
                summary = "rdp selected=ssl";
                out->facts[XS_PROBE_FACT_RDP_NLA] = -1;
                probe_detail_add(out->detail, sizeof out->detail, "selected=ssl, nla=no");
            } else {
                probe_detail_add(out->detail, sizeof out->detail, "selected=rdp, nla=no");
                out->facts[XS_PROBE_FACT_RDP_NLA] = -1;
            }
            if (neg[1] & 0x01)
                probe_detail_add(out->detail, sizeof out->detail, "extended_client_data");
        } else if (neg[0] == 0x03) {
            summary = "rdp negotiation failure";
            static const char *const why[] = {"",
                                              "ssl-required",
                                              "ssl-not-allowed",
                                              "ssl-cert-not-on-server",
                                              "inconsistent-flags",
                                              "hybrid-required",
                                              "ssl-with-user-auth-required"};
            probe_detail_add(out->detail, sizeof out->detail, "failure=%s",
                             v >= 1 && v <= 6 ? why[v] : "unknown");
            if (v == 1 || v == 5 || v == 6)
                out->tls = XS_PROBE_TLS_YES;
            if (v == 5)
                out->facts[XS_PROBE_FACT_RDP_NLA] = 1; /* HYBRID_REQUIRED_BY_SERVER */
            if (v == 2 || v == 3)
                out->tls = XS_PROBE_TLS_NO;
            if (v == 5 || v == 6)
                out->auth = XS_PROBE_AUTH_REQUIRED;
        }
    } else {
        out->tls = XS_PROBE_TLS_NO; /* pre-negotiation server: standard RDP security only */
        probe_detail_add(out->detail, sizeof out->detail, "selected=rdp, nla=no");
    }
    probe_set_banner(out, (const unsigned char *)summary, strlen(summary));
    return XS_PROBE_PARSE_OK;
}

/* ---------------------------------------------------------------- SMB
 * NetBIOS session header (0x00, 24-bit length) + SMB2 header (0xFE 'SMB', 64 bytes) + NEGOTIATE
 * response (StructureSize 65, SecurityMode, DialectRevision, ..., security blob). An SMB1-only
 * server answers with 0xFF 'SMB'. */
static const char *smb_dialect(unsigned d)
{
    switch (d) {
    case 0x0202:
        return "2.0.2";
    case 0x0210:
        return "2.1";
    case 0x0300:
        return "3.0";
    case 0x0302:
        return "3.0.2";
    case 0x0311:
        return "3.1.1";
    case 0x02ff:
        return "2.x";
    default:
        return NULL;
    }
}

xs_probe_parse xs_probe_parse_smb(const unsigned char *b, size_t n, bool final, xs_probe_info *out)
{
    if (n < 8)
        return final ? XS_PROBE_PARSE_BAD : XS_PROBE_PARSE_MORE;
    size_t nlen = (size_t)b[1] << 16 | (size_t)b[2] << 8 | b[3];
    if (b[0] != 0x00 || nlen < 4 || nlen > 0x1ffff)
        return XS_PROBE_PARSE_BAD;
    const unsigned char *s = b + 4;
    bool smb2 = s[0] == 0xfe && memcmp(s + 1, "SMB", 3) == 0;
    bool smb1 = s[0] == 0xff && memcmp(s + 1, "SMB", 3) == 0;
    if (!smb2 && !smb1)
        return XS_PROBE_PARSE_BAD;
    if (n - 4 < nlen && !final && n < XS_PROBE_MAX_BYTES)
        return XS_PROBE_PARSE_MORE;
    size_t len = n - 4 < nlen ? n - 4 : nlen;
    PROBE_SET(out->protocol, "smb");
    if (smb1) {
        probe_detail_add(out->detail, sizeof out->detail, "dialect=smb1");
        PROBE_SET(out->dialects, "NT LM 0.12");
        out->facts[XS_PROBE_FACT_SMB1] = 1;
        probe_set_banner(out, (const unsigned char *)"smb1", 4);
        return XS_PROBE_PARSE_OK;
    }
    if (len < 64 + 8)
        return XS_PROBE_PARSE_OK; /* identified, nothing more to read */
    uint32_t status = rd_le32(s + 8);
    unsigned cmd = rd_le16(s + 12);
    if (status != 0 || cmd != 0) {
        probe_detail_add(out->detail, sizeof out->detail, "status=0x%08x", (unsigned)status);
        return XS_PROBE_PARSE_OK;
    }
    const unsigned char *r = s + 64;
    size_t rl = len - 64;
    unsigned secmode = rd_le16(r + 2), dialect = rd_le16(r + 4);
    const char *dn = smb_dialect(dialect);
    char dbuf[16];
    if (!dn) {
        snprintf(dbuf, sizeof dbuf, "0x%04x", dialect);
        dn = dbuf;
    }
    /* The dialect is not the product's version (Samba 4.17 says 3.0.2): it has its own field. */
    PROBE_SET(out->dialects, dn);
    out->facts[XS_PROBE_FACT_SMB_SIGNING] = (secmode & 0x2) ? 1 : -1;
    probe_detail_add(out->detail, sizeof out->detail, "dialect=%s, signing=%s", dn,
                     (secmode & 0x2) ? "required" : "enabled");
    /* Samba puts this hint in its SPNEGO NegTokenInit; Windows does not. */
    if (rl >= 60) {
        size_t boff = rd_le16(r + 56), blen = rd_le16(r + 58);
        if (boff >= 64 + 64 && boff < len && blen <= len - boff) { /* offset from SMB2 header */
            if (probe_find_ci(s + boff, blen, "not_defined_in_RFC4178@please_ignore") != SIZE_MAX)
                PROBE_SET(out->product, "Samba");
        }
    }
    char summary[64];
    snprintf(summary, sizeof summary, "smb2 dialect=%s", dn);
    probe_set_banner(out, (const unsigned char *)summary, strlen(summary));
    return XS_PROBE_PARSE_OK;
}
