/* Severity policies: map what the scan learned about an endpoint to critical/high/medium/low/info,
 * following the seed's "Dynamic Application Endpoint severity" tables (permissive, moderate, strict).
 *
 * Policy file format (data/policies/NAME.policy), one rule a line, '#' starts a comment:
 *
 *   # kind     status   auth   bucket     other      reason
 *   nonhttp    success  -      critical   critical   "TCP handshake succeeded"
 *   nonhttp    fail     -      low        low        "TCP handshake failed"
 *   http       2xx      none   critical   critical   "2XX with no authentication"
 *   http       401      weak   medium     medium     "401 with basic/digest/NTLM"
 *
 *   kind    nonhttp | http
 *   status  nonhttp: success | fail.  http: an exact code 100-599 ("401"), a class ("4xx"), or "-" (any)
 *   auth    none | weak (basic, digest, NTLM, negotiate) | sso | "-" (any); nonhttp rows take "-"
 *   bucket  severity for directly exposed buckets; other: severity for every other resource
 *   reason  the rest of the line, optionally in double quotes; may be empty
 *
 * An HTTP rule is chosen by specificity: an exact code beats a class, a class beats "-"; then a specific
 * auth beats "-". An open endpoint whose HTTP exchange gave no status (client error, timeout, non-HTTP
 * port) or whose code no http rule covers uses the nonhttp success row. Every policy needs both nonhttp
 * rows. A policy may also hold rows "finding ID bucket other reason": an open endpoint carrying host
 * configuration finding ID (data/hostcfg rules) takes that row's severity instead (when several
 * match, the most severe). The three seed policies have none, so they grade as the seed says.
 * Endpoints that were not scanned (excluded, unsupported port, failed probe) are critical under every
 * policy: the seed says this cannot be configured, so it is not in the files.
 */
#ifndef XSWEEP_SEVERITY_H
#define XSWEEP_SEVERITY_H
#include <stdbool.h>
#include <stddef.h>
#include "xsweep/record.h"

/* Ordered: a larger value is more severe. */
typedef enum {
    XS_SEV_INFO = 0,
    XS_SEV_LOW,
    XS_SEV_MEDIUM,
    XS_SEV_HIGH,
    XS_SEV_CRITICAL,
} xs_severity;

/* "critical", "high", "medium", "low", "info". */
const char *xs_severity_name(xs_severity s);
/* Parses one of the names above; -1 when unknown. */
int xs_severity_parse(const char *name);

/* Authentication as the severity tables see it. */
typedef enum {
    XS_AUTHCLASS_NONE = 0, /* "Not detected" */
    XS_AUTHCLASS_WEAK,     /* basic, digest, NTLM, negotiate */
    XS_AUTHCLASS_SSO,      /* Google Workspace, Entra ID, Okta, Ping, Duo */
} xs_auth_class;

typedef struct {
    xs_status status;   /* port status from the SYN scan */
    bool is_http;       /* an HTTP response with a status line was obtained */
    int http_code;      /* valid when is_http */
    xs_auth_class auth; /* valid when is_http */
    bool is_bucket;     /* directly exposed bucket: the tables' first severity column */
    /* Host configuration findings the endpoint carries (ids): "finding ID" rows regrade it. */
    const char *finding_ids[16];
    size_t n_finding_ids;
} xs_severity_input;

typedef struct xs_policy xs_policy;

/* A bare name (permissive, moderate, strict, or any [a-z0-9_-]+) loads
 * <datadir>/policies/NAME.policy with datadir = $XSWEEP_DATADIR or XS_DATADIR; anything else is a path.
 * NULL on error with a one-line message ("FILE:LINE: ...") in err. */
xs_policy *xs_policy_load(const char *name_or_path, char *err, size_t errlen);
/* Parses policy text held in memory; `label` names it in error messages. */
xs_policy *xs_policy_load_buffer(const char *text, size_t len, const char *label, char *err,
                                 size_t errlen);
void xs_policy_free(xs_policy *p);
/* The file's base name without ".policy" ("moderate"). */
const char *xs_policy_name(const xs_policy *p);

/* Never fails. `reason` (may be NULL) receives a string owned by the policy (or static). */
xs_severity xs_policy_evaluate(const xs_policy *p, const xs_severity_input *in,
                               const char **reason);

#endif
