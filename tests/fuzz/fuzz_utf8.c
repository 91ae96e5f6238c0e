/* libFuzzer target: the one UTF-8 validator (xsweep/utf8.h) on arbitrary bytes, against a
 * reference decoder written the other way round (decode, then refuse by code point), and the JSON
 * and XML escapers that rely on it: whatever bytes a server sends, what they write is valid UTF-8. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "xsweep/jsonw.h"
#include "xsweep/utf8.h"
#include "xsweep/xml.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Decodes by the bit pattern, then refuses overlongs, surrogates and values past U+10FFFF. */
static size_t reference_len(const uint8_t *s, size_t n, uint32_t *cp)
{
    size_t len;
    uint32_t v, min;
    if (s[0] < 0x80) {
        *cp = s[0];
        return 1;
    } else if ((s[0] & 0xE0) == 0xC0) {
        len = 2;
        v = s[0] & 0x1F;
        min = 0x80;
    } else if ((s[0] & 0xF0) == 0xE0) {
        len = 3;
        v = s[0] & 0x0F;
        min = 0x800;
    } else if ((s[0] & 0xF8) == 0xF0) {
        len = 4;
        v = s[0] & 0x07;
        min = 0x10000;
    } else
        return 0;
    if (n < len)
        return 0;
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return 0;
        v = (v << 6) | (s[i] & 0x3F);
    }
    if (v < min || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF))
        return 0;
    *cp = v;
    return len;
}

static void check_escaped_is_utf8(void (*escape)(FILE *, const char *, size_t), const uint8_t *d,
                                  size_t n)
{
    char *out = NULL;
    size_t out_len = 0;
    FILE *f = open_memstream(&out, &out_len);
    if (!f)
        return;
    escape(f, (const char *)d, n);
    fclose(f);
    if (!xs_utf8_valid((const unsigned char *)out, out_len))
        abort();
    free(out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    bool all_valid = true;
    for (size_t i = 0; i < size;) {
        uint32_t cp = 0, ref_cp = 0;
        size_t ours = xs_utf8_seq_len(data + i, size - i, &cp);
        size_t ref = reference_len(data + i, size - i, &ref_cp);
        if (ours != ref || (ours && cp != ref_cp) || ours > size - i)
            abort();
        all_valid &= ours != 0;
        i += ours ? ours : 1;
    }
    if (xs_utf8_valid(data, size) != all_valid)
        abort();
    size_t max_chars = size ? data[0] : 0;
    size_t p = xs_utf8_prefix_bytes(data, size, max_chars);
    if (p > size || (max_chars >= size && p != size))
        abort();
    if (all_valid && !xs_utf8_valid(data, p)) /* a prefix of valid text ends on a boundary */
        abort();
    check_escaped_is_utf8(xs_json_escape_to, data, size);
    check_escaped_is_utf8(xs_xml_escape_to, data, size);
    return 0;
}
