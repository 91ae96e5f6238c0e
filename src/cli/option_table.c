/* THE option table: one row per option. getopt_long's table, --help, --echo, the config-file keys
 * and the defaults are all generated from it (src/cli/options.c, src/cli/config_file.c). To add an
 * option: add a field to xs_options, a row here, and the code that uses the value. */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "xsweep/options.h"

#define F(field) .offset = offsetof(xs_options, field)
#define L(field, count)                                                                            \
    .offset = offsetof(xs_options, field), .count_off = offsetof(xs_options, count)

static int fail(char *err, size_t errlen, const char *fmt, const char *arg)
{
    snprintf(err, errlen, fmt, arg);
    return -1;
}

static int replace(char **dst, const char *s)
{
    free(*dst);
    *dst = strdup(s);
    return *dst ? 0 : -1;
}

/* --- the options whose value is more than a number or a string --- */

static int parse_rate(xs_options *o, const char *arg, char *err, size_t errlen)
{
    char *end;
    double v = strtod(arg, &end);
    if (!strcmp(arg, "max")) {
        o->rate = 0;
        return 0;
    }
    if (end == arg || *end || strpbrk(arg, "xX") || !(v >= 1 && v <= 1e9))
        return fail(err, errlen,
                    "invalid --rate \"%s\": give packets per second (1 or more) or 'max'", arg);
    o->rate = v;
    return 0;
}

static void echo_rate(FILE *out, const xs_optdef *d, const xs_options *o)
{
    if (o->rate <= 0)
        fprintf(out, "%s = max\n", d->config_key);
    else
        fprintf(out, "%s = %.17g\n", d->config_key, o->rate);
}

static int parse_seed(xs_options *o, const char *arg, char *err, size_t errlen)
{
    if (xs_parse_u64(arg, UINT64_MAX, &o->seed))
        return fail(err, errlen, "invalid --seed \"%s\": give a whole number", arg);
    o->seed_given = true;
    return 0;
}

static void echo_seed(FILE *out, const xs_optdef *d, const xs_options *o)
{
    if (o->seed_given)
        fprintf(out, "%s = %llu\n", d->config_key, (unsigned long long)o->seed);
}

static int parse_sender(xs_options *o, const char *arg, char *err, size_t errlen)
{
    if (strcmp(arg, "auto") && strcmp(arg, "xdp") && strcmp(arg, "txring") &&
        strcmp(arg, "sendmmsg"))
        return fail(err, errlen, "invalid --sender \"%s\": give auto, xdp, txring or sendmmsg",
                    arg);
    return replace(&o->sender, arg);
}

/* 0 stands for the default (one per core less one): --echo writes only a given count, so a
 * config file or resume file moved to another machine keeps it or its own default. */
static int parse_tx_threads(xs_options *o, const char *arg, char *err, size_t errlen)
{
    uint64_t v;
    if (xs_parse_u64(arg, XS_MAX_TX_THREADS, &v) || v == 0)
        return fail(err, errlen, "invalid --tx-threads \"%s\": give 1-64", arg);
    o->tx_threads = (unsigned)v;
    return 0;
}

static void echo_tx_threads(FILE *out, const xs_optdef *d, const xs_options *o)
{
    if (o->tx_threads)
        fprintf(out, "%s = %u\n", d->config_key, o->tx_threads);
}

static const char *format_names[] = {"json", "csv", "list", "xml", "grepable"};

static int parse_format(xs_options *o, const char *arg, char *err, size_t errlen)
{
    for (size_t i = 0; i < sizeof format_names / sizeof format_names[0]; i++)
        if (!strcmp(arg, format_names[i])) {
            o->format = (xs_format)i;
            return 0;
        }
    return fail(err, errlen, "invalid output format \"%s\": give json, csv, list, xml or grepable",
                arg);
}

static void echo_format(FILE *out, const xs_optdef *d, const xs_options *o)
{
    fprintf(out, "%s = %s\n", d->config_key, format_names[o->format]);
}

static int parse_show(xs_options *o, const char *arg, char *err, size_t errlen)
{
    if (strcmp(arg, "closed"))
        return fail(err, errlen, "invalid --show \"%s\": the only value is 'closed'", arg);
    o->show_closed = true;
    return 0;
}

static void echo_show(FILE *out, const xs_optdef *d, const xs_options *o)
{
    if (o->show_closed)
        fprintf(out, "%s = closed\n", d->config_key);
}

/* arg is the default ("auto") when the defaults are set, NULL when --progress is given. */
static int parse_progress(xs_options *o, const char *arg, char *err, size_t errlen)
{
    o->progress = arg && !strcmp(arg, "auto") ? -1 : 1;
    return 0;
}

static int parse_no_progress(xs_options *o, const char *arg, char *err, size_t errlen)
{
    o->progress = 0;
    return 0;
}

static void echo_progress(FILE *out, const xs_optdef *d, const xs_options *o)
{
    if (o->progress >= 0)
        fprintf(out, "%s = true\n", o->progress ? "progress" : "no-progress");
}

static int parse_resource_type(xs_options *o, const char *arg, char *err, size_t errlen)
{
    if (strcmp(arg, "bucket") && strcmp(arg, "other"))
        return fail(err, errlen, "invalid --resource-type \"%s\": give bucket or other", arg);
    o->resource_bucket = !strcmp(arg, "bucket");
    return 0;
}

static void echo_resource_type(FILE *out, const xs_optdef *d, const xs_options *o)
{
    fprintf(out, "%s = %s\n", d->config_key, o->resource_bucket ? "bucket" : "other");
}

/* --resume FILE: the file itself was read as the config; checkpoints go back into it. */
static int parse_checks_canary(xs_options *o, const char *arg, char *err, size_t errlen)
{
    if (strncmp(arg, "http://", 7) || !arg[7])
        return fail(err, errlen, "invalid --checks-canary \"%s\": give an http:// URL", arg);
    return replace(&o->checks_canary, arg);
}

static int parse_resume(xs_options *o, const char *arg, char *err, size_t errlen)
{
    o->resuming = true;
    return replace(&o->resume_file, arg);
}

static int parse_positions(xs_options *o, const char *arg, char *err, size_t errlen)
{
    free(o->resume_pos);
    o->resume_pos = NULL;
    o->nresume_pos = 0;
    for (const char *p = arg; *p;) {
        const char *comma = strchr(p, ',');
        size_t len = comma ? (size_t)(comma - p) : strlen(p);
        char num[24];
        uint64_t v;
        uint64_t *nv;
        if (len == 0 || len >= sizeof num)
            goto bad;
        memcpy(num, p, len);
        num[len] = '\0';
        if (xs_parse_u64(num, UINT64_MAX, &v) < 0)
            goto bad;
        if (!(nv = realloc(o->resume_pos, (o->nresume_pos + 1) * sizeof *nv)))
            return -1;
        o->resume_pos = nv;
        nv[o->nresume_pos++] = v;
        p += len + (comma ? 1 : 0);
    }
    if (o->nresume_pos)
        return 0;
bad:
    return fail(err, errlen, "invalid --resume-position \"%s\": give positions like 1200,800", arg);
}

static int print_help(xs_options *o, const char *arg, char *err, size_t errlen)
{
    xs_options_usage(stdout);
    return 1;
}

static int print_version(xs_options *o, const char *arg, char *err, size_t errlen)
{
    printf("xsweep %s\n", XSWEEP_VERSION);
    return 1;
}

/* nmap's --open: report only open ports, which is xsweep's default; it undoes --show closed. */
static int parse_open(xs_options *o, const char *arg, char *err, size_t errlen)
{
    o->show_closed = false;
    return 0;
}

static int refuse_top_ports(xs_options *o, const char *arg, char *err, size_t errlen)
{
    return fail(err, errlen,
                "--top-ports is not supported (xsweep has no port-frequency list): "
                "give -p LIST, or -p supported for the supported-ports table%s",
                "");
}

/* One option a row, as `--help` reads: kept out of clang-format's one-field-a-line layout. */
/* clang-format off */
const xs_optdef xs_optdefs[] = {
    /* targets */
    {.name = "ports", .short_name = "p", .kind = XS_ARG_STRING, F(ports), .def = "80", .metavar = "LIST",
     .section = "Targets", .config_key = "ports",
     .help = "ports: 80,443,8000-8100; the word 'supported' means the supported-ports\n"
             "table of xsweep(1)"},
    {.name = "input-file", .short_name = "iL", .kind = XS_ARG_LIST, L(input_files, ninput_files),
     .metavar = "FILE", .config_key = "input-file", .help = "more targets, one per line, '#' comments"},
    {.name = "endpoints", .kind = XS_ARG_STRING, F(endpoints_file), .metavar = "FILE", .config_key = "endpoints",
     .help = "scan these ip:port endpoints as given (not a cross product); words after\n"
             "an endpoint: bucket, path=/x, host=NAME"},
    {.name = "exclude", .kind = XS_ARG_LIST, L(excludes, nexcludes), .metavar = "LIST", .config_key = "exclude",
     .help = "never probe these addresses (same forms as TARGET, comma-separated)"},
    {.name = "exclude-file", .kind = XS_ARG_LIST, L(exclude_files, nexclude_files), .metavar = "FILE",
     .config_key = "exclude-file",
     .help = "never probe the addresses in FILE; always excluded: 0.0.0.0/8,\n"
             "224.0.0.0/3, 255.255.255.255, ::, ff00::/8 (and fe80::/10 unless -i)"},
    /* sending */
    {.name = "rate", .kind = XS_ARG_CUSTOM, .parse = parse_rate, .echo = echo_rate, .def = "10000",
     .metavar = "PPS", .section = "Sending", .config_key = "rate",
     .help = "probes per second ('max' = as fast as the link takes)"},
    {.name = "retries", .kind = XS_ARG_UINT, F(retries), .def = "1", .max = 63, .metavar = "N",
     .config_key = "retries", .hint = "give a whole number 0-63",
     .help = "extra probes for endpoints that did not answer"},
    {.name = "retry-delay", .kind = XS_ARG_DOUBLE, F(retry_delay_s), .def = "1", .lo = 1, .hi = 3600,
     .metavar = "SEC", .config_key = "retry-delay",
     .hint = "give seconds, 1-3600 (the throttle never goes below 1 s)",
     .help = "least time between two probes of one IP:port (minimum 1)"},
    {.name = "wait", .kind = XS_ARG_DOUBLE, F(wait_s), .def = "3", .lo = 0, .hi = 3600, .metavar = "SEC",
     .config_key = "wait", .hint = "give seconds, 0-3600",
     .help = "how long to wait for late replies after the last probe"},
    {.name = "seed", .kind = XS_ARG_CUSTOM, .parse = parse_seed, .echo = echo_seed, .metavar = "N",
     .config_key = "seed", .help = "seed of the probe order and of the SYN cookies (default random)"},
    {.name = "shard", .kind = XS_ARG_STRING, F(shard), .metavar = "I/N", .config_key = "shard",
     .help = "scan only shard I of N (1-based); shards are disjoint and complete"},
    {.name = "interface", .short_name = "i", .kind = XS_ARG_STRING, F(interface), .metavar = "IF",
     .config_key = "interface", .help = "send and capture on IF (default: the route to the first target)"},
    {.name = "source-ip", .kind = XS_ARG_STRING, F(source_ip), .metavar = "IP[,IP6]", .config_key = "source-ip",
     .help = "source address of the probes, IPv4, IPv6 or one of each (default: the route's, or the interface's)"},
    {.name = "source-port", .kind = XS_ARG_STRING, F(source_port), .metavar = "P[-Q]", .config_key = "source-port",
     .help = "source port range of the probes (default 61000-62023)"},
    {.name = "router-mac", .kind = XS_ARG_STRING, F(router_mac), .metavar = "MAC", .config_key = "router-mac",
     .help = "next-hop MAC (default: from the neighbour table, or ARP / IPv6 neighbour discovery)"},
    {.name = "batch", .kind = XS_ARG_UINT, F(batch), .def = "256", .min = 1, .max = 4096, .metavar = "N",
     .config_key = "batch", .hint = "give 1-4096", .help = "frames handed to the kernel per system call"},
    {.name = "sender", .kind = XS_ARG_STRING, .parse = parse_sender, F(sender), .def = "auto",
     .metavar = "KIND", .config_key = "sender", .help = "auto, xdp, txring or sendmmsg"},
    {.name = "tx-threads", .kind = XS_ARG_CUSTOM, .parse = parse_tx_threads, .echo = echo_tx_threads,
     .metavar = "N", .config_key = "tx-threads",
     .help = "transmitter threads (default: one per core less one, at least 1)"},
    /* output */
    {.name = "output", .short_name = "o", .kind = XS_ARG_STRING, F(output_file), .metavar = "FILE",
     .section = "Output", .config_key = "output", .help = "write records to FILE (default standard output)"},
    {.name = "output-format", .kind = XS_ARG_CUSTOM, .parse = parse_format, .echo = echo_format, .def = "json",
     .metavar = "FMT", .config_key = "output-format",
     .help = "record format: json (JSON lines), csv, list, xml (nmap XML) or grepable\n"
             "(nmap -oG); -oJ, -oC, -oL, -oX, -oG FILE set both"},
    {.name = "output-all", .short_name = "oA", .kind = XS_ARG_STRING, F(output_all), .metavar = "BASE",
     .config_key = "output-all",
     .help = "write every format: BASE.json, BASE.csv, BASE.list, BASE.xml, BASE.gnmap"},
    {.name = "show", .kind = XS_ARG_CUSTOM, .parse = parse_show, .echo = echo_show, .metavar = "closed",
     .config_key = "show", .help = "also report endpoints that answered with a RST"},
    {.name = "all-statuses", .kind = XS_ARG_FLAG, F(all_statuses), .config_key = "all-statuses",
     .help = "with --endpoints: exactly one record per input endpoint (open, closed,\n"
             "excluded, unsupported or failed)"},
    {.name = "dry-run", .kind = XS_ARG_FLAG, F(dry_run), .config_key = "dry-run",
     .help = "build every probe and print it as JSON instead of sending (no root)"},
    {.name = "progress", .kind = XS_ARG_CUSTOM_FLAG, .parse = parse_progress, .echo = echo_progress,
     .def = "auto", .config_key = "progress",
     .help = "status line on standard error (default when it is a terminal)"},
    {.name = "no-progress", .kind = XS_ARG_CUSTOM_FLAG, .parse = parse_no_progress, .flags = XS_OPT_NO_ECHO,
     .config_key = "no-progress", .help = "no status line"},
    /* HTTP / fingerprint / severity stage */
    {.name = "no-http", .kind = XS_ARG_FLAG, F(no_http), .section = "HTTP, fingerprints and severity",
     .config_key = "no-http", .help = "SYN stage only: no GET, no fingerprints, no protocol probes"},
    {.name = "no-probes", .kind = XS_ARG_FLAG, F(no_probes), .config_key = "no-probes",
     .help = "no protocol probes (banner, version, auth) on open non-HTTP ports"},
    {.name = "http-ports", .kind = XS_ARG_STRING, F(http_ports), .metavar = "LIST", .config_key = "http-ports",
     .help = "ports that get the HTTP GET (default: the supported HTTP/S ports)"},
    {.name = "http-concurrency", .kind = XS_ARG_UINT, F(http_concurrency), .def = "500", .min = 1,
     .max = 100000, .metavar = "N", .config_key = "http-concurrency", .hint = "give 1-100000",
     .help = "connections at once in the HTTP stage"},
    {.name = "max-body", .kind = XS_ARG_SIZE, F(max_body), .def = "65536", .max = 64ULL << 20,
     .metavar = "BYTES", .config_key = "max-body", .hint = "give bytes, 0-67108864",
     .help = "response body bytes read at most"},
    {.name = "connect-timeout", .kind = XS_ARG_DOUBLE, F(connect_timeout_s), .def = "3", .lo = 0.01,
     .hi = 600, .metavar = "SEC", .config_key = "connect-timeout", .hint = "give seconds, 0.01-600",
     .help = "HTTP connect timeout"},
    {.name = "http-timeout", .kind = XS_ARG_DOUBLE, F(http_timeout_s), .def = "10", .lo = 0.01, .hi = 3600,
     .metavar = "SEC", .config_key = "http-timeout", .hint = "give seconds, 0.01-3600",
     .help = "whole HTTP exchange timeout"},
    {.name = "policy", .kind = XS_ARG_STRING, F(policy), .def = "moderate", .metavar = "NAME|FILE",
     .config_key = "policy", .help = "severity policy: permissive, moderate, strict, or a file"},
    {.name = "resource-type", .kind = XS_ARG_CUSTOM, .parse = parse_resource_type, .echo = echo_resource_type,
     .metavar = "TYPE", .config_key = "resource-type",
     .help = "'bucket': grade every endpoint as a directly exposed bucket"},
    {.name = "fingerprints", .kind = XS_ARG_STRING, F(fingerprints), .metavar = "PATH",
     .config_key = "fingerprints",
     .help = "Wappalyzer data (a directory or technologies.json) to load instead\n"
             "of the installed copy"},
    {.name = "findings-rules", .kind = XS_ARG_STRING, F(findings_rules), .metavar = "FILE",
     .config_key = "findings-rules",
     .help = "data and secret rules instead of the installed ones; secrets found\n"
             "are reported by rule and fingerprint and redacted from the record"},
    {.name = "config-rules", .kind = XS_ARG_STRING, F(config_rules), .metavar = "FILE",
     .config_key = "config-rules", .help = "host configuration rules instead of the installed ones"},
    {.name = "service-rules", .kind = XS_ARG_STRING, F(service_rules), .metavar = "FILE",
     .config_key = "service-rules",
     .help = "host configuration rules for non-HTTP services instead of the\n"
             "installed ones (rules over what the protocol probes learned)"},
    {.name = "no-config-checks", .kind = XS_ARG_FLAG, F(no_config_checks), .config_key = "no-config-checks",
     .help = "no host configuration checks"},
    {.name = "list-probes", .kind = XS_ARG_FLAG, F(list_probes), .flags = XS_OPT_NO_ECHO,
     .help = "print the probe modules and the service table, and exit"},
    {.name = "list-checks", .kind = XS_ARG_FLAG, F(list_checks), .flags = XS_OPT_NO_ECHO,
     .help = "print every shipped check (HTTP and non-HTTP rules, active checks),\n"
             "and exit"},
    {.name = "screenshots", .kind = XS_ARG_STRING, F(screenshots), .metavar = "DIR", .config_key = "screenshots",
     .help = "a headless-Chromium screenshot of every successful GET into DIR\n"
             "(deleted again when the page text holds a secret)"},
    {.name = "screenshot-timeout", .kind = XS_ARG_DOUBLE, F(screenshot_timeout_s), .def = "15", .lo = 1,
     .hi = 600, .metavar = "SEC", .config_key = "screenshot-timeout", .hint = "give seconds, 1-600",
     .help = "how long one screenshot may take, Chromium's start to its exit"},
    {.name = "checks", .kind = XS_ARG_STRING, F(checks), .metavar = "LIST", .config_key = "checks",
     .help = "active checks on every HTTP endpoint (default none): safe (read-only\n"
             "set and the TLS audit, also of TLS and STARTTLS services), all (adds\n"
             "payload tests), check ids, or template files/directories (nuclei\n"
             "subset, see xsweep(1))"},
    {.name = "checks-max-requests", .kind = XS_ARG_UINT, F(checks_max_requests), .def = "60", .min = 1,
     .max = 100000, .metavar = "N", .config_key = "checks-max-requests", .hint = "give 1-100000",
     .help = "connections the checks open per endpoint at most"},
    {.name = "checks-canary", .kind = XS_ARG_STRING, F(checks_canary), .parse = parse_checks_canary,
     .metavar = "URL", .config_key = "checks-canary",
     .help = "SSRF tests: a URL of yours whose page holds 'xsweep-canary'"},
    /* pause and resume */
    {.name = "checkpoint", .kind = XS_ARG_DOUBLE, F(checkpoint_s), .def = "10", .lo = 0, .hi = 86400,
     .metavar = "SEC", .section = "Pause and resume", .config_key = "checkpoint",
     .hint = "give seconds, 0-86400",
     .help = "write the resume file every SEC seconds (0 = only when stopped by a\n"
             "signal); it is removed when the scan completes"},
    {.name = "resume-file", .kind = XS_ARG_STRING, F(resume_file), .metavar = "FILE", .config_key = "resume-file",
     .help = "where to write it (default OUTPUT.resume, or ./xsweep.resume)"},
    {.name = "resume", .kind = XS_ARG_CUSTOM, .parse = parse_resume, .metavar = "FILE",
     .help = "continue a stopped scan with every option it had; results are\n"
             "appended to its output, none lost and none twice"},
    {.name = "resume-position", .kind = XS_ARG_CUSTOM, .parse = parse_positions, .metavar = "P",
     .config_key = "resume-position", .flags = XS_OPT_INTERNAL | XS_OPT_NO_ECHO,
     .help = "per-pass positions to continue from (written into resume files)"},
    /* history */
    {.name = "db", .kind = XS_ARG_STRING, F(db), .metavar = "FILE", .section = "History", .config_key = "db",
     .help = "record the sweep in the SQLite history FILE (see xsweep diff),\n"
             "or in PostgreSQL: a postgresql:// URI or libpq key=value string"},
    {.name = "keep", .kind = XS_ARG_UINT, F(keep), .max = 100000, .metavar = "N", .config_key = "keep",
     .flags = XS_OPT_ECHO_SET, .hint = "give a number of sweeps (0 = all)",
     .help = "then keep only the newest N finished sweeps' rows (0 = all)"},
    {.name = "db-sweep", .kind = XS_ARG_I64, F(db_sweep), .min = 1, .max = INT64_MAX, .metavar = "ID",
     .config_key = "db-sweep", .flags = XS_OPT_INTERNAL | XS_OPT_ECHO_SET,
     .help = "the unfinished sweep a resumed scan continues (resume files)"},
    {.name = "sweep-key", .kind = XS_ARG_STRING, F(sweep_key), .metavar = "KEY", .config_key = "sweep-key",
     .help = "PostgreSQL: the shared sweep the shards write (default with\n"
             "--shard: ISO week + hash of the configuration)"},
    /* privileges and status */
    {.name = "user", .kind = XS_ARG_STRING, F(user), .metavar = "NAME", .section = "Privileges and status",
     .config_key = "user",
     .help = "after opening the capture and raw socket, run as NAME (default nobody\n"
             "when started as root); capabilities are given up either way"},
    {.name = "no-drop", .kind = XS_ARG_FLAG, F(no_drop), .config_key = "no-drop", .help = "keep root"},
    {.name = "key-file", .kind = XS_ARG_STRING, F(key_file), .metavar = "FILE", .config_key = "key-file",
     .help = "the host key (0600) that keys finding fingerprints and the resume\n"
             "file's MAC (default /var/lib/xsweep/host.key, created on first use)"},
    {.name = "stats-interval", .kind = XS_ARG_DOUBLE, F(stats_interval_s), .lo = 0.1, .hi = 86400,
     .metavar = "SEC", .config_key = "stats-interval", .flags = XS_OPT_ECHO_SET,
     .hint = "give seconds, 0.1-86400",
     .help = "a machine-readable status line (key=value) on standard error every\n"
             "SEC seconds, for logs"},
    {.name = "verbose", .short_name = "v", .kind = XS_ARG_COUNT, F(verbose), .config_key = "verbose",
     .flags = XS_OPT_NO_ECHO,
     .help = "diagnostics on standard error: -v what was chosen (interface, next\n"
             "hop, plan), -vv also the effective configuration"},
    /* configuration */
    {.name = "config", .short_name = "c", .kind = XS_ARG_STRING, F(config_file), .metavar = "FILE",
     .section = "Configuration",
     .help = "read options from FILE (\"key = value\", long option names, and\n"
             "\"target = ...\" lines); the command line overrides it"},
    {.name = "echo", .kind = XS_ARG_FLAG, F(echo), .help = "print the effective configuration in that format and exit"},
    {.name = "help", .short_name = "h", .kind = XS_ARG_CUSTOM_FLAG, .parse = print_help, .help = "this help"},
    {.name = "version", .kind = XS_ARG_CUSTOM_FLAG, .parse = print_version, .help = "print the version"},
    /* the spellings of masscan and nmap that operators type */
    {.name = "excludefile", .kind = XS_ARG_LIST, L(exclude_files, nexclude_files), .metavar = "FILE",
     .section = "Other scanners' spellings", .config_key = "excludefile", .flags = XS_OPT_NO_ECHO,
     .help = "masscan's name for --exclude-file"},
    {.name = "open", .kind = XS_ARG_CUSTOM_FLAG, .parse = parse_open, .config_key = "open",
     .flags = XS_OPT_NO_ECHO, .help = "nmap/masscan: report open ports only (the default; undoes --show closed)"},
    {.name = "top-ports", .kind = XS_ARG_CUSTOM, .parse = refuse_top_ports, .metavar = "N",
     .flags = XS_OPT_NO_ECHO, .help = "refused: use -p LIST, or -p supported"},
};
/* clang-format on */

const size_t xs_noptdefs = sizeof xs_optdefs / sizeof xs_optdefs[0];
