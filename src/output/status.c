/* Names of the port status values, as they appear in every output format. */
#include <string.h>
#include "xsweep/record.h"

const char *xs_status_name(xs_status s)
{
    switch (s) {
    case XS_STATUS_OPEN:
        return "open";
    case XS_STATUS_CLOSED:
        return "closed";
    case XS_STATUS_EXCLUDED:
        return "excluded";
    case XS_STATUS_UNSUPPORTED:
        return "unsupported";
    case XS_STATUS_FAILED:
        return "failed";
    }
    return "failed";
}

xs_status xs_status_parse(const char *name)
{
    for (int s = XS_STATUS_OPEN; s <= XS_STATUS_FAILED; s++)
        if (!strcmp(name, xs_status_name((xs_status)s)))
            return (xs_status)s;
    return XS_STATUS_FAILED;
}
