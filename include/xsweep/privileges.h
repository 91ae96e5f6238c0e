/* After the capture and the raw socket are open, xsweep needs no privilege at all. */
#ifndef XSWEEP_PRIVILEGES_H
#define XSWEEP_PRIVILEGES_H
#include <stdbool.h>
#include <stddef.h>

/* Started as root: switch to `user` (NULL = "nobody") for good. Started unprivileged with file or
 * ambient capabilities (CAP_NET_RAW): give the capabilities up. Either way sets no_new_privs.
 * 0, or -1 with err. */
int xs_drop_privileges(const char *user, char *err, size_t errlen);

#endif
