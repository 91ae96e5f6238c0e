/* What the stage learns from one response: the auth method and the technologies. */
#include <stdio.h>
#include <stdlib.h>
#include "xsweep/ratelimit.h"
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
    char ip[16], url[600];
    xs_format_ipv4(h->ip, ip);
    snprintf(url, sizeof url, "%s://%s:%u%s", h->tls.used ? "https" : "http", h->host ? h->host : ip,
             h->port, h->path ? h->path : "/");
    xs_fp_input in = {.url = url, .headers = pairs, .nheaders = h->n_headers,
                      .body = (const char *)h->body, .body_len = h->body_len};
    xs_fp_match(m, &in, &e->tech);
    free(pairs);
}

void xs_enrich(xs_enriched *e, const xs_enrich_ctx *ctx)
{
    xs_http_result *h = e->http;
    if (!h)
        return;
    if (h->status_code > 0) {
        e->auth = xs_auth_detect(h);
        if (ctx->matcher)
            fingerprint(e, ctx->matcher);
        if (ctx->hostcfg)
            xs_hostcfg_eval(ctx->hostcfg, h, e->r.port, xs_realtime_ns(), &e->config);
    }
    /* Findings last but one, redaction last: nothing downstream ever sees a secret. */
    if (ctx->findings) {
        xs_findings_scan(ctx->findings, h, &e->findings);
        xs_findings_redact(h, &e->findings);
    }
}

void xs_enrich_services(xs_enriched *e, const xs_enrich_ctx *ctx)
{
    if (!ctx->services || (!e->probe && !(e->http && e->http->tls.used && e->http->status_code == 0)))
        return;
    xs_hostcfg_eval_service(ctx->services, e->probe ? &e->probe->info : NULL, e->http, e->r.port,
                            xs_realtime_ns(), &e->config);
}
