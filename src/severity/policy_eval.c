/* Evaluates a loaded policy for one endpoint: a table look-up, no allocation. */
#include <string.h>
#include "policy_internal.h"

static const char *not_scanned_reason(xs_status s)
{
    switch (s) {
    case XS_STATUS_EXCLUDED:
        return "not scanned: excluded from scan";
    case XS_STATUS_UNSUPPORTED:
        return "not scanned: unsupported port";
    default:
        return "not scanned: scan failed";
    }
}

static xs_severity pick(const xs_policy *p, int rule, bool bucket, const char **reason)
{
    const xs_policy_rule *r = &p->rules[rule];
    if (reason)
        *reason = r->reason;
    return bucket ? r->bucket : r->other;
}

xs_severity xs_policy_evaluate(const xs_policy *p, const xs_severity_input *in, const char **reason)
{
    /* The seed: endpoints that were not scanned are critical, and that cannot be configured. */
    if (!p || !in || (in->status != XS_STATUS_OPEN && in->status != XS_STATUS_CLOSED)) {
        if (reason)
            *reason = in ? not_scanned_reason(in->status) : "not scanned";
        return XS_SEV_CRITICAL;
    }
    if (in->status == XS_STATUS_CLOSED)
        return pick(p, p->nonhttp_fail, in->is_bucket, reason);
    /* "finding ID" rows raise or lower an endpoint by what it carries. */
    int best = -1;
    for (size_t i = 0; i < p->nrules; i++) {
        const xs_policy_rule *r = &p->rules[i];
        if (!r->finding)
            continue;
        for (size_t k = 0; k < in->n_finding_ids && k < 16; k++) {
            if (!in->finding_ids[k] || strcmp(in->finding_ids[k], r->finding) != 0)
                continue;
            xs_severity sv = in->is_bucket ? r->bucket : r->other;
            if (best < 0 || sv > (in->is_bucket ? p->rules[best].bucket : p->rules[best].other))
                best = (int)i;
        }
    }
    if (best >= 0)
        return pick(p, best, in->is_bucket, reason);
    if (in->is_http && in->http_code >= XS_POLICY_CODE_MIN && in->http_code <= XS_POLICY_CODE_MAX) {
        unsigned auth =
            (unsigned)in->auth < XS_POLICY_NAUTH ? (unsigned)in->auth : XS_AUTHCLASS_NONE;
        int rule = p->http[in->http_code - XS_POLICY_CODE_MIN][auth];
        if (rule >= 0)
            return pick(p, rule, in->is_bucket, reason);
    }
    /* Handshake answered but no usable HTTP status: the non-HTTP rows apply. */
    return pick(p, p->nonhttp_success, in->is_bucket, reason);
}
