/* What a page offers to test: its same-origin links with query parameters, its forms with their
 * fields, and the directories it links to. A small tag scanner: pages are hostile input, so it
 * bounds everything and never follows a link to another host. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "check_internal.h"
#include "xsweep/text_search.h"

#define MAX_FORMS  16
#define MAX_PARAMS 12
#define MAX_DIRS   8

/* The value of attribute name inside the tag [p, end), or NULL; caller frees. */
static char *attr(const char *p, const char *end, const char *name)
{
    size_t n = strlen(name);
    for (const char *a = p; (a = xs_find_ci(a, (size_t)(end - a), name)); a += n) {
        if (a > p && !isspace((unsigned char)a[-1]))
            continue;
        const char *v = a + n;
        while (v < end && isspace((unsigned char)*v))
            v++;
        if (v >= end || *v != '=')
            continue;
        v++;
        while (v < end && isspace((unsigned char)*v))
            v++;
        char q = (v < end && (*v == '"' || *v == '\'')) ? *v++ : 0;
        const char *e = v;
        while (e < end && (q ? *e != q : !isspace((unsigned char)*e) && *e != '>'))
            e++;
        return strndup(v, (size_t)(e - v));
    }
    return NULL;
}

/* A same-origin request path for href/action, or NULL (other host, scheme, fragment only). */
static char *resolve(const char *ref, const char *base)
{
    if (!ref)
        return NULL;
    if (!*ref)
        return strdup(base);
    const char *colon = strchr(ref, ':'), *slash = strchr(ref, '/');
    if (ref[0] == '#' || !strncmp(ref, "//", 2) || (colon && (!slash || colon < slash)))
        return NULL; /* another host or scheme (javascript:, mailto:, http://...) */
    if (ref[0] == '/')
        return strdup(ref);
    const char *last = strrchr(base, '/');
    size_t dl = last ? (size_t)(last - base) + 1 : 0;
    char *out = malloc(dl + strlen(ref) + 2);
    if (!out)
        return NULL;
    if (dl)
        memcpy(out, base, dl);
    else
        out[0] = '/', dl = 1;
    strcpy(out + dl, ref);
    return out;
}

static void add_param(check_form *f, const char *name, const char *value)
{
    if (!name || !*name || f->n >= MAX_PARAMS)
        return;
    char **nn = realloc(f->names, (f->n + 1) * sizeof *nn);
    if (nn)
        f->names = nn;
    char **nv = realloc(f->values, (f->n + 1) * sizeof *nv);
    if (nv)
        f->values = nv;
    if (!nn || !nv)
        return;
    f->names[f->n] = strdup(name);
    f->values[f->n] = strdup(value ? value : "");
    f->n++;
}

static void add_dir(check_page *p, const char *path)
{
    const char *q = strpbrk(path, "?#");
    size_t l = q ? (size_t)(q - path) : strlen(path);
    while (l > 1 && path[l - 1] != '/')
        l--;
    if (l <= 1 || p->ndirs >= MAX_DIRS)
        return; /* "/" itself is the page */
    for (size_t i = 0; i < p->ndirs; i++)
        if (strlen(p->dirs[i]) == l && !strncmp(p->dirs[i], path, l))
            return;
    char **nd = realloc(p->dirs, (p->ndirs + 1) * sizeof *nd);
    if (!nd)
        return;
    p->dirs = nd;
    p->dirs[p->ndirs++] = strndup(path, l);
}

static check_form *new_form(check_page *p, const char *path, bool post)
{
    if (p->n >= MAX_FORMS)
        return NULL;
    check_form *nv = realloc(p->v, (p->n + 1) * sizeof *nv);
    if (!nv)
        return NULL;
    p->v = nv;
    check_form *f = &p->v[p->n++];
    memset(f, 0, sizeof *f);
    const char *q = strchr(path, '?');
    f->path = strndup(path, q ? (size_t)(q - path) : strlen(path));
    f->post = post;
    /* query parameters of the link or action itself */
    for (const char *s = q ? q + 1 : NULL; s && *s;) {
        const char *amp = strchr(s, '&'), *e = amp ? amp : s + strlen(s);
        const char *eq = memchr(s, '=', (size_t)(e - s));
        char *name = strndup(s, (size_t)((eq ? eq : e) - s));
        char *val = eq ? strndup(eq + 1, (size_t)(e - eq - 1)) : strdup("");
        add_param(f, name, val);
        free(name);
        free(val);
        s = amp ? amp + 1 : NULL;
    }
    return f;
}

void check_page_parse(const char *html, size_t len, const char *page_path, check_page *p)
{
    memset(p, 0, sizeof *p);
    if (!html)
        return;
    const char *end = html + len, *base = page_path ? page_path : "/";
    long form = -1; /* index, not a pointer: p->v moves when a link adds a form */
    for (const char *t = html; (t = memchr(t, '<', (size_t)(end - t))); t++) {
        const char *te = memchr(t, '>', (size_t)(end - t));
        if (!te)
            break;
        if (!strncasecmp(t, "<a ", 3) || !strncasecmp(t, "<a\n", 3)) {
            char *href = attr(t + 2, te, "href");
            char *path = resolve(href, base);
            if (path) {
                add_dir(p, path);
                if (strchr(path, '?'))
                    new_form(p, path, false);
            }
            free(href);
            free(path);
        } else if (!strncasecmp(t, "<form", 5)) {
            char *action = attr(t + 5, te, "action"), *method = attr(t + 5, te, "method");
            char *path = action ? resolve(action, base) : strdup(base);
            form = path && new_form(p, path, method && !strcasecmp(method, "post")) ? (long)p->n - 1
                                                                                    : -1;
            free(action);
            free(method);
            free(path);
        } else if (!strncasecmp(t, "</form", 6)) {
            form = -1;
        } else if (form >= 0 && (!strncasecmp(t, "<input", 6) || !strncasecmp(t, "<textarea", 9) ||
                                 !strncasecmp(t, "<select", 7))) {
            char *name = attr(t + 4, te, "name"), *value = attr(t + 4, te, "value");
            char *type = attr(t + 4, te, "type");
            if (!type || (strcasecmp(type, "submit") && strcasecmp(type, "file") &&
                          strcasecmp(type, "image")))
                add_param(&p->v[form], name, value && *value ? value : "1");
            free(name);
            free(value);
            free(type);
        }
        t = te;
    }
    /* forms and links without any parameter offer nothing to test */
    size_t k = 0;
    for (size_t i = 0; i < p->n; i++) {
        if (p->v[i].n)
            p->v[k++] = p->v[i];
        else
            free(p->v[i].path);
    }
    p->n = k;
}

void check_page_free(check_page *p)
{
    for (size_t i = 0; i < p->n; i++) {
        for (size_t j = 0; j < p->v[i].n; j++) {
            free(p->v[i].names[j]);
            free(p->v[i].values[j]);
        }
        free(p->v[i].names);
        free(p->v[i].values);
        free(p->v[i].path);
    }
    free(p->v);
    for (size_t i = 0; i < p->ndirs; i++)
        free(p->dirs[i]);
    free(p->dirs);
    memset(p, 0, sizeof *p);
}
