/* The record's "checks" object: what ran, and each finding with its id, type, severity, CWE, path
 * and remediation (never a response body). */
#include "xsweep/checks.h"
#include "xsweep/jsonw.h"

void xs_check_report_write_json(const xs_check_report *r, void *jsonw)
{
    xs_jsonw *w = jsonw;
    xs_jsonw_key(w, "checks");
    xs_jsonw_begin_object(w);
    xs_jsonw_key(w, "requests");
    xs_jsonw_uint(w, r->requests);
    xs_jsonw_key(w, "capped");
    xs_jsonw_bool(w, r->capped);
    if (r->starttls) { /* the audit upgraded each connection first (or tried: refused = no audit) */
        xs_jsonw_key(w, "starttls");
        xs_jsonw_cstr(w, xs_starttls_name(r->starttls));
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
        xs_jsonw_key(w, "id");
        xs_jsonw_cstr(w, f->id);
        xs_jsonw_key(w, "name");
        xs_jsonw_cstr(w, f->name);
        xs_jsonw_key(w, "type");
        xs_jsonw_cstr(w, xs_check_kind_name(f->kind));
        xs_jsonw_key(w, "severity");
        xs_jsonw_cstr(w, xs_severity_name(f->severity));
        xs_jsonw_key(w, "cwe");
        if (f->cwe[0])
            xs_jsonw_cstr(w, f->cwe);
        else
            xs_jsonw_null(w);
        xs_jsonw_key(w, "path");
        xs_jsonw_cstr(w, f->path);
        xs_jsonw_key(w, "detail");
        xs_jsonw_cstr(w, f->detail);
        xs_jsonw_key(w, "remediation");
        xs_jsonw_cstr(w, f->remediation);
        xs_jsonw_end_object(w);
    }
    xs_jsonw_end_array(w);
    xs_jsonw_end_object(w);
}
