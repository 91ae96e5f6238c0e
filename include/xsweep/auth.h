/* Authentication detection on an HTTP result: the seed's methods (basic, digest, NTLM, SSO) plus
 * Negotiate, and the SSO provider (Google Workspace, Microsoft Entra ID, Okta, Ping, Duo).
 *
 * Evidence, strongest first:
 *   1. WWW-Authenticate / Proxy-Authenticate challenges on any status (every scheme listed is
 *      reported in `methods`; `method` is the strongest: negotiate > ntlm > digest > basic);
 *      a Bearer challenge whose authorization_uri is an IdP host counts as SSO.
 *   2. A hand-off to the provider's authorization endpoint (host AND path, src/auth/sso_markers.c):
 *      3XX Location, Refresh header, meta refresh, a script setting location, a form posting
 *      there; a SAMLRequest (redirect query or POST-binding form) to any IdP; the provider's own
 *      sign-in page served here (Okta widget, Duo frame, PingFederate's login form).
 *   Mentions of a provider, links to its help or status pages and its CDN assets are not SSO. */
#ifndef XSWEEP_AUTH_H
#define XSWEEP_AUTH_H
#include <stdbool.h>
#include <stddef.h>

#include "xsweep/http.h"

typedef enum {
    XS_AUTH_NONE = 0,
    XS_AUTH_BASIC,
    XS_AUTH_DIGEST,
    XS_AUTH_NTLM,
    XS_AUTH_NEGOTIATE,
    XS_AUTH_SSO,
} xs_auth_method;

typedef enum {
    XS_SSO_NONE = 0, /* not SSO, or SSO whose provider we do not know (e.g. a bare SAMLRequest) */
    XS_SSO_GOOGLE,
    XS_SSO_ENTRA_ID,
    XS_SSO_OKTA,
    XS_SSO_PING,
    XS_SSO_DUO,
} xs_sso_provider;

typedef enum {
    XS_AUTH_FROM_NONE = 0,
    XS_AUTH_FROM_CHALLENGE, /* WWW-Authenticate / Proxy-Authenticate */
    XS_AUTH_FROM_LOCATION,  /* redirect target */
    XS_AUTH_FROM_BODY,      /* login-page marker */
} xs_auth_evidence;

#define XS_AUTH_BIT(m) (1u << (m))

typedef struct {
    xs_auth_method method;    /* the one to report */
    xs_sso_provider provider; /* when method == XS_AUTH_SSO */
    unsigned methods;         /* XS_AUTH_BIT() of every method seen */
    unsigned providers;       /* XS_AUTH_BIT() of every provider seen */
    xs_auth_evidence evidence;
    const char *marker; /* the marker that decided an SSO verdict (static), or NULL */
    bool form_login;    /* the page holds a password field (a login form): recorded, not
                                 * an auth method of the seed, so it changes no grade */
} xs_auth_info;

xs_auth_info xs_auth_detect(const xs_http_result *r);

const char *xs_auth_method_name(xs_auth_method m);   /* "none", "basic", ..., "sso" */
const char *xs_sso_provider_name(xs_sso_provider p); /* "none", "google", "entra_id", ... */

/* ---- the pure pieces, for tests and fuzzing ---- */
/* XS_AUTH_BIT()s of the schemes in one challenge header value (several challenges allowed). */
unsigned xs_auth_parse_challenges(const char *value);
/* True when the URL is an SSO hand-off target: a provider's authorization / sign-in endpoint
 * (host and path), a self-hosted IdP's endpoint path, or a SAMLRequest query; *provider is the
 * provider (XS_SSO_NONE for a SAMLRequest to an unknown IdP). */
bool xs_auth_sso_url(const char *url, xs_sso_provider *provider, const char **marker);
/* The provider of xs_auth_sso_url(), XS_SSO_NONE when the URL is no hand-off target. */
xs_sso_provider xs_auth_provider_for_url(const char *url, const char **marker);
/* The provider whose IdP host the URL names (information sub-sites excluded), whatever the path. */
xs_sso_provider xs_auth_provider_for_host(const char *url);
/* The URL of a Refresh value "N; url=..." (pointer into content, *len bytes), or NULL. */
const char *xs_auth_refresh_url(const char *content, size_t *len);

#endif
