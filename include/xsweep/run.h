/* Running a scan end to end: network set-up, threads, output loop, signals. */
#ifndef XSWEEP_RUN_H
#define XSWEEP_RUN_H
#include "xsweep/errkind.h"
#include "xsweep/netinfo.h"
#include "xsweep/options.h"
#include "xsweep/plan.h"

enum { XS_EXIT_OK = 0, XS_EXIT_RUNTIME = 1, XS_EXIT_USAGE = 2 };

/* Resolves interface, source addresses and next-hop MACs for a real scan (or placeholders for
 * --dry-run), for each family that has a first target (NULL: the scan has none of it).
 * Returns 0, or -(xs_errkind) with err: -XS_ERR_USAGE when a value the operator gave
 * is malformed, -XS_ERR_RUNTIME (-1) when the kernel could not tell or answer. */
int xs_netsetup(const xs_options *o, const xs_addr *first_v4, const xs_addr *first_v6,
                xs_netinfo *net, char *err, size_t errlen);
/* --source-ip: "IP", or one IPv4 and one IPv6 address joined by a comma. 0 or -1 with err. */
int xs_parse_source_ips(const char *s, bool *has_v4, uint32_t *v4, bool *has_v6, xs_addr *v6,
                        char *err, size_t errlen);
/* "P" or "P-Q" -> first, count. */
int xs_parse_port_range(const char *s, uint16_t *first, uint16_t *count, char *err, size_t errlen);
/* Runs the scan and returns the process exit status. */
int xs_run(const xs_options *o, xs_plan *plan);

#endif
