/* The SSO endpoint tables (data only), shared by src/auth. */
#ifndef XSWEEP_SSO_MARKERS_H
#define XSWEEP_SSO_MARKERS_H
#include <stdbool.h>
#include <stddef.h>

#include "xsweep/auth.h"

typedef struct {
    const char *host; /* exact host, or ".suffix" when is_suffix */
    bool is_suffix;
    const char *const *not_labels; /* first labels under a suffix that are not IdP hosts */
    const char *const *paths;      /* "^/prefix" or "/contains", lower case, NULL-terminated */
    xs_sso_provider provider;
} xs_sso_endpoint_rule;

typedef struct {
    const char *text;
    xs_sso_provider provider;
} xs_sso_marker;

extern const xs_sso_endpoint_rule xs_sso_endpoint_rules[];
extern const size_t xs_sso_endpoint_rules_count;
extern const xs_sso_marker xs_sso_path_rules[];
extern const size_t xs_sso_path_rules_count;

/* Page evidence (sso_page.c): a hand-off found in the HTML body. */
xs_sso_provider xs_sso_page_evidence(const unsigned char *body, size_t len, bool *found,
                                     const char **marker, bool *form_login);

#endif
