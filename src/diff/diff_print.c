/* The two output forms of `xsweep diff`: an aligned table for people, JSON lines for programs. */
#include <string.h>
#include "xsweep/diff.h"
#include "xsweep/jsonw.h"
#include "xsweep/targets.h"

enum { ENDPOINT_WIDTH = 22, SIDE_WIDTH = 34 };

/* Stored strings came from the network in part (titles): keep control bytes off the terminal. */
static size_t put_clean(FILE *out, const char *s)
{
    size_t n = 0;
    for (; s && *s; s++, n++)
        fputc((unsigned char)*s < 0x20 || *s == 0x7f ? '?' : *s, out);
    return n;
}

/* "open high nginx,PHP" or "-"; returns the characters written. */
static size_t put_side(FILE *out, const xs_diff_side *s)
{
    if (!s) {
        fputc('-', out);
        return 1;
    }
    size_t n = put_clean(out, s->status ? s->status : "?");
    const char *more[] = {s->severity, s->tech};
    for (size_t i = 0; i < 2; i++) {
        if (more[i] && *more[i]) {
            fputc(' ', out);
            n += 1 + put_clean(out, more[i]);
        }
    }
    return n;
}

static void pad(FILE *out, size_t used, size_t width)
{
    do
        fputc(' ', out);
    while (++used < width);
}

void xs_diff_print_header(FILE *out)
{
    fprintf(out, "%-12s %-*s %-*s %s\n", "CHANGE", ENDPOINT_WIDTH, "ENDPOINT", SIDE_WIDTH, "BEFORE",
            "AFTER");
}

void xs_diff_print_text(FILE *out, const xs_diff_entry *e)
{
    char ip[XS_ADDR_STRLEN + 2];
    xs_addr_format_host(&e->addr, ip); /* [2001:2::5]:443 */
    int n = fprintf(out, "%-12s %s:%u", xs_diff_change_name(e->change), ip, e->port);
    pad(out, n > 13 ? (size_t)n - 13 : 0, ENDPOINT_WIDTH + 1);
    pad(out, put_side(out, e->before), SIDE_WIDTH + 1);
    put_side(out, e->after);
    fputc('\n', out);
}

static void json_tech(xs_jsonw *w, const char *tech)
{
    xs_jsonw_begin_array(w);
    while (tech && *tech) {
        const char *comma = strchr(tech, ',');
        size_t len = comma ? (size_t)(comma - tech) : strlen(tech);
        xs_jsonw_string(w, tech, len);
        tech = comma ? comma + 1 : NULL;
    }
    xs_jsonw_end_array(w);
}

static void json_id(xs_jsonw *w, const char *key, int64_t id)
{
    xs_jsonw_key(w, key);
    if (id > 0)
        xs_jsonw_int(w, id);
    else
        xs_jsonw_null(w);
}

static void json_side(xs_jsonw *w, const xs_diff_side *s)
{
    if (!s) {
        xs_jsonw_null(w);
        return;
    }
    xs_jsonw_begin_object(w);
    xs_jsonw_kv_cstr(w, "status", s->status);
    xs_jsonw_kv_cstr(w, "severity", s->severity);
    xs_jsonw_key(w, "tech");
    json_tech(w, s->tech);
    xs_jsonw_key(w, "http_status_code");
    if (s->http_status_code)
        xs_jsonw_int(w, s->http_status_code);
    else
        xs_jsonw_null(w);
    xs_jsonw_kv_cstr(w, "title", s->title);
    xs_jsonw_kv_cstr(w, "auth_method", s->auth_method);
    json_id(w, "first_seen", s->first_seen);
    json_id(w, "last_seen", s->last_seen);
    xs_jsonw_end_object(w);
}

void xs_diff_print_json(FILE *out, const xs_diff_entry *e)
{
    static const struct {
        unsigned bit;
        const char *name;
    } FIELDS[] = {
        {XS_DIFF_STATUS, "status"},
        {XS_DIFF_SEVERITY, "severity"},
        {XS_DIFF_TECH, "tech"},
    };
    char ip[XS_ADDR_STRLEN];
    xs_addr_format(&e->addr, ip);
    xs_jsonw w;
    xs_jsonw_init(&w, out);
    xs_jsonw_begin_object(&w);
    xs_jsonw_key(&w, "ip");
    xs_jsonw_cstr(&w, ip);
    xs_jsonw_key(&w, "port");
    xs_jsonw_uint(&w, e->port);
    xs_jsonw_key(&w, "change");
    xs_jsonw_cstr(&w, xs_diff_change_name(e->change));
    xs_jsonw_key(&w, "fields");
    xs_jsonw_begin_array(&w);
    for (size_t i = 0; i < sizeof FIELDS / sizeof FIELDS[0]; i++)
        if (e->fields & FIELDS[i].bit)
            xs_jsonw_cstr(&w, FIELDS[i].name);
    xs_jsonw_end_array(&w);
    xs_jsonw_key(&w, "before");
    json_side(&w, e->before);
    xs_jsonw_key(&w, "after");
    json_side(&w, e->after);
    xs_jsonw_end_object(&w);
    fputc('\n', out);
}
