/* xsweep: parse the command line, build the plan, run the scan. */
#include <stdio.h>
#include <string.h>
#include "xsweep/agent.h"
#include "xsweep/diff.h"
#include "xsweep/log.h"
#include "xsweep/options.h"
#include "xsweep/plan.h"
#include "xsweep/resume.h"
#include "xsweep/run.h"
#include "xsweep/listing.h"

int main(int argc, char **argv)
{
    if (argc > 1 && !strcmp(argv[1], "diff"))
        return xs_diff_main(argc - 1, argv + 1);
    if (argc > 1 && !strcmp(argv[1], "agent"))
        return xs_agent_main(argc - 1, argv + 1);
    xs_options opts;
    char err[512];
    int rc = xs_options_parse(&opts, argc, argv, err, sizeof err);
    if (rc != 0) {
        if (rc < 0)
            fprintf(stderr, "xsweep: %s\n", err);
        xs_options_free(&opts);
        return rc < 0 ? XS_EXIT_USAGE : XS_EXIT_OK;
    }
    xs_log_set_verbosity(opts.verbose);
    /* A damaged or completed resume file is refused before its contents are believed. */
    if (opts.resuming && xs_resume_verify(opts.resume_file, err, sizeof err) < 0) {
        fprintf(stderr, "xsweep: %s\n", err);
        xs_options_free(&opts);
        return XS_EXIT_USAGE;
    }
    if (opts.list_probes || opts.list_checks) {
        rc = xs_list_main(&opts);
        xs_options_free(&opts);
        return rc;
    }
    if (opts.echo) {
        xs_options_echo(stdout, &opts);
        xs_options_free(&opts);
        return XS_EXIT_OK;
    }
    if (xs_log_enabled(XS_LOG_DEBUG)) { /* -vv: what every option ended up as */
        xs_log(XS_LOG_DEBUG, "effective configuration:");
        xs_options_echo(stderr, &opts);
    }
    xs_plan plan;
    if (xs_plan_build(&plan, &opts, err, sizeof err) < 0) {
        fprintf(stderr, "xsweep: %s\n", err);
        xs_plan_free(&plan);
        xs_options_free(&opts);
        return XS_EXIT_USAGE;
    }
    xs_log(XS_LOG_INFO, "plan: %llu endpoints (%zu ports%s), %zu excluded ranges",
           (unsigned long long)plan.space.size, plan.ports.n, plan.endpoint_mode ? ", endpoint list" : "",
           plan.excludes.n);
    rc = xs_run(&opts, &plan);
    xs_plan_free(&plan);
    xs_options_free(&opts);
    return rc;
}
