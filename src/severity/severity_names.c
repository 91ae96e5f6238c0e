/* Names of the severity levels, as every output format spells them. */
#include <string.h>
#include "xsweep/severity.h"

static const char *const names[] = {
    [XS_SEV_INFO] = "info", [XS_SEV_LOW] = "low",           [XS_SEV_MEDIUM] = "medium",
    [XS_SEV_HIGH] = "high", [XS_SEV_CRITICAL] = "critical",
};

const char *xs_severity_name(xs_severity s)
{
    if ((unsigned)s > XS_SEV_CRITICAL)
        return "critical";
    return names[s];
}

int xs_severity_parse(const char *name)
{
    for (int i = XS_SEV_INFO; i <= XS_SEV_CRITICAL; i++)
        if (strcmp(name, names[i]) == 0)
            return i;
    return -1;
}
