/* Severity of one endpoint's record under the chosen policy. */
#ifndef XSWEEP_GRADE_H
#define XSWEEP_GRADE_H
#include <stdbool.h>
#include "xsweep/severity.h"
#include "xsweep/stage.h"

/* e may be NULL (no HTTP stage for this endpoint). */
xs_severity xs_grade(const xs_policy *p, const xs_result *r, const xs_enriched *e, bool bucket,
                     const char **reason);

#endif
