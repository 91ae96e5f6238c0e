/* Config files (-c FILE): "key = value" lines whose keys are the long option names, plus
 * "target = …" lines. --echo writes the effective configuration back in the same format, so an
 * echo is always a valid config file (and the resume file reuses it). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "xsweep/options.h"
#include "xsweep/targets.h"
#include "option_table.h"

static char *trim(char *s)
{
    while (*s == ' ' || *s == '\t')
        s++;
    char *e = s + strlen(s);
    while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\n' || e[-1] == '\r'))
        *--e = '\0';
    return s;
}

static int push_owned(char ***v, size_t *n, char *s)
{
    char **nv = realloc(*v, (*n + 1) * sizeof *nv);
    if (!nv) {
        free(s);
        return -1;
    }
    *v = nv;
    nv[(*n)++] = s;
    return 0;
}

static const struct option *find_option(const char *name)
{
    for (const struct option *o = xs_long_options; o->name; o++)
        if (!strcmp(o->name, name))
            return o;
    return NULL;
}

static int truthy(const char *v, int *out)
{
    if (!strcmp(v, "true") || !strcmp(v, "yes") || !strcmp(v, "1") || !strcmp(v, "on"))
        *out = 1;
    else if (!strcmp(v, "false") || !strcmp(v, "no") || !strcmp(v, "0") || !strcmp(v, "off"))
        *out = 0;
    else
        return -1;
    return 0;
}

typedef struct {
    char ***args, ***targets;
    size_t *nargs, *ntargets;
} config_ctx;

/* One "key = value" line (the reader gives it without its newline). */
static int config_line(void *arg, const char *text, char *err, size_t errlen)
{
    config_ctx *c = arg;
    char *line = strdup(text);
    if (!line) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    int rc = 0;
    char *hash = strchr(line, '#');
    if (hash)
        *hash = '\0';
    char *s = trim(line);
    char *eq = strchr(s, '=');
    if (!*s) {
        free(line);
        return 0;
    }
    if (!eq) {
        snprintf(err, errlen, "expected \"key = value\"");
        free(line);
        return -1;
    }
    *eq = '\0';
    char *key = trim(s), *val = trim(eq + 1), *out = NULL;
    const struct option *opt = find_option(key);
    int on;
    if (!strcmp(key, "target")) {
        if (!(out = strdup(val)) || push_owned(c->targets, c->ntargets, out) < 0)
            rc = -1;
    } else if (!opt || !strcmp(key, "config") || !strcmp(key, "resume") || !strcmp(key, "echo") ||
               !strcmp(key, "help") || !strcmp(key, "version")) {
        snprintf(err, errlen, "unknown option \"%s\"", key);
        rc = -1;
    } else if (opt->has_arg == no_argument) {
        if (truthy(val, &on) < 0) {
            snprintf(err, errlen, "\"%s\" takes true or false", key);
            rc = -1;
        } else if (on && (asprintf(&out, "--%s", key) < 0 || push_owned(c->args, c->nargs, out) < 0)) {
            rc = -1;
        }
    } else if (asprintf(&out, "--%s=%s", key, val) < 0 || push_owned(c->args, c->nargs, out) < 0) {
        rc = -1;
    }
    if (rc < 0 && !err[0])
        snprintf(err, errlen, "out of memory");
    free(line);
    return rc;
}

/* --resume: main() verified the file's MAC and hands its text here, so what is parsed is
 * exactly what was verified (the file is not read a second time). */
static const char *verified_path, *verified_text;
static size_t verified_len;

void xs_config_use_verified(const char *path, const char *text, size_t len)
{
    verified_path = path;
    verified_text = text;
    verified_len = len;
}

int xs_config_load(const char *path, char ***args, size_t *nargs, char ***targets, size_t *ntargets,
                   char *err, size_t errlen)
{
    config_ctx c = {args, targets, nargs, ntargets};
    if (verified_path && !strcmp(path, verified_path)) {
        FILE *f = fmemopen((void *)verified_text, verified_len, "r");
        if (!f) {
            snprintf(err, errlen, "out of memory");
            return -1;
        }
        int rc = verified_len ? xs_read_lines_stream(f, path, config_line, &c, err, errlen) : 0;
        fclose(f);
        return rc;
    }
    return xs_read_lines(path, config_line, &c, err, errlen);
}

static void kv(FILE *out, const char *key, const char *val)
{
    if (val)
        fprintf(out, "%s = %s\n", key, val);
}

static void kv_list(FILE *out, const char *key, char *const *v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        kv(out, key, v[i]);
}

static void kv_bool(FILE *out, const char *key, bool v)
{
    fprintf(out, "%s = %s\n", key, v ? "true" : "false");
}

void xs_options_echo(FILE *out, const xs_options *o)
{
    static const char *fmt_names[] = {"json", "csv", "list", "xml"};
    fprintf(out, "# xsweep %s effective configuration (usable with -c)\n", XSWEEP_VERSION);
    kv_list(out, "target", o->targets, o->ntargets);
    kv_list(out, "input-file", o->input_files, o->ninput_files);
    kv(out, "endpoints", o->endpoints_file);
    kv(out, "ports", o->ports ? o->ports : "80");
    kv_list(out, "exclude", o->excludes, o->nexcludes);
    kv_list(out, "exclude-file", o->exclude_files, o->nexclude_files);
    if (o->rate <= 0)
        kv(out, "rate", "max");
    else
        fprintf(out, "rate = %.17g\n", o->rate);
    fprintf(out, "retries = %u\n", o->retries);
    fprintf(out, "retry-delay = %.17g\n", o->retry_delay_s);
    fprintf(out, "wait = %.17g\n", o->wait_s);
    if (o->seed_given)
        fprintf(out, "seed = %llu\n", (unsigned long long)o->seed);
    kv(out, "shard", o->shard);
    kv(out, "interface", o->interface);
    kv(out, "source-ip", o->source_ip);
    kv(out, "source-port", o->source_port);
    kv(out, "router-mac", o->router_mac);
    fprintf(out, "batch = %u\n", o->batch);
    kv(out, "sender", o->sender ? o->sender : "auto");
    kv(out, "output", o->output_file);
    kv(out, "output-format", fmt_names[o->format]);
    if (o->show_closed)
        kv(out, "show", "closed");
    kv_bool(out, "all-statuses", o->all_statuses);
    kv_bool(out, "dry-run", o->dry_run);
    kv_bool(out, "no-http", o->no_http);
    kv_bool(out, "no-probes", o->no_probes);
    kv(out, "http-ports", o->http_ports);
    fprintf(out, "http-concurrency = %u\n", o->http_concurrency);
    fprintf(out, "max-body = %zu\n", o->max_body);
    fprintf(out, "connect-timeout = %.17g\n", o->connect_timeout_s);
    fprintf(out, "http-timeout = %.17g\n", o->http_timeout_s);
    kv(out, "policy", o->policy ? o->policy : "moderate");
    kv(out, "resource-type", o->resource_bucket ? "bucket" : "other");
    kv(out, "fingerprints", o->fingerprints);
    kv(out, "findings-rules", o->findings_rules);
    kv(out, "config-rules", o->config_rules);
    kv_bool(out, "no-config-checks", o->no_config_checks);
    kv(out, "screenshots", o->screenshots);
    fprintf(out, "checkpoint = %.17g\n", o->checkpoint_s);
    kv(out, "resume-file", o->resume_file);
    kv(out, "db", o->db);
    if (o->keep)
        fprintf(out, "keep = %u\n", o->keep);
    if (o->db_sweep)
        fprintf(out, "db-sweep = %lld\n", (long long)o->db_sweep);
    kv(out, "key-file", o->key_file);
    kv(out, "user", o->user);
    kv_bool(out, "no-drop", o->no_drop);
    if (o->stats_interval_s > 0)
        fprintf(out, "stats-interval = %.17g\n", o->stats_interval_s);
    if (o->progress >= 0)
        kv_bool(out, o->progress ? "progress" : "no-progress", true);
}
