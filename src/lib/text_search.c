/* Case-insensitive substring search over bytes from the network. */
#include <string.h>
#include "xsweep/text_search.h"

static unsigned char ascii_lower(unsigned char c)
{
    return (c >= 'A' && c <= 'Z') ? (unsigned char)(c + 32) : c;
}

static int is_letter(unsigned char c)
{
    return ascii_lower(c) >= 'a' && ascii_lower(c) <= 'z';
}

const char *xs_find_ci(const char *h, size_t n, const char *needle)
{
    size_t m = strlen(needle);
    if (m == 0)
        return h;
    if (m > n)
        return NULL;
    const unsigned char *b = (const unsigned char *)h, *nd = (const unsigned char *)needle;
    unsigned char first = ascii_lower(nd[0]);
    /* A first byte that is not a letter ("-->", "</title") has one form: memchr skips ahead. */
    int exact_first = !is_letter(first);
    for (size_t i = 0; i + m <= n; i++) {
        if (exact_first) {
            const unsigned char *at = memchr(b + i, first, n - m + 1 - i);
            if (!at)
                return NULL;
            i = (size_t)(at - b);
        } else if (ascii_lower(b[i]) != first) {
            continue;
        }
        size_t k = 1;
        while (k < m && ascii_lower(b[i + k]) == ascii_lower(nd[k]))
            k++;
        if (k == m)
            return h + i;
    }
    return NULL;
}
