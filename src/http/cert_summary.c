/* The certificate we record (never verify): names, validity, self-signedness, fingerprint. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "xsweep/http.h"
#include "http_internal.h"

static void name_oneline(const X509_NAME *name, char *out, size_t cap)
{
    out[0] = '\0';
    if (!name)
        return;
    BIO *b = BIO_new(BIO_s_mem());
    if (!b)
        return;
    if (X509_NAME_print_ex(b, name, 0, XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB) >= 0) {
        int n = BIO_read(b, out, (int)cap - 1);
        out[n > 0 ? n : 0] = '\0';
    }
    BIO_free(b);
}

static void name_cn(const X509_NAME *name, char *out, size_t cap)
{
    out[0] = '\0';
    int idx = name ? X509_NAME_get_index_by_NID(name, NID_commonName, -1) : -1;
    if (idx < 0)
        return;
    const ASN1_STRING *s = X509_NAME_ENTRY_get_data(X509_NAME_get_entry(name, idx));
    unsigned char *utf8 = NULL;
    int n = ASN1_STRING_to_UTF8(&utf8, s);
    if (n < 0)
        return;
    size_t k = (size_t)n < cap - 1 ? (size_t)n : cap - 1;
    memcpy(out, utf8, k);
    out[k] = '\0';
    for (size_t i = 0; i < k; i++) /* an embedded NUL would hide the rest */
        if (out[i] == '\0')
            out[i] = '?';
    OPENSSL_free(utf8);
}

static void time_iso(const ASN1_TIME *t, char *out, size_t cap)
{
    struct tm tm;
    out[0] = '\0';
    if (t && ASN1_TIME_to_tm(t, &tm) == 1)
        strftime(out, cap, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static void hex(const unsigned char *d, size_t n, char *out, size_t cap)
{
    static const char digits[] = "0123456789abcdef";
    size_t o = 0;
    for (size_t i = 0; i < n && o + 2 < cap; i++) {
        out[o++] = digits[d[i] >> 4];
        out[o++] = digits[d[i] & 15];
    }
    out[o] = '\0';
}

static void add_san(xs_cert_info *ci, const char *prefix, const unsigned char *v, size_t n)
{
    if (ci->n_sans >= XS_HTTP_MAX_SANS)
        return;
    if (n > 255)
        n = 255;
    size_t pl = strlen(prefix);
    char *s = malloc(pl + n + 1);
    if (!s)
        return;
    memcpy(s, prefix, pl);
    memcpy(s + pl, v, n);
    s[pl + n] = '\0';
    for (size_t i = pl; i < pl + n; i++)
        if (s[i] == '\0')
            s[i] = '?';
    ci->sans[ci->n_sans++] = s;
}

static void collect_sans(const X509 *cert, xs_cert_info *ci)
{
    GENERAL_NAMES *names = X509_get_ext_d2i(cert, NID_subject_alt_name, NULL, NULL);
    if (!names)
        return;
    int count = sk_GENERAL_NAME_num(names);
    if (count > 0 && (ci->sans = calloc(XS_HTTP_MAX_SANS, sizeof *ci->sans)) != NULL) {
        for (int i = 0; i < count; i++) {
            const GENERAL_NAME *gn = sk_GENERAL_NAME_value(names, i);
            int type;
            const ASN1_STRING *s = GENERAL_NAME_get0_value(gn, &type);
            const unsigned char *d = s ? ASN1_STRING_get0_data(s) : NULL;
            size_t n = s ? (size_t)ASN1_STRING_length(s) : 0;
            if (!d)
                continue;
            if (type == GEN_DNS)
                add_san(ci, "DNS:", d, n);
            else if (type == GEN_URI)
                add_san(ci, "URI:", d, n);
            else if (type == GEN_EMAIL)
                add_san(ci, "email:", d, n);
            else if (type == GEN_IPADD && (n == 4 || n == 16)) {
                char ip[64];
                if (n == 4)
                    snprintf(ip, sizeof ip, "%u.%u.%u.%u", d[0], d[1], d[2], d[3]);
                else
                    hex(d, n, ip, sizeof ip);
                add_san(ci, "IP:", (const unsigned char *)ip, strlen(ip));
            }
        }
    }
    GENERAL_NAMES_free(names);
}

void xs_cert_summarize(X509 *cert, xs_cert_info *ci)
{
    memset(ci, 0, sizeof *ci);
    const X509_NAME *subj = X509_get_subject_name(cert);
    const X509_NAME *iss = X509_get_issuer_name(cert);
    name_oneline(subj, ci->subject, sizeof ci->subject);
    name_oneline(iss, ci->issuer, sizeof ci->issuer);
    name_cn(subj, ci->subject_cn, sizeof ci->subject_cn);
    name_cn(iss, ci->issuer_cn, sizeof ci->issuer_cn);
    time_iso(X509_get0_notBefore(cert), ci->not_before, sizeof ci->not_before);
    time_iso(X509_get0_notAfter(cert), ci->not_after, sizeof ci->not_after);

    const ASN1_INTEGER *serial = X509_get0_serialNumber(cert);
    if (serial)
        hex(ASN1_STRING_get0_data(serial), (size_t)ASN1_STRING_length(serial), ci->serial,
            sizeof ci->serial);
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int mdlen = 0;
    if (X509_digest(cert, EVP_sha256(), md, &mdlen) == 1)
        hex(md, mdlen, ci->sha256, sizeof ci->sha256);

    /* Self-signed: same name both sides, and its own key verifies its signature. */
    if (subj && iss && X509_NAME_cmp(subj, iss) == 0) {
        EVP_PKEY *key = X509_get0_pubkey(cert);
        ci->self_signed = key && X509_verify(cert, key) == 1;
    }
    ERR_clear_error();
    collect_sans(cert, ci);
}

int xs_cert_summarize_der(const unsigned char *der, size_t len, xs_cert_info *out)
{
    memset(out, 0, sizeof *out);
    const unsigned char *p = der;
    X509 *cert = d2i_X509(NULL, &p, (long)len);
    if (!cert) {
        ERR_clear_error();
        return -1;
    }
    xs_cert_summarize(cert, out);
    X509_free(cert);
    return 0;
}

void xs_cert_info_clear(xs_cert_info *ci)
{
    for (size_t i = 0; i < ci->n_sans; i++)
        free(ci->sans[i]);
    free(ci->sans);
    ci->sans = NULL;
    ci->n_sans = 0;
}
