/* Evaluates a loaded policy for one endpoint: a table look-up, no allocation. */
#include "policy_internal.h"

static const char *not_scanned_reason(xs_status s)
{
    switch (s) {
    case XS_STATUS_EXCLUDED:    return "not scanned: excluded from scan";
    case XS_STATUS_UNSUPPORTED: return "not scanned: unsupported port";
    default:                    return "not scanned: scan failed";
    }
}

static xs_severity pick(const xs_policy *p, int rule, bool bucket, const char **reason)
{
    const xs_policy_rule *r = &p->rules[rule];
    if (reason) *reason = r->reason;
    return bucket ? r->bucket : r->other;
}

xs_severity xs_policy_evaluate(const xs_policy *p, const xs_severity_input *in, const char **reason)
{
    /* The seed: endpoints that were not scanned are critical, and that cannot be configured. */
    if (!p || !in || (in->status != XS_STATUS_OPEN && in->status != XS_STATUS_CLOSED)) {
        if (reason) *reason = in ? not_scanned_reason(in->status) : "not scanned";
        return XS_SEV_CRITICAL;
    }
    if (in->status == XS_STATUS_CLOSED)
        return pick(p, p->nonhttp_fail, in->is_bucket, reason);
    if (in->is_http && in->http_code >= XS_POLICY_CODE_MIN && in->http_code <= XS_POLICY_CODE_MAX) {
        unsigned auth = (unsigned)in->auth < XS_POLICY_NAUTH ? (unsigned)in->auth : XS_AUTHCLASS_NONE;
        int rule = p->http[in->http_code - XS_POLICY_CODE_MIN][auth];
        if (rule >= 0) return pick(p, rule, in->is_bucket, reason);
    }
    /* Handshake answered but no usable HTTP status: the non-HTTP rows apply. */
    return pick(p, p->nonhttp_success, in->is_bucket, reason);
}
