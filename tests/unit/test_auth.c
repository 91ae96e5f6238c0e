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
    assert_int_equal(xs_auth_parse_challenges(
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
    xs_auth_info a = detect_raw("HTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: Basic realm=\"r\"\r\n"
                                "Content-Length: 0\r\n\r\n");
    assert_int_equal(a.method, XS_AUTH_BASIC);
    assert_int_equal(a.evidence, XS_AUTH_FROM_CHALLENGE);

    a = detect_raw("HTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: Digest realm=\"r\", nonce=\"1\"\r\n\r\n");
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

    /* a challenge on a 200 is not taken as authentication */
    a = detect_raw("HTTP/1.1 200 OK\r\nWWW-Authenticate: Basic\r\n\r\n");
    assert_int_equal(a.method, XS_AUTH_NONE);

    /* 401 without a challenge: nothing detected */
    a = detect_raw("HTTP/1.1 401 Unauthorized\r\n\r\n");
    assert_int_equal(a.method, XS_AUTH_NONE);
}

static void test_bearer_idp_challenge(void **state)
{
    (void)state;
    xs_auth_info a = detect_raw(
        "HTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: Bearer authorization_uri="
        "\"https://login.microsoftonline.com/tenant/oauth2/authorize\", error=\"invalid_token\"\r\n\r\n");
    assert_int_equal(a.method, XS_AUTH_SSO);
    assert_int_equal(a.provider, XS_SSO_ENTRA_ID);
}

static void test_providers_from_location(void **state)
{
    (void)state;
    static const struct { const char *loc; xs_sso_provider p; } cases[] = {
        {"https://accounts.google.com/o/oauth2/v2/auth?client_id=1", XS_SSO_GOOGLE},
        {"https://login.microsoftonline.com/common/oauth2/authorize", XS_SSO_ENTRA_ID},
        {"https://login.windows.net/x/saml2", XS_SSO_ENTRA_ID},
        {"https://LOGIN.MICROSOFT.COM/", XS_SSO_ENTRA_ID},
        {"https://acme.okta.com/app/x/sso/saml?SAMLRequest=abc", XS_SSO_OKTA},
        {"https://acme.oktapreview.com:443/oauth2/v1/authorize", XS_SSO_OKTA},
        {"https://sso.connect.pingidentity.com/sso/sp/initsso", XS_SSO_PING},
        {"https://auth.pingone.com/env/as/authorize", XS_SSO_PING},
        {"https://idp.corp.example/as/authorization.oauth2?client_id=x", XS_SSO_PING},
        {"https://sso-abc.sso.duosecurity.com/saml2/sp/x", XS_SSO_DUO},
        {"//user@accounts.google.com/signin", XS_SSO_GOOGLE},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const char *marker = NULL;
        assert_int_equal(xs_auth_provider_for_url(cases[i].loc, &marker), cases[i].p);
        assert_non_null(marker);
    }
    /* look-alikes are not IdPs */
    assert_int_equal(xs_auth_provider_for_url("https://accounts.google.com.evil.test/", NULL), XS_SSO_NONE);
    assert_int_equal(xs_auth_provider_for_url("https://notokta.com/", NULL), XS_SSO_NONE);
    assert_int_equal(xs_auth_provider_for_url("https://evil.test/?next=https://x.okta.com", NULL),
                     XS_SSO_NONE);
    assert_int_equal(xs_auth_provider_for_url("https://accounts.google.com@evil.test/", NULL), XS_SSO_NONE);
    assert_int_equal(xs_auth_provider_for_url("/login", NULL), XS_SSO_NONE);
    assert_int_equal(xs_auth_provider_for_url(NULL, NULL), XS_SSO_NONE);

    xs_auth_info a = detect_raw("HTTP/1.1 302 Found\r\nLocation: https://dev-1.okta.com/login\r\n"
                                "Content-Length: 0\r\n\r\n");
    assert_int_equal(a.method, XS_AUTH_SSO);
    assert_int_equal(a.provider, XS_SSO_OKTA);
    assert_int_equal(a.evidence, XS_AUTH_FROM_LOCATION);
}

static void test_providers_from_body(void **state)
{
    (void)state;
    static const struct { const char *body; xs_sso_provider p; } cases[] = {
        {"<script src=\"https://accounts.google.com/gsi/client\" async></script>"
         "<div id=\"g_id_onload\"></div><button>Sign in with Google</button>", XS_SSO_GOOGLE},
        {"<form action=\"https://login.microsoftonline.com/abc/saml2\" method=post>", XS_SSO_ENTRA_ID},
        {"<div id=\"okta-sign-in\"></div><script src=\"https://ok1static.oktacdn.com/x.js\">", XS_SSO_OKTA},
        {"<form method=\"post\" action=\"https://sso.connect.pingidentity.com/sso/idp/SSO.saml2\">",
         XS_SSO_PING},
        {"<iframe id=\"duo_iframe\" data-host=\"api-1.duosecurity.com\"></iframe>", XS_SSO_DUO},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char raw[1024];
        snprintf(raw, sizeof raw, "HTTP/1.1 200 OK\r\n\r\n<html>%s</html>", cases[i].body);
        xs_auth_info a = detect_raw(raw);
        assert_int_equal(a.method, XS_AUTH_SSO);
        assert_int_equal(a.provider, cases[i].p);
        assert_int_equal(a.evidence, XS_AUTH_FROM_BODY);
    }
    /* a SAMLRequest form to an unknown IdP: SSO, provider unknown */
    xs_auth_info a = detect_raw("HTTP/1.1 200 OK\r\n\r\n<form action=\"https://idp.example/sso\">"
                                "<input type=\"hidden\" name=\"SAMLRequest\" value=\"PHNhbWw=\"/></form>");
    assert_int_equal(a.method, XS_AUTH_SSO);
    assert_int_equal(a.provider, XS_SSO_NONE);
    /* a plain page: nothing */
    a = detect_raw("HTTP/1.1 200 OK\r\n\r\n<html><title>Welcome to nginx!</title></html>");
    assert_int_equal(a.method, XS_AUTH_NONE);
    assert_int_equal(a.methods, 0);
}

static void test_precedence(void **state)
{
    (void)state;
    /* Challenge beats body markers, but the SSO sighting is still listed. */
    xs_auth_info a = detect_raw("HTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: NTLM\r\n\r\n"
                                "<a href=\"https://login.microsoftonline.com/x\">Sign in</a>");
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
        cmocka_unit_test(test_challenge_parsing),
        cmocka_unit_test(test_methods_from_challenges),
        cmocka_unit_test(test_bearer_idp_challenge),
        cmocka_unit_test(test_providers_from_location),
        cmocka_unit_test(test_providers_from_body),
        cmocka_unit_test(test_precedence),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
