/* The data of SSO detection: which hosts, paths and page markers belong to which identity
 * provider. Add new markers here only; the matching code lives in auth_detect.c. */
#include "sso_markers.h"

/* Host rules: exact host, or any subdomain of a suffix (".okta.com"). */
const xs_sso_host_rule xs_sso_host_rules[] = {
    {"accounts.google.com",        false, XS_SSO_GOOGLE},
    {"login.microsoftonline.com",  false, XS_SSO_ENTRA_ID},
    {"login.microsoftonline.us",   false, XS_SSO_ENTRA_ID},
    {"login.windows.net",          false, XS_SSO_ENTRA_ID},
    {"login.microsoft.com",        false, XS_SSO_ENTRA_ID},
    {"sts.windows.net",            false, XS_SSO_ENTRA_ID},
    {".b2clogin.com",              true,  XS_SSO_ENTRA_ID},
    {".okta.com",                  true,  XS_SSO_OKTA},
    {".oktapreview.com",           true,  XS_SSO_OKTA},
    {".okta-emea.com",             true,  XS_SSO_OKTA},
    {".pingidentity.com",          true,  XS_SSO_PING},
    {".pingone.com",               true,  XS_SSO_PING},
    {".pingone.eu",                true,  XS_SSO_PING},
    {".pingone.asia",              true,  XS_SSO_PING},
    {".pingone.ca",                true,  XS_SSO_PING},
    {".duosecurity.com",           true,  XS_SSO_DUO},
};
const size_t xs_sso_host_rules_count = sizeof xs_sso_host_rules / sizeof xs_sso_host_rules[0];

/* Path rules for self-hosted IdPs whose host tells nothing (PingFederate, Duo Access Gateway). */
const xs_sso_marker xs_sso_path_rules[] = {
    {"/as/authorization.oauth2", XS_SSO_PING},
    {"/idp/SSO.saml2",           XS_SSO_PING},
    {"/idp/startSSO.ping",       XS_SSO_PING},
    {"/pingone/",                XS_SSO_PING},
    {"/dag/saml2/idp/",          XS_SSO_DUO},
    {"/dag/module.php/",         XS_SSO_DUO},
};
const size_t xs_sso_path_rules_count = sizeof xs_sso_path_rules / sizeof xs_sso_path_rules[0];

/* Body markers, matched case-insensitively anywhere in the (bounded) body. */
const xs_sso_marker xs_sso_body_markers[] = {
    /* Google: Identity Services button/one-tap, OAuth and SAML endpoints */
    {"accounts.google.com/gsi/client",   XS_SSO_GOOGLE},
    {"g_id_onload",                      XS_SSO_GOOGLE},
    {"accounts.google.com/o/oauth2",     XS_SSO_GOOGLE},
    {"accounts.google.com/o/saml2",      XS_SSO_GOOGLE},
    {"accounts.google.com/signin",       XS_SSO_GOOGLE},
    /* Microsoft Entra ID */
    {"login.microsoftonline.com/",       XS_SSO_ENTRA_ID},
    {"login.windows.net/",               XS_SSO_ENTRA_ID},
    {"login.microsoft.com/",             XS_SSO_ENTRA_ID},
    {"msal-browser",                     XS_SSO_ENTRA_ID},
    /* Okta: the sign-in widget and tenant hosts */
    {"okta-sign-in",                     XS_SSO_OKTA},
    {"oktacdn.com",                      XS_SSO_OKTA},
    {".okta.com/",                       XS_SSO_OKTA},
    {".oktapreview.com/",                XS_SSO_OKTA},
    /* Ping */
    {".pingidentity.com/",               XS_SSO_PING},
    {".pingone.com/",                    XS_SSO_PING},
    {"/as/authorization.oauth2",         XS_SSO_PING},
    {"/idp/SSO.saml2",                   XS_SSO_PING},
    /* Duo */
    {".duosecurity.com",                 XS_SSO_DUO},
    {"duo_iframe",                       XS_SSO_DUO},
    {"Duo-Frame",                        XS_SSO_DUO},
};
const size_t xs_sso_body_markers_count = sizeof xs_sso_body_markers / sizeof xs_sso_body_markers[0];

/* A SAML SSO form posting somewhere: SSO even when the IdP is unknown. */
const char *const xs_sso_saml_markers[] = {"name=\"SAMLRequest\"", "name=\"SAMLResponse\"",
                                           "name='SAMLRequest'", "SAMLRequest="};
const size_t xs_sso_saml_markers_count = sizeof xs_sso_saml_markers / sizeof xs_sso_saml_markers[0];
