/* Config files (-c FILE): "key = value" lines whose keys are the long option names, plus
 * "target = …" lines. --echo writes the effective configuration back in the same format, so an
 * echo is always a valid config file (and the resume file reuses it). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "xsweep/options.h"
#include "xsweep/targets.h"

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

/* One "key = value" line (the fail-closed reader gives it without its newline, bounded). */
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
    const xs_optdef *opt = xs_optdef_by_key(key); /* NULL for -c, --resume, --echo, --help … */
    int on;
    uint64_t count;
    if (!strcmp(key, "target")) {
        if (!(out = strdup(val)) || push_owned(c->targets, c->ntargets, out) < 0)
            rc = -1;
    } else if (!opt) {
        snprintf(err, errlen, "unknown option \"%s\"", key);
        rc = -1;
    } else if (opt->kind == XS_ARG_COUNT) { /* "verbose = 2" is -v -v */
        if (xs_parse_u64(val, 9, &count) < 0) {
            snprintf(err, errlen, "\"%s\" takes a number 0-9", key);
            rc = -1;
        }
        while (rc == 0 && count-- > 0)
            rc = asprintf(&out, "--%s", opt->name) < 0 ? -1 : push_owned(c->args, c->nargs, out);
    } else if (!xs_optdef_takes_value(opt)) {
        if (truthy(val, &on) < 0) {
            snprintf(err, errlen, "\"%s\" takes true or false", key);
            rc = -1;
        } else if (on && (asprintf(&out, "--%s", opt->name) < 0 ||
                          push_owned(c->args, c->nargs, out) < 0)) {
            rc = -1;
        }
    } else if (asprintf(&out, "--%s=%s", opt->name, val) < 0 ||
               push_owned(c->args, c->nargs, out) < 0) {
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

/* One row's "key = value" lines, by its kind (or its own echo). */
static void echo_row(FILE *out, const xs_optdef *d, const xs_options *o)
{
    const char *p = (const char *)o + d->offset;
    bool only_set = d->flags & XS_OPT_ECHO_SET;
    if (d->echo) {
        d->echo(out, d, o);
        return;
    }
    switch (d->kind) {
    case XS_ARG_FLAG:
        if (!only_set || *(const bool *)p)
            fprintf(out, "%s = %s\n", d->config_key, *(const bool *)p ? "true" : "false");
        break;
    case XS_ARG_COUNT:
    case XS_ARG_UINT:
        if (!only_set || *(const unsigned *)p)
            fprintf(out, "%s = %u\n", d->config_key, *(const unsigned *)p);
        break;
    case XS_ARG_SIZE:
        if (!only_set || *(const size_t *)p)
            fprintf(out, "%s = %zu\n", d->config_key, *(const size_t *)p);
        break;
    case XS_ARG_I64:
        if (!only_set || *(const int64_t *)p)
            fprintf(out, "%s = %lld\n", d->config_key, (long long)*(const int64_t *)p);
        break;
    case XS_ARG_DOUBLE:
        if (!only_set || *(const double *)p != 0)
            fprintf(out, "%s = %.17g\n", d->config_key, *(const double *)p);
        break;
    case XS_ARG_STRING: {
        const char *v = *(char *const *)p ? *(char *const *)p : d->def;
        if (v)
            fprintf(out, "%s = %s\n", d->config_key, v);
        break;
    }
    case XS_ARG_LIST: {
        char *const *v = *(char **const *)p;
        size_t n = *(const size_t *)(const void *)((const char *)o + d->count_off);
        for (size_t i = 0; i < n; i++)
            fprintf(out, "%s = %s\n", d->config_key, v[i]);
        break;
    }
    case XS_ARG_CUSTOM:
    case XS_ARG_CUSTOM_FLAG:
        break;
    }
}

void xs_options_echo(FILE *out, const xs_options *o)
{
    fprintf(out, "# xsweep %s effective configuration (usable with -c)\n", XSWEEP_VERSION);
    for (size_t i = 0; i < o->ntargets; i++)
        fprintf(out, "target = %s\n", o->targets[i]);
    for (size_t i = 0; i < xs_noptdefs; i++)
        if (xs_optdefs[i].config_key && !(xs_optdefs[i].flags & XS_OPT_NO_ECHO))
            echo_row(out, &xs_optdefs[i], o);
}
