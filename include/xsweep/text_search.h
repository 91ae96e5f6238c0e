/* Case-insensitive substring search: the one the HTML, title, screenshot-text, check and probe
 * parsers share (they read network bytes that are not NUL-terminated). */
#ifndef XSWEEP_TEXT_SEARCH_H
#define XSWEEP_TEXT_SEARCH_H
#include <stddef.h>

/* The first place in h[0..n) where needle matches, ASCII letters compared without case; NULL when
 * there is none. An empty needle matches at h. Locale-independent, NUL bytes in h are ordinary. */
const char *xs_find_ci(const char *h, size_t n, const char *needle);

#endif
