/* The one UTF-8 decoder of the program (RFC 3629, table 3-7 of Unicode): JSON, XML, titles,
 * previews and charset sniffing all ask it, so they agree on what is well-formed. */
#include "xsweep/utf8.h"

size_t xs_utf8_seq_len(const unsigned char *s, size_t len, uint32_t *cp)
{
    unsigned char b = s[0];
    uint32_t v;
    size_t n;
    /* The second byte's range is narrower after E0/ED/F0/F4: that is what refuses overlongs,
     * surrogates and code points past U+10FFFF. */
    unsigned char lo = 0x80, hi = 0xBF;
    if (b < 0x80) {
        if (cp)
            *cp = b;
        return 1;
    }
    if (b >= 0xC2 && b <= 0xDF) {
        n = 2;
        v = b & 0x1F;
    } else if (b >= 0xE0 && b <= 0xEF) {
        n = 3;
        v = b & 0x0F;
        if (b == 0xE0)
            lo = 0xA0;
        if (b == 0xED)
            hi = 0x9F;
    } else if (b >= 0xF0 && b <= 0xF4) {
        n = 4;
        v = b & 0x07;
        if (b == 0xF0)
            lo = 0x90;
        if (b == 0xF4)
            hi = 0x8F;
    } else {
        return 0;
    }
    if (len < n || s[1] < lo || s[1] > hi)
        return 0;
    for (size_t i = 1; i < n; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return 0;
        v = (v << 6) | (s[i] & 0x3F);
    }
    if (cp)
        *cp = v;
    return n;
}

bool xs_utf8_valid(const unsigned char *s, size_t len)
{
    for (size_t i = 0; i < len;) {
        size_t n = xs_utf8_seq_len(s + i, len - i, NULL);
        if (n == 0)
            return false;
        i += n;
    }
    return true;
}

size_t xs_utf8_prefix_bytes(const unsigned char *s, size_t len, size_t max_chars)
{
    size_t i = 0, chars = 0;
    while (i < len && chars < max_chars) {
        size_t n = xs_utf8_seq_len(s + i, len - i, NULL);
        i += n ? n : 1; /* an invalid byte is one character, kept as is */
        chars++;
    }
    return i;
}
