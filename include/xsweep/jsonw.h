/* A small streaming JSON writer: always valid output, whatever bytes the network sent us. */
#ifndef XSWEEP_JSONW_H
#define XSWEEP_JSONW_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

typedef struct {
    FILE *out;
    int depth;
    bool need_comma[32]; /* per nesting level: something was written at this level */
} xs_jsonw;

void xs_jsonw_init(xs_jsonw *w, FILE *out);
void xs_jsonw_begin_object(xs_jsonw *w);
void xs_jsonw_end_object(xs_jsonw *w);
void xs_jsonw_begin_array(xs_jsonw *w);
void xs_jsonw_end_array(xs_jsonw *w);
void xs_jsonw_key(xs_jsonw *w, const char *key);
/* Bytes are written as a JSON string: invalid UTF-8 becomes U+FFFD, controls are \u-escaped. */
void xs_jsonw_string(xs_jsonw *w, const char *s, size_t len);
void xs_jsonw_cstr(xs_jsonw *w, const char *s); /* NULL writes null */
void xs_jsonw_int(xs_jsonw *w, int64_t v);
void xs_jsonw_uint(xs_jsonw *w, uint64_t v);
void xs_jsonw_bool(xs_jsonw *w, bool v);
void xs_jsonw_null(xs_jsonw *w);
/* A member: the key, then its value (the pair every record field is written as). */
void xs_jsonw_kv_cstr(xs_jsonw *w, const char *key, const char *s);
void xs_jsonw_kv_int(xs_jsonw *w, const char *key, int64_t v);
void xs_jsonw_kv_uint(xs_jsonw *w, const char *key, uint64_t v);
void xs_jsonw_kv_bool(xs_jsonw *w, const char *key, bool v);
/* The members of an already validated JSON object text "{...}", spliced into the current object
 * (the privilege-separated stage renders its fields in its own process). */
void xs_jsonw_raw_members(xs_jsonw *w, const char *object, size_t len);
/* Escapes s into out (always valid UTF-8 and JSON-safe, without quotes). For CSV and tests. */
void xs_json_escape_to(FILE *out, const char *s, size_t len);

#endif
