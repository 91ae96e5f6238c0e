/* The TLS configuration audit of one endpoint: which protocols it accepts (SSLv3 by a hand-built
 * hello, TLS 1.0-1.3 by OpenSSL pinned to each version), which weak suites it picks when offered
 * nothing else, and what is wrong with its certificate (expiry, name, self-signed, chain, key,
 * signature). Each connection waits for the stage's clock like every other check request. */
#include <arpa/inet.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include "../checks/check_internal.h"
#include "tls_internal.h"

const char *const xs_tls_proto_names[5] = {"SSLv3", "TLSv1.0", "TLSv1.1", "TLSv1.2", "TLSv1.3"};

typedef struct {
    uint16_t id;
    const char *name;
} suite;

/* Suites nobody should accept: NULL, export, RC4, single DES, 3DES (SWEET32), anonymous. */
static const suite weak[] = {
    {0x0001, "NULL-MD5"},
    {0x0002, "NULL-SHA"},
    {0x003b, "NULL-SHA256"},
    {0xc006, "ECDHE-ECDSA-NULL-SHA"},
    {0xc010, "ECDHE-RSA-NULL-SHA"},
    {0x0003, "EXP-RC4-MD5"},
    {0x0006, "EXP-RC2-CBC-MD5"},
    {0x0008, "EXP-DES-CBC-SHA"},
    {0x0014, "EXP-EDH-RSA-DES-CBC-SHA"},
    {0x0004, "RC4-MD5"},
    {0x0005, "RC4-SHA"},
    {0xc011, "ECDHE-RSA-RC4-SHA"},
    {0xc007, "ECDHE-ECDSA-RC4-SHA"},
    {0x0018, "ADH-RC4-MD5"},
    {0x0009, "DES-CBC-SHA"},
    {0x0015, "EDH-RSA-DES-CBC-SHA"},
    {0x000a, "DES-CBC3-SHA"},
    {0x0016, "EDH-RSA-DES-CBC3-SHA"},
    {0xc012, "ECDHE-RSA-DES-CBC3-SHA"},
    {0xc008, "ECDHE-ECDSA-DES-CBC3-SHA"},
    {0x001b, "ADH-DES-CBC3-SHA"},
    {0x0034, "ADH-AES128-SHA"},
    {0x003a, "ADH-AES256-SHA"},
    {0x006c, "ADH-AES128-SHA256"},
    {0x006d, "ADH-AES256-SHA256"},
    {0xc018, "AECDH-AES128-SHA"},
    {0xc019, "AECDH-AES256-SHA"},
    {0x00a6, "ADH-AES128-GCM-SHA256"},
    {0x00a7, "ADH-AES256-GCM-SHA384"},
};
#define NWEAK       (sizeof weak / sizeof weak[0])
#define WEAK_ROUNDS 3

typedef struct {
    const check_env *env;
    const xs_check_target *t;
    xs_check_report *rep;
    char ip[XS_ADDR_STRLEN];
    const char *name; /* SNI / hostname to check: the Host, or the address */
    bool refused;     /* the service refused the STARTTLS upgrade: nothing to audit */
} audit;

/* A connection ready for the ClientHello: connected, and upgraded when the service needs it. */
static int audit_connect(audit *a)
{
    int fd = check_connect(&a->t->addr, a->t->port, a->env->timeout_ms);
    if (fd >= 0 && tls_starttls(fd, a->t->starttls) < 0) {
        close(fd);
        a->refused = true;
        return -1;
    }
    return fd;
}

static bool slot(audit *a)
{
    if (a->rep->requests >= a->env->max_requests) {
        a->rep->capped = true;
        return false;
    }
    if (!check_gate_wait(a->env->gate))
        return false;
    a->rep->requests++;
    return true;
}

static void finding(audit *a, const char *id, const char *name, xs_severity sev, const char *cwe,
                    const char *detail, const char *fix)
{
    xs_check_finding f = {.kind = XS_CHECK_KIND_TLS, .severity = sev};
    snprintf(f.id, sizeof f.id, "%s", id);
    snprintf(f.name, sizeof f.name, "%s", name);
    snprintf(f.cwe, sizeof f.cwe, "%s", cwe);
    snprintf(f.path, sizeof f.path, "/");
    snprintf(f.detail, sizeof f.detail, "%s", detail);
    snprintf(f.remediation, sizeof f.remediation, "%s", fix);
    xs_check_report_add(a->rep, &f);
}

static bool is_name(const char *h)
{
    return h && *h && inet_addr(h) == INADDR_NONE && !strchr(h, ':');
}

static void sslv3(audit *a)
{
    static const uint16_t s3[] = {0x000a, 0x002f, 0x0035, 0x0005, 0x0004,
                                  0x0009, 0x0033, 0x0039, 0x0016};
    snprintf(a->rep->tls_proto[0], sizeof a->rep->tls_proto[0], "not testable");
    if (!slot(a))
        return;
    int fd = audit_connect(a);
    if (fd < 0)
        return;
    unsigned char b[1024];
    size_t n = tls_build_hello(b, sizeof b, 0x0300, s3, sizeof s3 / sizeof s3[0], NULL);
    unsigned ver = 0, st = 0;
    int rc = send(fd, b, n, MSG_NOSIGNAL) == (ssize_t)n ? tls_read_server_hello(fd, &ver, &st) : -1;
    close(fd);
    bool yes = rc == 1 && ver == 0x0300;
    snprintf(a->rep->tls_proto[0], sizeof a->rep->tls_proto[0], "%s",
             rc < 0 ? "rejected"
             : yes  ? "accepted"
                    : "rejected");
}

/* One OpenSSL handshake pinned to version; returns the SSL (caller frees it and its ctx) or NULL. */
static SSL *handshake(audit *a, int version, int *fd_out, bool *testable)
{
    *testable = false;
    SSL_CTX *ctx = SSL_CTX_new(TLS_client_method());
    if (!ctx)
        return NULL;
    SSL_CTX_set_security_level(ctx, 0);
    SSL_CTX_set_verify(ctx, SSL_VERIFY_NONE, NULL);
    if (!SSL_CTX_set_min_proto_version(ctx, version) ||
        !SSL_CTX_set_max_proto_version(ctx, version) ||
        (version < TLS1_3_VERSION &&
         !SSL_CTX_set_cipher_list(ctx, "ALL:COMPLEMENTOFALL:@SECLEVEL=0"))) {
        SSL_CTX_free(ctx);
        return NULL;
    }
    if (!slot(a)) {
        SSL_CTX_free(ctx);
        return NULL;
    }
    int fd = audit_connect(a);
    SSL *ssl = fd >= 0 ? SSL_new(ctx) : NULL;
    SSL_CTX_free(ctx); /* the SSL holds a reference */
    if (!ssl) {
        if (fd >= 0)
            close(fd);
        return NULL;
    }
    *testable = true;
    SSL_set_fd(ssl, fd);
    if (is_name(a->t->host))
        SSL_set_tlsext_host_name(ssl, a->t->host);
    if (SSL_connect(ssl) != 1) {
        ERR_clear_error();
        SSL_free(ssl);
        close(fd);
        return NULL;
    }
    *fd_out = fd;
    return ssl;
}

static void done_ssl(SSL *ssl, int fd)
{
    SSL_shutdown(ssl);
    SSL_free(ssl);
    close(fd);
}

typedef struct {
    int errs[8];
    size_t n;
} verify_log;
static int log_idx = -1;
static pthread_once_t log_once = PTHREAD_ONCE_INIT;

static void log_index(void)
{
    log_idx = X509_STORE_CTX_get_ex_new_index(0, NULL, NULL, NULL, NULL);
}

static int verify_cb(int ok, X509_STORE_CTX *x)
{
    verify_log *l = X509_STORE_CTX_get_ex_data(x, log_idx);
    int e = X509_STORE_CTX_get_error(x);
    if (!ok && l && l->n < 8) {
        bool seen = false;
        for (size_t i = 0; i < l->n; i++)
            seen |= l->errs[i] == e;
        if (!seen)
            l->errs[l->n++] = e;
    }
    return 1; /* keep going: every problem, not the first */
}

/* The trust store, read from disk once: in the privilege-separated child it must be loaded
 * before the chroot (xs_tls_trust_preload), as nothing can be opened afterwards. */
static X509_STORE *trust;
static pthread_once_t trust_once = PTHREAD_ONCE_INIT;

static void trust_load(void)
{
    trust = X509_STORE_new();
    if (trust && !X509_STORE_set_default_paths(trust)) {
        X509_STORE_free(trust);
        trust = NULL;
    }
}

void xs_tls_trust_preload(void)
{
    pthread_once(&trust_once, trust_load);
}

static void certificate(audit *a, SSL *ssl)
{
    X509 *leaf = SSL_get1_peer_certificate(ssl);
    if (!leaf)
        return;
    STACK_OF(X509) *chain = SSL_get_peer_cert_chain(ssl);
    xs_tls_trust_preload();
    X509_STORE_CTX *vctx = X509_STORE_CTX_new();
    verify_log log = {0};
    pthread_once(&log_once, log_index);
    if (trust && vctx && X509_STORE_CTX_init(vctx, trust, leaf, chain)) {
        X509_STORE_CTX_set_ex_data(vctx, log_idx, &log);
        X509_STORE_CTX_set_verify_cb(vctx, verify_cb);
        X509_verify_cert(vctx);
    }
    bool self = false, chain_bad = false, expired = false;
    char why[160] = "";
    for (size_t i = 0; i < log.n; i++) {
        int e = log.errs[i];
        if (e == X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT)
            self = true;
        else if (e == X509_V_ERR_CERT_HAS_EXPIRED)
            expired = true;
        else if (e != X509_V_ERR_CERT_NOT_YET_VALID) {
            chain_bad = true;
            snprintf(why, sizeof why, "%s", X509_verify_cert_error_string(e));
        }
    }
    if (self)
        finding(a, "tls-cert-self-signed", "Self-signed certificate", XS_SEV_MEDIUM, "CWE-295",
                "issuer is the subject", "Use a certificate issued by a trusted CA.");
    else if (chain_bad)
        finding(a, "tls-cert-chain", "Certificate chain does not verify", XS_SEV_MEDIUM, "CWE-295",
                why,
                "Serve the full chain up to a trusted root (leaf first, then the intermediates).");
    int days = 0, secs = 0;
    const ASN1_TIME *na = X509_get0_notAfter(leaf), *nb = X509_get0_notBefore(leaf);
    if (expired || X509_cmp_current_time(na) < 0) {
        finding(a, "tls-cert-expired", "Certificate expired", XS_SEV_HIGH, "CWE-298",
                "notAfter in the past", "Renew the certificate.");
    } else if (ASN1_TIME_diff(&days, &secs, NULL, na) && days < 30) {
        char d[64];
        snprintf(d, sizeof d, "expires in %d days", days);
        finding(a, "tls-cert-expiring", "Certificate expires within 30 days", XS_SEV_LOW, "CWE-298",
                d, "Renew the certificate before it expires.");
    }
    if (X509_cmp_current_time(nb) > 0)
        finding(a, "tls-cert-not-yet-valid", "Certificate not yet valid", XS_SEV_MEDIUM, "CWE-298",
                "notBefore in the future", "Check the issuing clock; reissue the certificate.");
    bool match = is_name(a->t->host) ? X509_check_host(leaf, a->t->host, 0, 0, NULL) == 1
                                     : X509_check_ip_asc(leaf, a->ip, 0) == 1;
    if (!match) {
        char d[160];
        snprintf(d, sizeof d, "certificate does not name %s", a->name);
        finding(a, "tls-hostname-mismatch", "Certificate does not match the host name",
                XS_SEV_MEDIUM, "CWE-297", d,
                "Issue the certificate for the name (or address) clients use.");
    }
    EVP_PKEY *key = X509_get0_pubkey(leaf);
    if (key) {
        int bits = EVP_PKEY_get_bits(key), id = EVP_PKEY_get_base_id(key);
        bool ec = id == EVP_PKEY_EC || id == EVP_PKEY_ED25519 || id == EVP_PKEY_ED448;
        if ((!ec && bits < 2048) || (ec && bits < 224)) {
            char d[64];
            snprintf(d, sizeof d, "%s %d bits",
                     ec                   ? "EC"
                     : id == EVP_PKEY_RSA ? "RSA"
                                          : "key",
                     bits);
            finding(a, "tls-weak-key", "Certificate key too small",
                    bits < 1024 && !ec ? XS_SEV_HIGH : XS_SEV_MEDIUM, "CWE-326", d,
                    "Use RSA 2048+ or ECDSA P-256+ keys.");
        }
    }
    int md = 0;
    if (X509_get_signature_info(leaf, &md, NULL, NULL, NULL) && (md == NID_sha1 || md == NID_md5) &&
        !self) {
        finding(a, "tls-weak-signature", "Certificate signed with SHA-1 or MD5", XS_SEV_MEDIUM,
                "CWE-328", OBJ_nid2sn(md), "Reissue the certificate with a SHA-256 signature.");
    }
    X509_STORE_CTX_free(vctx);
    X509_free(leaf);
}

/* Offer only weak suites; each one the server picks is removed and the rest offered again. */
static void weak_suites(audit *a)
{
    uint16_t offer[NWEAK];
    size_t n = NWEAK;
    for (size_t i = 0; i < n; i++)
        offer[i] = weak[i].id;
    char picked[160] = "";
    for (int round = 0; round < WEAK_ROUNDS && n && slot(a); round++) {
        int fd = audit_connect(a);
        if (fd < 0)
            break;
        unsigned char b[1024];
        size_t len =
            tls_build_hello(b, sizeof b, 0x0303, offer, n, is_name(a->t->host) ? a->t->host : NULL);
        unsigned ver = 0, st = 0;
        int rc = send(fd, b, len, MSG_NOSIGNAL) == (ssize_t)len
                     ? tls_read_server_hello(fd, &ver, &st)
                     : -1;
        close(fd);
        if (rc != 1)
            break;
        size_t k = 0;
        const char *nm = NULL;
        for (size_t i = 0; i < n; i++) {
            if (offer[i] == st) {
                for (size_t j = 0; j < NWEAK; j++)
                    if (weak[j].id == st)
                        nm = weak[j].name;
            } else {
                offer[k++] = offer[i];
            }
        }
        if (!nm)
            break; /* it chose a suite we never offered: not a weak-suite answer */
        n = k;
        size_t l = strlen(picked);
        snprintf(picked + l, sizeof picked - l, "%s%s", l ? " " : "", nm);
    }
    if (picked[0])
        finding(a, "tls-weak-cipher", "Weak cipher suites accepted", XS_SEV_HIGH, "CWE-327", picked,
                "Disable NULL, export, RC4, DES, 3DES and anonymous suites (e.g. Mozilla's "
                "intermediate profile).");
}

void xs_tls_audit(const check_env *env, const xs_check_target *t, xs_check_report *rep)
{
    audit a = {.env = env, .t = t, .rep = rep};
    xs_addr_format(&t->addr, a.ip); /* X509_check_ip_asc reads either family */
    a.name = is_name(t->host) ? t->host : a.ip;
    rep->tls_audited = true;
    rep->starttls = t->starttls;
    sslv3(&a);
    if (a.refused) { /* no TLS behind this service (AUTH TLS or STARTTLS refused): no audit */
        rep->tls_audited = false;
        return;
    }
    static const int versions[4] = {TLS1_VERSION, TLS1_1_VERSION, TLS1_2_VERSION, TLS1_3_VERSION};
    bool cert_done = false;
    for (int i = 3; i >= 0; i--) { /* newest first: the certificate comes from the best handshake */
        int fd = -1;
        bool testable;
        SSL *ssl = handshake(&a, versions[i], &fd, &testable);
        snprintf(rep->tls_proto[i + 1], sizeof rep->tls_proto[i + 1], "%s",
                 ssl        ? "accepted"
                 : testable ? "rejected"
                            : "not testable");
        if (ssl && !cert_done) {
            certificate(&a, ssl);
            cert_done = true;
        }
        if (ssl)
            done_ssl(ssl, fd);
    }
    if (!strcmp(rep->tls_proto[0], "accepted"))
        finding(&a, "tls-sslv3", "SSLv3 accepted", XS_SEV_HIGH, "CWE-327", "SSLv3 (POODLE)",
                "Disable SSLv3.");
    char old[32] = "";
    for (int i = 1; i <= 2; i++)
        if (!strcmp(rep->tls_proto[i], "accepted"))
            snprintf(old + strlen(old), sizeof old - strlen(old), "%s%s", old[0] ? " " : "",
                     xs_tls_proto_names[i]);
    if (old[0])
        finding(&a, "tls-deprecated-protocol", "TLS 1.0/1.1 accepted", XS_SEV_MEDIUM, "CWE-327",
                old, "Accept TLS 1.2 and 1.3 only (RFC 8996).");
    if (strcmp(rep->tls_proto[3], "accepted") && strcmp(rep->tls_proto[4], "accepted") &&
        (cert_done || !strcmp(rep->tls_proto[0], "accepted")))
        finding(&a, "tls-no-modern-protocol", "Neither TLS 1.2 nor TLS 1.3 accepted", XS_SEV_MEDIUM,
                "CWE-327", "", "Enable TLS 1.2 and TLS 1.3.");
    weak_suites(&a);
}
