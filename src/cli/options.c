/* Command-line parsing: masscan/nmap conventions (-p, -iL, -oJ/-oC/-oL, --rate, --exclude …). */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "xsweep/options.h"

/* getopt_long returns OPT_BASE + the row index for long options. */
enum { OPT_BASE = 1000 };

/* Where a row's value lives in the options. */
#define FIELD(o, d, type) ((type *)(void *)((char *)(o) + (d)->offset))

const xs_optdef *xs_optdef_by_name(const char *name)
{
    for (size_t i = 0; i < xs_noptdefs; i++)
        if (!strcmp(xs_optdefs[i].name, name))
            return &xs_optdefs[i];
    return NULL;
}

const xs_optdef *xs_optdef_by_key(const char *key)
{
    for (size_t i = 0; i < xs_noptdefs; i++)
        if (xs_optdefs[i].config_key && !strcmp(xs_optdefs[i].config_key, key))
            return &xs_optdefs[i];
    return NULL;
}

bool xs_optdef_takes_value(const xs_optdef *d)
{
    return d->kind != XS_ARG_FLAG && d->kind != XS_ARG_COUNT && d->kind != XS_ARG_CUSTOM_FLAG;
}

/* "  -p, --ports LIST" then the help text from column 28; '\n' in it continues there. */
static void usage_row(FILE *out, const xs_optdef *d)
{
    char left[64];
    int n = snprintf(left, sizeof left, "  %s%s%s--%s%s%s", d->short_name ? "-" : "    ",
                     d->short_name ? d->short_name : "", d->short_name ? ", " : "", d->name,
                     d->metavar ? " " : "", d->metavar ? d->metavar : "");
    if (d->short_name && strlen(d->short_name) > 1)
        n = snprintf(left, sizeof left, "  -%s, --%s%s%s", d->short_name, d->name,
                     d->metavar ? " " : "", d->metavar ? d->metavar : "");
    fprintf(out, "%-*s", n < 27 ? 28 : n + 1, left);
    for (const char *p = d->help; *p; p++) {
        fputc(*p, out);
        if (*p == '\n')
            fprintf(out, "%28s", "");
    }
    if (d->def && xs_optdef_takes_value(d))
        fprintf(out, " (default %s)", d->def);
    fputc('\n', out);
}

void xs_options_usage(FILE *out)
{
    fputs("Usage: xsweep [options] TARGET...\n"
          "Validates which IPv4 and IPv6 endpoints are reachable (stateless TCP SYN scan) and "
          "writes one\n"
          "record per endpoint. TARGET is an address (198.19.0.7, 2001:2::7), a CIDR block\n"
          "(198.19.0.0/16, 2001:2::/112) or a range (198.19.0.1-198.19.0.99, "
          "2001:2::1-2001:2::ff).\n\n",
          out);
    for (size_t i = 0; i < xs_noptdefs; i++) {
        const xs_optdef *d = &xs_optdefs[i];
        if (d->section)
            fprintf(out, "%s:\n", d->section);
        if (!(d->flags & XS_OPT_INTERNAL))
            usage_row(out, d);
    }
    fputs(
        "Comparing sweeps:\n"
        "  xsweep diff --db FILE [SWEEP_A SWEEP_B] [-oJ]   what changed between two sweeps\n"
        "Agent:\n"
        "  xsweep agent -c AGENT.conf   take scan jobs from a platform over HTTPS, send findings "
        "only\n"
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
    if (strpbrk(s, "xX"))
        return -1; /* decimal only, as for the whole numbers */
    errno = 0;
    double v = strtod(s, &end);
    if (errno || end == s || *end || !isfinite(v) || v < lo || v > hi)
        return -1;
    *out = v;
    return 0;
}

/* Decimal only: an operator's "--seed 010" is ten, as in masscan and zmap, never octal eight. */
int xs_parse_u64(const char *s, uint64_t max, uint64_t *out)
{
    if (*s < '0' || *s > '9')
        return -1;
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno || *end || v > max)
        return -1;
    *out = v;
    return 0;
}

/* nmap-style two-letter options (-iL, -oJ …) become long options so getopt_long sees them.
 * -oX FILE (and -oJ/-oC/-oL/-oG) takes a file name, as in nmap and masscan: *takes_file is set
 * when next is one (not an option, and not a target: a scan writes to a file whose name is an
 * address or range only through -o). */
static bool looks_like_target(const char *s)
{
    if (!*s || !strchr("0123456789", *s))
        return false;
    return s[strspn(s, "0123456789./-,")] == '\0';
}

static const char *translate_nmap_style(const char *arg, const char *next, bool *takes_file)
{
    static const struct {
        const char *from, *to;
    } map[] = {
        {"-oJ", "--output-format=json"},     {"-oC", "--output-format=csv"},
        {"-oL", "--output-format=list"},     {"-oX", "--output-format=xml"},
        {"-oG", "--output-format=grepable"},
    };
    *takes_file = false;
    for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
        if (strcmp(arg, map[i].from) == 0) {
            *takes_file =
                next && (!strcmp(next, "-") || (next[0] != '-' && !looks_like_target(next)));
            return map[i].to;
        }
    static char longnames[128][48]; /* "--input-file" for row i, written once */
    for (size_t i = 0; i < xs_noptdefs && i < 128;
         i++) { /* the table's two-letter short names (-iL) */
        const char *sn = xs_optdefs[i].short_name;
        if (sn && sn[1] && arg[0] == '-' && !strcmp(arg + 1, sn)) {
            snprintf(longnames[i], sizeof longnames[i], "--%s", xs_optdefs[i].name);
            return longnames[i];
        }
    }
    return arg;
}

/* One value for one row: the row's own parser, or the one of its kind. */
static int apply(xs_options *o, const xs_optdef *d, const char *arg, char *err, size_t errlen)
{
    if (d->parse)
        return d->parse(o, arg, err, errlen);
    uint64_t u;
    int bad = 0;
    switch (d->kind) {
    case XS_ARG_FLAG:
        *FIELD(o, d, bool) = true;
        return 0;
    case XS_ARG_COUNT:
        (*FIELD(o, d, unsigned))++;
        return 0;
    case XS_ARG_STRING:
        return set_str(FIELD(o, d, char *), arg);
    case XS_ARG_LIST:
        return push(FIELD(o, d, char **), (size_t *)(void *)((char *)o + d->count_off), arg);
    case XS_ARG_DOUBLE:
        if (!(bad = parse_double(arg, d->lo, d->hi, FIELD(o, d, double))))
            return 0;
        break;
    case XS_ARG_UINT:
    case XS_ARG_SIZE:
    case XS_ARG_I64:
        bad = xs_parse_u64(arg, d->max, &u) || u < d->min;
        if (bad)
            break;
        if (d->kind == XS_ARG_UINT)
            *FIELD(o, d, unsigned) = (unsigned)u;
        else if (d->kind == XS_ARG_SIZE)
            *FIELD(o, d, size_t) = (size_t)u;
        else
            *FIELD(o, d, int64_t) = (int64_t)u;
        return 0;
    case XS_ARG_CUSTOM:
    case XS_ARG_CUSTOM_FLAG:
        break;
    }
    if (!bad)
        return fail(err, errlen, "internal: option --%s has no parser", d->name);
    if (d->hint)
        return fail(err, errlen, "invalid --%s \"%s\": %s", d->name, arg, d->hint);
    return fail(err, errlen, "invalid --%s \"%s\"", d->name, arg);
}

/* Number defaults come from the table through the same parsers; string defaults stay NULL, which
 * every consumer reads as the default (--echo prints the table's). */
static void set_defaults(xs_options *o)
{
    char err[160];
    memset(o, 0, sizeof *o);
    for (size_t i = 0; i < xs_noptdefs; i++) {
        const xs_optdef *d = &xs_optdefs[i];
        if (d->def && d->kind != XS_ARG_STRING && d->kind != XS_ARG_LIST &&
            apply(o, d, d->def, err, sizeof err) != 0)
            fprintf(stderr, "xsweep: internal: default of --%s: %s\n", d->name, err),
                abort(); /* a row's default its own parser refuses: caught by test_option_table */
    }
}

/* -c FILE, wherever it stands on the command line (the file is read before anything else). */
static const char *find_config_arg(int argc, char **argv)
{
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--"))
            break;
        if ((!strcmp(argv[i], "-c") || !strcmp(argv[i], "--config") ||
             !strcmp(argv[i], "--resume")) &&
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
    char **args = calloc(2 * (size_t)nargs + 1, sizeof *args); /* -oX FILE becomes three */
    if (!args && rc == 0)
        rc = fail(err, errlen, "out of memory");
    if (rc == 0) {
        args[0] = argv[0];
        for (size_t i = 0; i < ncfg; i++)
            args[1 + i] = cfg[i];
        int at = (int)ncfg + 1, files = 0;
        for (int i = 1; i < argc; i++) {
            bool takes_file;
            args[at++] = (char *)translate_nmap_style(argv[i], i + 1 < argc ? argv[i + 1] : NULL,
                                                      &takes_file);
            if (takes_file) { /* "-oX FILE" is "--output-format=xml -o FILE" */
                args[at++] = "-o";
                args[at++] = argv[++i];
                if (++files == 2) /* nmap writes both; one -o FILE here: say so, never drop one */
                    rc = fail(err, errlen,
                              "give one of -oJ/-oC/-oL/-oX/-oG FILE (\"%s\" is the second); "
                              "-oA BASE writes every format",
                              argv[i]);
            }
        }
        nargs = at;
    }

    /* getopt_long's table and short-option string, from the option table. */
    struct option *longopts = calloc(xs_noptdefs + 1, sizeof *longopts);
    char shortopts[2 * 64 + 2] = ":";
    size_t ns = 1;
    if (!longopts && rc == 0)
        rc = fail(err, errlen, "out of memory");
    for (size_t i = 0; longopts && i < xs_noptdefs; i++) {
        const xs_optdef *d = &xs_optdefs[i];
        longopts[i] =
            (struct option){d->name, xs_optdef_takes_value(d) ? required_argument : no_argument,
                            NULL, OPT_BASE + (int)i};
        if (d->short_name && !d->short_name[1] && ns + 3 < sizeof shortopts) {
            shortopts[ns++] = d->short_name[0];
            if (xs_optdef_takes_value(d))
                shortopts[ns++] = ':';
        }
    }
    shortopts[ns] = '\0';

    int c;
    optind = 1;
    opterr = 0;
    while (rc == 0 && (c = getopt_long(nargs, args, shortopts, longopts, NULL)) != -1) {
        const xs_optdef *d = NULL;
        if (c >= OPT_BASE && c < OPT_BASE + (int)xs_noptdefs)
            d = &xs_optdefs[c - OPT_BASE];
        for (size_t i = 0; !d && c > 0 && c < 128 && i < xs_noptdefs; i++)
            if (xs_optdefs[i].short_name && xs_optdefs[i].short_name[0] == c &&
                !xs_optdefs[i].short_name[1])
                d = &xs_optdefs[i];
        if (c == ':') {
            rc = fail(err, errlen, "option \"%s\" needs a value", args[optind - 1]);
        } else if (!d) {
            rc = fail(err, errlen, "unknown option \"%s\" (see xsweep --help)", args[optind - 1]);
        } else if ((rc = apply(o, d, optarg, err, errlen)) < 0) {
            if (!err[0])
                fail(err, errlen, "out of memory");
            rc = -1;
        }
    }
    free(longopts);
    for (int i = optind; rc == 0 && i < nargs; i++)
        if (push(&o->targets, &o->ntargets, args[i]))
            rc = fail(err, errlen, "out of memory");
    /* The file's targets only without command-line ones; all of them (a resumed multi-target
     * scan must not shrink to its first target). */
    bool cfg_targets_apply = o->ntargets == 0;
    for (size_t i = 0; rc == 0 && cfg_targets_apply && i < ncfg_targets; i++)
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
    for (size_t i = 0; i < xs_noptdefs; i++) {
        const xs_optdef *d = &xs_optdefs[i];
        if (d->kind == XS_ARG_STRING) {
            free(*FIELD(o, d, char *));
            *FIELD(o, d, char *) = NULL;
        } else if (d->kind == XS_ARG_LIST) {
            free_list(*FIELD(o, d, char **), *(size_t *)(void *)((char *)o + d->count_off));
            *FIELD(o, d, char **) = NULL; /* two rows may share a list (--excludefile) */
            *(size_t *)(void *)((char *)o + d->count_off) = 0;
        }
    }
    free_list(o->targets, o->ntargets);
    free(o->args_text);
    free(o->resume_pos);
    memset(o, 0, sizeof *o);
}
