/* Evaluates host configuration rules against one endpoint's HTTP result. Pure: the result, the port
 * and the given clock are all a rule can see. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include "hostcfg_internal.h"

#define MATCH_LIMIT 1000000u

typedef struct {
    const xs_http_result *r;   /* may be NULL (services rules without an HTTP exchange) */
    const xs_probe_info *info; /* may be NULL (HTTP rules) */
    uint16_t port;
    int64_t now_s;
    long long not_after_s; /* certificate end, seconds; -1 when unknown */
    pcre2_match_data *md;
    pcre2_match_context *mctx;
} eval_ctx;

/* "2025-01-31T12:00:00Z" -> seconds since the epoch, or -1. */
static long long parse_iso_utc(const char *s)
{
    int y, mo, d, h, mi, se;
    char z = 0;
    if (sscanf(s, "%4d-%2d-%2dT%2d:%2d:%2d%c", &y, &mo, &d, &h, &mi, &se, &z) != 7 || z != 'Z')
        return -1;
    if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || se > 60)
        return -1;
    struct tm tm = {.tm_year = y - 1900,
                    .tm_mon = mo - 1,
                    .tm_mday = d,
                    .tm_hour = h,
                    .tm_min = mi,
                    .tm_sec = se};
    return (long long)timegm(&tm);
}

static bool regex_hit(eval_ctx *c, const pcre2_code *re, const char *s, size_t n)
{
    if (!s)
        return false;
    int rc = pcre2_match(re, (PCRE2_SPTR)s, n, 0, 0, c->md, c->mctx);
    if (rc == PCRE2_ERROR_JIT_STACKLIMIT)
        rc = pcre2_match(re, (PCRE2_SPTR)s, n, 0, PCRE2_NO_JIT, c->md, c->mctx);
    return rc >= 0;
}

static bool in_ranges(const hc_cond *k, long v)
{
    for (size_t i = 0; i < k->nranges; i++)
        if (v >= k->ranges[i].lo && v <= k->ranges[i].hi)
            return true;
    return false;
}

static const char *probe_field(const xs_probe_info *i, int field)
{
    switch (field) {
    case 0:
        return i->product;
    case 1:
        return i->version;
    case 2:
        return (const char *)i->banner; /* NUL-padded: banner_len <= cap - 1 */
    case 3:
        return i->dialects;
    case 4:
        return i->ssh_kex;
    case 5:
        return i->ssh_hostkeys;
    case 6:
        return i->ssh_ciphers;
    default:
        return i->ssh_macs;
    }
}

static bool probe_cond(eval_ctx *c, const hc_cond *k)
{
    const xs_probe_info *i = c->info;
    if (!i)
        return false;
    switch (k->kind) {
    case HC_SERVICE:
        for (size_t n = 0; n < k->nnames; n++)
            if (strcasecmp(i->protocol, k->names[n]) == 0)
                return true;
        return false;
    case HC_FACT:
        return xs_probe_fact_get(i, (xs_probe_fact)k->fact) == k->want;
    case HC_PROBE_MATCHES: {
        const char *v = probe_field(i, k->fact);
        size_t n = k->fact == 2 ? i->banner_len : strlen(v);
        return n > 0 && regex_hit(c, k->re, v, n);
    }
    default:
        return false;
    }
}

static bool cond_raw(eval_ctx *c, const hc_cond *k)
{
    const xs_http_result *r = c->r;
    if (k->kind == HC_SERVICE || k->kind == HC_FACT || k->kind == HC_PROBE_MATCHES)
        return probe_cond(c, k);
    if (k->kind == HC_PORT)
        return in_ranges(k, c->port);
    if (!r)
        return false;
    switch (k->kind) {
    case HC_STATUS:
        return r->status_code > 0 && in_ranges(k, r->status_code);
    case HC_PORT:
        return in_ranges(k, c->port);
    case HC_TLS:
        return r->tls.used;
    case HC_TLS_VERSION:
        if (!r->tls.used)
            return false;
        for (size_t i = 0; i < k->nnames; i++)
            if (strcmp(r->tls.version, k->names[i]) == 0)
                return true;
        return false;
    case HC_CERT_SELF_SIGNED:
        return r->tls.used && r->tls.have_cert && r->tls.cert.self_signed;
    case HC_CERT_EXPIRED:
        return r->tls.used && r->tls.have_cert && c->not_after_s >= 0 && c->not_after_s < c->now_s;
    case HC_CERT_EXPIRES_WITHIN:
        return r->tls.used && r->tls.have_cert && c->not_after_s >= c->now_s &&
               c->not_after_s < c->now_s + (long long)k->days * 86400;
    case HC_HEADER_PRESENT:
        return xs_http_result_header(r, k->name) != NULL;
    case HC_HEADER_MATCHES:
        for (size_t i = 0; i < r->n_headers; i++)
            if (strcasecmp(r->headers[i].name, k->name) == 0 && r->headers[i].value &&
                regex_hit(c, k->re, r->headers[i].value, strlen(r->headers[i].value)))
                return true;
        return false;
    case HC_SERVER_MATCHES:
        return r->server && regex_hit(c, k->re, r->server, strlen(r->server));
    case HC_LOCATION_MATCHES:
        return r->location && regex_hit(c, k->re, r->location, strlen(r->location));
    case HC_TITLE_MATCHES:
        return r->title && regex_hit(c, k->re, r->title, strlen(r->title));
    case HC_BODY_MATCHES:
        if (r->body)
            return regex_hit(c, k->re, (const char *)r->body, r->body_len);
        return regex_hit(c, k->re, r->body_preview, r->body_preview_len);
    default:
        return false;
    }
    return false;
}

static bool rule_matches(eval_ctx *c, const hc_rule *rule)
{
    size_t i = 0;
    while (i < rule->nconds) {
        unsigned g = rule->conds[i].group;
        bool any = false;
        for (; i < rule->nconds && rule->conds[i].group == g; i++)
            if (!any)
                any = cond_raw(c, &rule->conds[i]) != rule->conds[i].negate;
        if (!any)
            return false;
    }
    return rule->nconds > 0;
}

static int eval_all(const xs_hostcfg_db *db, const xs_probe_info *info, const xs_http_result *r,
                    uint16_t port, uint64_t now_realtime_ns, xs_hostcfg_list *out);

int xs_hostcfg_eval(const xs_hostcfg_db *db, const xs_http_result *r, uint16_t port,
                    uint64_t now_realtime_ns, xs_hostcfg_list *out)
{
    if (!db || !r || !out)
        return -1;
    return eval_all(db, NULL, r, port, now_realtime_ns, out);
}

int xs_hostcfg_eval_service(const xs_hostcfg_db *db, const xs_probe_info *info,
                            const xs_http_result *r, uint16_t port, uint64_t now_realtime_ns,
                            xs_hostcfg_list *out)
{
    if (!db || !out)
        return -1;
    return eval_all(db, info, r, port, now_realtime_ns, out);
}

static int eval_all(const xs_hostcfg_db *db, const xs_probe_info *info, const xs_http_result *r,
                    uint16_t port, uint64_t now_realtime_ns, xs_hostcfg_list *out)
{
    eval_ctx c = {.r = r,
                  .info = info,
                  .port = port,
                  .now_s = (int64_t)(now_realtime_ns / 1000000000u),
                  .not_after_s = -1};
    if (r && r->tls.have_cert)
        c.not_after_s = parse_iso_utc(r->tls.cert.not_after);
    c.md = pcre2_match_data_create(1, NULL);
    c.mctx = pcre2_match_context_create(NULL);
    int added = 0;
    if (!c.md || !c.mctx) {
        added = -1;
        goto done;
    }
    pcre2_set_match_limit(c.mctx, MATCH_LIMIT);
    for (size_t i = 0; i < db->nrules; i++) {
        const hc_rule *rule = &db->rules[i];
        if (!rule_matches(&c, rule))
            continue;
        if (out->n == out->cap) {
            size_t ncap = out->cap ? out->cap * 2 : 8;
            xs_hostcfg_issue *nv = realloc(out->v, ncap * sizeof *nv);
            if (!nv) {
                added = -1;
                goto done;
            }
            out->v = nv;
            out->cap = ncap;
        }
        xs_hostcfg_issue *is = &out->v[out->n++];
        snprintf(is->id, sizeof is->id, "%s", rule->id);
        is->title = rule->title;
        is->severity = rule->severity;
        is->cwe = rule->cwe;
        is->fix = rule->fix;
        added++;
    }
done:
    pcre2_match_data_free(c.md);
    pcre2_match_context_free(c.mctx);
    return added;
}

void xs_hostcfg_list_free(xs_hostcfg_list *l)
{
    if (!l)
        return;
    free(l->v);
    memset(l, 0, sizeof *l);
}
