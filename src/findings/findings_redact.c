/* Overwrites found secrets in an HTTP result with same-length runs of '*'. Same length keeps every
 * offset, body_len, body_preview_len and the header arena valid, and never needs an allocation in
 * the result. Each value is cleared where it was found, then searched for in every other field so
 * copies (the raw header block, the preview, the title, a second header) go too. */
#include <stdlib.h>
#include <string.h>
#include "findings_internal.h"

#define MIN_SWEEP_LEN 4u /* shorter values are cleared where found only, not searched elsewhere */

typedef struct {
    char *p;
    size_t n;
} span;

static void star(char *p, size_t n)
{
    memset(p, '*', n);
}

/* The text fields of r the output may write. */
static size_t result_fields(xs_http_result *r, span *out, size_t cap)
{
    size_t k = 0;
    if (r->body && k < cap)
        out[k++] = (span){(char *)r->body, r->body_len};
    if (r->body_preview && k < cap)
        out[k++] = (span){r->body_preview, r->body_preview_len};
    if (r->title && k < cap)
        out[k++] = (span){r->title, strlen(r->title)};
    if (r->status_line && k < cap)
        out[k++] = (span){r->status_line, strlen(r->status_line)};
    if (r->raw_headers && k < cap)
        out[k++] = (span){r->raw_headers, r->raw_headers_len};
    for (size_t i = 0; i < r->n_headers && k < cap; i++)
        if (r->headers[i].value)
            out[k++] = (span){(char *)r->headers[i].value, strlen(r->headers[i].value)};
    return k;
}

/* The field a finding points into, or {NULL, 0} when the result no longer has it. */
static span finding_field(xs_http_result *r, const xs_finding *f)
{
    if (f->header_index >= 0) {
        if ((size_t)f->header_index >= r->n_headers || !r->headers[f->header_index].value)
            return (span){0};
        char *v = (char *)r->headers[f->header_index].value;
        return (span){v, strlen(v)};
    }
    if (strcmp(f->where, "body") == 0)
        return r->body ? (span){(char *)r->body, r->body_len}
                       : (span){r->body_preview, r->body_preview_len};
    if (strcmp(f->where, "title") == 0 && r->title)
        return (span){r->title, strlen(r->title)};
    if (strcmp(f->where, "status_line") == 0 && r->status_line)
        return (span){r->status_line, strlen(r->status_line)};
    if (strcmp(f->where, "raw_headers") == 0 && r->raw_headers)
        return (span){r->raw_headers, r->raw_headers_len};
    return (span){0};
}

/* Nothing could be scanned completely: clear every field, keeping the status code readable. */
static void blank_everything(xs_http_result *r, xs_text_field *extra, size_t nextra)
{
    for (size_t i = 0; i < nextra; i++)
        star(extra[i].data, extra[i].len);
    span small[XS_HTTP_MAX_HEADERS + 8];
    size_t cap = r->n_headers + 8;
    span *f = cap <= sizeof small / sizeof small[0] ? small : malloc(cap * sizeof *f);
    if (!f) { /* no memory: the big fields at least */
        if (r->body)
            star((char *)r->body, r->body_len);
        if (r->body_preview)
            star(r->body_preview, r->body_preview_len);
        if (r->raw_headers)
            star(r->raw_headers, r->raw_headers_len);
        return;
    }
    size_t n = result_fields(r, f, cap);
    for (size_t i = 0; i < n; i++) {
        if (f[i].p == r->status_line) {
            size_t keep = strcspn(r->status_line, " ");           /* "HTTP/1.1" */
            keep += strspn(r->status_line + keep, " 0123456789"); /* " 200 " */
            if (keep < f[i].n)
                star(f[i].p + keep, f[i].n - keep);
        } else {
            star(f[i].p, f[i].n);
        }
    }
    if (f != small)
        free(f);
}

static void sweep(span *fields, size_t nfields, const char *v, size_t n)
{
    for (size_t i = 0; i < nfields; i++) {
        char *p = fields[i].p, *end = fields[i].p + fields[i].n;
        while (p < end) {
            char *hit = memmem(p, (size_t)(end - p), v, n);
            if (!hit)
                break;
            star(hit, n);
            p = hit + n;
        }
    }
}

void xs_findings_redact(xs_http_result *r, const xs_finding_list *f)
{
    xs_findings_redact_with(r, f, NULL, 0);
}

void xs_findings_redact_with(xs_http_result *r, const xs_finding_list *f, xs_text_field *extra,
                             size_t nextra)
{
    if (!r || !f)
        return;
    if (f->overflow) {
        blank_everything(r, extra, nextra);
        return;
    }
    size_t nred = 0;
    for (size_t i = 0; i < f->n; i++)
        nred += f->v[i].redact && f->v[i].header_index != XS_FINDING_SCRUBBED;
    if (nred == 0)
        return;

    /* Copy every value first: clearing one must not hide another that overlaps it. */
    span *vals = calloc(nred, sizeof *vals);
    if (!vals) {
        blank_everything(r, extra, nextra);
        return;
    }
    size_t nv = 0;
    bool lost = false;
    for (size_t i = 0; i < f->n; i++) {
        const xs_finding *x = &f->v[i];
        if (!x->redact || x->header_index == XS_FINDING_SCRUBBED)
            continue;
        span fld = finding_field(r, x);
        if (!fld.p || x->offset > fld.n || x->length > fld.n - x->offset) {
            lost = true;
            continue;
        }
        char *copy = malloc(x->length);
        if (!copy) {
            lost = true;
            continue;
        }
        memcpy(copy, fld.p + x->offset, x->length);
        vals[nv++] = (span){copy, x->length};
    }
    /* Clear each value where it was found (and its prefix in the preview, which may cut it). */
    for (size_t i = 0; i < f->n; i++) {
        const xs_finding *x = &f->v[i];
        if (!x->redact || x->header_index == XS_FINDING_SCRUBBED)
            continue;
        span fld = finding_field(r, x);
        if (!fld.p || x->offset > fld.n || x->length > fld.n - x->offset)
            continue;
        star(fld.p + x->offset, x->length);
        if (strcmp(x->where, "body") == 0 && r->body && r->body_preview &&
            x->offset < r->body_preview_len) {
            size_t n = x->length;
            if (n > r->body_preview_len - x->offset)
                n = r->body_preview_len - x->offset;
            star(r->body_preview + x->offset, n);
        }
    }
    size_t cap = r->n_headers + 8 + nextra;
    span *fields = malloc(cap * sizeof *fields);
    size_t nfields = fields ? result_fields(r, fields, cap) : 0;
    for (size_t i = 0; fields && i < nextra && nfields < cap; i++)
        fields[nfields++] = (span){extra[i].data, extra[i].len};
    lost |= fields == NULL;
    for (size_t i = 0; i < nv; i++) {
        if (vals[i].n >= MIN_SWEEP_LEN)
            sweep(fields, nfields, vals[i].p, vals[i].n);
        explicit_bzero(vals[i].p, vals[i].n);
        free(vals[i].p);
    }
    free(vals);
    free(fields);
    if (lost)
        blank_everything(r, extra, nextra); /* a value we could not place: fail closed */
}
