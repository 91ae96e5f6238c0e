/* What the stage learns from one response: the auth method and the technologies. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "xsweep/clock.h"
#include "xsweep/stage.h"

void xs_enriched_free(xs_enriched *e)
{
    if (!e)
        return;
    if (e->http)
        xs_http_result_free(e->http);
    free(e->probe);
    free(e->shot);
    xs_fp_result_free(&e->tech);
    xs_finding_list_free(&e->findings);
    xs_hostcfg_list_free(&e->config);
    xs_check_report_free(e->checks);
    free(e->stage_json);
    free(e->stage_strings);
    free(e);
}

static void fingerprint(xs_enriched *e, xs_fp_matcher *m)
{
    xs_http_result *h = e->http;
    /* The fingerprint input points into the response; headers map one to one. */
    xs_fp_pair *pairs = calloc(h->n_headers ? h->n_headers : 1, sizeof *pairs);
    if (!pairs)
        return;
    for (size_t i = 0; i < h->n_headers; i++)
        pairs[i] = (xs_fp_pair){h->headers[i].name, h->headers[i].value};
    char ip[XS_ADDR_STRLEN + 2], url[600];
    xs_addr_format_host(&h->addr, ip); /* http://[2001:2::5]:8080/ */
    snprintf(url, sizeof url, "%s://%s:%u%s", h->tls.used ? "https" : "http",
             h->host ? h->host : ip, h->port, h->path ? h->path : "/");
    xs_fp_input in = {.url = url,
                      .headers = pairs,
                      .nheaders = h->n_headers,
                      .body = (const char *)h->body,
                      .body_len = h->body_len};
    xs_fp_match(m, &in, &e->tech);
    free(pairs);
}

/* What the output writes from the response besides the fields the findings scan reads: header
 * names and the certificate's names. At most XS_HTTP_MAX_HEADERS + 4 + XS_HTTP_MAX_SANS. */
static size_t extra_fields(xs_http_result *h, xs_text_field *out)
{
    size_t n = 0;
    for (size_t i = 0; i < h->n_headers; i++)
        if (h->headers[i].name)
            out[n++] = (xs_text_field){"header_name", (char *)h->headers[i].name,
                                       strlen(h->headers[i].name)};
    if (h->tls.have_cert) {
        xs_cert_info *c = &h->tls.cert;
        out[n++] = (xs_text_field){"tls.subject", c->subject, strlen(c->subject)};
        out[n++] = (xs_text_field){"tls.subject_cn", c->subject_cn, strlen(c->subject_cn)};
        out[n++] = (xs_text_field){"tls.issuer", c->issuer, strlen(c->issuer)};
        out[n++] = (xs_text_field){"tls.issuer_cn", c->issuer_cn, strlen(c->issuer_cn)};
        for (size_t i = 0; i < c->n_sans && i < XS_HTTP_MAX_SANS; i++)
            if (c->sans[i])
                out[n++] = (xs_text_field){"tls.san", c->sans[i], strlen(c->sans[i])};
    }
    return n;
}

/* Every field that reaches JSON, CSV, XML or SQLite: the HTTP result's own, then header names and
 * certificate names (the finding's `where` names the header as it now reads). */
static void redact_all(xs_enriched *e, const xs_findings_db *db)
{
    xs_http_result *h = e->http;
    size_t cap = h->n_headers + 4 + XS_HTTP_MAX_SANS;
    xs_text_field *extra = calloc(cap, sizeof *extra);
    size_t n = extra ? extra_fields(h, extra) : 0;
    xs_findings_scan(db, h, &e->findings);
    if (!extra)
        e->findings.overflow = true; /* blanks every field of the result */
    else
        xs_findings_scrub_fields(db, extra, n, &e->findings);
    xs_findings_redact_with(h, &e->findings, extra, n);
    if (!extra)
        for (size_t i = 0; i < h->n_headers; i++)
            if (h->headers[i].name)
                memset((char *)h->headers[i].name, '*', strlen(h->headers[i].name));
    for (size_t i = 0; i < e->findings.n; i++) {
        xs_finding *f = &e->findings.v[i];
        if (f->header_index >= 0 && (size_t)f->header_index < h->n_headers)
            snprintf(f->where, sizeof f->where, "header:%s",
                     h->headers[f->header_index].name ? h->headers[f->header_index].name : "");
    }
    free(extra);
}

void xs_enrich(xs_enriched *e, const xs_enrich_ctx *ctx)
{
    xs_http_result *h = e->http;
    if (!h)
        return;
    if (h->status_code > 0) {
        e->auth = xs_auth_detect(h);
        if (ctx->hostcfg)
            xs_hostcfg_eval(ctx->hostcfg, h, e->r.port, xs_realtime_ns(), &e->config);
    }
    /* Redaction before fingerprinting: a version read from a header is read from what the output
     * shows, so tech[].version can never carry a redacted secret. */
    if (ctx->findings)
        redact_all(e, ctx->findings);
    if (h->status_code > 0 && ctx->matcher)
        fingerprint(e, ctx->matcher);
}

void xs_enrich_probe(xs_enriched *e, const xs_enrich_ctx *ctx)
{
    if (!e->probe || !ctx->findings)
        return;
    xs_probe_info *i = &e->probe->info;
    xs_text_field f[] = {
        {"probe.banner", (char *)i->banner, i->banner_len},
        {"probe.product", i->product, strlen(i->product)},
        {"probe.version", i->version, strlen(i->version)},
        {"probe.detail", i->detail, strlen(i->detail)},
    };
    xs_findings_scrub_fields(ctx->findings, f, sizeof f / sizeof f[0], &e->findings);
}

void xs_enrich_services(xs_enriched *e, const xs_enrich_ctx *ctx)
{
    if (!ctx->services ||
        (!e->probe && !(e->http && e->http->tls.used && e->http->status_code == 0)))
        return;
    xs_hostcfg_eval_service(ctx->services, e->probe ? &e->probe->info : NULL, e->http, e->r.port,
                            xs_realtime_ns(), &e->config);
}
