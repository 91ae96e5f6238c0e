/* The record's "checks" object: what ran, and each finding with its id, type, severity, CWE, path
 * and remediation (never a response body). */
#include "xsweep/checks.h"
#include "xsweep/jsonw.h"

void xs_check_report_write_json(const xs_check_report *r, void *jsonw)
{
    xs_jsonw *w = jsonw;
    xs_jsonw_key(w, "checks");
    xs_jsonw_begin_object(w);
    xs_jsonw_kv_uint(w, "requests", r->requests);
    xs_jsonw_kv_bool(w, "capped", r->capped);
    if (r->starttls) { /* the audit upgraded each connection first (or tried: refused = no audit) */
        xs_jsonw_kv_cstr(w, "starttls", xs_starttls_name(r->starttls));
    }
    if (r->tls_audited) {
        xs_jsonw_key(w, "tls_protocols");
        xs_jsonw_begin_object(w);
        for (int i = 0; i < 5; i++) {
            xs_jsonw_key(w, xs_tls_proto_names[i]);
            xs_jsonw_cstr(w, r->tls_proto[i][0] ? r->tls_proto[i] : "not testable");
        }
        xs_jsonw_end_object(w);
    }
    xs_jsonw_key(w, "findings");
    xs_jsonw_begin_array(w);
    for (size_t i = 0; i < r->n; i++) {
        const xs_check_finding *f = &r->v[i];
        xs_jsonw_begin_object(w);
        xs_jsonw_kv_cstr(w, "id", f->id);
        xs_jsonw_kv_cstr(w, "name", f->name);
        xs_jsonw_kv_cstr(w, "type", xs_check_kind_name(f->kind));
        xs_jsonw_kv_cstr(w, "severity", xs_severity_name(f->severity));
        xs_jsonw_key(w, "cwe");
        if (f->cwe[0])
            xs_jsonw_cstr(w, f->cwe);
        else
            xs_jsonw_null(w);
        xs_jsonw_kv_cstr(w, "path", f->path);
        xs_jsonw_kv_cstr(w, "detail", f->detail);
        xs_jsonw_kv_cstr(w, "remediation", f->remediation);
        xs_jsonw_end_object(w);
    }
    xs_jsonw_end_array(w);
    xs_jsonw_end_object(w);
}
