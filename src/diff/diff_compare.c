/* The rule for what a diff reports about one endpoint. */
#include <string.h>
#include "xsweep/diff.h"

static bool is_open(const xs_diff_side *s)
{
    return s && s->status && !strcmp(s->status, "open");
}

static bool same(const char *a, const char *b)
{
    if (!a || !b)
        return a == b;
    return !strcmp(a, b);
}

bool xs_diff_classify(const xs_diff_side *before, const xs_diff_side *after, xs_diff_change *change,
                      unsigned *fields)
{
    *fields = 0;
    if (is_open(after) && !is_open(before)) {
        *change = XS_DIFF_APPEARED;
        *fields = XS_DIFF_STATUS;
        return true;
    }
    if (is_open(before) && !is_open(after)) {
        *change = XS_DIFF_DISAPPEARED;
        *fields = XS_DIFF_STATUS;
        return true;
    }
    /* Only in one sweep and not open there: which statuses get recorded depends on flags
     * (--show closed), so absence says nothing. */
    if (!before || !after)
        return false;
    if (!same(before->status, after->status))
        *fields |= XS_DIFF_STATUS;
    if (!same(before->severity, after->severity))
        *fields |= XS_DIFF_SEVERITY;
    if (!same(before->tech, after->tech))
        *fields |= XS_DIFF_TECH;
    *change = XS_DIFF_CHANGED;
    return *fields != 0;
}

const char *xs_diff_change_name(xs_diff_change c)
{
    switch (c) {
    case XS_DIFF_APPEARED:
        return "appeared";
    case XS_DIFF_DISAPPEARED:
        return "disappeared";
    case XS_DIFF_CHANGED:
        return "changed";
    }
    return "changed";
}
