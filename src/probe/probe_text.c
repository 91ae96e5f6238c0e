/* Bounded text helpers for the probe parsers: every input byte may be hostile. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "probe_internal.h"
#include "xsweep/text_search.h"

void probe_copy_text(char *dst, size_t cap, const char *s, size_t len)
{
    if (cap == 0)
        return;
    size_t o = 0;
    for (size_t i = 0; i < len && s[i] && o + 1 < cap; i++) {
        unsigned char ch = (unsigned char)s[i];
        dst[o++] = (ch >= 0x20 && ch < 0x7f) ? (char)ch : '?';
    }
    dst[o] = 0;
}

void probe_detail_add(char *dst, size_t cap, const char *fmt, ...)
{
    size_t used = strnlen(dst, cap);
    if (used + 1 >= cap)
        return;
    if (used) {
        int w = snprintf(dst + used, cap - used, ", ");
        if (w < 0 || (size_t)w >= cap - used)
            return;
        used += (size_t)w;
    }
    char tmp[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    probe_copy_text(dst + used, cap - used, tmp, SIZE_MAX);
}

size_t probe_find_eol(const unsigned char *b, size_t n, size_t from)
{
    if (from >= n)
        return SIZE_MAX;
    const unsigned char *p = memchr(b + from, '\n', n - from);
    return p ? (size_t)(p - b) : SIZE_MAX;
}

void probe_set_banner(xs_probe_info *out, const unsigned char *b, size_t n)
{
    size_t end = probe_find_eol(b, n, 0);
    if (end == SIZE_MAX)
        end = n;
    if (end > 0 && b[end - 1] == '\r' && end <= n)
        end--;
    if (end > XS_PROBE_BANNER_MAX)
        end = XS_PROBE_BANNER_MAX;
    memcpy(out->banner, b, end);
    out->banner_len = end;
}

static bool printable(unsigned char c)
{
    return c >= 0x20 && c < 0x7f;
}

void probe_set_banner_strings(xs_probe_info *out, const unsigned char *b, size_t n)
{
    size_t o = 0;
    for (size_t i = 0; i < n && o < XS_PROBE_BANNER_MAX;) {
        size_t j = i;
        while (j < n && printable(b[j]))
            j++;
        if (j - i >= 4) {
            if (o && o < XS_PROBE_BANNER_MAX)
                out->banner[o++] = ' ';
            size_t take = j - i;
            if (take > XS_PROBE_BANNER_MAX - o)
                take = XS_PROBE_BANNER_MAX - o;
            memcpy(out->banner + o, b + i, take);
            o += take;
        }
        i = j + 1;
    }
    out->banner_len = o;
}

size_t probe_find_ci(const unsigned char *b, size_t n, const char *needle)
{
    const char *at = xs_find_ci((const char *)b, n, needle);
    return at ? (size_t)(at - (const char *)b) : SIZE_MAX;
}

static bool version_char(unsigned char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '.' ||
           c == '+' || c == '~' || c == '_' || c == '-';
}

size_t probe_version_at(const unsigned char *b, size_t n, size_t at, char *dst, size_t cap)
{
    if (cap)
        dst[0] = 0;
    while (at < n && (b[at] == ' ' || b[at] == '/' || b[at] == ':'))
        at++;
    if (at < n && (b[at] == 'v' || b[at] == 'V') && at + 1 < n && b[at + 1] >= '0' &&
        b[at + 1] <= '9')
        at++;
    if (at >= n || b[at] < '0' || b[at] > '9')
        return 0; /* a version starts with a digit */
    size_t s = at;
    while (at < n && version_char(b[at]))
        at++;
    while (at > s && (b[at - 1] == '.' || b[at - 1] == '-'))
        at--; /* "3.0.3." at the end of a sentence */
    probe_copy_text(dst, cap, (const char *)b + s, at - s);
    return at - s;
}

bool probe_match_product(const unsigned char *b, size_t n, const probe_product_rule *rules,
                         xs_probe_info *out)
{
    for (const probe_product_rule *r = rules; r->needle; r++) {
        size_t at = probe_find_ci(b, n, r->needle);
        if (at == SIZE_MAX)
            continue;
        PROBE_SET(out->product, r->product);
        if (r->version_follows)
            probe_version_at(b, n, at + strlen(r->needle), out->version, sizeof out->version);
        return true;
    }
    return false;
}

bool probe_line_value(const unsigned char *b, size_t n, const char *key, char *dst, size_t cap,
                      bool *whole)
{
    size_t kl = strlen(key);
    for (size_t line = 0; line < n;) {
        size_t eol = probe_find_eol(b, n, line);
        size_t end = eol == SIZE_MAX ? n : eol;
        if (end - line > kl && b[line + kl] == ':' && probe_find_ci(b + line, kl, key) == 0) {
            size_t vs = line + kl + 1, ve = end;
            while (vs < ve && (b[vs] == ' ' || b[vs] == '\t'))
                vs++;
            if (ve > vs && b[ve - 1] == '\r')
                ve--;
            probe_copy_text(dst, cap, (const char *)b + vs, ve - vs);
            if (whole)
                *whole = eol != SIZE_MAX;
            return true;
        }
        if (eol == SIZE_MAX)
            break;
        line = eol + 1;
    }
    return false;
}
