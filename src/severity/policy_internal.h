/* Private layout of a loaded severity policy, shared by the loader and the evaluator. */
#ifndef XSWEEP_POLICY_INTERNAL_H
#define XSWEEP_POLICY_INTERNAL_H
#include <stdint.h>
#include "xsweep/severity.h"

#define XS_POLICY_CODE_MIN 100
#define XS_POLICY_CODE_MAX 599
#define XS_POLICY_NCODES   (XS_POLICY_CODE_MAX - XS_POLICY_CODE_MIN + 1)
#define XS_POLICY_NAUTH    3

typedef struct {
    xs_severity bucket, other;
    char *reason;
    char *finding; /* "finding ID ..." rows: the finding id, NULL otherwise */
} xs_policy_rule;

struct xs_policy {
    char name[64];
    xs_policy_rule *rules;
    size_t nrules;
    int16_t nonhttp_success, nonhttp_fail; /* rule index */
    /* Resolved once at load: the most specific http rule per (code, auth), -1 = none. */
    int16_t http[XS_POLICY_NCODES][XS_POLICY_NAUTH];
};

#endif
