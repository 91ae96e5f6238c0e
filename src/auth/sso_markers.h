/* The SSO marker tables (data only), shared by src/auth. */
#ifndef XSWEEP_SSO_MARKERS_H
#define XSWEEP_SSO_MARKERS_H
#include <stdbool.h>
#include <stddef.h>

#include "xsweep/auth.h"

typedef struct {
    const char     *host;     /* exact host, or ".suffix" when is_suffix */
    bool            is_suffix;
    xs_sso_provider provider;
} xs_sso_host_rule;

typedef struct {
    const char     *text;
    xs_sso_provider provider;
} xs_sso_marker;

extern const xs_sso_host_rule xs_sso_host_rules[];
extern const size_t xs_sso_host_rules_count;
extern const xs_sso_marker xs_sso_path_rules[];
extern const size_t xs_sso_path_rules_count;
extern const xs_sso_marker xs_sso_body_markers[];
extern const size_t xs_sso_body_markers_count;
extern const char *const xs_sso_saml_markers[];
extern const size_t xs_sso_saml_markers_count;

#endif
