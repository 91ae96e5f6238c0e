/* Streaming JSON writer. Network bytes are untrusted, so strings are UTF-8-validated here,
 * in one place, and every record comes out as valid JSON. */
#include <inttypes.h>
#include <string.h>
#include "xsweep/jsonw.h"
#include "xsweep/utf8.h"

void xs_jsonw_init(xs_jsonw *w, FILE *out)
{
    memset(w, 0, sizeof *w);
    w->out = out;
}

/* A value (or key) is about to be written at the current level. */
static void separate(xs_jsonw *w)
{
    if (w->need_comma[w->depth])
        fputc(',', w->out);
    w->need_comma[w->depth] = true;
}

static void open_level(xs_jsonw *w, char c)
{
    separate(w);
    fputc(c, w->out);
    if (w->depth < 31)
        w->depth++;
    w->need_comma[w->depth] = false;
}

static void close_level(xs_jsonw *w, char c)
{
    fputc(c, w->out);
    if (w->depth > 0)
        w->depth--;
}

void xs_jsonw_begin_object(xs_jsonw *w)
{
    open_level(w, '{');
}
void xs_jsonw_end_object(xs_jsonw *w)
{
    close_level(w, '}');
}
void xs_jsonw_begin_array(xs_jsonw *w)
{
    open_level(w, '[');
}
void xs_jsonw_end_array(xs_jsonw *w)
{
    close_level(w, ']');
}

void xs_jsonw_key(xs_jsonw *w, const char *key)
{
    separate(w);
    fputc('"', w->out);
    xs_json_escape_to(w->out, key, strlen(key));
    fputs("\":", w->out);
    w->need_comma[w->depth] = false; /* the value follows without a comma */
}

void xs_json_escape_to(FILE *out, const char *str, size_t len)
{
    const unsigned char *s = (const unsigned char *)str;
    size_t i = 0;
    while (i < len) {
        unsigned char c = s[i];
        if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\') {
            fputc(c, out);
            i++;
            continue;
        }
        switch (c) {
        case '"':
            fputs("\\\"", out);
            i++;
            continue;
        case '\\':
            fputs("\\\\", out);
            i++;
            continue;
        case '\n':
            fputs("\\n", out);
            i++;
            continue;
        case '\r':
            fputs("\\r", out);
            i++;
            continue;
        case '\t':
            fputs("\\t", out);
            i++;
            continue;
        default:
            break;
        }
        if (c < 0x20 || c == 0x7f) {
            fprintf(out, "\\u%04x", c);
            i++;
            continue;
        }
        size_t n = xs_utf8_seq_len(s + i, len - i, NULL);
        if (n == 0) {
            fputs("\\ufffd", out);
            i++;
        } else {
            fwrite(s + i, 1, n, out);
            i += n;
        }
    }
}

void xs_jsonw_string(xs_jsonw *w, const char *s, size_t len)
{
    separate(w);
    fputc('"', w->out);
    xs_json_escape_to(w->out, s, len);
    fputc('"', w->out);
}

void xs_jsonw_cstr(xs_jsonw *w, const char *s)
{
    if (!s)
        xs_jsonw_null(w);
    else
        xs_jsonw_string(w, s, strlen(s));
}

void xs_jsonw_int(xs_jsonw *w, int64_t v)
{
    separate(w);
    fprintf(w->out, "%" PRId64, v);
}
void xs_jsonw_uint(xs_jsonw *w, uint64_t v)
{
    separate(w);
    fprintf(w->out, "%" PRIu64, v);
}
void xs_jsonw_bool(xs_jsonw *w, bool v)
{
    separate(w);
    fputs(v ? "true" : "false", w->out);
}
void xs_jsonw_null(xs_jsonw *w)
{
    separate(w);
    fputs("null", w->out);
}

void xs_jsonw_raw_members(xs_jsonw *w, const char *object, size_t len)
{
    if (len <= 2)
        return; /* "{}" */
    separate(w);
    fwrite(object + 1, 1, len - 2, w->out);
}

void xs_jsonw_kv_cstr(xs_jsonw *w, const char *key, const char *s)
{
    xs_jsonw_key(w, key);
    xs_jsonw_cstr(w, s);
}

void xs_jsonw_kv_int(xs_jsonw *w, const char *key, int64_t v)
{
    xs_jsonw_key(w, key);
    xs_jsonw_int(w, v);
}

void xs_jsonw_kv_uint(xs_jsonw *w, const char *key, uint64_t v)
{
    xs_jsonw_key(w, key);
    xs_jsonw_uint(w, v);
}

void xs_jsonw_kv_bool(xs_jsonw *w, const char *key, bool v)
{
    xs_jsonw_key(w, key);
    xs_jsonw_bool(w, v);
}
