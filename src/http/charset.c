/* The page's own character set (HTML's sniffing order: BOM, Content-Type, <meta> in the first
 * 1024 bytes; an undeclared page that is not UTF-8 is read as windows-1252, as browsers do) and
 * the conversion to UTF-8 with glibc's iconv. */
#include <ctype.h>
#include <errno.h>
#include <iconv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "xsweep/http.h"

#define META_SCAN_BYTES 1024u

/* Copies a charset label (token, optionally quoted) at p into out, lower case. */
static bool take_label(const char *p, const char *end, char *out, size_t cap)
{
    while (p < end && (*p == ' ' || *p == '\t' || *p == '='))
        p++;
    if (p < end && (*p == '"' || *p == '\''))
        p++;
    size_t n = 0;
    while (p < end && n + 1 < cap && (isalnum((unsigned char)*p) || strchr("-_.:", *p)))
        out[n++] = (char)tolower((unsigned char)*p++);
    out[n] = '\0';
    return n > 0;
}

static bool label_after(const char *s, size_t len, char *out, size_t cap)
{
    const char *end = s + len;
    for (const char *p = s; p + 7 < end; p++)
        if (strncasecmp(p, "charset", 7) == 0) {
            const char *q = p + 7;
            while (q < end && (*q == ' ' || *q == '\t'))
                q++;
            if (q < end && *q == '=' && take_label(q + 1, end, out, cap))
                return true;
        }
    return false;
}

/* The iconv name for an HTML label; NULL when it is UTF-8 (nothing to convert). */
static const char *iconv_name(const char *label, char *buf, size_t cap)
{
    if (!strcmp(label, "utf-8") || !strcmp(label, "utf8") || !strcmp(label, "unicode-1-1-utf-8"))
        return NULL;
    /* HTML: these labels all mean windows-1252 */
    static const char *const w1252[] = {
        "iso-8859-1",   "iso8859-1",  "latin1", "l1",     "us-ascii",   "ascii",   "cp1252",
        "windows-1252", "iso_8859-1", "cp819",  "ibm819", "iso-ir-100", "x-cp1252"};
    for (size_t i = 0; i < sizeof w1252 / sizeof w1252[0]; i++)
        if (!strcmp(label, w1252[i]))
            return "WINDOWS-1252";
    if (!strcmp(label, "gb2312") || !strcmp(label, "gbk") || !strcmp(label, "x-gbk"))
        return "GB18030"; /* HTML decodes these as gb18030's superset */
    snprintf(buf, cap, "%s", label);
    return buf;
}

const char *xs_http_charset(const xs_http_result *r, char *buf, size_t cap)
{
    const unsigned char *b = r->body;
    size_t n = r->body_len;
    if (n >= 3 && b[0] == 0xEF && b[1] == 0xBB && b[2] == 0xBF)
        return NULL;
    if (n >= 2 && b[0] == 0xFF && b[1] == 0xFE)
        return "UTF-16LE";
    if (n >= 2 && b[0] == 0xFE && b[1] == 0xFF)
        return "UTF-16BE";
    char label[40];
    const char *ct = xs_http_result_header(r, "Content-Type");
    if (ct && label_after(ct, strlen(ct), label, sizeof label))
        return iconv_name(label, buf, cap);
    /* <meta charset=x> or <meta http-equiv=Content-Type content="...; charset=x"> */
    size_t scan = n < META_SCAN_BYTES ? n : META_SCAN_BYTES;
    const char *s = (const char *)b;
    for (size_t i = 0; b && i + 5 < scan; i++) {
        if (s[i] != '<' || strncasecmp(s + i + 1, "meta", 4) != 0)
            continue;
        const char *gt = memchr(s + i, '>', scan - i);
        size_t tl = gt ? (size_t)(gt - (s + i)) : scan - i;
        if (label_after(s + i, tl, label, sizeof label))
            return iconv_name(label, buf, cap);
    }
    if (b && !xs_utf8_valid(b, n))
        return "WINDOWS-1252";
    return NULL;
}

char *xs_to_utf8(const char *charset, const unsigned char *in, size_t len, size_t *out_len)
{
    iconv_t cd = iconv_open("UTF-8", charset);
    if (cd == (iconv_t)-1)
        return NULL;
    size_t cap = len * 3 + 4; /* enough for any single-byte charset and for UTF-16 */
    char *out = malloc(cap + 1);
    if (!out) {
        iconv_close(cd);
        return NULL;
    }
    char *ip = (char *)in, *op = out;
    size_t il = len, ol = cap;
    while (il > 0) {
        if (iconv(cd, &ip, &il, &op, &ol) != (size_t)-1)
            break;
        if (errno == EILSEQ && ol >= 3) { /* a byte the charset does not have: U+FFFD */
            memcpy(op, "\xEF\xBF\xBD", 3);
            op += 3, ol -= 3;
            ip++, il--;
            continue;
        }
        break; /* EINVAL: cut inside a character; E2BIG: full */
    }
    iconv_close(cd);
    *out_len = (size_t)(op - out);
    out[*out_len] = '\0';
    return out;
}

char *xs_http_preview_utf8(const xs_http_result *r, size_t *len)
{
    if (!r->body_preview || !r->charset[0])
        return NULL;
    size_t ul = 0;
    char *u =
        xs_to_utf8(r->charset, (const unsigned char *)r->body_preview, r->body_preview_len, &ul);
    if (!u)
        return NULL;
    *len = xs_utf8_prefix_bytes((const unsigned char *)u, ul, XS_HTTP_PREVIEW_CHARS);
    u[*len] = '\0';
    return u;
}
