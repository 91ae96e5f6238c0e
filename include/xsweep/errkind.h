/* Error kinds: every failure is one of these, and the kind alone decides the exit status. */
#ifndef XSWEEP_ERRKIND_H
#define XSWEEP_ERRKIND_H

typedef enum {
    XS_ERR_NONE = 0,
    XS_ERR_RUNTIME = 1, /* the scan could not run or finish: exit 1 */
    XS_ERR_USAGE = 2,   /* bad usage or input the operator gave: exit 2 */
} xs_errkind;

/* Functions that can fail either way return 0, or -(int)kind; -1 is therefore a runtime error. */
static inline xs_errkind xs_errkind_of(int rc)
{
    return rc >= 0 ? XS_ERR_NONE : rc == -(int)XS_ERR_USAGE ? XS_ERR_USAGE : XS_ERR_RUNTIME;
}

static inline int xs_exit_status(xs_errkind k)
{
    return k == XS_ERR_NONE ? 0 : k == XS_ERR_USAGE ? 2 : 1;
}

#endif
