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
    static const struct {
        const char *name;
        xs_auth_method m;
    } schemes[] = {
        {"Basic", XS_AUTH_BASIC},
        {"Digest", XS_AUTH_DIGEST},
        {"NTLM", XS_AUTH_NTLM},
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
        if (tl == 0) { /* junk: resynchronise at the next comma */
            while (*p && *p != ',')
                p = *p == '"' ? skip_value(p) : p + 1;
            continue;
        }
        const char *q = skip_ows(p);
        if (*q == '=') { /* auth-param of the previous challenge */
            p = skip_value(q + 1);
            continue;
        }
        bits |= scheme_bit(t, tl); /* a scheme */
        /* Its token68 or first auth-param, up to the next comma. */
        p = q;
        const char *u = p;
        while (is_tchar(*p) || *p == '/')
            p++;
        if (p > u) {
            const char *w = skip_ows(p);
            if (*w == '=' && w[1] != '=' && w[1] != ',' && w[1] != '\0') {
                p = skip_value(w + 1); /* realm="..." */
            } else {
                while (*p == '=') /* token68 padding */
                    p++;
            }
        }
    }
    return bits;
}

/* ---------------------------------------------------------------- URLs */
typedef struct {
    const char *host, *path, *query;
    size_t hl, pl, ql;
} url_parts;

/* Splits scheme://user@host:port/path?query#frag (or //host..., or a relative /path). */
static void split_url(const char *url, url_parts *u)
{
    memset(u, 0, sizeof *u);
    const char *p = skip_ows(url);
    const char *host = NULL;
    size_t sl = 0;
    while (isalnum((unsigned char)p[sl]) || (sl > 0 && p[sl] && strchr("+.-", p[sl])))
        sl++;
    if (sl > 0 && p[sl] == ':') {
        if (p[sl + 1] != '/' || p[sl + 2] != '/')
            return; /* javascript:, mailto:, data: ... */
        host = p + sl + 3;
    } else if (p[0] == '/' && p[1] == '/') {
        host = p + 2;
    }
    const char *rest = p;
    if (host) {
        size_t end = strcspn(host, "/?#\\");
        const char *at = memchr(host, '@', end); /* user:pass@host */
        while (at) {
            end -= (size_t)(at + 1 - host);
            host = at + 1;
            at = memchr(host, '@', end);
        }
        size_t hl = strcspn(host, ":/?#\\");
        if (hl > end)
            hl = end;
        while (hl > 0 && host[hl - 1] == '.')
            hl--;
        u->host = host;
        u->hl = hl;
        rest = host + end;
    }
    u->path = rest;
    u->pl = strcspn(rest, "?#");
    if (rest[u->pl] == '?') {
        u->query = rest + u->pl + 1;
        u->ql = strcspn(u->query, "#");
    }
}

static bool host_is(const char *host, size_t hl, const char *name)
{
    return strlen(name) == hl && strncasecmp(host, name, hl) == 0;
}

/* The endpoint rule whose host this is (info sub-sites excluded), or NULL. */
static const xs_sso_endpoint_rule *host_rule(const char *host, size_t hl)
{
    for (size_t i = 0; i < xs_sso_endpoint_rules_count; i++) {
        const xs_sso_endpoint_rule *r = &xs_sso_endpoint_rules[i];
        size_t rl = strlen(r->host);
        if (!r->is_suffix) {
            if (host_is(host, hl, r->host))
                return r;
            continue;
        }
        /* ".okta.com" matches "acme.okta.com", not "okta.com" itself nor "notokta.com" */
        if (hl <= rl || strncasecmp(host + hl - rl, r->host, rl) != 0)
            continue;
        size_t label = strcspn(host, ".");
        bool info = false;
        for (size_t k = 0; r->not_labels && r->not_labels[k] && !info; k++)
            info = host_is(host, label, r->not_labels[k]) ||
                   (label > strlen(r->not_labels[k]) &&
                    strncasecmp(host, r->not_labels[k], strlen(r->not_labels[k])) == 0 &&
                    host[strlen(r->not_labels[k])] == '-'); /* admin-1234.duosecurity.com */
        if (!info)
            return r;
    }
    return NULL;
}

static bool path_matches(const char *path, size_t pl, const char *rule)
{
    bool prefix = rule[0] == '^';
    const char *t = prefix ? rule + 1 : rule;
    size_t tl = strlen(t);
    if (prefix)
        return pl >= tl && strncasecmp(path, t, tl) == 0;
    for (size_t i = 0; i + tl <= pl; i++)
        if (strncasecmp(path + i, t, tl) == 0)
            return true;
    return false;
}

/* The query carries a SAMLRequest parameter: the SAML HTTP-Redirect binding. */
static bool query_has_saml_request(const char *q, size_t ql)
{
    static const char name[] = "SAMLRequest=";
    for (size_t i = 0; q && i + sizeof name - 1 <= ql; i++)
        if ((i == 0 || q[i - 1] == '&') && strncasecmp(q + i, name, sizeof name - 1) == 0)
            return true;
    return false;
}

xs_sso_provider xs_auth_provider_for_host(const char *url)
{
    if (!url)
        return XS_SSO_NONE;
    url_parts u;
    split_url(url, &u);
    const xs_sso_endpoint_rule *r = u.host ? host_rule(u.host, u.hl) : NULL;
    return r ? r->provider : XS_SSO_NONE;
}

bool xs_auth_sso_url(const char *url, xs_sso_provider *provider, const char **marker)
{
    *provider = XS_SSO_NONE;
    if (!url)
        return false;
    url_parts u;
    split_url(url, &u);
    if (!u.path)
        return false;
    const xs_sso_endpoint_rule *r = u.host ? host_rule(u.host, u.hl) : NULL;
    if (r) {
        for (size_t k = 0; r->paths[k]; k++)
            if (path_matches(u.path, u.pl, r->paths[k])) {
                *provider = r->provider;
                if (marker)
                    *marker = r->host;
                return true;
            }
    }
    for (size_t i = 0; i < xs_sso_path_rules_count; i++)
        if (path_matches(u.path, u.pl, xs_sso_path_rules[i].text)) {
            *provider = xs_sso_path_rules[i].provider;
            if (marker)
                *marker = xs_sso_path_rules[i].text;
            return true;
        }
    if (u.host && query_has_saml_request(u.query, u.ql)) { /* to any IdP, known or not */
        *provider = r ? r->provider : XS_SSO_NONE;
        if (marker)
            *marker = "SAMLRequest";
        return true;
    }
    return false;
}

xs_sso_provider xs_auth_provider_for_url(const char *url, const char **marker)
{
    xs_sso_provider p;
    return xs_auth_sso_url(url, &p, marker) ? p : XS_SSO_NONE;
}

/* The URL of a refresh instruction: "5; url=https://..." (Refresh header, meta refresh). */
const char *xs_auth_refresh_url(const char *content, size_t *len)
{
    const char *p = skip_ows(content ? content : "");
    while (isdigit((unsigned char)*p) || *p == '.')
        p++;
    p = skip_ows(p);
    if (*p != ';' && *p != ',')
        return NULL;
    p = skip_ows(p + 1);
    if (strncasecmp(p, "url", 3) == 0) {
        const char *q = skip_ows(p + 3);
        if (*q == '=')
            p = skip_ows(q + 1);
    }
    char quote = 0;
    if (*p == '"' || *p == '\'')
        quote = *p++;
    size_t n = quote ? strcspn(p, quote == '"' ? "\"" : "'") : strlen(p);
    while (n > 0 && (p[n - 1] == ' ' || p[n - 1] == '\t'))
        n--;
    *len = n;
    return n ? p : NULL;
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
        a->provider = p; /* a bare SAML form, now with a known IdP */
        a->marker = marker;
    }
}

/* authorization_uri="..." of a Bearer challenge (Entra ID and friends name their IdP there). */
static xs_sso_provider bearer_idp(const char *v)
{
    const char *k = v;
    while ((k = strcasestr(k, "authorization_uri")) != NULL) {
        const char *q = skip_ows(k + 17);
        k += 17;
        if (*q != '=')
            continue;
        q = skip_ows(q + 1);
        if (*q == '"')
            q++;
        char url[512];
        size_t n = strcspn(q, "\", ");
        if (n >= sizeof url)
            n = sizeof url - 1;
        memcpy(url, q, n);
        url[n] = '\0';
        xs_sso_provider p = xs_auth_provider_for_host(url);
        if (p != XS_SSO_NONE)
            return p;
    }
    return XS_SSO_NONE;
}

static void check_url(xs_auth_info *a, const char *url, size_t n, xs_auth_evidence ev)
{
    char buf[2048];
    if (!url || n == 0)
        return;
    if (n >= sizeof buf)
        n = sizeof buf - 1;
    memcpy(buf, url, n);
    buf[n] = '\0';
    xs_sso_provider p;
    const char *marker = NULL;
    if (xs_auth_sso_url(buf, &p, &marker))
        saw_sso(a, p, ev, marker);
}

/* Evidence accepted (the man page lists it): a challenge, a redirect (3XX + Location, Refresh
 * header, meta refresh, a script setting location) to the provider's authorization endpoint, a
 * form posting there, a SAML POST-binding form carrying SAMLRequest, the provider's own login page.
 * A mention of the provider, a help or status link, a CDN asset: none of these. */
xs_auth_info xs_auth_detect(const xs_http_result *r)
{
    xs_auth_info a = {0};
    if (!r)
        return a;
    /* Challenges count on any status: the seed grades "2XX with Basic/Digest/NTLM" too. */
    xs_sso_provider bearer = XS_SSO_NONE;
    for (size_t i = 0; i < r->n_headers; i++) {
        const char *n = r->headers[i].name, *v = r->headers[i].value;
        if (strcasecmp(n, "WWW-Authenticate") == 0 || strcasecmp(n, "Proxy-Authenticate") == 0) {
            a.methods |= xs_auth_parse_challenges(v);
            if (bearer == XS_SSO_NONE)
                bearer = bearer_idp(v);
        } else if (strcasecmp(n, "Refresh") == 0) {
            size_t ul = 0;
            const char *u = xs_auth_refresh_url(v, &ul);
            check_url(&a, u, ul, XS_AUTH_FROM_LOCATION);
        }
    }
    static const xs_auth_method strongest_first[] = {XS_AUTH_NEGOTIATE, XS_AUTH_NTLM,
                                                     XS_AUTH_DIGEST, XS_AUTH_BASIC};
    for (size_t i = 0; i < sizeof strongest_first / sizeof strongest_first[0]; i++)
        if (a.methods & XS_AUTH_BIT(strongest_first[i])) {
            if (a.method == XS_AUTH_SSO) /* a Refresh hand-off came first: challenge wins */
                a.provider = XS_SSO_NONE, a.marker = NULL;
            a.method = strongest_first[i];
            a.evidence = XS_AUTH_FROM_CHALLENGE;
            break;
        }
    if (bearer != XS_SSO_NONE)
        saw_sso(&a, bearer, XS_AUTH_FROM_CHALLENGE, "authorization_uri");
    if (r->location && r->status_code >= 300 && r->status_code < 400)
        check_url(&a, r->location, strlen(r->location), XS_AUTH_FROM_LOCATION);
    if (r->body && r->body_len > 0 && r->status_code != 0) {
        bool found = false;
        const char *marker = NULL;
        xs_sso_provider p =
            xs_sso_page_evidence(r->body, r->body_len, &found, &marker, &a.form_login);
        if (found)
            saw_sso(&a, p, XS_AUTH_FROM_BODY, marker);
    }
    return a;
}
