/* Names the protocol of whatever a server said first (the passive banner probe, and the fallback
 * when a port's expected protocol did not answer). */
#include <string.h>

#include "probe_internal.h"

static bool starts(const unsigned char *b, size_t n, const char *p)
{
    size_t m = strlen(p);
    return n >= m && memcmp(b, p, m) == 0;
}

/* Could b[0..n) still grow into p? (n shorter than p and a prefix of it) */
static bool prefix_of(const unsigned char *b, size_t n, const char *p)
{
    size_t m = strlen(p);
    return n < m && memcmp(b, p, n) == 0;
}

static bool is_text(const unsigned char *b, size_t n)
{
    size_t k = n < 64 ? n : 64;
    for (size_t i = 0; i < k; i++)
        if ((b[i] < 0x20 && b[i] != '\r' && b[i] != '\n' && b[i] != '\t') || b[i] == 0x7f)
            return false;
    return true;
}

static void named(xs_probe_info *out, const char *protocol, const unsigned char *b, size_t n)
{
    PROBE_SET(out->protocol, protocol);
    probe_set_banner(out, b, n);
}

static const probe_product_rule mail_products[] = {
    {"Dovecot", "Dovecot", false}, {"Cyrus", "Cyrus", true},
    {"Courier", "Courier", false}, {"Microsoft Exchange", "Microsoft Exchange", false},
    {NULL, NULL, false},
};

xs_probe_parse xs_probe_identify(const unsigned char *b, size_t n, bool final, xs_probe_info *out)
{
    if (n == 0)
        return final ? XS_PROBE_PARSE_BAD : XS_PROBE_PARSE_MORE;

    /* Text protocols: wait for the first line (unless the server will say no more). */
    if (is_text(b, n)) {
        static const char *const heads[] = {"SSH-",    "+OK",  "* OK",    "RFB ",
                                            "HTTP/1.", "AMQP", "@RSYNCD:"};
        bool eol = probe_find_eol(b, n, 0) != SIZE_MAX;
        if (!final && !eol && n < 512)
            return XS_PROBE_PARSE_MORE;
        for (size_t k = 0; k < sizeof heads / sizeof heads[0]; k++)
            if (prefix_of(b, n, heads[k]) && !final)
                return XS_PROBE_PARSE_MORE;
        /* A TLS-only service telling a plaintext client off in OpenSSL's words (vsftpd with
         * implicit_ssl: "500 OOPS: error:0A00010B:SSL routines::wrong version number"). */
        if (probe_find_ci(b, n, "SSL routines") != SIZE_MAX ||
            probe_find_ci(b, n, "wrong version number") != SIZE_MAX) {
            named(out, "tls", b, n);
            out->tls = XS_PROBE_TLS_YES;
            return XS_PROBE_PARSE_OK;
        }
        if (starts(b, n, "SSH-"))
            return xs_probe_parse_ssh(b, n, final, out);
        if (n >= 4 && b[0] >= '1' && b[0] <= '5' && b[1] >= '0' && b[1] <= '9' && b[2] >= '0' &&
            b[2] <= '9' && (b[3] == ' ' || b[3] == '-')) {
            int guess = probe_guess_220(b, n);
            if (guess == 1)
                return xs_probe_parse_smtp(b, n, final, out);
            if (guess == 2)
                return xs_probe_parse_ftp(b, n, final, out);
            probe_set_banner(out, b, n); /* a reply code, but whose? keep the banner only */
            return XS_PROBE_PARSE_BAD;
        }
        if (starts(b, n, "+OK")) {
            named(out, "pop3", b, n);
            probe_match_product(b, n, mail_products, out);
            return XS_PROBE_PARSE_OK;
        }
        if (starts(b, n, "* OK")) {
            named(out, "imap", b, n);
            probe_match_product(b, n, mail_products, out);
            return XS_PROBE_PARSE_OK;
        }
        if (starts(b, n, "RFB ")) {
            named(out, "vnc", b, n);
            probe_version_at(b, n, 4, out->version, sizeof out->version);
            return XS_PROBE_PARSE_OK;
        }
        if (starts(b, n, "HTTP/1.")) {
            named(out, "http", b, n);
            return XS_PROBE_PARSE_OK;
        }
        /* An HTTP server answering a one-line request (PING) as HTTP/0.9: a bare HTML page. */
        if (probe_find_ci(b, n < 16 ? n : 16, "<html") == 0 ||
            probe_find_ci(b, n < 16 ? n : 16, "<!DOCTYPE html") == 0) {
            named(out, "http", b, n);
            return XS_PROBE_PARSE_OK;
        }
        if (starts(b, n, "AMQP")) {
            named(out, "amqp", b, n);
            return XS_PROBE_PARSE_OK;
        }
        if (starts(b, n, "@RSYNCD:")) {
            named(out, "rsync", b, n);
            probe_version_at(b, n, 8, out->version, sizeof out->version);
            return XS_PROBE_PARSE_OK;
        }
        probe_set_banner(out, b, n);
        return XS_PROBE_PARSE_BAD;
    }

    /* Binary: MySQL greeting, TLS record, HTTP/2 SETTINGS. */
    if (n >= 5 && b[3] == 0 && (b[4] == 0x0a || b[4] == 0xff)) {
        xs_probe_parse r = xs_probe_parse_mysql(b, n, final, out);
        if (r != XS_PROBE_PARSE_BAD)
            return r;
    }
    if (n >= 5 && (b[0] == 0x15 || b[0] == 0x16) && b[1] == 0x03 && b[2] <= 0x04) {
        PROBE_SET(out->protocol, "tls");
        out->tls = XS_PROBE_TLS_YES;
        probe_set_banner_strings(out, b, n);
        return XS_PROBE_PARSE_OK;
    }
    if (n >= 9 && b[3] == 0x04 && (b[4] & ~0x01u) == 0 && (b[5] & 0x7f) == 0 && b[6] == 0 &&
        b[7] == 0 && b[8] == 0 && (((size_t)b[0] << 16 | (size_t)b[1] << 8 | b[2]) % 6) == 0) {
        PROBE_SET(out->protocol, "http2");
        probe_set_banner_strings(out, b, n);
        return XS_PROBE_PARSE_OK;
    }
    probe_set_banner_strings(out, b, n);
    return XS_PROBE_PARSE_BAD;
}
