/* Running a scan end to end: network set-up, threads, output loop, signals. */
#ifndef XSWEEP_RUN_H
#define XSWEEP_RUN_H
#include "xsweep/errkind.h"
#include "xsweep/netinfo.h"
#include "xsweep/options.h"
#include "xsweep/plan.h"

enum { XS_EXIT_OK = 0, XS_EXIT_RUNTIME = 1, XS_EXIT_USAGE = 2 };

/* Resolves interface, source address and next-hop MAC for a real scan (or placeholders for
 * --dry-run). Returns 0, or -(xs_errkind) with err: -XS_ERR_USAGE when a value the operator gave
 * is malformed, -XS_ERR_RUNTIME (-1) when the kernel could not tell or answer. */
int xs_netsetup(const xs_options *o, uint32_t first_ip, xs_netinfo *net, char *err, size_t errlen);
/* "P" or "P-Q" -> first, count. */
int xs_parse_port_range(const char *s, uint16_t *first, uint16_t *count, char *err, size_t errlen);
/* Runs the scan and returns the process exit status. */
int xs_run(const xs_options *o, xs_plan *plan);

#endif
