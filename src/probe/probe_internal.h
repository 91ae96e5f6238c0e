/* Helpers shared by the files of src/probe only. */
#ifndef XSWEEP_PROBE_INTERNAL_H
#define XSWEEP_PROBE_INTERNAL_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "xsweep/probe.h"

#define PROBE_SET(field, s) probe_copy_text((field), sizeof(field), (s), SIZE_MAX)

/* Copies at most len bytes of s (stopping at NUL) into dst[cap], NUL-terminated; bytes outside
 * printable ASCII become '?' so the fixed fields are always plain text. */
void probe_copy_text(char *dst, size_t cap, const char *s, size_t len);
/* Appends ", " (when dst is not empty) and the formatted text, truncating at cap. */
void probe_detail_add(char *dst, size_t cap, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Keeps the first line of b (without CR/LF), raw, bounded by XS_PROBE_BANNER_MAX. */
void probe_set_banner(xs_probe_info *out, const unsigned char *b, size_t n);
/* Keeps a printable summary of binary bytes: printable runs of >= 4 chars joined by ' '. */
void probe_set_banner_strings(xs_probe_info *out, const unsigned char *b, size_t n);
/* Offset of the first '\n' at or after from, or SIZE_MAX. */
size_t probe_find_eol(const unsigned char *b, size_t n, size_t from);
/* Case-insensitive search of needle in b[0..n); offset or SIZE_MAX. */
size_t probe_find_ci(const unsigned char *b, size_t n, const char *needle);
/* The value of the first line "key: value" of b[0..n) (HTTP headers, Redis INFO): key matched
 * case-insensitively, blanks after the colon and a trailing CR dropped, copied into dst. False
 * when absent. *whole (when not NULL): the line ended inside b, so the value is not cut off. */
bool probe_line_value(const unsigned char *b, size_t n, const char *key, char *dst, size_t cap,
                      bool *whole);
/* Version-like token at b[at..]: skips spaces, '/', 'v', then takes [0-9A-Za-z.+~_-]. */
size_t probe_version_at(const unsigned char *b, size_t n, size_t at, char *dst, size_t cap);

/* A known product name found in a banner, and the version that follows it. */
typedef struct {
    const char *needle;  /* searched case-insensitively */
    const char *product; /* what we report */
    bool version_follows;
} probe_product_rule;
/* First rule whose needle occurs in b[0..n): sets product (and version). true when one matched. */
bool probe_match_product(const unsigned char *b, size_t n, const probe_product_rule *rules,
                         xs_probe_info *out);

/* FTP/SMTP reply: its code once the (multi-line) reply is complete, 0 = incomplete, -1 = not a reply. */
int probe_reply_code(const unsigned char *b, size_t n, bool final);

/* Shared by the modules (src/probe/dialog.c). */
size_t probe_put(unsigned char *out, size_t cap, const void *src, size_t len);
/* The expected protocol did not answer: name whatever did (xs_probe_identify). */
xs_probe_step probe_fallback(const unsigned char *in, size_t len, bool final, xs_probe_info *info);
/* One reply, one parser; foreign bytes go to probe_fallback. */
xs_probe_step probe_single(xs_probe_parse (*fn)(const unsigned char *, size_t, bool,
                                                xs_probe_info *),
                           const unsigned char *in, size_t len, bool final, xs_probe_info *info);
/* A conversation's first answer through fn: true when it is fn's protocol (go on talking); else
 * false with *st the step to return (more bytes, done, or probe_fallback's verdict). */
bool probe_expect(xs_probe_parse (*fn)(const unsigned char *, size_t, bool, xs_probe_info *),
                  const unsigned char *in, size_t len, bool final, xs_probe_info *info,
                  xs_probe_step *st);
/* A conversation's last answer through fn: more bytes while it is incomplete, then done. */
xs_probe_step probe_last(xs_probe_parse (*fn)(const unsigned char *, size_t, bool, xs_probe_info *),
                         const unsigned char *in, size_t len, bool final, xs_probe_info *info);
/* Sends what[0..len) and reads on (step + 1). */
xs_probe_step probe_send_bytes(unsigned *step, const void *what, size_t len, unsigned char *out,
                               size_t cap, size_t *out_len);
/* Sends the NUL-terminated what: and reads on (step + 1), or closes after it. */
xs_probe_step probe_send_next(unsigned *step, const char *what, unsigned char *out, size_t cap,
                              size_t *out_len);
xs_probe_step probe_send_close(const char *what, unsigned char *out, size_t cap, size_t *out_len);

/* The modules, one per file (src/probe/mod_*.c). */
extern const xs_probe_module xs_probe_mod_banner, xs_probe_mod_ssh, xs_probe_mod_ftp,
    xs_probe_mod_smtp, xs_probe_mod_redis, xs_probe_mod_memcached, xs_probe_mod_mysql,
    xs_probe_mod_postgresql, xs_probe_mod_mongodb, xs_probe_mod_elasticsearch, xs_probe_mod_mssql,
    xs_probe_mod_rdp, xs_probe_mod_smb, xs_probe_mod_smb1, xs_probe_mod_cassandra,
    xs_probe_mod_http, xs_probe_mod_tls, xs_probe_mod_ldap, xs_probe_mod_xmpp;

/* NTLMSSP (src/probe/parse_ntlmssp.c, ntlmssp_auth.c). */
/* Offset of an NTLMSSP message of the type (2 = CHALLENGE) in b[0..n), or SIZE_MAX. */
size_t probe_ntlmssp_find(const unsigned char *b, size_t n, uint32_t type);
/* The CHALLENGE c[0..cl)'s TargetInfo: offset and length inside c; false when it runs outside. */
bool probe_ntlmssp_target_info(const unsigned char *c, size_t cl, size_t *off, size_t *len);
/* UTF-16LE p[0..bytes) as printable ASCII (others '?'), up to a NUL, into dst[cap]. */
void probe_copy_utf16(char *dst, size_t cap, const unsigned char *p, size_t bytes);
/* SPNEGO NegTokenInit carrying our NTLMSSP NEGOTIATE. */
extern const unsigned char probe_spnego_ntlm_negotiate[74];
/* SPNEGO NegTokenResp carrying the AUTHENTICATE ("guest", blank password, NTLMv2) that answers
 * the CHALLENGE found in b[0..n); bytes written into out, 0 when there is none or it does not fit. */
size_t probe_ntlm_guest_auth(const unsigned char *b, size_t n, unsigned char *out, size_t cap);

/* One SMB2 SESSION_SETUP response, framing checked (src/probe/parse_smb_session.c). */
typedef struct {
    uint32_t status;
    unsigned session_flags;
    const unsigned char *session_id; /* 8 bytes of the SMB2 header */
    const unsigned char *blob;       /* the security buffer */
    size_t blob_len;
} probe_smb2_setup;
xs_probe_parse probe_smb2_setup_read(const unsigned char *b, size_t n, bool final,
                                     probe_smb2_setup *out);
/* What the response says: the CHALLENGE leg's names; answers_auth: the session (smb.guest). */
void probe_smb2_setup_learn(const probe_smb2_setup *s, bool answers_auth, xs_probe_info *info);

/* Which protocol a bare 220 greeting belongs to, from its words: 1 = SMTP, 2 = FTP, 0 = unsure. */
int probe_guess_220(const unsigned char *b, size_t n);

/* Little/big-endian readers; callers check bounds first. */
static inline uint16_t rd_le16(const unsigned char *p)
{
    return (uint16_t)(p[0] | p[1] << 8);
}
static inline uint16_t rd_be16(const unsigned char *p)
{
    return (uint16_t)(p[0] << 8 | p[1]);
}
static inline uint32_t rd_le32(const unsigned char *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}
static inline uint32_t rd_be32(const unsigned char *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | (uint32_t)p[3];
}

#endif
