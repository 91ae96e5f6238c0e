/* JSON fields of the HTTP/fingerprint stage: http.*, tls.*, auth.*, tech[]. */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "xsweep/jsonw.h"
#include "xsweep/output.h"
#include "xsweep/stage.h"

#define MAX_HEADERS_OUT  50
#define MAX_FINDINGS_OUT 100

/* Cookies and credentials never leave (the internal-scanning seed): names and attributes stay,
 * values go. */
static bool is_credential_header(const char *name)
{
    return !strcasecmp(name, "Set-Cookie") || !strcasecmp(name, "Cookie") ||
           !strcasecmp(name, "Authorization") || !strcasecmp(name, "Proxy-Authorization");
}

static void write_cookie_redacted(xs_jsonw *w, const char *value)
{
    char out[512];
    const char *eq = strchr(value, '=');
    const char *semi = strchr(value, ';');
    size_t name_len = eq && (!semi || eq < semi) ? (size_t)(eq - value) : 0;
    snprintf(out, sizeof out, "%.*s=[redacted]%s", (int)(name_len > 200 ? 200 : name_len), value,
             semi ? semi : "");
    xs_jsonw_cstr(w, out);
}

static void opt_str(xs_jsonw *w, const char *key, const char *v)
{
    if (v) {
        xs_jsonw_key(w, key);
        xs_jsonw_cstr(w, v);
    }
}

static void write_http(xs_jsonw *w, const xs_http_result *h)
{
    xs_jsonw_key(w, "http");
    xs_jsonw_begin_object(w);
    xs_jsonw_kv_cstr(w, "status", h->status_text ? h->status_text : "");
    xs_jsonw_kv_int(w, "status_code", h->status_code);
    xs_jsonw_kv_cstr(w, "title", h->title);
    xs_jsonw_key(w, "body_preview");
    size_t ul = 0;
    char *utf8 = xs_http_preview_utf8(h, &ul); /* the page's own charset, as UTF-8 */
    if (utf8)
        xs_jsonw_string(w, utf8, ul);
    else if (h->body_preview)
        xs_jsonw_string(w, h->body_preview, h->body_preview_len);
    else
        xs_jsonw_null(w);
    free(utf8);
    opt_str(w, "server", h->server);
    opt_str(w, "location", h->location);
    opt_str(w, "path", h->path);
    opt_str(w, "host", h->host);
    if (h->n_headers) {
        xs_jsonw_key(w, "headers");
        xs_jsonw_begin_array(w);
        for (size_t i = 0; i < h->n_headers && i < MAX_HEADERS_OUT; i++) {
            xs_jsonw_begin_object(w);
            xs_jsonw_kv_cstr(w, "name", h->headers[i].name);
            xs_jsonw_key(w, "value");
            if (is_credential_header(h->headers[i].name))
                write_cookie_redacted(w, h->headers[i].value);
            else
                xs_jsonw_cstr(w, h->headers[i].value);
            xs_jsonw_end_object(w);
        }
        xs_jsonw_end_array(w);
    }
    if (h->error != XS_HTTP_ERR_NONE) {
        xs_jsonw_kv_cstr(w, "error", xs_http_error_name(h->error));
    }
    xs_jsonw_end_object(w);
}

static void write_tls(xs_jsonw *w, const xs_tls_info *t)
{
    xs_jsonw_key(w, "tls");
    xs_jsonw_begin_object(w);
    xs_jsonw_kv_cstr(w, "version", t->version);
    xs_jsonw_kv_cstr(w, "cipher", t->cipher);
    if (t->have_cert) {
        const xs_cert_info *c = &t->cert;
        xs_jsonw_kv_cstr(w, "subject", c->subject);
        xs_jsonw_kv_cstr(w, "subject_cn", c->subject_cn);
        xs_jsonw_kv_cstr(w, "issuer", c->issuer);
        xs_jsonw_kv_cstr(w, "not_before", c->not_before);
        xs_jsonw_kv_cstr(w, "not_after", c->not_after);
        xs_jsonw_kv_bool(w, "self_signed", c->self_signed);
        xs_jsonw_kv_cstr(w, "sha256", c->sha256);
        xs_jsonw_key(w, "sans");
        xs_jsonw_begin_array(w);
        for (size_t i = 0; i < c->n_sans; i++)
            xs_jsonw_cstr(w, c->sans[i]);
        xs_jsonw_end_array(w);
    }
    xs_jsonw_end_object(w);
}

static void write_auth(xs_jsonw *w, const xs_auth_info *a)
{
    xs_jsonw_key(w, "auth");
    xs_jsonw_begin_object(w);
    xs_jsonw_kv_cstr(w, "method", xs_auth_method_name(a->method));
    xs_jsonw_kv_cstr(w, "provider",
                     a->method == XS_AUTH_SSO && a->provider != XS_SSO_NONE
                         ? xs_sso_provider_name(a->provider)
                         : NULL);
    xs_jsonw_kv_bool(w, "form_login", a->form_login);
    xs_jsonw_end_object(w);
}

static void write_tech(xs_jsonw *w, const xs_fp_result *t)
{
    xs_jsonw_key(w, "tech");
    xs_jsonw_begin_array(w);
    for (size_t i = 0; i < t->n; i++) {
        const xs_fp_tech *x = &t->v[i];
        xs_jsonw_begin_object(w);
        xs_jsonw_kv_cstr(w, "name", x->name);
        xs_jsonw_kv_cstr(w, "version", x->version[0] ? x->version : NULL);
        xs_jsonw_key(w, "categories");
        xs_jsonw_begin_array(w);
        for (size_t c = 0; c < x->ncategories; c++)
            xs_jsonw_cstr(w, x->categories[c]);
        xs_jsonw_end_array(w);
        xs_jsonw_kv_int(w, "confidence", x->confidence);
        xs_jsonw_end_object(w);
    }
    xs_jsonw_end_array(w);
}

static void write_findings(xs_jsonw *w, const xs_finding_list *f)
{
    xs_jsonw_key(w, "findings");
    xs_jsonw_begin_array(w);
    for (size_t i = 0; i < f->n && i < MAX_FINDINGS_OUT; i++) {
        const xs_finding *x = &f->v[i];
        xs_jsonw_begin_object(w);
        xs_jsonw_kv_cstr(w, "id", x->id);
        xs_jsonw_kv_cstr(w, "category", xs_finding_category_name(x->category));
        xs_jsonw_kv_cstr(w, "severity", xs_severity_name(x->severity));
        xs_jsonw_kv_cstr(w, "where", x->where);
        xs_jsonw_kv_cstr(w, "fingerprint", x->fingerprint);
        xs_jsonw_kv_uint(w, "count", x->count);
        xs_jsonw_end_object(w);
    }
    xs_jsonw_end_array(w);
    if (f->n > MAX_FINDINGS_OUT || f->overflow) {
        xs_jsonw_kv_uint(w, "findings_total", f->n);
    }
}

static void write_config(xs_jsonw *w, const xs_hostcfg_list *l)
{
    xs_jsonw_key(w, "config_issues");
    xs_jsonw_begin_array(w);
    for (size_t i = 0; i < l->n; i++) {
        xs_jsonw_begin_object(w);
        xs_jsonw_kv_cstr(w, "id", l->v[i].id);
        xs_jsonw_kv_cstr(w, "title", l->v[i].title);
        xs_jsonw_kv_cstr(w, "severity", xs_severity_name(l->v[i].severity));
        if (l->v[i].cwe) {
            xs_jsonw_kv_uint(w, "cwe", (unsigned)l->v[i].cwe);
        }
        if (l->v[i].fix) {
            xs_jsonw_kv_cstr(w, "remediation", l->v[i].fix);
        }
        xs_jsonw_end_object(w);
    }
    xs_jsonw_end_array(w);
}

static void write_shot(xs_jsonw *w, const xs_shot_info *s)
{
    xs_jsonw_key(w, "screenshot");
    xs_jsonw_begin_object(w);
    if (s->removed) {
        xs_jsonw_kv_cstr(w, "removed", "secrets detected");
    } else if (s->error[0]) {
        xs_jsonw_kv_cstr(w, "error", s->error);
    } else {
        xs_jsonw_kv_cstr(w, "path", s->path);
        xs_jsonw_kv_uint(w, "width", s->width);
        xs_jsonw_kv_uint(w, "height", s->height);
    }
    xs_jsonw_kv_uint(w, "text_chars", s->text_chars);
    xs_jsonw_end_object(w);
}

void xs_stage_fields_json(const xs_report *rep, void *jsonw)
{
    const xs_enriched *e = rep->extra;
    xs_jsonw *w = jsonw;
    if (e && e->stage_json) { /* rendered by the sandboxed stage process */
        xs_jsonw_raw_members(w, e->stage_json, e->stage_json_len);
        return;
    }
    if (e && e->probe) {
        xs_jsonw_key(w, "probe");
        xs_probe_result_write_json(e->probe, w);
        if (!e->http && e->findings.n)
            write_findings(w, &e->findings); /* secrets in a banner: where, never the value */
    }
    if (e && e->interrupted && !e->http && !e->probe) {
        xs_jsonw_key(w, e->probe_job ? "probe" : "http"); /* --resume fetches it again */
        xs_jsonw_begin_object(w);
        xs_jsonw_kv_cstr(w, "error", "interrupted");
        xs_jsonw_end_object(w);
    }
    /* Services rules find issues on endpoints without an HTTP status, too. */
    bool http_ok = e && e->http && e->http->status_code > 0;
    if (e && !http_ok && e->config.n)
        write_config(w, &e->config);
    if (!e || !e->http) {
        if (e && e->checks) /* the TLS audit of a STARTTLS service (no HTTP) */
            xs_check_report_write_json(e->checks, w);
        return;
    }
    write_http(w, e->http);
    if (e->http->tls.used)
        write_tls(w, &e->http->tls);
    if (http_ok) {
        write_auth(w, &e->auth);
        write_tech(w, &e->tech);
        write_config(w, &e->config);
    }
    write_findings(w, &e->findings);
    if (e->shot)
        write_shot(w, e->shot);
    if (e->checks)
        xs_check_report_write_json(e->checks, w);
}

const void *xs_report_stage_data(const xs_report *rep)
{
    return rep->extra_json == xs_stage_fields_json ? rep->extra : NULL;
}
