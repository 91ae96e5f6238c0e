/* UTF-8 as RFC 3629 defines it: the one validator every writer and parser of network text uses. */
#ifndef XSWEEP_UTF8_H
#define XSWEEP_UTF8_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Length (1-4) of the well-formed sequence at s (at most len bytes, len >= 1), 0 when it is
 * malformed or cut off: overlong forms, surrogates and code points past U+10FFFF are refused.
 * cp (may be NULL) gets the code point. */
size_t xs_utf8_seq_len(const unsigned char *s, size_t len, uint32_t *cp);
/* True when all len bytes are well-formed UTF-8. */
bool xs_utf8_valid(const unsigned char *s, size_t len);
/* Bytes of the first max_chars UTF-8 characters of s (an invalid byte counts as one character). */
size_t xs_utf8_prefix_bytes(const unsigned char *s, size_t len, size_t max_chars);

#endif
