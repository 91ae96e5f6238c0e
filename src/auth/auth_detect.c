/* Authentication detection: challenges, IdP redirects and login-page markers (see auth.h). */
#include <ctype.h>
#include <string.h>
#include <strings.h>

#include "xsweep/auth.h"
#include "sso_markers.h"

const char *xs_auth_method_name(xs_auth_method m)
{
    static const char *const names[] = {"none", "basic", "digest", "ntlm", "negotiate", "sso"};
    return (unsigned)m < sizeof names / sizeof names[0] ? names[m] : "unknown";
}

const char *xs_sso_provider_name(xs_sso_provider p)
{
    static const char *const names[] = {"none", "google", "entra_id", "okta", "ping", "duo"};
    return (unsigned)p < sizeof names / sizeof names[0] ? names[p] : "unknown";
}

/* ---------------------------------------------------------------- challenges */
static bool is_tchar(char c)
{
    return isalnum((unsigned char)c) || (c && strchr("!#$%&'*+-.^_`|~", c));
}

static const char *skip_ows(const char *p)
{
    while (*p == ' ' || *p == '\t')
        p++;
    return p;
}

/* Skips an auth-param value (quoted-string or token) starting at p. */
static const char *skip_value(const char *p)
{
    p = skip_ows(p);
    if (*p == '"') {
        for (p++; *p && *p != '"'; p++)
            if (*p == '\\' && p[1])
                p++;
        return *p ? p + 1 : p;
    }
    while (*p && *p != ',' && *p != ' ' && *p != '\t')
        p++;
    return p;
}

static unsigned scheme_bit(const char *s, size_t n)
{
    static const struct { const char *name; xs_auth_method m; } schemes[] = {
        {"Basic", XS_AUTH_BASIC}, {"Digest", XS_AUTH_DIGEST}, {"NTLM", XS_AUTH_NTLM},
        {"Negotiate", XS_AUTH_NEGOTIATE},
    };
    for (size_t i = 0; i < sizeof schemes / sizeof schemes[0]; i++)
        if (strlen(schemes[i].name) == n && strncasecmp(s, schemes[i].name, n) == 0)
            return XS_AUTH_BIT(schemes[i].m);
    return 0;
}

/* challenge = scheme [ 1*SP ( token68 / #auth-param ) ], challenges separated by commas. An item
 * after a comma is a new scheme unless it is "name=" (a parameter of the previous challenge). */
unsigned xs_auth_parse_challenges(const char *v)
{
    unsigned bits = 0;
    const char *p = v ? v : "";
    while (*p) {
        p = skip_ows(p);
        if (*p == ',') {
            p++;
            continue;
        }
        const char *t = p;
        while (is_tchar(*p))
            p++;
        size_t tl = (size_t)(p - t);
        if (tl == 0) {                      /* junk: resynchronise at the next comma */
            while (*p && *p != ',')
                p = *p == '"' ? skip_value(p) : p + 1;
            continue;
        }
        const char *q = skip_ows(p);
        if (*q == '=') {                    /* auth-param of the previous challenge */
            p = skip_value(q + 1);
            continue;
        }
        bits |= scheme_bit(t, tl);          /* a scheme */
        /* Its token68 or first auth-param, up to the next comma. */
        p = q;
        const char *u = p;
        while (is_tchar(*p) || *p == '/')
            p++;
        if (p > u) {
            const char *w = skip_ows(p);
            if (*w == '=' && w[1] != '=' && w[1] != ',' && w[1] != '\0') {
                p = skip_value(w + 1);      /* realm="..." */
            } else {
                while (*p == '=')           /* token68 padding */
                    p++;
            }
        }
    }
    return bits;
}

/* ---------------------------------------------------------------- URLs and bodies */
static const unsigned char *find_ci(const unsigned char *h, size_t n, const char *needle)
{
    size_t nl = strlen(needle);
    if (nl == 0 || n < nl)
        return NULL;
    unsigned char first = (unsigned char)tolower((unsigned char)needle[0]);
    for (size_t i = 0; i + nl <= n; i++)
        if ((unsigned char)tolower(h[i]) == first && strncasecmp((const char *)h + i, needle, nl) == 0)
            return h + i;
    return NULL;
}

static bool host_matches(const char *host, size_t hl, const xs_sso_host_rule *r)
{
    size_t rl = strlen(r->host);
    if (!r->is_suffix)
        return hl == rl && strncasecmp(host, r->host, hl) == 0;
    /* ".okta.com" matches "acme.okta.com" and "okta.com" itself */
    if (hl == rl - 1 && strncasecmp(host, r->host + 1, hl) == 0)
        return true;
    return hl > rl && strncasecmp(host + hl - rl, r->host, rl) == 0;
}

xs_sso_provider xs_auth_provider_for_url(const char *url, const char **marker)
{
    if (!url)
        return XS_SSO_NONE;
    const char *p = skip_ows(url);
    const char *sep = strstr(p, "://");
    const char *host = NULL;
    if (sep && (size_t)(sep - p) < 16)
        host = sep + 3;
    else if (p[0] == '/' && p[1] == '/')
        host = p + 2;
    if (host) {
        size_t end = strcspn(host, "/?#");
        const char *at = memchr(host, '@', end);   /* user:pass@host */
        while (at) {
            end -= (size_t)(at + 1 - host);
            host = at + 1;
            at = memchr(host, '@', end);
        }
        size_t hl = strcspn(host, ":/?#");
        if (hl > end)
            hl = end;
        while (hl > 0 && host[hl - 1] == '.')
            hl--;
        for (size_t i = 0; i < xs_sso_host_rules_count; i++)
            if (host_matches(host, hl, &xs_sso_host_rules[i])) {
                if (marker)
                    *marker = xs_sso_host_rules[i].host;
                return xs_sso_host_rules[i].provider;
            }
    }
    for (size_t i = 0; i < xs_sso_path_rules_count; i++)
        if (find_ci((const unsigned char *)p, strlen(p), xs_sso_path_rules[i].text)) {
            if (marker)
                *marker = xs_sso_path_rules[i].text;
            return xs_sso_path_rules[i].provider;
        }
    return XS_SSO_NONE;
}

xs_sso_provider xs_auth_provider_in_body(const unsigned char *body, size_t len, bool *saml,
                                         const char **marker)
{
    if (saml)
        *saml = false;
    if (!body || len == 0)
        return XS_SSO_NONE;
    if (saml)
        for (size_t i = 0; i < xs_sso_saml_markers_count && !*saml; i++)
            *saml = find_ci(body, len, xs_sso_saml_markers[i]) != NULL;
    for (size_t i = 0; i < xs_sso_body_markers_count; i++)
        if (find_ci(body, len, xs_sso_body_markers[i].text)) {
            if (marker)
                *marker = xs_sso_body_markers[i].text;
            return xs_sso_body_markers[i].provider;
        }
    return XS_SSO_NONE;
}

/* ---------------------------------------------------------------- verdict */
static void saw_sso(xs_auth_info *a, xs_sso_provider p, xs_auth_evidence ev, const char *marker)
{
    a->methods |= XS_AUTH_BIT(XS_AUTH_SSO);
    if (p != XS_SSO_NONE)
        a->providers |= XS_AUTH_BIT(p);
    if (a->method == XS_AUTH_NONE) {
        a->method = XS_AUTH_SSO;
        a->provider = p;
        a->evidence = ev;
        a->marker = marker;
    } else if (a->method == XS_AUTH_SSO && a->provider == XS_SSO_NONE && p != XS_SSO_NONE) {
        a->provider = p;                     /* a bare SAML form, now with a known IdP */
        a->marker = marker;
    }
}

xs_auth_info xs_auth_detect(const xs_http_result *r)
{
    xs_auth_info a = {0};
    if (!r)
        return a;
    if (r->status_code == 401 || r->status_code == 407) {
        xs_sso_provider bearer_idp = XS_SSO_NONE;
        const char *bearer_marker = NULL;
        for (size_t i = 0; i < r->n_headers; i++) {
            const char *n = r->headers[i].name;
            if (strcasecmp(n, "WWW-Authenticate") != 0 && strcasecmp(n, "Proxy-Authenticate") != 0)
                continue;
            const char *v = r->headers[i].value;
            a.methods |= xs_auth_parse_challenges(v);
            /* Bearer challenges of Entra ID and friends name the IdP (authorization_uri=...). */
            const char *marker = NULL;
            xs_sso_provider p = xs_auth_provider_in_body((const unsigned char *)v, strlen(v), NULL,
                                                         &marker);
            if (p != XS_SSO_NONE && bearer_idp == XS_SSO_NONE)
                bearer_idp = p, bearer_marker = marker;
        }
        static const xs_auth_method strongest_first[] = {XS_AUTH_NEGOTIATE, XS_AUTH_NTLM,
                                                         XS_AUTH_DIGEST, XS_AUTH_BASIC};
        for (size_t i = 0; i < sizeof strongest_first / sizeof strongest_first[0]; i++)
            if (a.methods & XS_AUTH_BIT(strongest_first[i])) {
                a.method = strongest_first[i];
                a.evidence = XS_AUTH_FROM_CHALLENGE;
                break;
            }
        if (bearer_idp != XS_SSO_NONE)
            saw_sso(&a, bearer_idp, XS_AUTH_FROM_CHALLENGE, bearer_marker);
    }
    if (r->location) {
        const char *marker = NULL;
        xs_sso_provider p = xs_auth_provider_for_url(r->location, &marker);
        if (p != XS_SSO_NONE)
            saw_sso(&a, p, XS_AUTH_FROM_LOCATION, marker);
    }
    if (r->body && r->body_len > 0 && r->status_code != 0) {
        bool saml = false;
        const char *marker = NULL;
        xs_sso_provider p = xs_auth_provider_in_body(r->body, r->body_len, &saml, &marker);
        if (p != XS_SSO_NONE || saml)
            saw_sso(&a, p, XS_AUTH_FROM_BODY, p != XS_SSO_NONE ? marker : "SAMLRequest");
    }
    return a;
}
