/* Fuzz the response parser fed incrementally (split points taken from the input), then the
 * derived fields (title, preview) and auth detection over what it produced. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "xsweep/auth.h"
#include "xsweep/http.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 2)
        return 0;
    size_t step = (size_t)data[0] + 1;      /* 1..256 bytes per feed */
    size_t max_body = (size_t)data[1] * 64; /* 0..16320 body bytes */
    data += 2;
    size -= 2;
    xs_http_parser *p = xs_http_parser_new(max_body);
    if (!p)
        return 0;
    xs_http_parse_state st = XS_HTTP_PARSE_MORE;
    for (size_t off = 0; off < size && st == XS_HTTP_PARSE_MORE; off += step) {
        size_t n = size - off < step ? size - off : step;
        st = xs_http_parser_feed(p, data + off, n);
    }
    if (st == XS_HTTP_PARSE_MORE)
        xs_http_parser_eof(p);
    xs_http_result *r = calloc(1, sizeof *r);
    if (r) {
        xs_http_parser_fill_result(p, r);
        if (r->body_len > max_body || r->raw_headers_len > XS_HTTP_MAX_HEADER_BYTES ||
            r->n_headers > XS_HTTP_MAX_HEADERS)
            abort();
        xs_auth_info a = xs_auth_detect(r);
        (void)a;
        size_t ul = 0;
        char *u = xs_http_preview_utf8(r, &ul); /* the page's charset, as the writer converts it */
        if (u && u[ul] != '\0')
            abort();
        free(u);
        xs_http_result_free(r);
    }
    xs_http_parser_free(p);
    /* The pure helpers on the raw bytes too. */
    char *t = xs_html_title(data, size, XS_HTTP_TITLE_MAX_CHARS);
    free(t);
    char *s = malloc(size + 1);
    if (s) {
        memcpy(s, data, size);
        s[size] = '\0';
        (void)xs_auth_parse_challenges(s);
        (void)xs_auth_provider_for_url(s, NULL);
        (void)xs_http_path_valid(s);
        free(s);
    }
    return 0;
}
