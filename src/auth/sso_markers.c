/* The data of SSO detection: each identity provider's authorization / login endpoints (host and
 * path together). A host of the provider alone is not evidence: help.okta.com, status pages and
 * CDN hosts are not where anybody signs in. Add new endpoints here only; the matching code lives
 * in auth_detect.c (URLs) and sso_page.c (pages). */
#include "sso_markers.h"

/* Hosts of the providers' own authorization servers. Suffix rules (".okta.com") cover tenant
 * subdomains; `not_labels` lists first labels under the suffix that are information sites. */
static const char *const okta_info[] = {"www",       "help",   "status",    "support",
                                        "developer", "trust",  "community", "docs",
                                        "iam",       "events", NULL};
static const char *const ping_info[] = {
    "www", "docs", "status", "support", "community", "apidocs", "developer", "marketplace", NULL};
static const char *const duo_info[] = {"www",       "help",      "status",   "guide", "admin",
                                       "community", "resources", "security", NULL};

/* Paths: "^/x" = the path starts with /x; "/x" = the path contains /x (case-insensitive). */
static const char *const google_paths[] = {"^/o/oauth2/",        "^/o/saml2/",  "^/signin",
                                           "^/servicelogin",     "^/v3/signin", "^/accountchooser",
                                           "^/interactivelogin", NULL};
static const char *const entra_paths[] = {
    "/oauth2/authorize", "/oauth2/v2.0/authorize", "/saml2", "/wsfed", "/samlp/", "/login", NULL};
static const char *const okta_paths[] = {"/v1/authorize", "/sso/saml", "/sso/wsfed",
                                         "/sso/idps/",    "^/login",   "^/signin",
                                         "^/home/",       "^/app/",    NULL};
static const char *const ping_paths[] = {"/as/authorize",
                                         "/as/authorization.oauth2",
                                         "/saml20/idp/sso",
                                         "/saml20/idp/startsso",
                                         "/idp/sso.saml2",
                                         "/idp/startsso.ping",
                                         "^/sso/",
                                         "/signon",
                                         NULL};
static const char *const duo_paths[] = {
    "^/oauth/v1/authorize", "^/frame/", "^/saml2/", "^/oidc/", "^/sso/", NULL};

const xs_sso_endpoint_rule xs_sso_endpoint_rules[] = {
    {"accounts.google.com", false, NULL, google_paths, XS_SSO_GOOGLE},
    {"login.microsoftonline.com", false, NULL, entra_paths, XS_SSO_ENTRA_ID},
    {"login.microsoftonline.us", false, NULL, entra_paths, XS_SSO_ENTRA_ID},
    {"login.partner.microsoftonline.cn", false, NULL, entra_paths, XS_SSO_ENTRA_ID},
    {"login.windows.net", false, NULL, entra_paths, XS_SSO_ENTRA_ID},
    {"login.microsoft.com", false, NULL, entra_paths, XS_SSO_ENTRA_ID},
    {".b2clogin.com", true, NULL, entra_paths, XS_SSO_ENTRA_ID},
    {".okta.com", true, okta_info, okta_paths, XS_SSO_OKTA},
    {".oktapreview.com", true, okta_info, okta_paths, XS_SSO_OKTA},
    {".okta-emea.com", true, okta_info, okta_paths, XS_SSO_OKTA},
    {".okta-gov.com", true, okta_info, okta_paths, XS_SSO_OKTA},
    {".pingidentity.com", true, ping_info, ping_paths, XS_SSO_PING},
    {".pingone.com", true, ping_info, ping_paths, XS_SSO_PING},
    {".pingone.eu", true, ping_info, ping_paths, XS_SSO_PING},
    {".pingone.asia", true, ping_info, ping_paths, XS_SSO_PING},
    {".pingone.ca", true, ping_info, ping_paths, XS_SSO_PING},
    {".pingone.com.au", true, ping_info, ping_paths, XS_SSO_PING},
    {".duosecurity.com", true, duo_info, duo_paths, XS_SSO_DUO},
};
const size_t xs_sso_endpoint_rules_count =
    sizeof xs_sso_endpoint_rules / sizeof xs_sso_endpoint_rules[0];

/* Self-hosted IdPs whose host tells nothing: their endpoint paths, on any host (also relative,
 * i.e. the provider's login page served by this endpoint). Prefix rules only. */
const xs_sso_marker xs_sso_path_rules[] = {
    {"^/as/authorization.oauth2", XS_SSO_PING}, /* PingFederate */
    {"^/idp/sso.saml2", XS_SSO_PING},
    {"^/idp/startsso.ping", XS_SSO_PING},
    {"/resume/as/authorization.ping", XS_SSO_PING}, /* PingFederate's own login form */
    {"/resumesaml20/idp/sso.ping", XS_SSO_PING},
    {"^/dag/saml2/idp/", XS_SSO_DUO}, /* Duo Access Gateway */
    {"^/dag/module.php/", XS_SSO_DUO},
};
const size_t xs_sso_path_rules_count = sizeof xs_sso_path_rules / sizeof xs_sso_path_rules[0];
