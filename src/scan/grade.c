/* Maps what the stages found onto the policy's inputs: port status, HTTP status code, auth class,
 * and the resource column (directly exposed bucket or not). */
#include "xsweep/grade.h"

static xs_auth_class auth_class(xs_auth_method m)
{
    switch (m) {
    case XS_AUTH_BASIC:
    case XS_AUTH_DIGEST:
    case XS_AUTH_NTLM:
    case XS_AUTH_NEGOTIATE: /* Kerberos/NTLM: the seed's NTLM row */
        return XS_AUTHCLASS_WEAK;
    case XS_AUTH_SSO:
        return XS_AUTHCLASS_SSO;
    case XS_AUTH_NONE:
        break;
    }
    return XS_AUTHCLASS_NONE;
}

xs_severity xs_grade(const xs_policy *p, const xs_result *r, const xs_enriched *e, bool bucket,
                     const char **reason)
{
    xs_severity_input in = {.status = (xs_status)r->status, .is_bucket = bucket};
    if (e && e->http && e->http->status_code > 0) {
        in.is_http = true;
        in.http_code = e->http->status_code;
        in.auth = auth_class(e->auth.method);
    }
    for (size_t i = 0; e && i < e->config.n && in.n_finding_ids < 16; i++)
        in.finding_ids[in.n_finding_ids++] = e->config.v[i].id;
    return xs_policy_evaluate(p, &in, reason);
}
