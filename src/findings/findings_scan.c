/* Runs every findings rule over the text fields of one HTTP result. A rule's regex runs on a field
 * only when one of its prefilter literals occurs there (one memmem each), so most rules cost a few
 * memmem passes per response. Findings record where the value is and a keyed fingerprint (HMAC-SHA256
 * under the host key) of it. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "findings_internal.h"

#define MATCH_LIMIT 1000000u /* per pcre2_match call: bounds backtracking on hostile bodies */
#define SMALL_LOWER 4096u    /* fields up to this size are lower-cased on the stack */

typedef struct {
    const char *where;
    int header_index;
    const char *data;
    size_t len;
} scan_field;

typedef struct {
    const xs_findings_db *db;
    pcre2_match_data *md;
    pcre2_match_context *mctx;
    xs_finding_list *out;
    int added;
    bool oom;
} scan_ctx;

/* Keyed: an unkeyed hash of a card number is reversed by trying the ~10^6 middle digits. */
static void fingerprint_hex(const xs_findings_db *db, const char *v, size_t n, char out[17])
{
    out[0] = '\0';
    if (!db->keyed)
        return;
    char full[65];
    xs_host_key_hmac_hex(&db->key, v, n, full);
    memcpy(out, full, 16);
    out[16] = '\0';
    explicit_bzero(full, sizeof full);
}

void xs_findings_set_key(xs_findings_db *db, const xs_host_key *key)
{
    if (!db)
        return;
    db->key = *key;
    db->keyed = true;
}

static xs_finding *list_push(scan_ctx *c)
{
    xs_finding_list *l = c->out;
    if (l->n >= XS_FINDINGS_LIST_MAX) {
        l->overflow = true;
        return NULL;
    }
    if (l->n == l->cap) {
        size_t ncap = l->cap ? l->cap * 2 : 16;
        xs_finding *nv = realloc(l->v, ncap * sizeof *nv);
        if (!nv) {
            l->overflow = true;
            c->oom = true;
            return NULL;
        }
        l->v = nv;
        l->cap = ncap;
    }
    xs_finding *f = &l->v[l->n++];
    memset(f, 0, sizeof *f);
    c->added++;
    return f;
}

static void finding_fill(xs_finding *f, const fr_rule *r, const scan_field *fld, size_t off,
                         size_t len)
{
    snprintf(f->id, sizeof f->id, "%s", r->id);
    f->category = r->category;
    f->severity = r->severity;
    snprintf(f->where, sizeof f->where, "%s", fld->where);
    f->header_index = fld->header_index;
    f->offset = off;
    f->length = len;
    f->count = 1;
    f->redact = r->redact;
}

static bool prefilter_hit(const fr_rule *r, const scan_field *fld, const char *lower)
{
    if (r->nliterals == 0)
        return true;
    const char *hay = r->icase ? lower : fld->data;
    for (size_t i = 0; i < r->nliterals; i++)
        if (memmem(hay, fld->len, r->literals[i], r->literal_len[i]))
            return true;
    return false;
}

/* One match attempt; falls back to the interpreter when the JIT stack runs out. */
static int match_at(scan_ctx *c, const fr_rule *r, const scan_field *fld, size_t start)
{
    int rc = pcre2_match(r->re, (PCRE2_SPTR)fld->data, fld->len, start, 0, c->md, c->mctx);
    if (rc == PCRE2_ERROR_JIT_STACKLIMIT)
        rc = pcre2_match(r->re, (PCRE2_SPTR)fld->data, fld->len, start, PCRE2_NO_JIT, c->md,
                         c->mctx);
    return rc;
}

static void scan_rule(scan_ctx *c, const fr_rule *r, const scan_field *fld)
{
    xs_finding *counted = NULL;
    size_t start = 0;
    while (start <= fld->len && !c->oom) {
        int rc = match_at(c, r, fld, start);
        if (rc < 0) {
            if (rc != PCRE2_ERROR_NOMATCH)
                c->out->regex_errors++;
            break;
        }
        PCRE2_SIZE *ov = pcre2_get_ovector_pointer(c->md);
        size_t ms = ov[0], me = ov[1];
        start = me > ms ? me : ms + 1;
        size_t vs = ms, ve = me;
        if (r->group && (unsigned)rc > r->group && ov[2 * r->group] != PCRE2_UNSET) {
            vs = ov[2 * r->group];
            ve = ov[2 * r->group + 1];
        } else if (r->group) {
            continue; /* the value group did not take part */
        }
        if (ve <= vs || !fv_accept(r->check, fld->data + vs, ve - vs))
            continue;
        if (r->count_only) {
            if (counted) {
                counted->count++;
                continue;
            }
            if (!(counted = list_push(c)))
                return;
            finding_fill(counted, r, fld, vs, ve - vs);
            continue;
        }
        xs_finding *f = list_push(c);
        if (!f)
            return;
        finding_fill(f, r, fld, vs, ve - vs);
        fingerprint_hex(c->db, fld->data + vs, ve - vs, f->fingerprint);
    }
}

static void scan_one_field(scan_ctx *c, const scan_field *fld)
{
    if (!fld->data || fld->len == 0)
        return;
    char small[SMALL_LOWER];
    char *lower = NULL;
    if (c->db->any_icase_literal) {
        lower = fld->len <= sizeof small ? small : malloc(fld->len);
        if (!lower) {
            c->oom = true;
            c->out->overflow = true;
            return;
        }
        for (size_t i = 0; i < fld->len; i++)
            lower[i] = (char)tolower((unsigned char)fld->data[i]);
    }
    for (size_t i = 0; i < c->db->nrules && !c->oom; i++) {
        const fr_rule *r = &c->db->rules[i];
        if (prefilter_hit(r, fld, lower))
            scan_rule(c, r, fld);
    }
    if (lower != small)
        free(lower);
}

/* True when a header or status-line finding in [first, end) already reported this rule and value
 * (the raw header block repeats them). */
static bool seen_before(const xs_finding_list *l, size_t first, size_t end, const xs_finding *f)
{
    for (size_t i = first; i < end; i++) {
        const xs_finding *e = &l->v[i];
        if ((e->header_index >= 0 || strcmp(e->where, "status_line") == 0) &&
            strcmp(e->id, f->id) == 0 && strcmp(e->fingerprint, f->fingerprint) == 0)
            return true;
    }
    return false;
}

int xs_findings_scan(const xs_findings_db *db, const xs_http_result *r, xs_finding_list *out)
{
    if (!db || !r || !out)
        return -1;
    scan_ctx c = {.db = db, .out = out};
    c.md = pcre2_match_data_create(10, NULL);
    c.mctx = pcre2_match_context_create(NULL);
    if (!c.md || !c.mctx) {
        pcre2_match_data_free(c.md);
        pcre2_match_context_free(c.mctx);
        out->overflow = true;
        return -1;
    }
    pcre2_set_match_limit(c.mctx, MATCH_LIMIT);
    size_t first = out->n;

    scan_field body = r->body ? (scan_field){"body", -1, (const char *)r->body, r->body_len}
                              : (scan_field){"body", -1, r->body_preview, r->body_preview_len};
    scan_one_field(&c, &body);
    if (r->title)
        scan_one_field(&c, &(scan_field){"title", -1, r->title, strlen(r->title)});
    if (r->status_line)
        scan_one_field(&c,
                       &(scan_field){"status_line", -1, r->status_line, strlen(r->status_line)});
    for (size_t i = 0; i < r->n_headers && !c.oom; i++) {
        const xs_http_header *h = &r->headers[i];
        if (!h->value)
            continue;
        char where[XS_FINDING_WHERE_MAX];
        snprintf(where, sizeof where, "header:%s", h->name ? h->name : "");
        scan_one_field(&c, &(scan_field){where, (int)i, h->value, strlen(h->value)});
    }
    /* The raw block repeats the header values: keep only what they did not show (headers past
     * XS_HTTP_MAX_HEADERS, a value split by obs-fold), so redaction still reaches it. */
    size_t raw_first = out->n;
    if (r->raw_headers && !c.oom)
        scan_one_field(&c, &(scan_field){"raw_headers", -1, r->raw_headers, r->raw_headers_len});
    size_t keep = raw_first;
    for (size_t i = raw_first; i < out->n; i++) {
        if (seen_before(out, first, raw_first, &out->v[i])) {
            c.added--;
            continue;
        }
        out->v[keep++] = out->v[i];
    }
    out->n = keep;

    pcre2_match_data_free(c.md);
    pcre2_match_context_free(c.mctx);
    return c.oom ? -1 : c.added;
}

void xs_finding_list_free(xs_finding_list *f)
{
    if (!f)
        return;
    free(f->v);
    memset(f, 0, sizeof *f);
}

/* ---- text fields outside the HTTP result: header names, certificate names, probe banners ---- */

int xs_findings_scrub_fields(const xs_findings_db *db, xs_text_field *fields, size_t n,
                             xs_finding_list *out)
{
    if (!db || !out)
        return -1;
    scan_ctx c = {.db = db, .out = out};
    c.md = pcre2_match_data_create(10, NULL);
    c.mctx = pcre2_match_context_create(NULL);
    bool lost = !c.md || !c.mctx;
    if (!lost)
        pcre2_set_match_limit(c.mctx, MATCH_LIMIT);
    size_t first = out->n;
    size_t *field_of = NULL;
    for (size_t i = 0; i < n && !lost; i++) {
        size_t before = out->n;
        scan_one_field(&c, &(scan_field){fields[i].where, -1, fields[i].data, fields[i].len});
        size_t *nf = realloc(field_of, (out->n - first + 1) * sizeof *nf);
        if (!nf) {
            lost = true;
            break;
        }
        field_of = nf;
        for (size_t k = before; k < out->n; k++) {
            field_of[k - first] = i;
            out->v[k].header_index = XS_FINDING_SCRUBBED;
        }
    }
    lost |= c.oom || out->overflow;
    /* Copies first (clearing one value must not hide another), then clear, then sweep. */
    for (size_t k = first; k < out->n && !lost; k++) {
        const xs_finding *f = &out->v[k];
        if (!f->redact)
            continue;
        xs_text_field *fld = &fields[field_of[k - first]];
        char *copy = malloc(f->length ? f->length : 1);
        if (!copy) {
            lost = true;
            break;
        }
        memcpy(copy, fld->data + f->offset, f->length);
        memset(fld->data + f->offset, '*', f->length);
        for (size_t j = 0; j < n && f->length >= 4; j++) {
            char *p = fields[j].data, *end = fields[j].data + fields[j].len;
            char *hit;
            while (p < end && (hit = memmem(p, (size_t)(end - p), copy, f->length))) {
                memset(hit, '*', f->length);
                p = hit + f->length;
            }
        }
        explicit_bzero(copy, f->length);
        free(copy);
    }
    if (lost) /* could not scan or place everything: fail closed */
        for (size_t j = 0; j < n; j++)
            memset(fields[j].data, '*', fields[j].len);
    free(field_of);
    pcre2_match_data_free(c.md);
    pcre2_match_context_free(c.mctx);
    return lost ? -1 : (int)(out->n - first);
}
