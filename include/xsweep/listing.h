/* --list-probes and --list-checks: what xsweep ships, printed and exit. */
#ifndef XSWEEP_LISTING_H
#define XSWEEP_LISTING_H
#include "xsweep/options.h"

/* Prints to stdout; returns the exit code (XS_EXIT_OK, or XS_EXIT_USAGE when a rule file is bad). */
int xs_list_main(const xs_options *o);

#endif
