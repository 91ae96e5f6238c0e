/* Command-line parsing: masscan/nmap conventions (-p, -iL, -oJ/-oC/-oL, --rate, --exclude …). */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "xsweep/options.h"
#include "option_table.h"

const struct option xs_long_options[] = {
    {"ports",         required_argument, NULL, 'p'},
    {"input-file",    required_argument, NULL, OPT_INPUT_FILE},
    {"endpoints",     required_argument, NULL, OPT_ENDPOINTS},
    {"exclude",       required_argument, NULL, OPT_EXCLUDE},
    {"exclude-file",  required_argument, NULL, OPT_EXCLUDE_FILE},
    {"rate",          required_argument, NULL, OPT_RATE},
    {"retries",       required_argument, NULL, OPT_RETRIES},
    {"wait",          required_argument, NULL, OPT_WAIT},
    {"retry-delay",   required_argument, NULL, OPT_RETRY_DELAY},
    {"seed",          required_argument, NULL, OPT_SEED},
    {"shard",         required_argument, NULL, OPT_SHARD},
    {"interface",     required_argument, NULL, 'i'},
    {"source-ip",     required_argument, NULL, OPT_SOURCE_IP},
    {"source-port",   required_argument, NULL, OPT_SOURCE_PORT},
    {"router-mac",    required_argument, NULL, OPT_ROUTER_MAC},
    {"batch",         required_argument, NULL, OPT_BATCH},
    {"sender",        required_argument, NULL, OPT_SENDER},
    {"output",        required_argument, NULL, 'o'},
    {"output-format", required_argument, NULL, OPT_FORMAT},
    {"show",          required_argument, NULL, OPT_SHOW},
    {"all-statuses",  no_argument,       NULL, OPT_ALL_STATUSES},
    {"dry-run",       no_argument,       NULL, OPT_DRY_RUN},
    {"progress",      no_argument,       NULL, OPT_PROGRESS},
    {"no-progress",   no_argument,       NULL, OPT_NO_PROGRESS},
    {"no-http",          no_argument,       NULL, OPT_NO_HTTP},
    {"no-probes",        no_argument,       NULL, OPT_NO_PROBES},
    {"http-ports",       required_argument, NULL, OPT_HTTP_PORTS},
    {"http-concurrency", required_argument, NULL, OPT_HTTP_CONCURRENCY},
    {"max-body",         required_argument, NULL, OPT_MAX_BODY},
    {"connect-timeout",  required_argument, NULL, OPT_CONNECT_TIMEOUT},
    {"http-timeout",     required_argument, NULL, OPT_HTTP_TIMEOUT},
    {"policy",           required_argument, NULL, OPT_POLICY},
    {"resource-type",    required_argument, NULL, OPT_RESOURCE_TYPE},
    {"fingerprints",     required_argument, NULL, OPT_FINGERPRINTS},
    {"findings-rules",   required_argument, NULL, OPT_FINDINGS_RULES},
    {"config-rules",     required_argument, NULL, OPT_CONFIG_RULES},
    {"no-config-checks", no_argument,       NULL, OPT_NO_CONFIG_CHECKS},
    {"screenshots",      required_argument, NULL, OPT_SCREENSHOTS},
    {"checkpoint",       required_argument, NULL, OPT_CHECKPOINT},
    {"resume-file",      required_argument, NULL, OPT_RESUME_FILE},
    {"resume",           required_argument, NULL, OPT_RESUME},
    {"resume-position",  required_argument, NULL, OPT_RESUME_POSITION},
    {"db",               required_argument, NULL, OPT_DB},
    {"keep",             required_argument, NULL, OPT_KEEP},
    {"db-sweep",         required_argument, NULL, OPT_DB_SWEEP},
    {"user",             required_argument, NULL, OPT_USER},
    {"no-drop",          no_argument,       NULL, OPT_NO_DROP},
    {"key-file",         required_argument, NULL, OPT_KEY_FILE},
    {"stats-interval",   required_argument, NULL, OPT_STATS_INTERVAL},
    {"config",        required_argument, NULL, 'c'},
    {"echo",          no_argument,       NULL, OPT_ECHO},
    {"help",          no_argument,       NULL, 'h'},
    {"version",       no_argument,       NULL, OPT_VERSION},
    {NULL, 0, NULL, 0},
};

void xs_options_usage(FILE *out)
{
    fputs(
"Usage: xsweep [options] TARGET...\n"
"Validates which IPv4 endpoints are reachable (stateless TCP SYN scan) and writes one record per\n"
"endpoint. TARGET is an address (198.19.0.7), a CIDR block (198.19.0.0/16) or a range\n"
"(198.19.0.1-198.19.0.99).\n"
"\n"
"Targets:\n"
"  -p, --ports LIST          ports: 80,443,8000-8100; the word 'supported' means the supported-ports\n"
"                            table (see xsweep(1)); default 80\n"
"  -iL, --input-file FILE    more targets, one per line, '#' comments\n"
"      --endpoints FILE      scan these ip:port endpoints as given (not a cross product); words after\n"
"                            an endpoint: bucket, path=/x, host=NAME\n"
"      --exclude LIST        never probe these addresses (same forms as TARGET, comma-separated)\n"
"      --exclude-file FILE   never probe the addresses in FILE; always excluded: 0.0.0.0/8,\n"
"                            224.0.0.0/3, 255.255.255.255\n"
"Sending:\n"
"      --rate PPS            probes per second (default 10000; 'max' = as fast as the link takes)\n"
"      --retries N           extra probes for endpoints that did not answer (default 1)\n"
"      --retry-delay SEC     least time between two probes of one IP:port (default 1, minimum 1)\n"
"      --wait SEC            how long to wait for late replies after the last probe (default 3)\n"
"      --seed N              seed of the probe order and of the SYN cookies (default random)\n"
"      --shard I/N           scan only shard I of N (1-based); shards are disjoint and complete\n"
"  -i, --interface IF        send and capture on IF (default: the route to the first target)\n"
"      --source-ip IP        source address of the probes (default: the interface's)\n"
"      --source-port P[-Q]   source port range of the probes (default 61000-62023)\n"
"      --router-mac MAC      next-hop MAC (default: from the neighbour table, or ARP)\n"
"      --batch N             frames handed to the kernel per system call (default 256)\n"
"      --sender KIND         auto, txring or sendmmsg (default auto)\n"
"Output:\n"
"  -o, --output FILE         write records to FILE (default standard output)\n"
"  -oJ, -oC, -oL, -oX        record format: JSON lines (default), CSV, list, or nmap XML\n"
"      --output-format FMT   the same as a word: json, csv, list, xml\n"
"      --show closed         also report endpoints that answered with a RST\n"
"      --all-statuses        with --endpoints: exactly one record per input endpoint (open, closed,\n"
"                            excluded, unsupported or failed)\n"
"      --dry-run             build every probe and print it as JSON instead of sending (no root)\n"
"      --progress            status line on standard error (default when it is a terminal)\n"
"      --no-progress         no status line\n"
"HTTP, fingerprints and severity:\n"
"      --no-http             SYN stage only: no GET, no fingerprints, no protocol probes\n"
"      --no-probes           no protocol probes (banner, version, auth) on open non-HTTP ports\n"
"      --http-ports LIST     ports that get the HTTP GET (default: the supported HTTP/S ports)\n"
"      --http-concurrency N  connections at once in the HTTP stage (default 500)\n"
"      --max-body BYTES      response body bytes read at most (default 65536)\n"
"      --connect-timeout SEC HTTP connect timeout (default 3)\n"
"      --http-timeout SEC    whole HTTP exchange timeout (default 10)\n"
"      --policy NAME|FILE    severity policy: permissive, moderate (default), strict, or a file\n"
"      --resource-type TYPE  'bucket': grade every endpoint as a directly exposed bucket\n"
"      --fingerprints PATH   Wappalyzer data (a directory or technologies.json) to load instead\n"
"                            of the installed copy\n"
"      --findings-rules FILE data and secret rules instead of the installed ones; secrets found\n"
"                            are reported by rule and fingerprint and redacted from the record\n"
"      --config-rules FILE   host configuration rules instead of the installed ones\n"
"      --no-config-checks    no host configuration checks\n"
"      --screenshots DIR     a headless-Chromium screenshot of every successful GET into DIR\n"
"                            (deleted again when the page text holds a secret)\n"
"Pause and resume:\n"
"      --checkpoint SEC      write the resume file every SEC seconds (default 10; 0 = only when\n"
"                            stopped by a signal); removed when the scan completes (marked\n"
"                            complete where the dropped user may not remove it)\n"
"      --resume-file FILE    where to write it (default OUTPUT.resume, or ./xsweep.resume)\n"
"      --resume FILE         continue a stopped scan with every option it had; results are\n"
"                            appended to its output, none lost and none twice\n"
"      --resume-position P   per-pass positions to continue from (written into resume files)\n"
"History:\n"
"      --db FILE             record the sweep in the SQLite history FILE (see xsweep diff)\n"
"      --keep N              then keep only the newest N finished sweeps' rows (0 = all)\n"
"      --db-sweep ID         the unfinished sweep a resumed scan continues (resume files)\n"
"  xsweep diff --db FILE [SWEEP_A SWEEP_B] [-oJ]   what changed between two sweeps\n"
"Privileges and status:\n"
"      --user NAME           after opening the capture and raw socket, run as NAME (default nobody\n"
"                            when started as root); capabilities are given up either way\n"
"      --no-drop             keep root\n"
"      --key-file FILE       the host key (0600) that keys finding fingerprints and the resume\n"
"                            file's MAC (default /var/lib/xsweep/host.key, created on first use)\n"
"      --stats-interval SEC  a machine-readable status line (key=value) on standard error every\n"
"                            SEC seconds, for logs\n"
"Configuration:\n"
"  -c, --config FILE         read options from FILE (\"key = value\", long option names, and\n"
"                            \"target = ...\" lines); the command line overrides it\n"
"      --echo                print the effective configuration in that format and exit\n"
"  -h, --help                this help\n"
"      --version             print the version\n"
"\n"
"Exit status: 0 scan complete, 1 runtime error, 2 bad usage or input, 130/143 stopped by\n"
"SIGINT/SIGTERM (every result found is still written). See xsweep(1).\n",
        out);
}

static int fail(char *err, size_t errlen, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
    return -1;
}

static int push(char ***v, size_t *n, const char *s)
{
    char **nv = realloc(*v, (*n + 1) * sizeof *nv);
    if (!nv)
        return -1;
    *v = nv;
    if (!(nv[*n] = strdup(s)))
        return -1;
    (*n)++;
    return 0;
}

static int set_str(char **dst, const char *s)
{
    free(*dst);
    *dst = strdup(s);
    return *dst ? 0 : -1;
}

static int parse_double(const char *s, double lo, double hi, double *out)
{
    char *end;
    errno = 0;
    if (strpbrk(s, "xX"))
        return -1;                              /* decimal only, as for the whole numbers */
    double v = strtod(s, &end);
    if (errno || end == s || *end || !isfinite(v) || v < lo || v > hi)
        return -1;
    *out = v;
    return 0;
}

static int parse_u64(const char *s, uint64_t hi, uint64_t *out)
{
    char *end;
    if (*s == '-' || *s == '+' || *s == '\0')
        return -1;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);   /* decimal: "010" is ten, "0x10" an error */
    if (errno || *end || v > hi)
        return -1;
    *out = v;
    return 0;
}

/* nmap-style two-letter options (-iL, -oJ …) become long options so getopt_long sees them. */
static const char *translate_nmap_style(const char *arg)
{
    static const struct { const char *from, *to; } map[] = {
        {"-iL", "--input-file"}, {"-oJ", "--output-format=json"},
        {"-oC", "--output-format=csv"}, {"-oL", "--output-format=list"},
        {"-oX", "--output-format=xml"},
    };
    for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
        if (strcmp(arg, map[i].from) == 0)
            return map[i].to;
    return arg;
}

static int parse_format(const char *s, xs_format *f)
{
    if (!strcmp(s, "json")) *f = XS_FMT_JSON;
    else if (!strcmp(s, "csv")) *f = XS_FMT_CSV;
    else if (!strcmp(s, "list")) *f = XS_FMT_LIST;
    else if (!strcmp(s, "xml")) *f = XS_FMT_XML;
    else return -1;
    return 0;
}

static void set_defaults(xs_options *o)
{
    memset(o, 0, sizeof *o);
    o->rate = 10000;
    o->retries = 1;
    o->wait_s = 3;
    o->retry_delay_s = 1;
    o->batch = 256;
    o->progress = -1;
    o->http_concurrency = 500;
    o->max_body = 65536;
    o->connect_timeout_s = 3;
    o->http_timeout_s = 10;
    o->checkpoint_s = 10;
}

static int parse_positions(xs_options *o, const char *arg)
{
    free(o->resume_pos);
    o->resume_pos = NULL;
    o->nresume_pos = 0;
    const char *p = arg;
    while (*p) {
        char *end;
        if (*p < '0' || *p > '9')
            return -1;
        errno = 0;
        unsigned long long v = strtoull(p, &end, 10);
        if (errno)
            return -1;
        uint64_t *nv = realloc(o->resume_pos, (o->nresume_pos + 1) * sizeof *nv);
        if (!nv)
            return -1;
        o->resume_pos = nv;
        nv[o->nresume_pos++] = v;
        if (*end == ',')
            end++;
        else if (*end)
            return -1;
        p = end;
    }
    return o->nresume_pos ? 0 : -1;
}

static int apply(xs_options *o, int c, const char *arg, char *err, size_t errlen)
{
    uint64_t u;
    switch (c) {
    case 'p':              return set_str(&o->ports, arg);
    case OPT_INPUT_FILE:   return push(&o->input_files, &o->ninput_files, arg);
    case OPT_ENDPOINTS:    return set_str(&o->endpoints_file, arg);
    case OPT_EXCLUDE:      return push(&o->excludes, &o->nexcludes, arg);
    case OPT_EXCLUDE_FILE: return push(&o->exclude_files, &o->nexclude_files, arg);
    case OPT_RATE:
        if (!strcmp(arg, "max")) { o->rate = 0; return 0; }
        if (parse_double(arg, 1, 1e9, &o->rate))
            return fail(err, errlen, "invalid --rate \"%s\": give packets per second (1 or more) or 'max'", arg);
        return 0;
    case OPT_RETRIES:
        if (parse_u64(arg, 63, &u))
            return fail(err, errlen, "invalid --retries \"%s\": give a whole number 0-63", arg);
        o->retries = (unsigned)u;
        return 0;
    case OPT_WAIT:
        if (parse_double(arg, 0, 3600, &o->wait_s))
            return fail(err, errlen, "invalid --wait \"%s\": give seconds, 0-3600", arg);
        return 0;
    case OPT_RETRY_DELAY:
        if (parse_double(arg, 1, 3600, &o->retry_delay_s))
            return fail(err, errlen, "invalid --retry-delay \"%s\": give seconds, 1-3600 (the throttle never goes below 1 s)", arg);
        return 0;
    case OPT_SEED:
        if (parse_u64(arg, UINT64_MAX, &o->seed))
            return fail(err, errlen, "invalid --seed \"%s\": give a whole number", arg);
        o->seed_given = true;
        return 0;
    case OPT_SHARD:        return set_str(&o->shard, arg);
    case 'i':              return set_str(&o->interface, arg);
    case OPT_SOURCE_IP:    return set_str(&o->source_ip, arg);
    case OPT_SOURCE_PORT:  return set_str(&o->source_port, arg);
    case OPT_ROUTER_MAC:   return set_str(&o->router_mac, arg);
    case OPT_BATCH:
        if (parse_u64(arg, 4096, &u) || u == 0)
            return fail(err, errlen, "invalid --batch \"%s\": give 1-4096", arg);
        o->batch = (unsigned)u;
        return 0;
    case OPT_SENDER:
        if (strcmp(arg, "auto") && strcmp(arg, "txring") && strcmp(arg, "sendmmsg"))
            return fail(err, errlen, "invalid --sender \"%s\": give auto, txring or sendmmsg", arg);
        return set_str(&o->sender, arg);
    case 'o':              return set_str(&o->output_file, arg);
    case OPT_FORMAT:
        if (parse_format(arg, &o->format))
            return fail(err, errlen, "invalid output format \"%s\": give json, csv, list or xml", arg);
        return 0;
    case OPT_SHOW:
        if (strcmp(arg, "closed"))
            return fail(err, errlen, "invalid --show \"%s\": the only value is 'closed'", arg);
        o->show_closed = true;
        return 0;
    case OPT_ALL_STATUSES: o->all_statuses = true; return 0;
    case OPT_DRY_RUN:      o->dry_run = true; return 0;
    case OPT_PROGRESS:     o->progress = 1; return 0;
    case OPT_NO_PROGRESS:  o->progress = 0; return 0;
    case OPT_NO_HTTP:      o->no_http = true; return 0;
    case OPT_NO_PROBES:    o->no_probes = true; return 0;
    case OPT_HTTP_PORTS:   return set_str(&o->http_ports, arg);
    case OPT_HTTP_CONCURRENCY:
        if (parse_u64(arg, 100000, &u) || u == 0)
            return fail(err, errlen, "invalid --http-concurrency \"%s\": give 1-100000", arg);
        o->http_concurrency = (unsigned)u;
        return 0;
    case OPT_MAX_BODY:
        if (parse_u64(arg, 64ULL << 20, &u))
            return fail(err, errlen, "invalid --max-body \"%s\": give bytes, 0-67108864", arg);
        o->max_body = (size_t)u;
        return 0;
    case OPT_CONNECT_TIMEOUT:
        if (parse_double(arg, 0.01, 600, &o->connect_timeout_s))
            return fail(err, errlen, "invalid --connect-timeout \"%s\": give seconds, 0.01-600", arg);
        return 0;
    case OPT_HTTP_TIMEOUT:
        if (parse_double(arg, 0.01, 3600, &o->http_timeout_s))
            return fail(err, errlen, "invalid --http-timeout \"%s\": give seconds, 0.01-3600", arg);
        return 0;
    case OPT_POLICY:       return set_str(&o->policy, arg);
    case OPT_RESOURCE_TYPE:
        if (strcmp(arg, "bucket") && strcmp(arg, "other"))
            return fail(err, errlen, "invalid --resource-type \"%s\": give bucket or other", arg);
        o->resource_bucket = !strcmp(arg, "bucket");
        return 0;
    case OPT_FINGERPRINTS: return set_str(&o->fingerprints, arg);
    case OPT_FINDINGS_RULES: return set_str(&o->findings_rules, arg);
    case OPT_CONFIG_RULES: return set_str(&o->config_rules, arg);
    case OPT_NO_CONFIG_CHECKS: o->no_config_checks = true; return 0;
    case OPT_SCREENSHOTS:  return set_str(&o->screenshots, arg);
    case OPT_CHECKPOINT:
        if (parse_double(arg, 0, 86400, &o->checkpoint_s))
            return fail(err, errlen, "invalid --checkpoint \"%s\": give seconds, 0-86400", arg);
        return 0;
    case OPT_RESUME_FILE:  return set_str(&o->resume_file, arg);
    case OPT_DB:           return set_str(&o->db, arg);
    case OPT_KEEP:
        if (parse_u64(arg, 100000, &u))
            return fail(err, errlen, "invalid --keep \"%s\": give a number of sweeps (0 = all)", arg);
        o->keep = (unsigned)u;
        return 0;
    case OPT_DB_SWEEP:
        if (parse_u64(arg, INT64_MAX, &u) || u == 0)
            return fail(err, errlen, "invalid --db-sweep \"%s\"", arg);
        o->db_sweep = (int64_t)u;
        return 0;
    case OPT_USER:         return set_str(&o->user, arg);
    case OPT_NO_DROP:      o->no_drop = true; return 0;
    case OPT_KEY_FILE:     return set_str(&o->key_file, arg);
    case OPT_STATS_INTERVAL:
        if (parse_double(arg, 0.1, 86400, &o->stats_interval_s))
            return fail(err, errlen, "invalid --stats-interval \"%s\": give seconds, 0.1-86400", arg);
        return 0;
    case OPT_RESUME:       /* the file itself was read as the config; checkpoints go back into it */
        o->resuming = true;
        return set_str(&o->resume_file, arg);
    case OPT_RESUME_POSITION:
        if (parse_positions(o, arg) < 0)
            return fail(err, errlen, "invalid --resume-position \"%s\": give positions like 1200,800", arg);
        return 0;
    }
    return fail(err, errlen, "internal: unhandled option %d", c);
}

/* -c FILE, wherever it stands on the command line (the file is read before anything else). */
static const char *find_config_arg(int argc, char **argv)
{
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--"))
            break;
        if ((!strcmp(argv[i], "-c") || !strcmp(argv[i], "--config") || !strcmp(argv[i], "--resume")) &&
            i + 1 < argc)
            return argv[i + 1];
        if (!strncmp(argv[i], "--config=", 9))
            return argv[i] + 9;
        if (!strncmp(argv[i], "--resume=", 9))
            return argv[i] + 9;
    }
    return NULL;
}

/* Config lines come first, so every option given on the command line overrides the file; list
 * options (exclude, input-file …) add up; targets on the command line replace the file's. */
int xs_options_parse(xs_options *o, int argc, char **argv, char *err, size_t errlen)
{
    set_defaults(o);
    if (errlen)
        err[0] = '\0';
    char **cfg = NULL, **cfg_targets = NULL;
    size_t ncfg = 0, ncfg_targets = 0;
    const char *config = find_config_arg(argc, argv);
    int rc = 0;
    if (config && xs_config_load(config, &cfg, &ncfg, &cfg_targets, &ncfg_targets, err, errlen) < 0)
        rc = -1;

    int nargs = argc + (int)ncfg;
    char **args = calloc((size_t)nargs + 1, sizeof *args);
    if (!args && rc == 0)
        rc = fail(err, errlen, "out of memory");
    if (rc == 0) {
        args[0] = argv[0];
        for (size_t i = 0; i < ncfg; i++)
            args[1 + i] = cfg[i];
        for (int i = 1; i < argc; i++)
            args[(int)ncfg + i] = (char *)translate_nmap_style(argv[i]);
    }

    int c;
    optind = 1;
    opterr = 0;
    while (rc == 0 && (c = getopt_long(nargs, args, ":p:i:o:c:h", xs_long_options, NULL)) != -1) {
        if (c == 'h') {
            xs_options_usage(stdout);
            rc = 1;
        } else if (c == OPT_VERSION) {
            printf("xsweep %s\n", XSWEEP_VERSION);
            rc = 1;
        } else if (c == 'c') {
            rc = set_str(&o->config_file, optarg);
        } else if (c == OPT_ECHO) {
            o->echo = true;
        } else if (c == '?') {
            rc = fail(err, errlen, "unknown option \"%s\" (see xsweep --help)", args[optind - 1]);
        } else if (c == ':') {
            rc = fail(err, errlen, "option \"%s\" needs a value", args[optind - 1]);
        } else if (apply(o, c, optarg, err, errlen) < 0) {
            if (!err[0])
                fail(err, errlen, "out of memory");
            rc = -1;
        }
    }
    for (int i = optind; rc == 0 && i < nargs; i++)
        if (push(&o->targets, &o->ntargets, args[i]))
            rc = fail(err, errlen, "out of memory");
    for (size_t i = 0; rc == 0 && o->ntargets == 0 && i < ncfg_targets; i++)
        if (push(&o->targets, &o->ntargets, cfg_targets[i]))
            rc = fail(err, errlen, "out of memory");
    free(args);
    if (rc == 0 && o->keep && !o->db)
        rc = fail(err, errlen, "--keep prunes the history database: it needs --db");
    if (rc == 0) {
        size_t len = 1;
        for (int i = 0; i < argc; i++)
            len += strlen(argv[i]) + 1;
        if ((o->args_text = malloc(len))) {
            o->args_text[0] = '\0';
            for (int i = 0; i < argc; i++) {
                if (i)
                    strcat(o->args_text, " ");
                strcat(o->args_text, argv[i]);
            }
        }
    }
    for (size_t i = 0; i < ncfg; i++)
        free(cfg[i]);
    for (size_t i = 0; i < ncfg_targets; i++)
        free(cfg_targets[i]);
    free(cfg);
    free(cfg_targets);
    return rc;
}

static void free_list(char **v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(v[i]);
    free(v);
}

void xs_options_free(xs_options *o)
{
    free_list(o->targets, o->ntargets);
    free_list(o->input_files, o->ninput_files);
    free_list(o->excludes, o->nexcludes);
    free_list(o->exclude_files, o->nexclude_files);
    free(o->endpoints_file);
    free(o->ports);
    free(o->shard);
    free(o->interface);
    free(o->source_ip);
    free(o->source_port);
    free(o->router_mac);
    free(o->sender);
    free(o->output_file);
    free(o->config_file);
    free(o->db);
    free(o->args_text);
    free(o->user);
    free(o->key_file);
    free(o->resume_file);
    free(o->resume_pos);
    free(o->http_ports);
    free(o->policy);
    free(o->fingerprints);
    free(o->findings_rules);
    free(o->config_rules);
    free(o->screenshots);
    memset(o, 0, sizeof *o);
}
