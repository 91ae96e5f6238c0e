/* SSO hand-offs in an HTML page, read from the parsed document (gumbo): a meta refresh, a script
 * that sets location, a form posting to the provider's authorization endpoint, a SAML POST-binding
 * form carrying SAMLRequest, or the provider's own sign-in page (Okta's widget, Duo's frame).
 * Text that merely mentions a provider, links and CDN assets are never looked at. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <gumbo.h>
#include "xsweep/html_walk.h"

#include "sso_markers.h"

typedef struct {
    bool found;
    xs_sso_provider provider;
    const char *marker;
    bool okta_container, okta_script;
    bool password_field;
} page_scan;

static void take(page_scan *s, xs_sso_provider p, const char *marker)
{
    if (!s->found || (s->provider == XS_SSO_NONE && p != XS_SSO_NONE)) {
        s->found = true;
        s->provider = p;
        s->marker = marker;
    }
}

static void take_url(page_scan *s, const char *url, size_t n, const char *what)
{
    char buf[2048];
    if (!url || n == 0)
        return;
    if (n >= sizeof buf)
        n = sizeof buf - 1;
    /* JSON-style escaped slashes ("https:\/\/...") are common in scripts */
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        if (url[i] == '\\' && i + 1 < n && url[i + 1] == '/')
            continue;
        buf[o++] = url[i];
    }
    buf[o] = '\0';
    xs_sso_provider p;
    if (xs_auth_sso_url(buf, &p, NULL))
        take(s, p, what);
}

static const char *attr(const GumboElement *el, const char *name)
{
    const GumboAttribute *a = gumbo_get_attribute(&el->attributes, name);
    return a ? a->value : NULL;
}

static bool ident_char(char c)
{
    return isalnum((unsigned char)c) || c == '_' || c == '$';
}

static const char *skip_ws(const char *p, const char *end)
{
    while (p < end && isspace((unsigned char)*p))
        p++;
    return p;
}

/* location = "...", location.href = '...', location.replace("..."), location.assign(`...`) */
static void scan_script(page_scan *s, const char *text, size_t len)
{
    const char *end = text + len;
    for (const char *p = text; p + 8 <= end; p++) {
        if (strncmp(p, "location", 8) != 0 || (p > text && ident_char(p[-1])))
            continue;
        const char *q = p + 8;
        bool call = false;
        if (q + 5 <= end && strncmp(q, ".href", 5) == 0) {
            q += 5;
        } else if (q + 8 <= end && strncmp(q, ".replace", 8) == 0) {
            q += 8, call = true;
        } else if (q + 7 <= end && strncmp(q, ".assign", 7) == 0) {
            q += 7, call = true;
        }
        if (q < end && ident_char(*q))
            continue;
        q = skip_ws(q, end);
        if (q >= end || *q != (call ? '(' : '='))
            continue;
        if (!call && q + 1 < end && q[1] == '=')
            continue; /* a comparison */
        q = skip_ws(q + 1, end);
        if (q >= end || (*q != '"' && *q != '\'' && *q != '`'))
            continue;
        char quote = *q++;
        const char *u = q;
        while (q < end && *q != quote && *q != '\n')
            q++;
        take_url(s, u, (size_t)(q - u), "script location");
    }
}

static bool has_saml_request_input(const GumboNode *form)
{
    /* iterative walk of the form's subtree */
    const GumboNode *n = form;
    while (n) {
        if (n->type == GUMBO_NODE_ELEMENT) {
            const GumboElement *el = &n->v.element;
            const char *name = el->tag == GUMBO_TAG_INPUT ? attr(el, "name") : NULL;
            if (name && strcmp(name, "SAMLRequest") == 0)
                return true;
            if (el->children.length > 0) {
                n = el->children.data[0];
                continue;
            }
        }
        while (n != form) {
            const GumboNode *par = n->parent;
            size_t next = n->index_within_parent + 1;
            if (par && next < par->v.element.children.length) {
                n = par->v.element.children.data[next];
                break;
            }
            n = par;
        }
        if (n == form)
            return false;
    }
    return false;
}

static void scan_element(page_scan *s, const GumboNode *node)
{
    const GumboElement *el = &node->v.element;
    const char *id = attr(el, "id");
    if (id && strcmp(id, "okta-sign-in") == 0)
        s->okta_container = true;
    switch (el->tag) {
    case GUMBO_TAG_INPUT: {
        const char *type = attr(el, "type");
        if (type && strcasecmp(type, "password") == 0)
            s->password_field = true;
        break;
    }
    case GUMBO_TAG_META: {
        const char *equiv = attr(el, "http-equiv"), *content = attr(el, "content");
        if (equiv && content && strcasecmp(equiv, "refresh") == 0) {
            size_t n = 0;
            const char *u = xs_auth_refresh_url(content, &n);
            take_url(s, u, n, "meta refresh");
        }
        break;
    }
    case GUMBO_TAG_SCRIPT: {
        const char *src = attr(el, "src");
        if (src && strcasestr(src, "okta-sign-in"))
            s->okta_script = true;
        for (unsigned i = 0; i < el->children.length; i++) {
            const GumboNode *c = el->children.data[i];
            if (c->type == GUMBO_NODE_TEXT || c->type == GUMBO_NODE_CDATA) {
                const char *t = c->v.text.text;
                size_t tl = strlen(t);
                scan_script(s, t, tl);
                if (strstr(t, "new OktaSignIn("))
                    s->okta_script = true;
            }
        }
        break;
    }
    case GUMBO_TAG_FORM: {
        const char *action = attr(el, "action");
        if (!action)
            break;
        take_url(s, action, strlen(action), "form action");
        xs_sso_provider p;
        if (!s->found && has_saml_request_input(node)) {
            /* SAML POST binding: SSO even to an IdP we do not know, when it posts elsewhere */
            if (xs_auth_sso_url(action, &p, NULL) || strstr(action, "://") ||
                !strncmp(action, "//", 2))
                take(s, xs_auth_provider_for_host(action), "SAMLRequest form");
        }
        break;
    }
    case GUMBO_TAG_IFRAME: {
        const char *host = attr(el, "data-host");
        if (id && strcmp(id, "duo_iframe") == 0 && host) { /* Duo Web v2 prompt */
            char url[300];
            size_t n = strlen(host) < 256 ? strlen(host) : 256;
            memcpy(url, "https://", 8);
            memcpy(url + 8, host, n);
            url[8 + n] = '\0';
            if (xs_auth_provider_for_host(url) == XS_SSO_DUO)
                take(s, XS_SSO_DUO, "duo_iframe");
        }
        break;
    }
    default:
        break;
    }
}

static bool may_hold_evidence(const unsigned char *b, size_t n)
{
    static const char *const cues[] = {"refresh",      "location",   "<form",
                                       "okta-sign-in", "duo_iframe", "password"};
    for (size_t k = 0; k < sizeof cues / sizeof cues[0]; k++) {
        size_t cl = strlen(cues[k]);
        for (size_t i = 0; i + cl <= n; i++)
            if (tolower(b[i]) == cues[k][0] && strncasecmp((const char *)b + i, cues[k], cl) == 0)
                return true;
    }
    return false;
}

xs_sso_provider xs_sso_page_evidence(const unsigned char *body, size_t len, bool *found,
                                     const char **marker, bool *form_login)
{
    *found = false;
    if (form_login)
        *form_login = false;
    if (!body || len == 0 || !may_hold_evidence(body, len))
        return XS_SSO_NONE;
    GumboOptions opt = kGumboDefaultOptions;
    opt.max_errors = 0;
    GumboOutput *out = gumbo_parse_with_options(&opt, (const char *)body, len);
    if (!out)
        return XS_SSO_NONE;
    page_scan s = {0};
    for (const GumboNode *n = out->root; n; n = xs_html_next(n))
        if (n->type == GUMBO_NODE_ELEMENT)
            scan_element(&s, n);
    if (!s.found && s.okta_container && s.okta_script)
        take(&s, XS_SSO_OKTA, "okta sign-in widget");
    gumbo_destroy_output(&opt, out);
    *found = s.found;
    if (form_login)
        *form_login = s.password_field;
    if (marker)
        *marker = s.marker;
    return s.provider;
}
