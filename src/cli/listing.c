/* --list-probes: the probe modules and the service table. --list-checks: every shipped rule,
 * each rule file in its own section (HTTP checks, then the non-HTTP services rules). */
#include <stdio.h>
#include "xsweep/checks.h"
#include "xsweep/hostcfg.h"
#include "xsweep/listing.h"
#include "xsweep/probe.h"
#include "xsweep/run.h"

int xs_list_main(const xs_options *o)
{
    if (o->list_probes)
        xs_probe_list(stdout);
    if (!o->list_checks)
        return XS_EXIT_OK;
    if (o->list_probes)
        fputc('\n', stdout);
    char err[512];
    xs_hostcfg_db *http = xs_hostcfg_load(o->config_rules, err, sizeof err);
    if (!http) {
        fprintf(stderr, "xsweep: %s\n", err);
        return XS_EXIT_USAGE;
    }
    xs_hostcfg_db *svc = xs_hostcfg_load_services(o->service_rules, err, sizeof err);
    if (!svc) {
        fprintf(stderr, "xsweep: %s\n", err);
        xs_hostcfg_free(http);
        return XS_EXIT_USAGE;
    }
    xs_hostcfg_print(stdout, http, "HTTP host configuration checks (one GET, hostcfg/rules.txt)");
    fputc('\n', stdout);
    xs_hostcfg_print(stdout, svc, "Non-HTTP service checks (probe facts, hostcfg/services.txt)");
    xs_hostcfg_free(http);
    xs_hostcfg_free(svc);
    fputc('\n', stdout);
    if (xs_check_list_print(stdout, NULL, err, sizeof err) < 0) { /* --checks: its own section */
        fprintf(stderr, "xsweep: %s\n", err);
        return XS_EXIT_USAGE;
    }
    return XS_EXIT_OK;
}
