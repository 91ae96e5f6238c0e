/* xsweep: parse the command line, build the plan, run the scan. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "xsweep/agent.h"
#include "xsweep/diff.h"
#include "xsweep/hostkey.h"
#include "xsweep/log.h"
#include "xsweep/options.h"
#include "xsweep/plan.h"
#include "xsweep/resume.h"
#include "xsweep/run.h"
#include "xsweep/listing.h"

/* The value of --NAME VALUE / --NAME=VALUE on the command line itself, or NULL. */
static const char *argv_value(int argc, char **argv, const char *name)
{
    size_t n = strlen(name);
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--"))
            break;
        if (!strcmp(argv[i], name) && i + 1 < argc)
            return argv[i + 1];
        if (!strncmp(argv[i], name, n) && argv[i][n] == '=')
            return argv[i] + n + 1;
    }
    return NULL;
}

/* --resume FILE: the MAC is checked with the key the command line names (never one the file
 * names: a forger would name their own) before a single line of it is believed. */
static char *verify_resume(int argc, char **argv, char *err, size_t errlen)
{
    const char *path = argv_value(argc, argv, "--resume");
    if (!path)
        return NULL;
    xs_host_key key;
    size_t len = 0;
    char *text = NULL;
    if (xs_host_key_load(&key, argv_value(argc, argv, "--key-file"), err, errlen) == 0 &&
        (text = xs_resume_verify(path, &key, &len, err, errlen)))
        xs_config_use_verified(path, text, len);
    explicit_bzero(&key, sizeof key);
    return text;
}

int main(int argc, char **argv)
{
    if (argc > 1 && !strcmp(argv[1], "diff"))
        return xs_diff_main(argc - 1, argv + 1);
    if (argc > 1 && !strcmp(argv[1], "agent"))
        return xs_agent_main(argc - 1, argv + 1);
    xs_options opts;
    char err[512] = "";
    /* A damaged, forged or completed resume file is refused before its contents are believed. */
    char *resume_text = verify_resume(argc, argv, err, sizeof err);
    if (!resume_text && err[0]) {
        fprintf(stderr, "xsweep: %s\n", err);
        return XS_EXIT_USAGE;
    }
    int rc = xs_options_parse(&opts, argc, argv, err, sizeof err);
    xs_config_use_verified(NULL, NULL, 0);
    free(resume_text);
    if (rc != 0) {
        if (rc < 0)
            fprintf(stderr, "xsweep: %s\n", err);
        xs_options_free(&opts);
        return rc < 0 ? XS_EXIT_USAGE : XS_EXIT_OK;
    }
    xs_log_set_verbosity(opts.verbose);
    const char *cli_key = argv_value(argc, argv, "--key-file");
    if (opts.resuming && opts.key_file && (!cli_key || strcmp(cli_key, opts.key_file))) {
        fprintf(stderr, "xsweep: that scan used --key-file %s: give it again with --resume\n",
                opts.key_file);
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
           (unsigned long long)plan.space.size, plan.ports.n,
           plan.endpoint_mode ? ", endpoint list" : "", plan.excludes.n);
    rc = xs_run(&opts, &plan);
    xs_plan_free(&plan);
    xs_options_free(&opts);
    return rc;
}
