/* The plan: the options turned into what will be probed, and what will not (and why). */
#ifndef XSWEEP_PLAN_H
#define XSWEEP_PLAN_H
#include "xsweep/options.h"
#include "xsweep/record.h"
#include "xsweep/targets.h"

typedef struct {
    xs_rangelist ranges;   /* ranges mode: targets minus excludes */
    xs_rangelist excludes; /* reserved blocks + --exclude + --exclude-file */
    xs_portlist ports;
    bool endpoint_mode;
    xs_endpointlist endpoints; /* endpoint mode: the probe-able endpoints */
    xs_endpointlist skipped;   /* endpoint mode: inputs not probed */
    uint8_t *skipped_status;   /* per skipped endpoint: XS_STATUS_EXCLUDED or _UNSUPPORTED */
    xs_targetspace space;
} xs_plan;

/* Returns 0, or -1 with one line in err (bad target, unreadable file, no target …). */
int xs_plan_build(xs_plan *p, const xs_options *o, char *err, size_t errlen);
void xs_plan_free(xs_plan *p);
/* First IPv4 address that will be probed (route lookup), 0 when none. */
uint32_t xs_plan_first_ip(const xs_plan *p);
/* First address of that family that will be probed: false when the plan has none. */
bool xs_plan_first_addr(const xs_plan *p, bool v6, xs_addr *out);
/* How many of the probes go to IPv4 and to IPv6 endpoints. */
void xs_plan_probe_counts(const xs_plan *p, uint64_t *v4, uint64_t *v6);

#endif
