/* All selected checks against one endpoint, one request at a time: each connection waits for the
 * clock (check_gate_wait), the per-endpoint cap stops the rest, and identical requests are sent
 * once (several checks look at "/" with the same headers). */
#include <arpa/inet.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "check_internal.h"

#define CACHE_MAX 12

typedef struct {
    char *key;
    check_response r;
    bool ok;
} cached;

typedef struct {
    const check_env *env;
    const xs_check_target *t;
    xs_check_report *rep;
    check_conn conn;
    cached cache[CACHE_MAX];
    size_t ncache;
    char canary_host[256];
    bool stop;
    check_response last; /* the latest uncached response */
} run;

/* Appends src with {{variables}} replaced; returns the new length or -1 when it does not fit. */
static int expand(const run *r, const char *src, char *out, size_t cap)
{
    size_t o = 0;
    char hostport[300], port[8];
    snprintf(port, sizeof port, "%u", r->t->port);
    char ip[XS_ADDR_STRLEN], bracketed[XS_ADDR_STRLEN + 2];
    xs_addr_format(&r->t->addr, ip);
    xs_addr_format_host(&r->t->addr, bracketed); /* {{Hostname}}: [2001:2::5]:8443 */
    const char *host = r->t->host ? r->t->host : ip;
    snprintf(hostport, sizeof hostport, "%s:%u", r->t->host ? r->t->host : bracketed, r->t->port);
    for (const char *p = src; *p;) {
        const char *val = NULL;
        size_t skip = 0;
        if (p[0] == '{' && p[1] == '{') {
            const char *e = strstr(p, "}}");
            if (e) {
                size_t n = (size_t)(e - p - 2);
                const char *v = p + 2;
#define IS(s) (n == strlen(s) && !strncmp(v, s, n))
                if (IS("BaseURL") || IS("RootURL"))
                    val = "";
                else if (IS("Hostname"))
                    val = hostport;
                else if (IS("Host"))
                    val = host;
                else if (IS("Port"))
                    val = port;
                else if (IS("Scheme"))
                    val = r->t->tls ? "https" : "http";
                else if (IS("randstr") || IS("marker"))
                    val = r->env->marker;
                else if (IS("interactsh-url") || IS("canary"))
                    val = r->canary_host;
#undef IS
                if (val)
                    skip = n + 4;
            }
        }
        if (!val) {
            val = p;
            skip = 1;
            if (o + 1 >= cap)
                return -1;
            out[o++] = *p;
        } else {
            size_t l = strlen(val);
            if (o + l >= cap)
                return -1;
            memcpy(out + o, val, l);
            o += l;
        }
        p += skip;
    }
    out[o] = '\0';
    return (int)o;
}

static void url_encode(const char *s, char *out, size_t cap)
{
    static const char hex[] = "0123456789ABCDEF";
    size_t o = 0;
    for (; *s && o + 4 < cap; s++) {
        unsigned char c = (unsigned char)*s;
        if (isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
            out[o++] = (char)c;
        } else {
            out[o++] = '%';
            out[o++] = hex[c >> 4];
            out[o++] = hex[c & 15];
        }
    }
    out[o] = '\0';
}

static bool budget(run *r)
{
    if (r->stop)
        return false;
    if (r->rep->requests >= r->env->max_requests) {
        r->rep->capped = true;
        r->stop = true;
        return false;
    }
    return true;
}

/* The response to (method, target, headers, body), from the cache or the wire; NULL when none. */
static const check_response *fetch(run *r, const check_request *q, const char *target,
                                   const char *body, size_t body_len, bool cacheable)
{
    char key[4200];
    int kl = snprintf(key, sizeof key, "%s %s", q->method, target);
    for (size_t i = 0; i < q->nheaders && kl > 0 && (size_t)kl < sizeof key; i++)
        kl += snprintf(key + kl, sizeof key - (size_t)kl, "\n%s:%s", q->headers[i].name,
                       q->headers[i].value);
    if (body_len && kl > 0 && (size_t)kl < sizeof key)
        snprintf(key + kl, sizeof key - (size_t)kl, "\n\n%.*s", (int)body_len, body);
    if (cacheable)
        for (size_t i = 0; i < r->ncache; i++)
            if (!strcmp(r->cache[i].key, key))
                return r->cache[i].ok ? &r->cache[i].r : NULL;
    if (!budget(r) || !check_gate_wait(r->env->gate)) {
        r->stop = true;
        return NULL;
    }
    r->rep->requests++;
    check_response resp;
    bool ok = check_http(&r->conn, q->method, target, q->headers, q->nheaders, body, body_len,
                         &resp) == 0;
    if (cacheable && r->ncache < CACHE_MAX) {
        cached *c = &r->cache[r->ncache++];
        c->key = strdup(key);
        c->r = resp;
        c->ok = ok && c->key;
        return c->ok ? &c->r : NULL;
    }
    check_response_free(&r->last);
    r->last = resp;
    return ok ? &r->last : NULL;
}

static void report(run *r, const check_tmpl *t, const char *target, const char *detail)
{
    xs_check_finding f = {.kind = t->kind, .severity = t->severity};
    snprintf(f.id, sizeof f.id, "%s", t->id);
    snprintf(f.name, sizeof f.name, "%s", t->name);
    snprintf(f.cwe, sizeof f.cwe, "%s", t->cwe);
    snprintf(f.remediation, sizeof f.remediation, "%s", t->remediation);
    /* the path only: a query may hold our payload, never the site's data */
    snprintf(f.path, sizeof f.path, "%.*s", (int)strcspn(target, "?"), target);
    snprintf(f.detail, sizeof f.detail, "%s", detail ? detail : "");
    for (char *c = f.detail; *c; c++)
        if ((unsigned char)*c < 0x20)
            *c = ' ';
    xs_check_report_add(r->rep, &f);
}

/* Plain requests: every path in turn, the first match is the finding. */
static bool run_paths(run *r, const check_tmpl *t, const check_request *q, const check_page *page)
{
    for (size_t i = 0; i < q->npaths && !r->stop; i++) {
        size_t reps = 1;
        bool dirs = strstr(q->paths[i], "{{LinkedDir}}") != NULL;
        if (dirs)
            reps = page->ndirs;
        for (size_t k = 0; k < reps && !r->stop; k++) {
            char raw[4096], target[4096], body[4096] = "";
            snprintf(raw, sizeof raw, "%s", q->paths[i]);
            if (dirs) {
                /* {{BaseURL}}{{LinkedDir}}: the directory path, which starts with '/' */
                char *v = strstr(raw, "{{LinkedDir}}");
                char rest[4096];
                snprintf(rest, sizeof rest, "%s", v + 13);
                snprintf(v, sizeof raw - (size_t)(v - raw), "%s%s",
                         page->dirs[k] + (v > raw && v[-1] == '/'), rest);
            }
            if (expand(r, raw, target, sizeof target) < 0)
                continue;
            if (target[0] != '/') {
                memmove(target + 1, target, strlen(target) + 1);
                target[0] = '/';
            }
            int bl = q->body ? expand(r, q->body, body, sizeof body) : 0;
            const check_response *resp = fetch(r, q, target, body, bl > 0 ? (size_t)bl : 0, true);
            if (resp && check_match(q, resp, r->env->marker)) {
                char detail[160];
                check_extract(q, resp, detail, sizeof detail);
                report(r, t, target, detail);
                return true;
            }
        }
    }
    return false;
}

static void apply(const check_fuzz *fz, const char *orig, const char *payload, char *out,
                  size_t cap)
{
    if (fz->type == FZ_POSTFIX)
        snprintf(out, cap, "%s%s", orig, payload);
    else if (fz->type == FZ_PREFIX)
        snprintf(out, cap, "%s%s", payload, orig);
    else
        snprintf(out, cap, "%s", payload);
}

/* The form's parameters as name=value&..., with parameter idx set to value (or all original). */
static void encode_params(const check_form *f, size_t idx, const char *value, char *out, size_t cap)
{
    size_t o = 0;
    out[0] = '\0';
    for (size_t i = 0; i < f->n && o < cap; i++) {
        char n[512], v[1600];
        url_encode(f->names[i], n, sizeof n);
        url_encode(i == idx && value ? value : f->values[i], v, sizeof v);
        int w = snprintf(out + o, cap - o, "%s%s=%s", i ? "&" : "", n, v);
        if (w < 0 || (size_t)w >= cap - o)
            break;
        o += (size_t)w;
    }
}

static const check_response *send_form(run *r, const check_request *q, const check_form *f,
                                       size_t idx, const char *value, char *target, size_t tcap)
{
    char params[3000];
    encode_params(f, idx, value, params, sizeof params);
    check_request post = *q;
    if (f->post) {
        snprintf(post.method, sizeof post.method, "POST");
        snprintf(target, tcap, "%s", f->path);
        return fetch(r, &post, target, params, strlen(params), false);
    }
    snprintf(post.method, sizeof post.method, "GET");
    snprintf(target, tcap, "%s?%s", f->path, params);
    return fetch(r, &post, target, NULL, 0, false);
}

typedef struct {
    int status;
    size_t len;
} shape;

static bool similar(shape a, shape b)
{
    size_t d = a.len > b.len ? a.len - b.len : b.len - a.len;
    return a.status == b.status && d * 20 <= (a.len > b.len ? a.len : b.len) + 20;
}

/* Boolean injection: the "true" payload gives the original page, the "false" one another page. */
static bool boolean_pair(run *r, const check_request *q, const check_form *f, size_t idx,
                         const char *tv, const char *fv, char *target, size_t tcap)
{
    const check_response *x = send_form(r, q, f, idx, NULL, target, tcap);
    if (!x)
        return false;
    shape base = {x->status, x->body_len};
    if (!(x = send_form(r, q, f, idx, tv, target, tcap)))
        return false;
    shape yes = {x->status, x->body_len};
    if (!check_match(q, x, r->env->marker) || !similar(base, yes) ||
        !(x = send_form(r, q, f, idx, fv, target, tcap)))
        return false;
    shape no = {x->status, x->body_len};
    return !similar(base, no);
}

static bool run_fuzz(run *r, const check_tmpl *t, const check_request *q, const check_page *page)
{
    for (size_t fi = 0; fi < page->n && !r->stop; fi++) {
        const check_form *f = &page->v[fi];
        for (size_t pi = 0; pi < f->n && !r->stop; pi++) {
            for (size_t zi = 0; zi < q->nfz && !r->stop; zi++) {
                const check_fuzz *fz = &q->fz[zi];
                if ((fz->part == FZ_BODY) != f->post)
                    continue; /* query rules test links and GET forms, body rules POST forms */
                size_t step = t->compare_boolean ? 2 : 1;
                for (size_t vi = 0; vi + step - 1 < fz->nvalues && !r->stop; vi += step) {
                    char v1[1024], v2[1024], a1[1200], a2[1200], target[4096];
                    if (expand(r, fz->values[vi], v1, sizeof v1) < 0)
                        continue;
                    apply(fz, f->values[pi], v1, a1, sizeof a1);
                    bool hit;
                    if (t->compare_boolean) {
                        if (expand(r, fz->values[vi + 1], v2, sizeof v2) < 0)
                            continue;
                        apply(fz, f->values[pi], v2, a2, sizeof a2);
                        hit = boolean_pair(r, q, f, pi, a1, a2, target, sizeof target);
                    } else {
                        const check_response *x = send_form(r, q, f, pi, a1, target, sizeof target);
                        hit = x && check_match(q, x, r->env->marker);
                        double slow = check_duration_of(q);
                        if (hit && slow > 0) {
                            /* a slow page is not an injection: the original value must be fast */
                            char t2[4096];
                            x = send_form(r, q, f, pi, NULL, t2, sizeof t2);
                            hit = x && x->seconds < slow / 2;
                        }
                    }
                    if (hit) {
                        char detail[160];
                        snprintf(detail, sizeof detail, "parameter %s", f->names[pi]);
                        report(r, t, target, detail);
                        return true;
                    }
                }
            }
        }
    }
    return false;
}

void check_run_endpoint(const check_env *env, const xs_check_target *t, xs_check_report *rep)
{
    run r = {.env = env,
             .t = t,
             .rep = rep,
             .conn = {t->addr, t->port, t->tls, t->host, env->timeout_ms}};
    if (env->canary) {
        const char *h = strstr(env->canary, "://");
        snprintf(r.canary_host, sizeof r.canary_host, "%s", h ? h + 3 : env->canary);
        r.canary_host[strcspn(r.canary_host, "/")] = '\0';
    }
    if ((t->tls || t->starttls) && xs_check_db_wants_tls(env->db))
        xs_tls_audit(env, t, rep);
    if (t->tls_only)
        return; /* not HTTP: the TLS audit is all there is */
    check_page page;
    check_page_parse(t->page, t->page_len, t->page_path, &page);
    /* the URL's own query is one more parameter set */
    if (t->page_path && strchr(t->page_path, '?') && page.n < 16) {
        check_page one;
        char html[4200];
        snprintf(html, sizeof html, "<a href=\"%s\">", t->page_path);
        check_page_parse(html, strlen(html), t->page_path, &one);
        for (size_t i = 0; i < one.n; i++) {
            check_form *nv = realloc(page.v, (page.n + 1) * sizeof *nv);
            if (!nv)
                break;
            page.v = nv;
            page.v[page.n++] = one.v[i];
            memset(&one.v[i], 0, sizeof one.v[i]);
        }
        check_page_free(&one);
    }
    for (size_t i = 0; i < env->db->n && !r.stop; i++) {
        const check_tmpl *tp = &env->db->t[i];
        if ((tp->https_only && !t->tls) || (tp->needs_canary && !env->canary))
            continue;
        for (size_t j = 0; j < tp->nreq && !r.stop; j++) {
            const check_request *q = &tp->req[j];
            if (q->nfz ? run_fuzz(&r, tp, q, &page) : run_paths(&r, tp, q, &page))
                break;
        }
    }
    check_page_free(&page);
    check_response_free(&r.last);
    for (size_t i = 0; i < r.ncache; i++) {
        free(r.cache[i].key);
        check_response_free(&r.cache[i].r);
    }
}
