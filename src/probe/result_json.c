/* The probe result as the JSON object the output writes under "probe". */
#include <string.h>

#include "xsweep/probe.h"

static void str_or_null(xs_jsonw *w, const char *key, const char *s)
{
    xs_jsonw_key(w, key);
    if (s && s[0])
        xs_jsonw_cstr(w, s);
    else
        xs_jsonw_null(w);
}

void xs_probe_result_write_json(const xs_probe_result *r, xs_jsonw *w)
{
    const xs_probe_info *i = &r->info;
    xs_jsonw_begin_object(w);
    str_or_null(w, "kind", xs_probe_kind_name(r->kind));
    str_or_null(w, "protocol", i->protocol);
    str_or_null(w, "product", i->product);
    str_or_null(w, "version", i->version);
    xs_jsonw_key(w, "banner");
    if (i->banner_len)
        xs_jsonw_string(w, (const char *)i->banner, i->banner_len); /* raw: the writer escapes */
    else
        xs_jsonw_null(w);
    str_or_null(w, "auth", xs_probe_auth_name(i->auth));
    xs_jsonw_key(w, "tls");
    if (i->tls == XS_PROBE_TLS_UNKNOWN)
        xs_jsonw_null(w);
    else
        xs_jsonw_bool(w, i->tls == XS_PROBE_TLS_YES);
    str_or_null(w, "detail", i->detail);
    /* How it was identified: by probing (what the bytes said), with the probes tried in order. */
    str_or_null(w, "method", i->protocol[0] ? "probed" : NULL);
    str_or_null(w, "tried", r->tried);
    xs_jsonw_kv_uint(w, "attempts", r->attempts);
    str_or_null(w, "inner", i->inner);
    str_or_null(w, "dialects", i->dialects);
    xs_jsonw_key(w, "facts");
    xs_jsonw_begin_object(w);
    for (int f = 0; f < XS_PROBE_FACT_COUNT; f++) {
        int v = xs_probe_fact_get(i, (xs_probe_fact)f);
        if (v == 0 || f == XS_PROBE_FACT_TLS || f == XS_PROBE_FACT_AUTH)
            continue; /* tls and auth have their own keys */
        xs_jsonw_key(w, xs_probe_fact_name((xs_probe_fact)f));
        xs_jsonw_bool(w, v > 0);
    }
    xs_jsonw_end_object(w);
    if (i->ssh_kex[0]) {
        xs_jsonw_key(w, "ssh");
        xs_jsonw_begin_object(w);
        str_or_null(w, "kex", i->ssh_kex);
        str_or_null(w, "hostkeys", i->ssh_hostkeys);
        str_or_null(w, "ciphers", i->ssh_ciphers);
        str_or_null(w, "macs", i->ssh_macs);
        xs_jsonw_end_object(w);
    }
    const xs_probe_smb *m = &i->smb;
    if (m->ntlm_version[0] || m->netbios_computer[0] || m->native_os[0] || m->native_lanman[0] ||
        m->session[0]) {
        xs_jsonw_key(w, "smb"); /* what the SMB server says of itself */
        xs_jsonw_begin_object(w);
        str_or_null(w, "ntlm_version", m->ntlm_version);
        str_or_null(w, "netbios_computer", m->netbios_computer);
        str_or_null(w, "netbios_domain", m->netbios_domain);
        str_or_null(w, "dns_computer", m->dns_computer);
        str_or_null(w, "dns_domain", m->dns_domain);
        str_or_null(w, "native_os", m->native_os);
        str_or_null(w, "native_lanman", m->native_lanman);
        str_or_null(w, "workgroup", m->workgroup);
        str_or_null(w, "session", m->session);
        xs_jsonw_end_object(w);
    }
    xs_jsonw_key(w, "error");
    if (r->error == XS_PROBE_ERR_NONE) {
        xs_jsonw_null(w);
    } else {
        xs_jsonw_cstr(w, xs_probe_error_name(r->error));
        str_or_null(w, "error_text", r->error_text);
    }
    xs_jsonw_end_object(w);
}
