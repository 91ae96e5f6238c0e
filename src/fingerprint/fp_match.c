/* Runs the fingerprint database over one HTTP response and resolves the detections the way
 * Wappalyzer's resolve() does: confidence summed per technology (capped at 100), the longest version
 * of at most 15 characters, then excludes, then implies (transitively, confidence = min of the
 * implying technology and the implies tag). Technologies with requires / requiresCategory count only
 * once a required technology (or one of the required category) is in the resolved set.
 *
 * Speed: a pattern with literals runs its regex only when the lower-cased haystack contains one of
 * them (one per alternation branch): first every 2-byte pair of a literal is checked in a 64 Kibit
 * bitmap of the haystack's pairs (a few ns), then memmem; the answer is kept per distinct literal and
 * haystack for the rest of the response, as many patterns share a literal. Keyed patterns (headers,
 * cookies, meta) are looked up by name.
 *
 * Like Wappalyzer's driver (htmlMaxCols 2000 x htmlMaxRows 3000), html patterns see at most the first
 * and last 1500 rows of 2000 characters of a larger body, joined by newlines. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "fp_internal.h"

#define ST_DETECTED        1u /* a pattern matched */
#define ST_ACTIVE          2u /* detected and its requirements are met */
#define ST_RESOLVED        4u /* in the resolved list */
#define ST_EXCLUDED        8u
#define MAX_REQUIRE_ROUNDS 8

typedef struct {
    uint32_t tech;
    uint8_t confidence;
    const char *version; /* into m->version[tech] or an implies tag */
} resolved_entry;

#define HTML_MAX_COLS 2000
#define HTML_MAX_ROWS 3000

/* A lower-cased haystack, the set of its byte pairs, and what is known of each literal in it. */
typedef struct {
    const char *p;
    size_t n;
    uint8_t *lit_state; /* per db literal id: LIT_UNKNOWN, LIT_PRESENT, LIT_ABSENT */
    bool scanned;       /* every literal was searched at once: LIT_UNKNOWN means absent */
    uint64_t pairs[65536 / 64];
} haystack;

enum { LIT_UNKNOWN = 0, LIT_PRESENT, LIT_ABSENT };

enum { HAY_BODY, HAY_URL, HAY_SRC, HAY_N };

struct xs_fp_matcher {
    const xs_fp_db *db;
    pcre2_match_data *md;
    pcre2_match_context *mctx;
    pcre2_jit_stack *jstack;
    fp_html_parts html;
    char *low; /* lower-cased haystacks: body, url, script srcs */
    size_t low_cap;
    fp_kv *cookies;
    size_t ncookies, cap_cookies;
    uint8_t *state; /* per technology ST_* */
    uint8_t *conf;
    char (*version)[FP_VERSION_MAX];
    uint32_t *touched; /* detected technologies, in detection order */
    size_t ntouched;
    resolved_entry *res;
    size_t nres;
    uint64_t errors;
    char *capped; /* the html patterns' view of a body above the driver's cap */
    size_t capped_cap;
    uint8_t *lit_state; /* HAY_N x db->nlits */
    haystack hay[HAY_N];
};

xs_fp_matcher *xs_fp_matcher_new(const xs_fp_db *db)
{
    if (!db)
        return NULL;
    xs_fp_matcher *m = calloc(1, sizeof *m);
    if (!m)
        return NULL;
    m->db = db;
    size_t n = db->ntechs ? db->ntechs : 1;
    m->md = pcre2_match_data_create(db->max_captures + 1, NULL);
    m->mctx = pcre2_match_context_create(NULL);
    m->jstack = pcre2_jit_stack_create(32 * 1024, 1024 * 1024, NULL);
    m->state = calloc(n, 1);
    m->conf = calloc(n, 1);
    m->version = calloc(n, sizeof *m->version);
    m->touched = calloc(n, sizeof *m->touched);
    m->res = calloc(n, sizeof *m->res);
    m->lit_state = calloc(HAY_N * (db->nlits ? db->nlits : 1), 1);
    for (int h = 0; h < HAY_N && m->lit_state; h++)
        m->hay[h].lit_state = m->lit_state + (size_t)h * db->nlits;
    if (!m->lit_state || !m->md || !m->mctx || !m->jstack || !m->state || !m->conf || !m->version ||
        !m->touched || !m->res) {
        xs_fp_matcher_free(m);
        return NULL;
    }
    /* Bound backtracking: one pathological pattern must not stall the pipeline. */
    pcre2_set_match_limit(m->mctx, 1000000);
    pcre2_set_depth_limit(m->mctx, 10000);
    pcre2_jit_stack_assign(m->mctx, NULL, m->jstack);
    return m;
}

void xs_fp_matcher_free(xs_fp_matcher *m)
{
    if (!m)
        return;
    pcre2_match_data_free(m->md);
    pcre2_match_context_free(m->mctx);
    pcre2_jit_stack_free(m->jstack);
    fp_html_parts_free(&m->html);
    free(m->low);
    free(m->cookies);
    free(m->state);
    free(m->conf);
    free(m->version);
    free(m->touched);
    free(m->res);
    free(m->lit_state);
    free(m->capped);
    free(m);
}

uint64_t xs_fp_matcher_errors(const xs_fp_matcher *m)
{
    return m ? m->errors : 0;
}

/* ---- detection ---- */

static long parse_int_js(const char *s)
{
    char *end;
    long v = strtol(s, &end, 10);
    return end == s ? 0 : v;
}

static void record(xs_fp_matcher *m, const fp_pattern *p, const char *subject, size_t len,
                   const PCRE2_SIZE *ov, int ngroups)
{
    uint32_t t = p->tech;
    if (!(m->state[t] & ST_DETECTED)) {
        m->state[t] |= ST_DETECTED;
        m->conf[t] = 0;
        m->version[t][0] = '\0';
        m->touched[m->ntouched++] = t;
    }
    unsigned c = m->conf[t] + p->confidence;
    m->conf[t] = (uint8_t)(c > 100 ? 100 : c);
    if (p->version) {
        char v[128];
        fp_version_resolve(p->version, subject, len, ov, ngroups, v, sizeof v);
        size_t vn = strlen(v);
        if (vn > strlen(m->version[t]) && vn < FP_VERSION_MAX && parse_int_js(v) < 10000)
            memcpy(m->version[t], v, vn + 1);
    }
}

/* Runs one pattern on one subject and records a match. */
static void run(xs_fp_matcher *m, const fp_pattern *p, const char *s, size_t n)
{
    if (!p->re) { /* empty pattern: JS new RegExp('') matches "" at 0 */
        static const PCRE2_SIZE empty[2] = {0, 0};
        record(m, p, s ? s : "", 0, empty, 1);
        return;
    }
    int rc = pcre2_match(p->re, (PCRE2_SPTR)(s ? s : ""), n, 0, 0, m->md, m->mctx);
    if (rc == PCRE2_ERROR_NOMATCH)
        return;
    if (rc < 0) {
        m->errors++;
        return;
    }
    /* pairs past this pattern's own groups hold stale offsets from other patterns */
    int ngroups = p->ngroups;
    if ((uint32_t)ngroups > pcre2_get_ovector_count(m->md))
        ngroups = (int)pcre2_get_ovector_count(m->md);
    record(m, p, s, n, pcre2_get_ovector_pointer(m->md), ngroups);
}

/* The body (large, many literals) is scanned once for all; the small haystacks get a pair bitmap and
 * lazy memmem per literal. */
static void haystack_scan(haystack *h, const char *p, size_t n, const fp_litscan *sc, size_t nlits)
{
    h->p = p;
    h->n = n;
    h->scanned = true;
    memset(h->lit_state, LIT_UNKNOWN, nlits);
    fp_litscan_run(sc, p, n, h->lit_state); /* sets 1 == LIT_PRESENT */
}

static void haystack_set(haystack *h, const char *p, size_t n)
{
    h->p = p;
    h->n = n;
    h->scanned = false;
    memset(h->pairs, 0, sizeof h->pairs);
    for (size_t i = 0; i + 1 < n; i++) {
        unsigned pair = (unsigned char)p[i] << 8 | (unsigned char)p[i + 1];
        h->pairs[pair >> 6] |= 1ull << (pair & 63);
    }
}

static bool one_literal_in(const char *lit, size_t n, const haystack *h)
{
    const unsigned char *l = (const unsigned char *)lit;
    for (size_t i = 0; i + 1 < n; i++) {
        unsigned pair = l[i] << 8 | l[i + 1];
        if (!(h->pairs[pair >> 6] & (1ull << (pair & 63))))
            return false;
    }
    return memmem(h->p, h->n, lit, n) != NULL;
}

/* Does the haystack hold one of the pattern's literals (true when it has none)? */
static bool literal_in(const fp_pattern *p, haystack *h)
{
    if (!p->nliterals)
        return true;
    for (size_t k = 0; k < p->nliterals; k++) {
        uint8_t *st = &h->lit_state[p->lit_ids[k]];
        if (*st == LIT_UNKNOWN && h->scanned)
            continue;
        if (*st == LIT_UNKNOWN)
            *st = one_literal_in(p->literals[k], p->literal_lens[k], h) ? LIT_PRESENT : LIT_ABSENT;
        if (*st == LIT_PRESENT)
            return true;
    }
    return false;
}

/* Wappalyzer's driver keeps rows i < rows/2 and i > total - rows/2 of html split in rows of
 * HTML_MAX_COLS, joined by '\n'; bodies up to the cap are used as they are. NULL when out of memory. */
static const char *html_capped(xs_fp_matcher *m, const char *body, size_t *len)
{
    size_t n = *len;
    if (n <= (size_t)HTML_MAX_COLS * HTML_MAX_ROWS)
        return body;
    /* the view, then its lower-cased copy */
    size_t need = 2 * ((size_t)HTML_MAX_COLS * (HTML_MAX_ROWS + 1) + HTML_MAX_ROWS + 2);
    if (need > m->capped_cap) {
        char *c = realloc(m->capped, need);
        if (!c)
            return NULL;
        m->capped = c;
        m->capped_cap = need;
    }
    double rows = (double)n / HTML_MAX_COLS;
    size_t o = 0;
    for (size_t i = 0; (double)i < rows; i++) {
        if (!((double)i < HTML_MAX_ROWS / 2 || (double)i > rows - HTML_MAX_ROWS / 2))
            continue;
        size_t from = i * HTML_MAX_COLS, k = n - from < HTML_MAX_COLS ? n - from : HTML_MAX_COLS;
        if (o)
            m->capped[o++] = '\n';
        memcpy(m->capped + o, body + from, k);
        o += k;
    }
    for (size_t i = 0; i < o; i++)
        m->capped[o + i] = (char)tolower((unsigned char)m->capped[i]);
    *len = o;
    return m->capped;
}

/* Lower-cases src into the scratch buffer at *off; returns the start. */
static const char *lower_into(xs_fp_matcher *m, size_t *off, const char *src, size_t n, char sep)
{
    char *dst = m->low + *off;
    for (size_t i = 0; i < n; i++)
        dst[i] = (char)tolower((unsigned char)src[i]);
    if (sep)
        dst[n++] = sep;
    *off += n;
    return dst;
}

/* Patterns [first, last) whose key equals name (case-insensitive); keys are sorted lower-case. */
static size_t keyed_range(const xs_fp_db *db, int kind, const char *name, size_t nlen, size_t *last)
{
    char key[256];
    if (nlen >= sizeof key) {
        *last = 0;
        return 0;
    }
    for (size_t i = 0; i < nlen; i++)
        key[i] = (char)tolower((unsigned char)name[i]);
    key[nlen] = '\0';
    size_t lo = db->kind_start[kind], hi = db->kind_start[kind + 1];
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (strcmp(db->patterns[mid].key, key) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    size_t end = lo;
    while (end < db->kind_start[kind + 1] && strcmp(db->patterns[end].key, key) == 0)
        end++;
    *last = end;
    return lo;
}

static void run_keyed(xs_fp_matcher *m, int kind, const char *name, size_t nlen, const char *val,
                      size_t vlen)
{
    size_t last, first = keyed_range(m->db, kind, name, nlen, &last);
    for (size_t i = first; i < last; i++)
        run(m, &m->db->patterns[i], val, vlen);
}

static int add_cookie(xs_fp_matcher *m, fp_kv kv)
{
    if (m->ncookies == m->cap_cookies) {
        size_t nc = m->cap_cookies ? m->cap_cookies * 2 : 16;
        fp_kv *n = realloc(m->cookies, nc * sizeof *n);
        if (!n)
            return -1;
        m->cookies = n;
        m->cap_cookies = nc;
    }
    m->cookies[m->ncookies++] = kv;
    return 0;
}

/* "name=value; Path=/" -> (name, value) */
static int cookies_from_set_cookie(xs_fp_matcher *m, const char *h)
{
    const char *semi = strchr(h, ';');
    size_t n = semi ? (size_t)(semi - h) : strlen(h);
    const char *eq = memchr(h, '=', n);
    if (!eq)
        return 0;
    const char *name = h, *name_end = eq;
    while (name < name_end && isspace((unsigned char)*name))
        name++;
    while (name_end > name && isspace((unsigned char)name_end[-1]))
        name_end--;
    if (name_end == name)
        return 0;
    const char *v = eq + 1, *v_end = h + n;
    while (v < v_end && isspace((unsigned char)*v))
        v++;
    while (v_end > v && isspace((unsigned char)v_end[-1]))
        v_end--;
    return add_cookie(m, (fp_kv){{name, (size_t)(name_end - name)}, {v, (size_t)(v_end - v)}});
}

/* ---- resolution ---- */

static bool in_resolved_category(const xs_fp_matcher *m, uint16_t cat)
{
    for (size_t i = 0; i < m->nres; i++) {
        const fp_tech *t = &m->db->techs[m->res[i].tech];
        for (size_t c = 0; c < t->ncats; c++)
            if (t->cat_ids[c] == cat)
                return true;
    }
    return false;
}

static bool requirements_met(const xs_fp_matcher *m, const fp_tech *t)
{
    for (size_t i = 0; i < t->nrequires; i++)
        if (m->state[t->requires[i]] & ST_RESOLVED)
            return true;
    for (size_t i = 0; i < t->nrequires_cats; i++)
        if (in_resolved_category(m, t->requires_cats[i]))
            return true;
    return false;
}

static void clear_resolved(xs_fp_matcher *m)
{
    for (size_t i = 0; i < m->nres; i++)
        m->state[m->res[i].tech] &= (uint8_t) ~(ST_RESOLVED | ST_EXCLUDED);
    m->nres = 0;
}

static void resolve_once(xs_fp_matcher *m)
{
    const xs_fp_db *db = m->db;
    clear_resolved(m);
    for (size_t i = 0; i < m->ntouched; i++) {
        uint32_t t = m->touched[i];
        if (!(m->state[t] & ST_ACTIVE))
            continue;
        m->res[m->nres++] = (resolved_entry){t, m->conf[t], m->version[t]};
        m->state[t] |= ST_RESOLVED;
    }
    /* excludes, over the detected set */
    for (size_t i = 0; i < m->nres; i++) {
        const fp_tech *t = &db->techs[m->res[i].tech];
        for (size_t e = 0; e < t->nexcludes; e++)
            if (m->state[t->excludes[e]] & ST_RESOLVED)
                m->state[t->excludes[e]] |= ST_EXCLUDED;
    }
    size_t kept = 0;
    for (size_t i = 0; i < m->nres; i++) {
        uint32_t t = m->res[i].tech;
        if (m->state[t] & ST_EXCLUDED)
            m->state[t] &= (uint8_t) ~(ST_RESOLVED | ST_EXCLUDED);
        else
            m->res[kept++] = m->res[i];
    }
    m->nres = kept;
    /* implies, transitively: the list grows while it is walked */
    for (size_t i = 0; i < m->nres; i++) {
        const fp_tech *t = &db->techs[m->res[i].tech];
        for (size_t k = 0; k < t->nimplies; k++) {
            const fp_implied *imp = &t->implies[k];
            if (m->state[imp->tech] & ST_RESOLVED)
                continue;
            uint8_t c =
                m->res[i].confidence < imp->confidence ? m->res[i].confidence : imp->confidence;
            m->res[m->nres++] = (resolved_entry){imp->tech, c, imp->version ? imp->version : ""};
            m->state[imp->tech] |= ST_RESOLVED;
        }
    }
}

static void resolve(xs_fp_matcher *m)
{
    const xs_fp_db *db = m->db;
    for (size_t i = 0; i < m->ntouched; i++) {
        uint32_t t = m->touched[i];
        if (!db->techs[t].gated)
            m->state[t] |= ST_ACTIVE;
    }
    for (int round = 0; round < MAX_REQUIRE_ROUNDS; round++) {
        resolve_once(m);
        bool added = false;
        for (size_t i = 0; i < m->ntouched; i++) {
            uint32_t t = m->touched[i];
            if ((m->state[t] & ST_ACTIVE) || !db->techs[t].gated)
                continue;
            if (requirements_met(m, &db->techs[t])) {
                m->state[t] |= ST_ACTIVE;
                added = true;
            }
        }
        if (!added)
            break;
        if (round == MAX_REQUIRE_ROUNDS - 1)
            resolve_once(m);
    }
}

static int cmp_entry(const void *a, const void *b)
{
    uint32_t x = ((const resolved_entry *)a)->tech, y = ((const resolved_entry *)b)->tech;
    return x < y ? -1 : x > y;
}

/* ---- entry point ---- */

static void dom_hit(void *arg, const fp_pattern *p, const char *subject, size_t len)
{
    run(arg, p, subject, len);
}

static int match_all(xs_fp_matcher *m, const xs_fp_input *in)
{
    const xs_fp_db *db = m->db;
    const fp_pattern *P = db->patterns;
    const char *body = in->body ? in->body : "";
    size_t blen = in->body ? in->body_len : 0;
    const char *url = in->url ? in->url : "";
    size_t ulen = strlen(url);

    if (fp_html_extract(body, blen, &m->html) < 0)
        return -1;
    size_t need = blen + ulen + 2;
    for (size_t i = 0; i < m->html.nscript_src; i++)
        need += m->html.script_src[i].n + 1;
    if (need > m->low_cap) {
        char *nl = realloc(m->low, need);
        if (!nl)
            return -1;
        m->low = nl;
        m->low_cap = need;
    }
    size_t off = 0;
    const char *body_low = lower_into(m, &off, body, blen, 0);
    const char *url_low = lower_into(m, &off, url, ulen, 0);
    const char *src_low = m->low + off;
    for (size_t i = 0; i < m->html.nscript_src; i++)
        lower_into(m, &off, m->html.script_src[i].p, m->html.script_src[i].n, '\n');
    size_t src_len = (size_t)(m->low + off - src_low);
    memset(m->lit_state, 0, HAY_N * db->nlits);
    size_t hlen = blen;
    const char *html = html_capped(m, body, &hlen);
    if (!html)
        return -1;
    haystack_scan(&m->hay[HAY_BODY], html == body ? body_low : html + hlen, hlen, db->body_scan,
                  db->nlits);
    haystack_set(&m->hay[HAY_URL], url_low, ulen);
    haystack_set(&m->hay[HAY_SRC], src_low, src_len);

    for (size_t i = db->kind_start[FP_URL]; i < db->kind_start[FP_URL + 1]; i++)
        if (in->url && literal_in(&P[i], &m->hay[HAY_URL]))
            run(m, &P[i], url, ulen);
    for (size_t i = db->kind_start[FP_HTML]; i < db->kind_start[FP_HTML + 1]; i++)
        if (hlen && literal_in(&P[i], &m->hay[HAY_BODY]))
            run(m, &P[i], html, hlen);
    if (html != body) /* inline scripts are prefiltered on the whole body */
        haystack_scan(&m->hay[HAY_BODY], body_low, blen, db->body_scan, db->nlits);
    if (m->html.nscript_src) {
        for (size_t i = db->kind_start[FP_SCRIPTSRC]; i < db->kind_start[FP_SCRIPTSRC + 1]; i++) {
            if (!literal_in(&P[i], &m->hay[HAY_SRC]))
                continue;
            for (size_t s = 0; s < m->html.nscript_src; s++)
                run(m, &P[i], m->html.script_src[s].p, m->html.script_src[s].n);
        }
    }
    if (m->html.nscript_body) {
        /* every inline script is part of the body: its lower-cased copy is a valid prefilter */
        for (size_t i = db->kind_start[FP_SCRIPTS]; i < db->kind_start[FP_SCRIPTS + 1]; i++) {
            if (!literal_in(&P[i], &m->hay[HAY_BODY]))
                continue;
            for (size_t s = 0; s < m->html.nscript_body; s++)
                run(m, &P[i], m->html.script_body[s].p, m->html.script_body[s].n);
        }
    }
    m->ncookies = 0;
    for (size_t h = 0; h < in->nheaders; h++) {
        const xs_fp_pair *hp = &in->headers[h];
        if (!hp->name || !hp->value)
            continue;
        run_keyed(m, FP_HEADERS, hp->name, strlen(hp->name), hp->value, strlen(hp->value));
        if (!in->cookies && strcasecmp(hp->name, "set-cookie") == 0 &&
            cookies_from_set_cookie(m, hp->value) < 0)
            return -1;
    }
    for (size_t c = 0; in->cookies && c < in->ncookies; c++) {
        const xs_fp_pair *cp = &in->cookies[c];
        if (cp->name && cp->value)
            run_keyed(m, FP_COOKIES, cp->name, strlen(cp->name), cp->value, strlen(cp->value));
    }
    for (size_t c = 0; c < m->ncookies; c++)
        run_keyed(m, FP_COOKIES, m->cookies[c].name.p, m->cookies[c].name.n, m->cookies[c].value.p,
                  m->cookies[c].value.n);
    for (size_t k = 0; k < m->html.nmeta; k++)
        run_keyed(m, FP_META, m->html.meta[k].name.p, m->html.meta[k].name.n,
                  m->html.meta[k].value.p, m->html.meta[k].value.n);
    /* dom selectors on the parsed page, only where the body can hold an element at all */
    if (blen && memchr(body, '<', blen) && fp_dom_match(db, body, blen, dom_hit, m) < 0)
        return -1;
    return 0;
}

int xs_fp_match(xs_fp_matcher *m, const xs_fp_input *in, xs_fp_result *out)
{
    out->n = 0;
    if (!m || !in)
        return -1;
    int rc = match_all(m, in);
    if (rc == 0) {
        resolve(m);
        qsort(m->res, m->nres, sizeof *m->res, cmp_entry);
        if (m->nres > out->cap) {
            xs_fp_tech *nv = realloc(out->v, m->nres * sizeof *nv);
            if (!nv)
                rc = -1;
            else {
                out->v = nv;
                out->cap = m->nres;
            }
        }
        for (size_t i = 0; rc == 0 && i < m->nres; i++) {
            const fp_tech *t = &m->db->techs[m->res[i].tech];
            xs_fp_tech *o = &out->v[out->n++];
            o->name = t->name;
            o->confidence = m->res[i].confidence;
            size_t vn = strlen(m->res[i].version);
            if (vn >= sizeof o->version)
                vn = sizeof o->version - 1;
            memcpy(o->version, m->res[i].version, vn);
            o->version[vn] = '\0';
            o->categories = t->catnames;
            o->ncategories = t->ncatnames;
        }
    }
    /* reset the per-technology state this response touched */
    clear_resolved(m);
    for (size_t i = 0; i < m->ntouched; i++)
        m->state[m->touched[i]] = 0;
    m->ntouched = 0;
    return rc;
}

void xs_fp_result_free(xs_fp_result *r)
{
    if (!r)
        return;
    free(r->v);
    r->v = NULL;
    r->n = r->cap = 0;
}

const xs_fp_tech *xs_fp_result_find(const xs_fp_result *r, const char *name)
{
    for (size_t i = 0; r && i < r->n; i++)
        if (strcmp(r->v[i].name, name) == 0)
            return &r->v[i];
    return NULL;
}
