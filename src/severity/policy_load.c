/* Loads a severity policy file (format in include/xsweep/severity.h) and resolves, once, the most
 * specific http rule for every (status code, auth) pair so evaluation is a table look-up. */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "policy_internal.h"
#include "xsweep/datafile.h"

#ifndef XS_DATADIR
#define XS_DATADIR "data"
#endif

#define MAX_RULES 4096

enum { ST_ANY = 0, ST_CLASS = 1, ST_EXACT = 2 }; /* status specificity, higher wins */

typedef struct {
    int kind_http; /* 0 nonhttp, 1 http */
    int st_kind;   /* ST_* (http) */
    int st_value;  /* exact code, class digit, or for nonhttp 1 = success / 0 = fail */
    int auth;      /* xs_auth_class, or -1 = any */
    int line;
} parsed_rule;

/* Removes a comment that is not inside double quotes, and trailing blanks. */
static void strip_comment(char *line)
{
    bool quoted = false;
    for (char *s = line; *s; s++) {
        if (*s == '"')
            quoted = !quoted;
        else if (*s == '#' && !quoted) {
            *s = '\0';
            break;
        }
    }
    size_t n = strlen(line);
    while (n && isspace((unsigned char)line[n - 1]))
        line[--n] = '\0';
}

static int parse_status(const char *tok, parsed_rule *r)
{
    if (strcmp(tok, "-") == 0) {
        r->st_kind = ST_ANY;
        r->st_value = 0;
        return 0;
    }
    if (strlen(tok) != 3)
        return -1;
    if (tok[0] < '1' || tok[0] > '5')
        return -1;
    if ((tok[1] == 'x' || tok[1] == 'X') && (tok[2] == 'x' || tok[2] == 'X')) {
        r->st_kind = ST_CLASS;
        r->st_value = tok[0] - '0';
        return 0;
    }
    if (!isdigit((unsigned char)tok[1]) || !isdigit((unsigned char)tok[2]))
        return -1;
    r->st_kind = ST_EXACT;
    r->st_value = atoi(tok);
    return 0;
}

static int parse_auth(const char *tok)
{
    if (strcmp(tok, "-") == 0)
        return -1;
    if (strcmp(tok, "none") == 0)
        return XS_AUTHCLASS_NONE;
    if (strcmp(tok, "weak") == 0)
        return XS_AUTHCLASS_WEAK;
    if (strcmp(tok, "sso") == 0)
        return XS_AUTHCLASS_SSO;
    return -2;
}

/* The rest of the line, without surrounding quotes. */
static char *parse_reason(char *rest)
{
    while (*rest == ' ' || *rest == '\t')
        rest++;
    size_t n = strlen(rest);
    if (n >= 2 && rest[0] == '"' && rest[n - 1] == '"') {
        rest[n - 1] = '\0';
        rest++;
    }
    return strdup(rest);
}

static bool same_key(const parsed_rule *a, const parsed_rule *b)
{
    return a->kind_http == b->kind_http && a->st_kind == b->st_kind && a->st_value == b->st_value &&
           a->auth == b->auth;
}

static bool rule_covers(const parsed_rule *r, int code, int auth)
{
    if (r->auth >= 0 && r->auth != auth)
        return false;
    switch (r->st_kind) {
    case ST_EXACT:
        return r->st_value == code;
    case ST_CLASS:
        return r->st_value == code / 100;
    default:
        return true;
    }
}

static void resolve_http_table(xs_policy *p, const parsed_rule *pr)
{
    for (int code = XS_POLICY_CODE_MIN; code <= XS_POLICY_CODE_MAX; code++) {
        for (int auth = 0; auth < XS_POLICY_NAUTH; auth++) {
            int best = -1, best_score = -1;
            for (size_t i = 0; i < p->nrules; i++) {
                if (!pr[i].kind_http || !rule_covers(&pr[i], code, auth))
                    continue;
                int score = pr[i].st_kind * 2 + (pr[i].auth >= 0);
                if (score > best_score) {
                    best = (int)i;
                    best_score = score;
                }
            }
            p->http[code - XS_POLICY_CODE_MIN][auth] = (int16_t)best;
        }
    }
}

void xs_policy_free(xs_policy *p)
{
    if (!p)
        return;
    for (size_t i = 0; i < p->nrules; i++) {
        free(p->rules[i].reason);
        free(p->rules[i].finding);
    }
    free(p->rules);
    free(p);
}

/* A row's two severity columns (bucket, other). */
static int parse_severities(const char *bucket, const char *other, int *sb, int *so,
                            const char *label, int lineno, char *err, size_t errlen)
{
    *sb = xs_severity_parse(bucket);
    *so = xs_severity_parse(other);
    if (*sb < 0 || *so < 0) {
        xs_set_error(err, errlen,
                     "%s:%d: bad severity '%s' (want critical, high, medium, low or info)", label,
                     lineno, *sb < 0 ? bucket : other);
        return -1;
    }
    return 0;
}

/* "finding ID bucket other [reason]": an open endpoint carrying host configuration finding ID
 * gets this severity instead of its handshake/HTTP grade (the most severe such row wins). */
static int parse_finding_line(xs_policy *p, char *cur, const char *label, int lineno, char *err,
                              size_t errlen)
{
    char *id = xs_next_token(&cur), *bucket = xs_next_token(&cur), *other = xs_next_token(&cur);
    if (!other || !xs_valid_rule_id(id, 48)) {
        xs_set_error(err, errlen, "%s:%d: expected 'finding ID bucket other [reason]'", label,
                     lineno);
        return -1;
    }
    int sb, so;
    if (parse_severities(bucket, other, &sb, &so, label, lineno, err, errlen) < 0)
        return -1;
    for (size_t i = 0; i < p->nrules; i++)
        if (p->rules[i].finding && strcmp(p->rules[i].finding, id) == 0) {
            xs_set_error(err, errlen, "%s:%d: a second row for finding '%s'", label, lineno, id);
            return -1;
        }
    if (p->nrules >= MAX_RULES) {
        xs_set_error(err, errlen, "%s:%d: more than %d rules", label, lineno, MAX_RULES);
        return -1;
    }
    char *reason = parse_reason(cur), *fid = strdup(id);
    if (!reason || !fid) {
        free(reason);
        free(fid);
        xs_set_error(err, errlen, "%s:%d: out of memory", label, lineno);
        return -1;
    }
    p->rules[p->nrules++] = (xs_policy_rule){(xs_severity)sb, (xs_severity)so, reason, fid};
    return 0;
}

/* Parses one non-empty line into rule slot p->nrules. 0 or -1 with err set. */
static int parse_line(xs_policy *p, parsed_rule *pr, char *line, const char *label, int lineno,
                      char *err, size_t errlen)
{
    char *cur = line;
    if (strncmp(line, "finding", 7) == 0 && (line[7] == ' ' || line[7] == '\t'))
        return parse_finding_line(p, line + 7, label, lineno, err, errlen);
    char *kind = xs_next_token(&cur), *status = xs_next_token(&cur), *auth = xs_next_token(&cur);
    char *bucket = xs_next_token(&cur), *other = xs_next_token(&cur);
    if (!other) {
        xs_set_error(err, errlen, "%s:%d: expected 'kind status auth bucket other [reason]'", label,
                     lineno);
        return -1;
    }
    parsed_rule r = {.line = lineno};
    if (strcmp(kind, "http") == 0) {
        r.kind_http = 1;
        if (parse_status(status, &r) < 0) {
            xs_set_error(err, errlen, "%s:%d: bad status '%s' (want 401, 4xx or -)", label, lineno,
                         status);
            return -1;
        }
        r.auth = parse_auth(auth);
        if (r.auth == -2) {
            xs_set_error(err, errlen, "%s:%d: bad auth '%s' (want none, weak, sso or -)", label,
                         lineno, auth);
            return -1;
        }
    } else if (strcmp(kind, "nonhttp") == 0) {
        if (strcmp(status, "success") == 0)
            r.st_value = 1;
        else if (strcmp(status, "fail") == 0)
            r.st_value = 0;
        else {
            xs_set_error(err, errlen, "%s:%d: bad nonhttp status '%s' (want success or fail)",
                         label, lineno, status);
            return -1;
        }
        if (strcmp(auth, "-") != 0) {
            xs_set_error(err, errlen, "%s:%d: nonhttp rules take auth '-'", label, lineno);
            return -1;
        }
        r.auth = -1;
    } else {
        xs_set_error(err, errlen, "%s:%d: bad kind '%s' (want http or nonhttp)", label, lineno,
                     kind);
        return -1;
    }
    int sb, so;
    if (parse_severities(bucket, other, &sb, &so, label, lineno, err, errlen) < 0)
        return -1;
    for (size_t i = 0; i < p->nrules; i++) {
        if (same_key(&pr[i], &r)) {
            xs_set_error(err, errlen, "%s:%d: duplicate of the rule on line %d", label, lineno,
                         pr[i].line);
            return -1;
        }
    }
    if (p->nrules >= MAX_RULES) {
        xs_set_error(err, errlen, "%s:%d: more than %d rules", label, lineno, MAX_RULES);
        return -1;
    }
    char *reason = parse_reason(cur);
    if (!reason) {
        xs_set_error(err, errlen, "%s:%d: out of memory", label, lineno);
        return -1;
    }
    pr[p->nrules] = r;
    p->rules[p->nrules] = (xs_policy_rule){(xs_severity)sb, (xs_severity)so, reason, NULL};
    if (!r.kind_http) {
        if (r.st_value)
            p->nonhttp_success = (int16_t)p->nrules;
        else
            p->nonhttp_fail = (int16_t)p->nrules;
    }
    p->nrules++;
    return 0;
}

static void set_name(xs_policy *p, const char *label)
{
    const char *base = strrchr(label, '/');
    base = base ? base + 1 : label;
    size_t n = strlen(base);
    if (n > 7 && strcmp(base + n - 7, ".policy") == 0)
        n -= 7;
    if (n >= sizeof p->name)
        n = sizeof p->name - 1;
    memcpy(p->name, base, n);
    p->name[n] = '\0';
}

xs_policy *xs_policy_load_buffer(const char *text, size_t len, const char *label, char *err,
                                 size_t errlen)
{
    if (!label)
        label = "<policy>";
    xs_policy *p = calloc(1, sizeof *p);
    size_t cap = 1; /* upper bound on rules: one per line */
    for (size_t i = 0; i < len; i++)
        cap += text[i] == '\n';
    if (cap > MAX_RULES)
        cap = MAX_RULES;
    parsed_rule *pr = calloc(cap, sizeof *pr);
    if (p)
        p->rules = calloc(cap, sizeof *p->rules);
    if (!p || !pr || !p->rules) {
        xs_set_error(err, errlen, "%s: out of memory", label);
        free(pr);
        xs_policy_free(p);
        return NULL;
    }
    set_name(p, label);
    p->nonhttp_success = p->nonhttp_fail = -1;

    xs_rule_lines lines;
    xs_rule_lines_init(&lines, text, len);
    char *s;
    bool bad_line;
    while ((s = xs_rule_lines_next(&lines, label, &bad_line, err, errlen)) != NULL) {
        strip_comment(s); /* a '#' after a rule, outside quotes */
        if (!*s)
            continue;
        int lineno = lines.lineno;
        if (parse_line(p, pr, s, label, lineno, err, errlen) < 0)
            goto fail;
    }
    if (bad_line)
        goto fail;
    if (p->nonhttp_success < 0 || p->nonhttp_fail < 0) {
        xs_set_error(err, errlen, "%s: missing the 'nonhttp %s' rule", label,
                     p->nonhttp_success < 0 ? "success" : "fail");
        goto fail;
    }
    resolve_http_table(p, pr);
    free(pr);
    return p;
fail:
    free(pr);
    xs_policy_free(p);
    return NULL;
}

static bool is_bare_name(const char *s)
{
    if (!*s)
        return false;
    for (; *s; s++)
        if (!(islower((unsigned char)*s) || isdigit((unsigned char)*s) || *s == '_' || *s == '-'))
            return false;
    return true;
}

static void *parse_text(const char *text, size_t len, const char *label, char *err, size_t errlen)
{
    return xs_policy_load_buffer(text, len, label, err, errlen);
}

/* A bare name (permissive, moderate, strict) is a file in the data directory's policies/. */
xs_policy *xs_policy_load(const char *name_or_path, char *err, size_t errlen)
{
    if (!name_or_path)
        name_or_path = "";
    if (!is_bare_name(name_or_path))
        return xs_load_data_file(name_or_path, NULL, parse_text, err, errlen);
    char rel[300];
    snprintf(rel, sizeof rel, "policies/%.200s.policy", name_or_path);
    return xs_load_data_file(NULL, rel, parse_text, err, errlen);
}

const char *xs_policy_name(const xs_policy *p)
{
    return p ? p->name : "";
}
