/* Bounded extraction of what Wappalyzer reads from the DOM: <script src>, inline <script> bodies and
 * <meta name|property content>. A tag scanner, not an HTML parser: comments are skipped, attribute
 * values are quoted or bare, entities are left as they are. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "fp_internal.h"
#include "xsweep/text_search.h"

#define MAX_ITEMS 1024

static bool is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
}

static int push(void **v, size_t *n, size_t *cap, size_t size, const void *item)
{
    if (*n >= MAX_ITEMS)
        return 0;
    if (*n == *cap) {
        size_t nc = *cap ? *cap * 2 : 16;
        void *nv = realloc(*v, nc * size);
        if (!nv)
            return -1;
        *v = nv;
        *cap = nc;
    }
    memcpy((char *)*v + *n * size, item, size);
    (*n)++;
    return 0;
}

/* Parses the attributes of a tag from p (just after its name) to '>'. Calls back for each. Returns
 * the position after '>' (or end). */
typedef struct {
    fp_slice src, name, property, content;
    bool has_src;
} tag_attrs;

static const char *parse_attrs(const char *p, const char *end, tag_attrs *a)
{
    memset(a, 0, sizeof *a);
    while (p < end) {
        while (p < end && (is_space(*p) || *p == '/'))
            p++;
        if (p >= end)
            break;
        if (*p == '>')
            return p + 1;
        const char *n0 = p;
        while (p < end && !is_space(*p) && *p != '=' && *p != '>' && *p != '/')
            p++;
        size_t nlen = (size_t)(p - n0);
        while (p < end && is_space(*p))
            p++;
        fp_slice val = {p, 0};
        bool has_val = false;
        if (p < end && *p == '=') {
            p++;
            while (p < end && is_space(*p))
                p++;
            has_val = true;
            if (p < end && (*p == '"' || *p == '\'')) {
                char q = *p++;
                const char *v0 = p;
                const char *close = memchr(p, q, (size_t)(end - p));
                p = close ? close : end;
                val = (fp_slice){v0, (size_t)(p - v0)};
                if (p < end)
                    p++;
            } else {
                const char *v0 = p;
                while (p < end && !is_space(*p) && *p != '>')
                    p++;
                val = (fp_slice){v0, (size_t)(p - v0)};
            }
        }
        if (nlen == 0) {
            if (p < end && !has_val)
                p++;
            continue;
        }
        /* the first occurrence of an attribute wins, as in the DOM */
        if (nlen == 3 && strncasecmp(n0, "src", 3) == 0 && !a->has_src) {
            a->src = val;
            a->has_src = has_val;
        } else if (nlen == 4 && strncasecmp(n0, "name", 4) == 0 && !a->name.p)
            a->name = val;
        else if (nlen == 8 && strncasecmp(n0, "property", 8) == 0 && !a->property.p)
            a->property = val;
        else if (nlen == 7 && strncasecmp(n0, "content", 7) == 0 && !a->content.p)
            a->content = val;
    }
    return end;
}

static bool tag_is(const char *p, const char *end, const char *name)
{
    size_t n = strlen(name);
    if ((size_t)(end - p) < n + 1 || strncasecmp(p, name, n) != 0)
        return false;
    char c = p[n];
    return is_space(c) || c == '>' || c == '/';
}

int fp_html_extract(const char *html, size_t len, fp_html_parts *out)
{
    out->nscript_src = out->nscript_body = out->nmeta = 0;
    if (!html)
        return 0;
    const char *p = html, *end = html + len;
    while (p < end && (p = memchr(p, '<', (size_t)(end - p))) != NULL) {
        p++;
        if ((size_t)(end - p) >= 3 && memcmp(p, "!--", 3) == 0) {
            const char *close = xs_find_ci(p + 3, (size_t)(end - (p + 3)), "-->");
            p = close ? close + 3 : end;
            continue;
        }
        tag_attrs a;
        if (tag_is(p, end, "script")) {
            p = parse_attrs(p + 6, end, &a);
            const char *close = xs_find_ci(p, (size_t)(end - p), "</script");
            const char *body_end = close ? close : end;
            if (a.has_src && a.src.n) {
                if (push((void **)&out->script_src, &out->nscript_src, &out->cap_script_src,
                         sizeof(fp_slice), &a.src) < 0)
                    return -1;
            } else if (body_end > p) {
                fp_slice body = {p, (size_t)(body_end - p)};
                if (push((void **)&out->script_body, &out->nscript_body, &out->cap_script_body,
                         sizeof(fp_slice), &body) < 0)
                    return -1;
            }
            p = body_end;
        } else if (tag_is(p, end, "meta")) {
            p = parse_attrs(p + 4, end, &a);
            /* Wappalyzer: key = name || property (an empty name falls through to property) */
            fp_slice key = a.name.n ? a.name : a.property;
            if (key.n && a.content.p) {
                fp_kv kv = {key, a.content};
                if (push((void **)&out->meta, &out->nmeta, &out->cap_meta, sizeof(fp_kv), &kv) < 0)
                    return -1;
            }
        }
    }
    return 0;
}

void fp_html_parts_free(fp_html_parts *p)
{
    free(p->script_src);
    free(p->script_body);
    free(p->meta);
    memset(p, 0, sizeof *p);
}
