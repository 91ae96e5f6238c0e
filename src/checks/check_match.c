/* nuclei matcher semantics: each matcher's values combine by its condition (or by default), a
 * negative matcher inverts its result, and the request's matchers combine by matchers-condition. */
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include "check_internal.h"

typedef struct {
    const char *p;
    size_t n;
    bool ok;
} span;

/* One header's value by nuclei's name for it: lower case, '-' as '_' ("content_type"). */
static span named_header(const check_response *r, const char *name)
{
    size_t nl = strlen(name);
    for (const char *p = r->head; p && p < r->head + r->head_len;) {
        const char *eol = memchr(p, '\n', (size_t)(r->head + r->head_len - p));
        size_t ll = eol ? (size_t)(eol - p) : (size_t)(r->head + r->head_len - p);
        bool same = ll > nl && p[nl] == ':';
        for (size_t i = 0; same && i < nl; i++) {
            char c = (char)tolower((unsigned char)p[i]);
            same = (c == '-' ? '_' : c) == name[i];
        }
        if (same) {
            const char *v = p + nl + 1, *e = p + ll;
            while (v < e && (*v == ' ' || *v == '\t'))
                v++;
            while (e > v && (e[-1] == '\r' || e[-1] == ' '))
                e--;
            return (span){v, (size_t)(e - v), true};
        }
        p = eol ? eol + 1 : NULL;
    }
    return (span){"", 0, false}; /* nuclei: a missing part matches nothing, negative or not */
}

static span part_of(const check_response *r, int part, const char *name, char *joined, size_t cap)
{
    if (part == PART_HEADER)
        return (span){r->head, r->head_len, true};
    if (part == PART_NAMED)
        return named_header(r, name);
    if (part == PART_ALL || part == PART_RAW) {
        /* all: body then headers (nuclei's order); raw: the response as received. Bounded. */
        const char *a = part == PART_ALL ? r->body : r->head,
                   *b = part == PART_ALL ? r->head : r->body;
        size_t al = part == PART_ALL ? r->body_len : r->head_len,
               bl = part == PART_ALL ? r->head_len : r->body_len;
        size_t h = al < cap ? al : cap;
        memcpy(joined, a, h);
        size_t k = bl < cap - h ? bl : cap - h;
        memcpy(joined + h, b, k);
        return (span){joined, h + k, true};
    }
    return (span){r->body, r->body_len, true};
}

static bool contains(span s, const char *w, size_t wl, bool nocase)
{
    if (wl == 0)
        return true;
    for (size_t i = 0; i + wl <= s.n; i++)
        if (nocase ? !strncasecmp(s.p + i, w, wl) : !memcmp(s.p + i, w, wl))
            return true;
    return false;
}

static bool regex_hit(pcre2_code *re, span s, int group, char *out, size_t outlen)
{
    pcre2_match_data *md = pcre2_match_data_create_from_pattern(re, NULL);
    if (!md)
        return false;
    int rc = pcre2_match(re, (PCRE2_SPTR)s.p, s.n, 0, 0, md, NULL);
    if (rc > 0 && out) {
        PCRE2_SIZE *ov = pcre2_get_ovector_pointer(md);
        if (group < rc && ov[2 * group] != PCRE2_UNSET) {
            size_t l = ov[2 * group + 1] - ov[2 * group];
            snprintf(out, outlen, "%.*s", (int)(l < outlen ? l : outlen - 1), s.p + ov[2 * group]);
        }
    }
    pcre2_match_data_free(md);
    return rc > 0;
}

#define ALL_CAP (320u * 1024u)

/* A word may name the scan's marker ({{randstr}} / {{marker}}): payload checks look for it. */
static const char *word_of(const char *w, const char *marker, char *buf, size_t cap)
{
    const char *v = strstr(w, "{{randstr}}");
    size_t vl = 11;
    if (!v) {
        v = strstr(w, "{{marker}}");
        vl = 10;
    }
    if (!v || !marker)
        return w;
    snprintf(buf, cap, "%.*s%s%s", (int)(v - w), w, marker, v + vl);
    return buf;
}

static bool one(const check_matcher *m, const check_response *r, char *joined, const char *marker)
{
    bool hit;
    if (m->type == M_STATUS) {
        hit = false;
        for (size_t i = 0; i < m->nstatus; i++)
            hit |= m->status[i] == r->status;
    } else if (m->type == M_DURATION) {
        hit = r->seconds >= m->min_s;
    } else {
        span s = part_of(r, m->part, m->part_name, joined, ALL_CAP);
        if (!s.ok)
            return false;
        if (m->type == M_SIZE) {
            hit = false;
            for (size_t i = 0; i < m->nstatus; i++)
                hit |= (size_t)m->status[i] == s.n;
            return m->negative ? !hit : hit;
        }
        size_t n = m->type == M_REGEX ? m->nre : m->nwords;
        hit = m->cond_and;
        for (size_t i = 0; i < n; i++) {
            char wb[512];
            bool h;
            if (m->type == M_REGEX) {
                h = regex_hit(m->re[i], s, 0, NULL, 0);
            } else if (m->type == M_BINARY) {
                h = contains(s, m->words[i], m->wlen[i], false);
            } else {
                const char *w = word_of(m->words[i], marker, wb, sizeof wb);
                h = contains(s, w, strlen(w), m->nocase);
            }
            if (m->cond_and && !h) {
                hit = false;
                break;
            }
            if (!m->cond_and && h) {
                hit = true;
                break;
            }
        }
    }
    return m->negative ? !hit : hit;
}

bool check_match(const check_request *q, const check_response *r, const char *marker)
{
    static _Thread_local char joined[ALL_CAP];
    if (q->nm == 0) { /* nuclei: a request with extractors only matches when one extracts */
        char out[160];
        check_extract(q, r, out, sizeof out);
        return out[0] != '\0';
    }
    bool all = true, any = false;
    for (size_t i = 0; i < q->nm; i++) {
        bool h = one(&q->m[i], r, joined, marker);
        all &= h;
        any |= h;
    }
    return q->m_and ? all : any;
}

double check_duration_of(const check_request *q)
{
    for (size_t i = 0; i < q->nm; i++)
        if (q->m[i].type == M_DURATION && !q->m[i].negative)
            return q->m[i].min_s;
    return 0;
}

void check_extract(const check_request *q, const check_response *r, char *out, size_t outlen)
{
    static _Thread_local char joined[ALL_CAP];
    out[0] = '\0';
    for (size_t i = 0; i < q->nx; i++) {
        const check_extractor *x = &q->x[i];
        if (x->type == X_KVAL) {
            for (size_t j = 0; j < x->nkeys; j++) {
                span v = named_header(r, x->keys[j]);
                if (v.ok && v.n) {
                    snprintf(out, outlen, "%.*s", (int)(v.n < outlen ? v.n : outlen - 1), v.p);
                    return;
                }
            }
            continue;
        }
        span s = part_of(r, x->part, x->part_name, joined, ALL_CAP);
        for (size_t j = 0; s.ok && j < x->nre; j++)
            if (regex_hit(x->re[j], s, x->group, out, outlen) && out[0])
                return;
    }
}
