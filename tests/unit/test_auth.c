/* Authentication detection: every method from challenges, every provider from redirects and
 * from login-page markers, and the precedence between them. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "xsweep/auth.h"

static xs_auth_info detect_raw(const char *raw)
{
    xs_http_parser *p = xs_http_parser_new(65536);
    xs_http_parser_feed(p, (const unsigned char *)raw, strlen(raw));
    xs_http_parser_eof(p);
    xs_http_result *r = calloc(1, sizeof *r);
    xs_http_parser_fill_result(p, r);
    xs_http_parser_free(p);
    xs_auth_info a = xs_auth_detect(r);
    xs_http_result_free(r);
    return a;
}

static void test_challenge_parsing(void **state)
{
    (void)state;
    assert_int_equal(xs_auth_parse_challenges("Basic realm=\"x\""), XS_AUTH_BIT(XS_AUTH_BASIC));
    assert_int_equal(xs_auth_parse_challenges("basic"), XS_AUTH_BIT(XS_AUTH_BASIC));
    assert_int_equal(
        xs_auth_parse_challenges(
            "Digest realm=\"a, Basic b\", nonce=\"n\", qop=\"auth,auth-int\", algorithm=MD5"),
        XS_AUTH_BIT(XS_AUTH_DIGEST));
    assert_int_equal(xs_auth_parse_challenges("Negotiate, NTLM"),
                     XS_AUTH_BIT(XS_AUTH_NEGOTIATE) | XS_AUTH_BIT(XS_AUTH_NTLM));
    assert_int_equal(xs_auth_parse_challenges("NTLM TlRMTVNTUAACAAAADAAMADgAAAA=="),
                     XS_AUTH_BIT(XS_AUTH_NTLM));
    assert_int_equal(xs_auth_parse_challenges("Newauth realm=\"apps\", type=1, title=\"Login\", "
                                              "Basic realm=\"simple\""),
                     XS_AUTH_BIT(XS_AUTH_BASIC));
    assert_int_equal(xs_auth_parse_challenges("Bearer realm=\"x\", error=\"invalid_token\""), 0);
    assert_int_equal(xs_auth_parse_challenges(""), 0);
    assert_int_equal(xs_auth_parse_challenges(NULL), 0);
    assert_int_equal(xs_auth_parse_challenges(",,, \"unterminated"), 0);
}

static void test_methods_from_challenges(void **state)
{
    (void)state;
    xs_auth_info a =
        detect_raw("HTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: Basic realm=\"r\"\r\n"
                   "Content-Length: 0\r\n\r\n");
    assert_int_equal(a.method, XS_AUTH_BASIC);
    assert_int_equal(a.evidence, XS_AUTH_FROM_CHALLENGE);

    a = detect_raw(
        "HTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: Digest realm=\"r\", nonce=\"1\"\r\n\r\n");
    assert_int_equal(a.method, XS_AUTH_DIGEST);

    a = detect_raw("HTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: NTLM\r\n\r\n");
    assert_int_equal(a.method, XS_AUTH_NTLM);

    /* several challenges, in two headers: strongest is reported, all are listed */
    a = detect_raw("HTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: Basic realm=\"r\"\r\n"
                   "WWW-Authenticate: Negotiate\r\nWWW-Authenticate: NTLM\r\n\r\n");
    assert_int_equal(a.method, XS_AUTH_NEGOTIATE);
    assert_int_equal(a.methods, XS_AUTH_BIT(XS_AUTH_BASIC) | XS_AUTH_BIT(XS_AUTH_NEGOTIATE) |
                                    XS_AUTH_BIT(XS_AUTH_NTLM));

    a = detect_raw("HTTP/1.1 407 Proxy Authentication Required\r\n"
                   "Proxy-Authenticate: Basic realm=\"proxy\", Digest realm=\"p\"\r\n\r\n");
    assert_int_equal(a.method, XS_AUTH_DIGEST);

    /* a challenge counts on any status: the seed grades "2XX with Basic/Digest/NTLM" */
    a = detect_raw("HTTP/1.1 200 OK\r\nWWW-Authenticate: Basic realm=\"r\"\r\n\r\nhello");
    assert_int_equal(a.method, XS_AUTH_BASIC);
    assert_int_equal(a.evidence, XS_AUTH_FROM_CHALLENGE);
    a = detect_raw("HTTP/1.1 200 OK\r\nWWW-Authenticate: Digest realm=\"r\", nonce=\"1\"\r\n\r\n");
    assert_int_equal(a.method, XS_AUTH_DIGEST);
    a = detect_raw("HTTP/1.1 200 OK\r\nWWW-Authenticate: NTLM\r\n\r\n");
    assert_int_equal(a.method, XS_AUTH_NTLM);
    a = detect_raw("HTTP/1.1 204 No Content\r\nWWW-Authenticate: Negotiate\r\n\r\n");
    assert_int_equal(a.method, XS_AUTH_NEGOTIATE);
    a = detect_raw("HTTP/1.1 302 Found\r\nLocation: /x\r\nWWW-Authenticate: Basic\r\n\r\n");
    assert_int_equal(a.method, XS_AUTH_BASIC);
    a = detect_raw("HTTP/1.1 403 Forbidden\r\nWWW-Authenticate: Basic realm=\"x\"\r\n\r\n");
    assert_int_equal(a.method, XS_AUTH_BASIC);

    /* 401 without a challenge: nothing detected */
    a = detect_raw("HTTP/1.1 401 Unauthorized\r\n\r\n");
    assert_int_equal(a.method, XS_AUTH_NONE);
}

static void test_bearer_idp_challenge(void **state)
{
    (void)state;
    xs_auth_info a =
        detect_raw("HTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: Bearer authorization_uri="
                   "\"https://login.microsoftonline.com/tenant/oauth2/authorize\", "
                   "error=\"invalid_token\"\r\n\r\n");
    assert_int_equal(a.method, XS_AUTH_SSO);
    assert_int_equal(a.provider, XS_SSO_ENTRA_ID);
}

static void test_providers_from_location(void **state)
{
    (void)state;
    static const struct {
        const char *loc;
        xs_sso_provider p;
    } cases[] = {
        {"https://accounts.google.com/o/oauth2/v2/auth?client_id=1", XS_SSO_GOOGLE},
        {"https://login.microsoftonline.com/common/oauth2/authorize", XS_SSO_ENTRA_ID},
        {"https://login.windows.net/x/saml2", XS_SSO_ENTRA_ID},
        {"https://LOGIN.MICROSOFT.COM/common/oauth2/v2.0/authorize", XS_SSO_ENTRA_ID},
        {"https://contoso.b2clogin.com/contoso.onmicrosoft.com/b2c_1_signin/oauth2/v2.0/authorize",
         XS_SSO_ENTRA_ID},
        {"https://acme.okta.com/app/x/sso/saml?SAMLRequest=abc", XS_SSO_OKTA},
        {"https://acme.oktapreview.com:443/oauth2/v1/authorize", XS_SSO_OKTA},
        {"https://sso.connect.pingidentity.com/sso/sp/initsso", XS_SSO_PING},
        {"https://auth.pingone.com/env/as/authorize", XS_SSO_PING},
        {"https://idp.corp.example/as/authorization.oauth2?client_id=x", XS_SSO_PING},
        {"https://sso-abc.sso.duosecurity.com/saml2/sp/x", XS_SSO_DUO},
        {"https://api-1a2b3c.duosecurity.com/oauth/v1/authorize?client_id=x", XS_SSO_DUO},
        {"//user@accounts.google.com/signin", XS_SSO_GOOGLE},
        {"https://accounts.google.com/o/saml2/idp?idpid=C0abc", XS_SSO_GOOGLE},
        {"/idp/SSO.saml2?SAMLRequest=x", XS_SSO_PING},
        {"https://idp.corp.example/dag/saml2/idp/SSOService.php", XS_SSO_DUO},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const char *marker = NULL;
        assert_int_equal(xs_auth_provider_for_url(cases[i].loc, &marker), cases[i].p);
        assert_non_null(marker);
    }
    /* look-alikes are not IdPs */
    assert_int_equal(xs_auth_provider_for_url("https://accounts.google.com.evil.test/", NULL),
                     XS_SSO_NONE);
    assert_int_equal(xs_auth_provider_for_url("https://notokta.com/", NULL), XS_SSO_NONE);
    assert_int_equal(xs_auth_provider_for_url("https://evil.test/?next=https://x.okta.com", NULL),
                     XS_SSO_NONE);
    assert_int_equal(xs_auth_provider_for_url("https://accounts.google.com@evil.test/", NULL),
                     XS_SSO_NONE);
    assert_int_equal(xs_auth_provider_for_url("/login", NULL), XS_SSO_NONE);
    /* the provider's information sites, CDN hosts and bare home pages are no hand-off */
    static const char *const not_sso[] = {
        "https://help.okta.com/en-us/content/topics/apps/apps-about-sso.htm",
        "https://status.okta.com/",
        "https://developer.okta.com/docs/guides/sign-into-web-app/",
        "https://www.okta.com/",
        "https://acme.okta.com/",
        "https://ok1static.oktacdn.com/x.js",
        "https://status.duosecurity.com/",
        "https://help.duosecurity.com/hc/en-us",
        "https://guide.duosecurity.com/",
        "https://admin-1234.duosecurity.com/login",
        "https://docs.pingidentity.com/pingfederate/latest/",
        "https://status.pingidentity.com/",
        "https://www.pingidentity.com/en.html",
        "https://accounts.google.com/gsi/client",
        "https://support.google.com/a/answer/60224",
        "https://login.microsoftonline.com/",
        "https://status.cloud.microsoft/",
        "https://sts.windows.net/tenant/",
        "https://accounts-google.com/o/oauth2/auth",
        "https://okta.com.evil.test/oauth2/v1/authorize",
        "https://evil.test/help?page=/as/authorization.oauth2",
        "javascript:location='x'",
        "https://evil.test/#SAMLRequest=x",
        "https://evil.test/?x=SAMLRequest=1",
    };
    for (size_t i = 0; i < sizeof not_sso / sizeof not_sso[0]; i++)
        if (xs_auth_provider_for_url(not_sso[i], NULL) != XS_SSO_NONE)
            fail_msg("taken as SSO: %s", not_sso[i]);
    /* SAML HTTP-Redirect binding to an unknown IdP: SSO, provider unknown */
    xs_sso_provider prov = XS_SSO_OKTA;
    assert_true(
        xs_auth_sso_url("https://idp.example/sso?RelayState=1&SAMLRequest=fZJ", &prov, NULL));
    assert_int_equal(prov, XS_SSO_NONE);
    assert_false(xs_auth_sso_url("https://idp.example/sso?RelayState=1", &prov, NULL));
    assert_int_equal(xs_auth_provider_for_url(NULL, NULL), XS_SSO_NONE);

    xs_auth_info a = detect_raw("HTTP/1.1 302 Found\r\nLocation: https://dev-1.okta.com/login\r\n"
                                "Content-Length: 0\r\n\r\n");
    assert_int_equal(a.method, XS_AUTH_SSO);
    assert_int_equal(a.provider, XS_SSO_OKTA);
    assert_int_equal(a.evidence, XS_AUTH_FROM_LOCATION);
}

static xs_auth_info detect_page(const char *status_and_headers, const char *html)
{
    static char raw[16384];
    snprintf(raw, sizeof raw, "%s\r\n\r\n<html><head><title>t</title></head><body>%s</body></html>",
             status_and_headers, html);
    return detect_raw(raw);
}

/* Real hand-offs, per provider: detected. */
static void test_providers_from_body(void **state)
{
    (void)state;
    static const struct {
        const char *body;
        xs_sso_provider p;
    } cases[] = {
        /* Google Workspace: meta refresh, SAML POST binding, script, form */
        {"<meta http-equiv=\"refresh\" content=\"0; "
         "url=https://accounts.google.com/o/oauth2/v2/auth"
         "?client_id=1&amp;redirect_uri=x\">",
         XS_SSO_GOOGLE},
        {"<form method=\"post\" action=\"https://accounts.google.com/o/saml2/idp?idpid=C01\">"
         "<input type=\"hidden\" name=\"SAMLRequest\" value=\"PHNhbWw=\"></form>"
         "<script>document.forms[0].submit()</script>",
         XS_SSO_GOOGLE},
        {"<script>window.location.href = "
         "\"https://accounts.google.com/signin/oauth?x=1\";</script>",
         XS_SSO_GOOGLE},
        /* Microsoft Entra ID */
        {"<form action=\"https://login.microsoftonline.com/abc/saml2\" method=post>"
         "<input type=hidden name=SAMLRequest value=x></form>",
         XS_SSO_ENTRA_ID},
        {"<script>location.replace('https:\\/\\/login.microsoftonline.com\\/common\\/oauth2\\/"
         "v2.0\\/"
         "authorize?client_id=1')</script>",
         XS_SSO_ENTRA_ID},
        {"<META HTTP-EQUIV=Refresh "
         "CONTENT=\"1;URL='https://login.microsoftonline.com/t/wsfed?wa=wsignin1.0'\">",
         XS_SSO_ENTRA_ID},
        /* Okta: its sign-in widget served here, a redirect script, an OIDC form */
        {"<div id=\"okta-sign-in\"></div><script "
         "src=\"https://ok1static.oktacdn.com/js/okta-sign-in.min.js\">"
         "</script><script>new "
         "OktaSignIn({baseUrl:'https://acme.okta.com'}).renderEl({el:'#okta-sign-in'})"
         "</script>",
         XS_SSO_OKTA},
        {"<script>top.location = "
         "'https://acme.okta.com/oauth2/default/v1/authorize?client_id=1';</script>",
         XS_SSO_OKTA},
        {"<form method=\"get\" action=\"https://acme.okta.com/app/acme_app/exk1/sso/saml\"></form>",
         XS_SSO_OKTA},
        /* Ping: PingOne form, PingFederate's own login page (relative resume action) */
        {"<form method=\"post\" action=\"https://sso.connect.pingidentity.com/sso/idp/SSO.saml2\">"
         "<input name=\"SAMLRequest\" type=\"hidden\" value=\"x\"></form>",
         XS_SSO_PING},
        {"<form method=\"POST\" action=\"/as/Xy12/resume/as/authorization.ping\">"
         "<input name=\"pf.username\"><input type=password name=\"pf.pass\"></form>",
         XS_SSO_PING},
        {"<meta http-equiv=\"refresh\" "
         "content=\"0;url=https://auth.pingone.com/env-1/as/authorize?x=1\">",
         XS_SSO_PING},
        /* Duo: the Web v2 frame, Universal Prompt redirect */
        {"<iframe id=\"duo_iframe\" data-host=\"api-1a2b.duosecurity.com\" "
         "data-sig-request=\"TX|x\">"
         "</iframe>",
         XS_SSO_DUO},
        {"<script>window.location.assign(\"https://api-1a2b.duosecurity.com/oauth/v1/"
         "authorize?x=1\")</script>",
         XS_SSO_DUO},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        xs_auth_info a = detect_page("HTTP/1.1 200 OK", cases[i].body);
        if (a.method != XS_AUTH_SSO || a.provider != cases[i].p)
            fail_msg("case %zu not detected (%d/%d): %s", i, a.method, a.provider, cases[i].body);
        assert_int_equal(a.evidence, XS_AUTH_FROM_BODY);
    }
    /* a SAMLRequest form to an unknown IdP: SSO, provider unknown */
    xs_auth_info a =
        detect_page("HTTP/1.1 200 OK",
                    "<form action=\"https://idp.example/sso\">"
                    "<input type=\"hidden\" name=\"SAMLRequest\" value=\"PHNhbWw=\"/></form>");
    assert_int_equal(a.method, XS_AUTH_SSO);
    assert_int_equal(a.provider, XS_SSO_NONE);
    /* a Refresh header is a redirect too */
    a = detect_raw(
        "HTTP/1.1 200 OK\r\nRefresh: 0; url=https://acme.okta.com/login/login.htm\r\n\r\n");
    assert_int_equal(a.method, XS_AUTH_SSO);
    assert_int_equal(a.provider, XS_SSO_OKTA);
    /* a plain page: nothing */
    a = detect_raw("HTTP/1.1 200 OK\r\n\r\n<html><title>Welcome to nginx!</title></html>");
    assert_int_equal(a.method, XS_AUTH_NONE);
    assert_int_equal(a.methods, 0);
}

/* Open pages that only mention a provider: not SSO (the seed's "2XX, not detected"). */
static void test_mentions_are_not_sso(void **state)
{
    (void)state;
    static const char *const pages[] = {
        /* help and status links */
        "<a href=\"https://help.okta.com/en-us/content/index.htm\">Okta help</a>",
        "<a href=\"https://status.duosecurity.com/\">Duo status</a>",
        "<a href=\"https://docs.pingidentity.com/\">Ping docs</a><a "
        "href=\"https://status.pingone.com/\">s</a>",
        "<a href=\"https://support.google.com/a/\">Google Workspace help</a>",
        "<a href=\"https://learn.microsoft.com/entra/identity/\">Entra ID docs</a>",
        /* quoted SAMLRequest and endpoint URLs in prose or code samples */
        "<p>Our IdP receives SAMLRequest=fZJNT... via the redirect binding.</p>",
        "<pre>&lt;input name=\"SAMLRequest\"&gt; posts to "
        "https://acme.okta.com/app/x/sso/saml</pre>",
        "<p>Sign in at https://login.microsoftonline.com/common/oauth2/v2.0/authorize</p>",
        "<code>window.location = 'https://accounts.google.com/o/oauth2/v2/auth'</code>",
        "<textarea>location.href=\"https://acme.okta.com/oauth2/v1/authorize\"</textarea>",
        /* links to authorization endpoints (a link is not a hand-off) */
        "<a href=\"https://acme.okta.com/oauth2/v1/authorize?client_id=1\">Okta</a>",
        /* lookalike hosts */
        "<form action=\"https://okta.com.evil.test/oauth2/v1/authorize\"></form>",
        "<form action=\"https://accounts-google.com/o/oauth2/auth\"></form>",
        "<meta http-equiv=refresh "
        "content=\"0;url=https://login.microsoftonline.com.evil.test/x/saml2\">",
        "<script>location.href='https://duosecurity.com.evil.test/oauth/v1/authorize'</script>",
        "<form action=\"https://pingone.com-login.evil.test/as/authorize\"></form>",
        /* CDN assets and widgets' scripts inside an open page */
        "<script src=\"https://ok1static.oktacdn.com/assets/js/sdk/okta-sign-in.min.js\"></script>",
        "<script src=\"https://accounts.google.com/gsi/client\" async></script><div "
        "id=\"g_id_onload\"></div>",
        "<script src=\"https://alcdn.msauth.net/browser/2.30.0/js/msal-browser.min.js\"></script>",
        "<link rel=stylesheet href=\"https://assets.pingone.com/ux/end-user/0.36.1/end-user.css\">",
        "<img src=\"https://duo.com/assets/img/duo-logo.png\"><iframe id=\"duo_iframe\"></iframe>",
        /* a meta refresh and a script going to the provider's home page, not its endpoint */
        "<meta http-equiv=\"refresh\" content=\"5; url=https://www.okta.com/\">",
        "<script>if (location.href == 'https://acme.okta.com/oauth2/v1/authorize') {}</script>",
        /* a form that posts a SAMLRequest field back to this server */
        "<form action=\"/search\"><input name=\"SAMLRequest\"></form>",
    };
    for (size_t i = 0; i < sizeof pages / sizeof pages[0]; i++) {
        xs_auth_info a = detect_page("HTTP/1.1 200 OK", pages[i]);
        if (a.method != XS_AUTH_NONE)
            fail_msg("page %zu taken as SSO (provider %d): %s", i, a.provider, pages[i]);
    }
    /* a Location on a 200 is no redirect; a 3XX to the provider's help site is none either */
    xs_auth_info a =
        detect_raw("HTTP/1.1 200 OK\r\nLocation: https://acme.okta.com/login/login.htm\r\n\r\n");
    assert_int_equal(a.method, XS_AUTH_NONE);
    a = detect_raw("HTTP/1.1 302 Found\r\nLocation: https://help.okta.com/\r\n\r\n");
    assert_int_equal(a.method, XS_AUTH_NONE);
}

/* A password field is recorded as form_login; it is no auth method, so the grade stays. */
static void test_form_login(void **state)
{
    (void)state;
    xs_auth_info a = detect_page("HTTP/1.1 200 OK",
                                 "<form method=post action=/login><input name=u>"
                                 "<input type=\"PASSWORD\" name=p><button>Log in</button></form>");
    assert_true(a.form_login);
    assert_int_equal(a.method, XS_AUTH_NONE);
    a = detect_page("HTTP/1.1 200 OK", "<p>Forgot your password? Call us.</p><input type=text>");
    assert_false(a.form_login);
    a = detect_raw("HTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: Basic realm=\"r\"\r\n\r\n"
                   "<form><input type=password></form>");
    assert_int_equal(a.method, XS_AUTH_BASIC);
    assert_true(a.form_login);
}

static void test_precedence(void **state)
{
    (void)state;
    /* Challenge beats body markers, but the SSO sighting is still listed. */
    xs_auth_info a =
        detect_raw("HTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: NTLM\r\n\r\n"
                   "<form action=\"https://login.microsoftonline.com/x/saml2\"></form>");
    assert_int_equal(a.method, XS_AUTH_NTLM);
    assert_int_equal(a.provider, XS_SSO_NONE);
    assert_true(a.methods & XS_AUTH_BIT(XS_AUTH_SSO));
    assert_true(a.providers & XS_AUTH_BIT(XS_SSO_ENTRA_ID));

    assert_string_equal(xs_auth_method_name(XS_AUTH_NEGOTIATE), "negotiate");
    assert_string_equal(xs_sso_provider_name(XS_SSO_ENTRA_ID), "entra_id");
    assert_int_equal(xs_auth_detect(NULL).method, XS_AUTH_NONE);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_challenge_parsing),    cmocka_unit_test(test_methods_from_challenges),
        cmocka_unit_test(test_bearer_idp_challenge), cmocka_unit_test(test_providers_from_location),
        cmocka_unit_test(test_providers_from_body),  cmocka_unit_test(test_mentions_are_not_sso),
        cmocka_unit_test(test_form_login),           cmocka_unit_test(test_precedence),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
