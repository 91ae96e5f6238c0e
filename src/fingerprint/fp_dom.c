/* Wappalyzer's `dom` patterns that static HTML answers: a CSS selector subset (tag, #id, .class,
 * [attr], [attr=|^=|$=|*=|~=|"|="value" i], descendant and child combinators, selector lists) with
 * an exists, text or attribute condition, evaluated on the page parsed by gumbo. Selectors that
 * need more (pseudo-classes, sibling combinators) and `properties` (JavaScript objects) are counted
 * and skipped. Rules are indexed by their rightmost compound's id, class, attribute or tag, so each
 * element only meets the rules that can match it. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <gumbo.h>
#include "xsweep/html_walk.h"
#include <jansson.h>

#include "fp_internal.h"
#include "xsweep/http.h"
#include "xsweep/text_search.h"

#define TEXT_MAX       8192u /* textContent bytes a text condition looks at */
#define ANCESTORS_MAX  256u  /* a descendant combinator looks this far up (hostile nesting) */
#define TEXT_EVALS_MAX 512u  /* text conditions evaluated per page at most */
#define GRAM           4u    /* prefilter: a rule's literal must have all its 4-grams in the page */
#define GRAM_BITS      (1u << 17)

typedef struct {
    char *name, *value; /* name lower case; value NULL for [name] */
    char op;            /* 0 exists, '=', '^', '$', '*', '~', '|' */
    bool icase;
} sel_attr;

typedef struct {
    char *tag; /* lower case, NULL = any */
    char *id;
    char **classes;
    size_t nclasses;
    sel_attr *attrs;
    size_t nattrs;
    char comb; /* how it joins the compound on its left: ' ' or '>' (0 for the first) */
} sel_compound;

enum { COND_EXISTS, COND_TEXT, COND_ATTR };

typedef struct {
    sel_compound *c;
    size_t n;
    char **lits; /* lower case texts every matching page holds (ids, classes,
                             * attribute values, "<tag" of every compound), >= GRAM - 1 bytes */
    size_t *lit_lens;
    size_t nlits;
    uint32_t *all_tri; /* bit positions of every 3-gram of lits: all must be set */
    size_t nall_tri;
    uint32_t *any_tri; /* the regex's literals' 3-grams, any_end[k] ends literal k's run */
    size_t *any_end;
    size_t nany; /* 0: the regex gives no literal of >= 3 bytes (no filter) */
    uint8_t cond;
    char *attr;     /* COND_ATTR: attribute name, lower case */
    fp_pattern pat; /* regex (re NULL = matches anything) with version/confidence tags */
} dom_rule;

typedef struct {
    char *key; /* "#id", ".class", "[attr", "tag", or "*" */
    size_t rule;
} index_entry;

struct fp_dom_db {
    dom_rule *rules;
    size_t n, cap;
    uint32_t *first_gram; /* per rule, one 3-gram it needs (UINT32_MAX: none), packed so
                                     * the per-page prefilter touches one small array first */
    index_entry *index;
    size_t nindex;
};

/* ------------------------------------------------------------------ selector parsing */

static bool ident_char(char c)
{
    return isalnum((unsigned char)c) || c == '-' || c == '_' || (unsigned char)c >= 0x80;
}

static char *dup_n(const char *s, size_t n, bool lower)
{
    char *d = malloc(n + 1);
    if (!d)
        return NULL;
    for (size_t i = 0; i < n; i++)
        d[i] = lower ? (char)tolower((unsigned char)s[i]) : s[i];
    d[n] = '\0';
    return d;
}

static void compound_free(sel_compound *c)
{
    free(c->tag);
    free(c->id);
    for (size_t i = 0; i < c->nclasses; i++)
        free(c->classes[i]);
    free(c->classes);
    for (size_t i = 0; i < c->nattrs; i++) {
        free(c->attrs[i].name);
        free(c->attrs[i].value);
    }
    free(c->attrs);
}

static void rule_free(dom_rule *r)
{
    for (size_t i = 0; i < r->n; i++)
        compound_free(&r->c[i]);
    free(r->c);
    free(r->attr);
    for (size_t i = 0; i < r->nlits; i++)
        free(r->lits[i]);
    free(r->lits);
    free(r->lit_lens);
    free(r->all_tri);
    free(r->any_tri);
    free(r->any_end);
    pcre2_code_free(r->pat.re);
    fp_pattern_free_literals(&r->pat);
    free(r->pat.version);
}

static const char *skip_ws(const char *p, const char *end)
{
    while (p < end && isspace((unsigned char)*p))
        p++;
    return p;
}

/* [name op "value" i] at p (after '['); returns the position after ']' or NULL. */
static const char *parse_attr(const char *p, const char *end, sel_attr *a)
{
    p = skip_ws(p, end);
    const char *n = p;
    while (p < end && (ident_char(*p) || *p == ':'))
        p++;
    if (p == n)
        return NULL;
    a->name = dup_n(n, (size_t)(p - n), true);
    p = skip_ws(p, end);
    if (p < end && *p == ']')
        return a->name ? p + 1 : NULL;
    if (p < end && strchr("^$*~|", *p) && p + 1 < end && p[1] == '=')
        a->op = *p, p += 2;
    else if (p < end && *p == '=')
        a->op = '=', p++;
    else
        return NULL;
    p = skip_ws(p, end);
    const char *v;
    size_t vl;
    if (p < end && (*p == '"' || *p == '\'')) {
        char q = *p++;
        v = p;
        while (p < end && *p != q)
            p++;
        if (p >= end)
            return NULL;
        vl = (size_t)(p - v);
        p++;
    } else {
        v = p;
        while (p < end && ident_char(*p))
            p++;
        vl = (size_t)(p - v);
    }
    a->value = dup_n(v, vl, false);
    p = skip_ws(p, end);
    if (p < end && (*p == 'i' || *p == 'I' || *p == 's' || *p == 'S')) {
        a->icase = *p == 'i' || *p == 'I';
        p = skip_ws(p + 1, end);
    }
    if (p >= end || *p != ']' || !a->value)
        return NULL;
    return p + 1;
}

/* One complex selector (no commas). 0, or -1 when it uses what static HTML cannot answer. */
static int parse_complex(const char *p, const char *end, dom_rule *r)
{
    char comb = 0;
    p = skip_ws(p, end);
    while (p < end) {
        sel_compound *nc = realloc(r->c, (r->n + 1) * sizeof *nc);
        if (!nc)
            return -1;
        r->c = nc;
        sel_compound *c = &r->c[r->n++];
        memset(c, 0, sizeof *c);
        c->comb = comb;
        const char *start = p;
        if (p < end && *p == '*') {
            p++;
        } else {
            const char *t = p;
            while (p < end && ident_char(*p))
                p++;
            if (p > t && !(c->tag = dup_n(t, (size_t)(p - t), true)))
                return -1;
        }
        while (p < end && (*p == '#' || *p == '.' || *p == '[')) {
            char k = *p++;
            if (k == '[') {
                sel_attr *na = realloc(c->attrs, (c->nattrs + 1) * sizeof *na);
                if (!na)
                    return -1;
                c->attrs = na;
                memset(&c->attrs[c->nattrs], 0, sizeof *na);
                p = parse_attr(p, end, &c->attrs[c->nattrs++]);
                if (!p)
                    return -1;
                continue;
            }
            const char *t = p;
            while (p < end && ident_char(*p))
                p++;
            if (p == t)
                return -1;
            if (k == '#') {
                free(c->id);
                if (!(c->id = dup_n(t, (size_t)(p - t), false)))
                    return -1;
            } else {
                char **ncl = realloc(c->classes, (c->nclasses + 1) * sizeof *ncl);
                if (!ncl)
                    return -1;
                c->classes = ncl;
                if (!(c->classes[c->nclasses++] = dup_n(t, (size_t)(p - t), false)))
                    return -1;
            }
        }
        if (p == start)
            return -1; /* ':' pseudo-classes, '+', '~' or junk */
        const char *q = skip_ws(p, end);
        if (q >= end)
            break;
        if (*q == '>') {
            comb = '>';
            p = skip_ws(q + 1, end);
        } else if (q > p && (ident_char(*q) || strchr("*#.[", *q))) {
            comb = ' ';
            p = q;
        } else {
            return -1;
        }
        if (p >= end)
            return -1;
    }
    return r->n ? 0 : -1;
}

/* ------------------------------------------------------------------ loading */

static inline uint32_t tri_hash(uint32_t v);

/* The 3-gram bit positions of s[0..n) appended to *v (*nv entries). */
static int push_grams(uint32_t **v, size_t *nv, const char *s, size_t n)
{
    if (n < GRAM - 1)
        return 0;
    uint32_t *nvv = realloc(*v, (*nv + n) * sizeof *nvv);
    if (!nvv)
        return -1;
    *v = nvv;
    uint32_t x = 0;
    for (size_t i = 0; i < n; i++) {
        x = x << 8 | (uint8_t)tolower((unsigned char)s[i]);
        if (i + 1 >= GRAM - 1)
            nvv[(*nv)++] = tri_hash(x);
    }
    return 0;
}

static int precompute_grams(dom_rule *r)
{
    for (size_t k = 0; k < r->nlits; k++)
        if (push_grams(&r->all_tri, &r->nall_tri, r->lits[k], r->lit_lens[k]) < 0)
            return -1;
    if (r->cond == COND_EXISTS || r->pat.nliterals == 0)
        return 0;
    for (size_t k = 0; k < r->pat.nliterals; k++)
        if (r->pat.literal_lens[k] < GRAM - 1)
            return 0; /* a short alternative: no filter from the regex */
    size_t total = 0;
    if (!(r->any_end = calloc(r->pat.nliterals, sizeof *r->any_end)))
        return -1;
    for (size_t k = 0; k < r->pat.nliterals; k++) {
        if (push_grams(&r->any_tri, &total, r->pat.literals[k], r->pat.literal_lens[k]) < 0)
            return -1;
        r->any_end[k] = total;
    }
    r->nany = r->pat.nliterals;
    return 0;
}

static int add_lit(dom_rule *r, const char *s)
{
    if (!s || strlen(s) < GRAM - 1)
        return 0;
    char **nl = realloc(r->lits, (r->nlits + 1) * sizeof *nl);
    if (!nl)
        return -1;
    r->lits = nl;
    size_t *ll = realloc(r->lit_lens, (r->nlits + 1) * sizeof *ll);
    if (!ll)
        return -1;
    r->lit_lens = ll;
    ll[r->nlits] = strlen(s);
    return (r->lits[r->nlits] = dup_n(s, strlen(s), true)) ? (int)(r->nlits++ * 0) : -1;
}

static int add_rule(fp_dom_db *d, xs_fp_db *db, pcre2_compile_context *cctx, uint32_t tech,
                    const char *sel, size_t sl, uint8_t cond, const char *attr, const char *raw)
{
    dom_rule r = {0};
    r.cond = cond;
    r.pat.tech = tech;
    bool jit = false;
    if (parse_complex(sel, sel + sl, &r) < 0) {
        rule_free(&r);
        db->stats.unsupported++;
        return 0;
    }
    if (fp_pattern_compile(&r.pat, raw, cctx, &jit) < 0) {
        rule_free(&r);
        db->stats.regex_rejected++;
        return 0;
    }
    /* the regex's literals stay: one of them must be in the page for a text/attribute rule */
    if (r.pat.re) {
        uint32_t caps = 0;
        pcre2_pattern_info(r.pat.re, PCRE2_INFO_CAPTURECOUNT, &caps);
        if (caps > db->max_captures)
            db->max_captures = caps;
        r.pat.ngroups = (uint16_t)(caps + 1);
    }
    for (size_t k = 0; k < r.n; k++) {
        const sel_compound *c = &r.c[k];
        char tagbuf[80];
        snprintf(tagbuf, sizeof tagbuf, "<%s", c->tag ? c->tag : "");
        if (add_lit(&r, c->tag ? tagbuf : NULL) < 0 || add_lit(&r, c->id) < 0) {
            rule_free(&r);
            return -1;
        }
        for (size_t i = 0; i < c->nclasses; i++)
            if (add_lit(&r, c->classes[i]) < 0) {
                rule_free(&r);
                return -1;
            }
        for (size_t i = 0; i < c->nattrs; i++)
            if (add_lit(&r, c->attrs[i].name) < 0 ||
                (c->attrs[i].op && c->attrs[i].op != '|' && add_lit(&r, c->attrs[i].value) < 0)) {
                rule_free(&r);
                return -1;
            }
    }
    if (cond == COND_TEXT && !r.pat.re)
        r.cond = COND_EXISTS;    /* text "" matches any element: no text needed */
    if (add_lit(&r, attr) < 0) { /* the attribute the condition reads must be there */
        rule_free(&r);
        return -1;
    }
    if (attr && !(r.attr = dup_n(attr, strlen(attr), true))) {
        rule_free(&r);
        return -1;
    }
    if (precompute_grams(&r) < 0) {
        rule_free(&r);
        return -1;
    }
    if (d->n == d->cap) {
        size_t nc = d->cap ? d->cap * 2 : 256;
        dom_rule *nr = realloc(d->rules, nc * sizeof *nr);
        if (!nr) {
            rule_free(&r);
            return -1;
        }
        d->rules = nr;
        d->cap = nc;
    }
    d->rules[d->n++] = r;
    return 0;
}

/* A selector list "a, b[c]": one rule per selector, all with the same condition. */
static int add_selector_list(fp_dom_db *d, xs_fp_db *db, pcre2_compile_context *cctx, uint32_t tech,
                             const char *sel, uint8_t cond, const char *attr, const char *raw)
{
    const char *p = sel, *start = sel;
    int depth = 0;
    char quote = 0;
    for (;; p++) {
        if (quote) {
            if (*p == quote)
                quote = 0;
            else if (!*p)
                break;
            continue;
        }
        if (*p == '"' || *p == '\'')
            quote = *p;
        else if (*p == '[')
            depth++;
        else if (*p == ']')
            depth--;
        else if ((*p == ',' && depth == 0) || !*p) {
            if (add_rule(d, db, cctx, tech, start, (size_t)(p - start), cond, attr, raw) < 0)
                return -1;
            if (!*p)
                break;
            start = p + 1;
        }
    }
    return 0;
}

int fp_dom_add(xs_fp_db *db, pcre2_compile_context *cctx, uint32_t tech, json_t *v)
{
    if (!db->dom && !(db->dom = calloc(1, sizeof *db->dom)))
        return -1;
    fp_dom_db *d = db->dom;
    if (json_is_string(v))
        return add_selector_list(d, db, cctx, tech, json_string_value(v), COND_EXISTS, NULL, "");
    if (json_is_array(v)) {
        size_t i;
        json_t *e;
        json_array_foreach(v, i, e)
        {
            if (json_is_string(e)) {
                if (add_selector_list(d, db, cctx, tech, json_string_value(e), COND_EXISTS, NULL,
                                      "") < 0)
                    return -1;
            } else {
                db->stats.malformed++;
            }
        }
        return 0;
    }
    if (!json_is_object(v)) {
        db->stats.malformed++;
        return 0;
    }
    const char *sel;
    json_t *conds;
    json_object_foreach(v, sel, conds)
    {
        if (!json_is_object(conds)) {
            db->stats.malformed++;
            continue;
        }
        json_t *c;
        if ((c = json_object_get(conds, "exists")) &&
            add_selector_list(d, db, cctx, tech, sel, COND_EXISTS, NULL,
                              json_is_string(c) ? json_string_value(c) : "") < 0)
            return -1;
        if ((c = json_object_get(conds, "text")) && json_is_string(c) &&
            add_selector_list(d, db, cctx, tech, sel, COND_TEXT, NULL, json_string_value(c)) < 0)
            return -1;
        json_t *attrs = json_object_get(conds, "attributes");
        const char *an;
        json_t *av;
        if (json_is_object(attrs))
            json_object_foreach(attrs, an, av)
            {
                if (json_is_string(av) && add_selector_list(d, db, cctx, tech, sel, COND_ATTR, an,
                                                            json_string_value(av)) < 0)
                    return -1;
            }
        if ((c = json_object_get(conds, "properties")))
            db->stats.js += json_is_object(c) ? json_object_size(c) : 1; /* needs JavaScript */
    }
    return 0;
}

static int cmp_index(const void *a, const void *b)
{
    const index_entry *x = a, *y = b;
    int c = strcmp(x->key, y->key);
    return c ? c : (x->rule > y->rule) - (x->rule < y->rule);
}

int fp_dom_finish(xs_fp_db *db)
{
    fp_dom_db *d = db->dom;
    if (!d || d->n == 0)
        return 0;
    if (!(d->index = calloc(d->n, sizeof *d->index)))
        return -1;
    for (size_t i = 0; i < d->n; i++) {
        const sel_compound *c = &d->rules[i].c[d->rules[i].n - 1];
        char buf[256];
        if (c->id)
            snprintf(buf, sizeof buf, "#%s", c->id);
        else if (c->nclasses)
            snprintf(buf, sizeof buf, ".%s", c->classes[0]);
        else if (c->nattrs)
            snprintf(buf, sizeof buf, "[%s", c->attrs[0].name);
        else if (c->tag)
            snprintf(buf, sizeof buf, "%s", c->tag);
        else
            snprintf(buf, sizeof buf, "*");
        if (!(d->index[i].key = strdup(buf)))
            return -1;
        d->index[i].rule = i;
        d->nindex++;
    }
    qsort(d->index, d->nindex, sizeof *d->index, cmp_index);
    if (!(d->first_gram = malloc(d->n * sizeof *d->first_gram)))
        return -1;
    for (size_t i = 0; i < d->n; i++) {
        const dom_rule *r = &d->rules[i];
        d->first_gram[i] = r->nall_tri ? r->all_tri[r->nall_tri - 1] : UINT32_MAX;
    }
    return 0;
}

void fp_dom_free(fp_dom_db *d)
{
    if (!d)
        return;
    for (size_t i = 0; i < d->n; i++)
        rule_free(&d->rules[i]);
    free(d->rules);
    for (size_t i = 0; i < d->nindex; i++)
        free(d->index[i].key);
    free(d->index);
    free(d->first_gram);
    free(d);
}

/* ------------------------------------------------------------------ matching */

static const char *tag_of(const GumboElement *el, char *buf, size_t cap)
{
    if (el->tag != GUMBO_TAG_UNKNOWN)
        return gumbo_normalized_tagname(el->tag);
    GumboStringPiece t = el->original_tag;
    gumbo_tag_from_original_text(&t);
    size_t n = t.length < cap - 1 ? t.length : cap - 1;
    for (size_t i = 0; i < n; i++)
        buf[i] = (char)tolower((unsigned char)t.data[i]);
    buf[n] = '\0';
    return buf;
}

static bool has_word(const char *list, const char *w, bool icase)
{
    size_t wl = strlen(w);
    for (const char *p = list; *p;) {
        while (*p && isspace((unsigned char)*p))
            p++;
        const char *s = p;
        while (*p && !isspace((unsigned char)*p))
            p++;
        if ((size_t)(p - s) == wl && (icase ? strncasecmp(s, w, wl) : strncmp(s, w, wl)) == 0)
            return true;
    }
    return false;
}

static bool attr_matches(const char *v, const sel_attr *a)
{
    if (!v)
        return false;
    if (!a->op)
        return true;
    size_t vl = strlen(v), al = strlen(a->value);
    int (*cmp)(const char *, const char *, size_t) = a->icase ? strncasecmp : strncmp;
    switch (a->op) {
    case '=':
        return vl == al && cmp(v, a->value, al) == 0;
    case '^':
        return al > 0 && vl >= al && cmp(v, a->value, al) == 0;
    case '$':
        return al > 0 && vl >= al && cmp(v + vl - al, a->value, al) == 0;
    case '*':
        return al > 0 && (a->icase ? strcasestr(v, a->value) : memmem(v, vl, a->value, al)) != NULL;
    case '~':
        return has_word(v, a->value, a->icase);
    case '|':
        return (vl == al || (vl > al && v[al] == '-')) && cmp(v, a->value, al) == 0;
    }
    return false;
}

/* An element as the matcher sees it: from gumbo's tree, or from the flat start-tag scanner. */
#define VIEW_ATTRS 64
typedef struct {
    const char *tag;               /* lower case */
    const char *names[VIEW_ATTRS]; /* lower case; the first of a name wins, as in the DOM */
    const char *values[VIEW_ATTRS];
    size_t n;
    const GumboNode *node; /* NULL from the flat scanner */
} elem_view;

static const char *view_attr(const elem_view *e, const char *name)
{
    for (size_t i = 0; i < e->n; i++)
        if (strcmp(e->names[i], name) == 0)
            return e->values[i];
    return NULL;
}

static void view_of_node(const GumboNode *n, elem_view *e, char *tagbuf, size_t cap)
{
    const GumboElement *el = &n->v.element;
    e->tag = tag_of(el, tagbuf, cap);
    e->node = n;
    e->n = 0;
    for (unsigned i = 0; i < el->attributes.length && e->n < VIEW_ATTRS; i++) {
        const GumboAttribute *a = el->attributes.data[i];
        e->names[e->n] = a->name;
        e->values[e->n++] = a->value;
    }
}

static bool compound_matches(const elem_view *e, const sel_compound *c)
{
    if (c->tag && strcmp(c->tag, e->tag) != 0)
        return false;
    if (c->id) {
        const char *id = view_attr(e, "id");
        if (!id || strcmp(id, c->id) != 0)
            return false;
    }
    if (c->nclasses) {
        const char *cl = view_attr(e, "class");
        for (size_t i = 0; i < c->nclasses; i++)
            if (!cl || !has_word(cl, c->classes[i], false))
                return false;
    }
    for (size_t i = 0; i < c->nattrs; i++)
        if (!attr_matches(view_attr(e, c->attrs[i].name), &c->attrs[i]))
            return false;
    return true;
}

/* Compound k matches n and the compounds left of it match n's ancestors as the combinators say. */
static bool chain_matches(const GumboNode *n, const dom_rule *r, size_t k)
{
    if (n->type != GUMBO_NODE_ELEMENT)
        return false;
    elem_view e;
    char tb[64];
    view_of_node(n, &e, tb, sizeof tb);
    if (!compound_matches(&e, &r->c[k]))
        return false;
    if (k == 0)
        return true;
    const GumboNode *up = n->parent;
    if (r->c[k].comb == '>')
        return up && chain_matches(up, r, k - 1);
    size_t steps = 0;
    for (; up && steps < ANCESTORS_MAX; up = up->parent, steps++)
        if (chain_matches(up, r, k - 1))
            return true;
    return false;
}

static size_t text_content(const GumboNode *n, char *out, size_t cap, size_t o)
{
    if (n->type == GUMBO_NODE_TEXT || n->type == GUMBO_NODE_WHITESPACE ||
        n->type == GUMBO_NODE_CDATA) {
        size_t tl = strlen(n->v.text.text);
        if (tl > cap - o)
            tl = cap - o;
        memcpy(out + o, n->v.text.text, tl);
        return o + tl;
    }
    if (n->type != GUMBO_NODE_ELEMENT)
        return o;
    /* iterative over the subtree: depth is bounded by gumbo's tree, not our stack */
    const GumboNode *root = n,
                    *c = n->v.element.children.length ? n->v.element.children.data[0] : NULL;
    while (c && o < cap) {
        if (c->type == GUMBO_NODE_ELEMENT && c->v.element.children.length) {
            c = c->v.element.children.data[0];
            continue;
        }
        if (c->type != GUMBO_NODE_ELEMENT)
            o = text_content(c, out, cap, o);
        while (c != root) {
            const GumboNode *par = c->parent;
            size_t next = c->index_within_parent + 1;
            if (par && next < par->v.element.children.length) {
                c = par->v.element.children.data[next];
                break;
            }
            c = par;
        }
        if (c == root)
            break;
    }
    return o;
}

/* A Bloom-style set of the page's lower-cased 3-grams: a rule whose literal has a 3-gram the page
 * lacks cannot match and is never evaluated (false positives only cost time). */
static inline uint32_t tri_hash(uint32_t v)
{
    return ((v & 0xFFFFFFu) * 2654435761u) >> (32 - 17);
}

typedef struct {
    const fp_dom_db *d;
    const index_entry *idx; /* the index entries of the rules the prefilter left, sorted */
    size_t nidx;
    uint8_t *exists_done; /* 2 for rules the prefilter ruled out */
    char *text;
    size_t text_evals;
    fp_dom_hit_fn hit;
    void *arg;
} walk_ctx;

static void eval_rule(walk_ctx *w, const elem_view *e, size_t ri)
{
    const dom_rule *r = &w->d->rules[ri];
    if (w->exists_done[ri] == 2 || (r->cond == COND_EXISTS && w->exists_done[ri]))
        return;
    if (r->n == 1 ? !compound_matches(e, &r->c[0])
                  : (!e->node || !chain_matches(e->node, r, r->n - 1)))
        return;
    switch (r->cond) {
    case COND_EXISTS:
        w->exists_done[ri] = 1;
        w->hit(w->arg, &r->pat, "", 0);
        break;
    case COND_TEXT: {
        if (!e->node || w->text_evals++ >= TEXT_EVALS_MAX)
            break;
        size_t tl = text_content(e->node, w->text, TEXT_MAX, 0);
        size_t s = 0;
        while (s < tl && isspace((unsigned char)w->text[s]))
            s++;
        while (tl > s && isspace((unsigned char)w->text[tl - 1]))
            tl--;
        w->hit(w->arg, &r->pat, w->text + s, tl - s);
        break;
    }
    case COND_ATTR: {
        const char *v = view_attr(e, r->attr);
        if (v)
            w->hit(w->arg, &r->pat, v, strlen(v));
        break;
    }
    }
}

static void eval_key(walk_ctx *w, const elem_view *e, const char *key)
{
    size_t lo = 0, hi = w->nidx;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (strcmp(w->idx[mid].key, key) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    for (; lo < w->nidx && strcmp(w->idx[lo].key, key) == 0; lo++)
        eval_rule(w, e, w->idx[lo].rule);
}

static void key_of(char *buf, size_t cap, char sigil, const char *s, size_t n)
{
    if (n > cap - 2)
        n = cap - 2;
    buf[0] = sigil;
    memcpy(buf + 1, s, n);
    buf[n + 1] = '\0';
}

static void eval_element(walk_ctx *w, const elem_view *e)
{
    char buf[300];
    eval_key(w, e, e->tag);
    eval_key(w, e, "*");
    for (size_t i = 0; i < e->n; i++) {
        key_of(buf, sizeof buf, '[', e->names[i], strlen(e->names[i]));
        eval_key(w, e, buf);
        if (strcmp(e->names[i], "id") == 0) {
            key_of(buf, sizeof buf, '#', e->values[i], strlen(e->values[i]));
            eval_key(w, e, buf);
        } else if (strcmp(e->names[i], "class") == 0) {
            for (const char *p = e->values[i]; *p;) { /* rules key on one class each */
                while (*p && isspace((unsigned char)*p))
                    p++;
                const char *s = p;
                while (*p && !isspace((unsigned char)*p))
                    p++;
                if (p > s) {
                    key_of(buf, sizeof buf, '.', s, (size_t)(p - s));
                    eval_key(w, e, buf);
                }
            }
        }
    }
}

/* ------------------------------------------------------------------ the flat path */
/* When every rule left after the prefilter is one compound without a text condition, start tags
 * and their attributes answer it: no tree is built (gumbo's is the expensive part). Comments and
 * the raw text of script, style, textarea and title are skipped; attribute values are
 * entity-decoded (the common entities). */
static bool is_sp(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
}

static void flat_scan(walk_ctx *w, const char *html, size_t len)
{
    const char *p = html, *end = html + len;
    char store[8192];
    while (p < end && (p = memchr(p, '<', (size_t)(end - p))) != NULL) {
        p++;
        if (end - p >= 3 && memcmp(p, "!--", 3) == 0) {
            const char *c = xs_find_ci(p + 3, (size_t)(end - (p + 3)), "-->");
            p = c ? c + 3 : end;
            continue;
        }
        if (p >= end || !isalpha((unsigned char)*p))
            continue; /* </x>, <!doctype>, <? ... */
        elem_view e = {0};
        size_t so = 0;
        const char *t0 = p;
        while (p < end && !is_sp(*p) && *p != '>' && *p != '/')
            p++;
        size_t tl = (size_t)(p - t0) < 63 ? (size_t)(p - t0) : 63;
        for (size_t i = 0; i < tl; i++)
            store[so + i] = (char)tolower((unsigned char)t0[i]);
        store[so + tl] = '\0';
        e.tag = store + so;
        so += tl + 1;
        while (p < end && *p != '>') {
            while (p < end && (is_sp(*p) || *p == '/'))
                p++;
            if (p >= end || *p == '>')
                break;
            const char *n0 = p;
            while (p < end && !is_sp(*p) && *p != '=' && *p != '>' && *p != '/')
                p++;
            size_t nl = (size_t)(p - n0);
            while (p < end && is_sp(*p))
                p++;
            const char *v0 = p;
            size_t vl = 0;
            if (p < end && *p == '=') {
                p++;
                while (p < end && is_sp(*p))
                    p++;
                if (p < end && (*p == '"' || *p == '\'')) {
                    char q = *p++;
                    v0 = p;
                    const char *c = memchr(p, q, (size_t)(end - p));
                    p = c ? c : end;
                    vl = (size_t)(p - v0);
                    if (p < end)
                        p++;
                } else {
                    v0 = p;
                    while (p < end && !is_sp(*p) && *p != '>')
                        p++;
                    vl = (size_t)(p - v0);
                }
            }
            if (nl == 0) {
                if (p < end && *p != '>')
                    p++;
                continue;
            }
            if (e.n == VIEW_ATTRS || so + nl + vl + 2 > sizeof store)
                continue;
            char *nm = store + so;
            for (size_t i = 0; i < nl; i++)
                nm[i] = (char)tolower((unsigned char)n0[i]);
            nm[nl] = '\0';
            so += nl + 1;
            if (view_attr(&e, nm))
                continue; /* a repeated attribute: the first wins */
            char *vv = store + so;
            so += xs_html_decode_entities(v0, vl, vv, vl + 1) + 1;
            e.names[e.n] = nm;
            e.values[e.n++] = vv;
        }
        eval_element(w, &e);
        static const char *const raw[] = {"script", "style", "textarea", "title"};
        for (size_t k = 0; k < sizeof raw / sizeof raw[0]; k++)
            if (strcmp(e.tag, raw[k]) == 0) { /* their contents are text, not tags */
                char close[16];
                snprintf(close, sizeof close, "</%s", raw[k]);
                const char *c = xs_find_ci(p, (size_t)(end - p), close);
                p = c ? c : end;
                break;
            }
    }
}

int fp_dom_match(const xs_fp_db *db, const char *html, size_t len, fp_dom_hit_fn hit, void *arg)
{
    const fp_dom_db *d = db->dom;
    if (!d || d->n == 0 || len == 0)
        return 0;
    uint8_t *done = calloc(d->n, 1);
    uint8_t *bits = calloc(GRAM_BITS / 8, 1);
    if (!done || !bits) {
        free(done);
        free(bits);
        return -1;
    }
    static uint8_t lower[256];
    if (!lower['A'])
        for (int c = 0; c < 256; c++)
            lower[c] = (uint8_t)tolower(c);
    uint32_t v = 0;
    for (size_t i = 0; i < len; i++) {
        v = v << 8 | lower[(unsigned char)html[i]];
        if (i >= GRAM - 2) {
            uint32_t h = tri_hash(v);
            bits[h >> 3] |= (uint8_t)(1u << (h & 7));
        }
    }
    size_t alive = 0;
    bool needs_tree = false;
    for (size_t i = 0; i < d->n; i++) { /* ruled out: marked 2, so every condition skips it */
        uint32_t fg = d->first_gram[i];
        if (fg != UINT32_MAX && !(bits[fg >> 3] & (1u << (fg & 7)))) {
            done[i] = 2;
            continue;
        }
        const dom_rule *r = &d->rules[i];
        bool ok = true;
        for (size_t k = 0; k < r->nall_tri && ok; k++)
            ok = bits[r->all_tri[k] >> 3] & (1u << (r->all_tri[k] & 7));
        if (ok && r->nany) { /* the regex needs one of its literals in the subject */
            bool any = false;
            for (size_t k = 0, from = 0; k < r->nany && !any; from = r->any_end[k++]) {
                any = true;
                for (size_t j = from; j < r->any_end[k] && any; j++)
                    any = bits[r->any_tri[j] >> 3] & (1u << (r->any_tri[j] & 7));
            }
            ok = any;
        }
        done[i] = ok ? 0 : 2;
        alive += ok;
        needs_tree |= ok && (r->n > 1 || r->cond == COND_TEXT);
    }
    free(bits);
    if (alive == 0) { /* nothing can match: the page is never parsed */
        free(done);
        return 0;
    }
    index_entry *idx = malloc(alive * sizeof *idx);
    size_t nidx = 0;
    if (!idx) {
        free(done);
        return -1;
    }
    for (size_t i = 0; i < d->nindex; i++)
        if (!done[d->index[i].rule])
            idx[nidx++] = d->index[i];
    if (!needs_tree) {
        walk_ctx fw = {d, idx, nidx, done, NULL, 0, hit, arg};
        flat_scan(&fw, html, len);
        free(done);
        free(idx);
        return 0;
    }
    GumboOptions opt = kGumboDefaultOptions;
    opt.max_errors = 0;
    GumboOutput *g = gumbo_parse_with_options(&opt, html, len);
    char *text = malloc(TEXT_MAX);
    if (!g || !text) {
        if (g)
            gumbo_destroy_output(&opt, g);
        free(done);
        free(idx);
        free(text);
        return -1;
    }
    walk_ctx w = {d, idx, nidx, done, text, 0, hit, arg};
    for (const GumboNode *n = g->root; n; n = xs_html_next(n)) {
        if (n->type == GUMBO_NODE_ELEMENT) {
            elem_view e;
            char tb[64];
            view_of_node(n, &e, tb, sizeof tb);
            eval_element(&w, &e);
        }
    }
    gumbo_destroy_output(&opt, g);
    free(done);
    free(idx);
    free(text);
    return 0;
}
