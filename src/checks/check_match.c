/* nuclei matcher semantics: each matcher's values combine by its condition (or by default), a
 * negative matcher inverts its result, and the request's matchers combine by matchers-condition. */
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include "check_internal.h"

typedef struct { const char *p; size_t n; } span;

static span part_of(const check_response *r, int part, char *joined, size_t cap)
{
    if (part == PART_HEADER)
        return (span){r->head, r->head_len};
    if (part == PART_ALL) {
        /* header block and body, as nuclei's "all": bounded copy */
        size_t h = r->head_len < cap ? r->head_len : cap;
        memcpy(joined, r->head, h);
        size_t b = r->body_len < cap - h ? r->body_len : cap - h;
        memcpy(joined + h, r->body, b);
        return (span){joined, h + b};
    }
    return (span){r->body, r->body_len};
}

static bool contains(span s, const char *w, bool nocase)
{
    size_t wl = strlen(w);
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
        span s = part_of(r, m->part, joined, ALL_CAP);
        size_t n = m->type == M_WORD ? m->nwords : m->nre;
        hit = m->cond_and;
        for (size_t i = 0; i < n; i++) {
            char wb[512];
            bool h = m->type == M_WORD ? contains(s, word_of(m->words[i], marker, wb, sizeof wb), m->nocase)
                                       : regex_hit(m->re[i], s, 0, NULL, 0);
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
        span s = part_of(r, q->x[i].part, joined, ALL_CAP);
        for (size_t j = 0; j < q->x[i].nre; j++)
            if (regex_hit(q->x[i].re[j], s, q->x[i].group, out, outlen) && out[0])
                return;
    }
}
