/* Loads a host configuration rule file (format at the top of data/hostcfg/rules.txt):
 *
 *     rule ID SEVERITY TITLE...
 *       [or] [not] CONDITION
 *
 * A rule holds one or more conditions, one a line. A line starting with "or" joins the previous
 * condition's group; the rule matches when every group has a true condition. Lines whose first
 * non-blank character is '#' are comments. Regexes are PCRE2 (byte mode), JIT-compiled. */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "hostcfg_internal.h"
#include "xsweep/datafile.h"

#ifndef XS_DATADIR
#define XS_DATADIR "data"
#endif

#define MAX_RULES 1024u
#define MAX_CONDS 32u
#define MAX_LIST  32u

const char *const hc_probe_fields[] = {
    "product",      "version",     "banner",   "dialects", "ssh.kex",
    "ssh.hostkeys", "ssh.ciphers", "ssh.macs", NULL,
};

static char *rest_of_line(char *cursor)
{
    while (*cursor == ' ' || *cursor == '\t')
        cursor++;
    return cursor;
}

static bool valid_header_name(const char *s)
{
    if (!*s)
        return false;
    for (; *s; s++)
        if (!(isalnum((unsigned char)*s) || strchr("!#$%&'*+-.^_`|~", *s)))
            return false;
    return true;
}

static void cond_clear(hc_cond *c)
{
    free(c->name);
    pcre2_code_free(c->re);
    free(c->ranges);
    for (size_t i = 0; i < c->nnames; i++)
        free(c->names[i]);
    free(c->names);
}

static void rule_clear(hc_rule *r)
{
    free(r->id);
    free(r->title);
    free(r->fix);
    for (size_t i = 0; i < r->nconds; i++)
        cond_clear(&r->conds[i]);
    free(r->conds);
    memset(r, 0, sizeof *r);
}

static bool parse_long(const char *s, size_t n, long max, long *out)
{
    if (n == 0 || n > 9)
        return false;
    long v = 0;
    for (size_t i = 0; i < n; i++) {
        if (!isdigit((unsigned char)s[i]))
            return false;
        v = v * 10 + (s[i] - '0');
    }
    if (v > max)
        return false;
    *out = v;
    return true;
}

/* "200,3xx,500-504" (status, classes allowed) or "2375,8000-8100" (port). */
static const char *parse_ranges(hc_cond *c, const char *list, bool status)
{
    long max = status ? 999 : 65535;
    if (status && strcmp(list, "any") == 0)
        list = "1-999";
    while (*list) {
        const char *comma = strchr(list, ',');
        size_t n = comma ? (size_t)(comma - list) : strlen(list);
        if (c->nranges == MAX_LIST)
            return "too many list items";
        hc_range r;
        const char *dash = memchr(list, '-', n);
        if (status && n == 3 && isdigit((unsigned char)list[0]) &&
            (list[1] == 'x' || list[1] == 'X') && (list[2] == 'x' || list[2] == 'X')) {
            r.lo = (list[0] - '0') * 100;
            r.hi = r.lo + 99;
        } else if (dash) {
            if (!parse_long(list, (size_t)(dash - list), max, &r.lo) ||
                !parse_long(dash + 1, n - (size_t)(dash - list) - 1, max, &r.hi) || r.lo > r.hi)
                return status ? "bad status list (200,3xx,500-504,any)"
                              : "bad port list (80,8000-8100)";
        } else {
            if (!parse_long(list, n, max, &r.lo))
                return status ? "bad status list (200,3xx,500-504,any)"
                              : "bad port list (80,8000-8100)";
            r.hi = r.lo;
        }
        hc_range *nr = realloc(c->ranges, (c->nranges + 1) * sizeof *nr);
        if (!nr)
            return "out of memory";
        c->ranges = nr;
        c->ranges[c->nranges++] = r;
        list += n + (comma != NULL);
        if (comma && !*list)
            return "list ends with ','";
    }
    return c->nranges ? NULL : "empty list";
}

static const char *parse_names(hc_cond *c, const char *list)
{
    while (*list) {
        const char *comma = strchr(list, ',');
        size_t n = comma ? (size_t)(comma - list) : strlen(list);
        if (n == 0 || c->nnames == MAX_LIST)
            return "bad name list";
        char **nn = realloc(c->names, (c->nnames + 1) * sizeof *nn);
        if (!nn)
            return "out of memory";
        c->names = nn;
        if (!(c->names[c->nnames] = strndup(list, n)))
            return "out of memory";
        c->nnames++;
        list += n + (comma != NULL);
        if (comma && !*list)
            return "list ends with ','";
    }
    return c->nnames ? NULL : "empty list";
}

/* Compiles `pattern` into c->re; on error writes the message to msg and returns it. */
static const char *compile_regex(hc_cond *c, const char *pattern, char *msg, size_t msglen)
{
    if (!*pattern)
        return "missing regex";
    int ec;
    PCRE2_SIZE eo;
    c->re = pcre2_compile((PCRE2_SPTR)pattern, PCRE2_ZERO_TERMINATED, 0, &ec, &eo, NULL);
    if (!c->re) {
        PCRE2_UCHAR m[160];
        pcre2_get_error_message(ec, m, sizeof m);
        snprintf(msg, msglen, "regex error at offset %zu: %s", (size_t)eo, (char *)m);
        return msg;
    }
    (void)pcre2_jit_compile(c->re, PCRE2_JIT_COMPLETE);
    return NULL;
}

/* One condition line, "or"/"not" already taken off. Returns NULL or an error message. */
static const char *parse_condition(hc_cond *c, char *line, char *msg, size_t msglen)
{
    char *cur = line;
    char *what = xs_next_token(&cur);
    if (!what)
        return "empty condition";
    if (strcmp(what, "tls") == 0 || strcmp(what, "cert.self_signed") == 0 ||
        strcmp(what, "cert.expired") == 0) {
        c->kind = what[0] == 't' ? HC_TLS : what[5] == 's' ? HC_CERT_SELF_SIGNED : HC_CERT_EXPIRED;
        return *rest_of_line(cur) ? "unexpected text after the condition" : NULL;
    }
    if (strcmp(what, "status") == 0 || strcmp(what, "port") == 0) {
        bool status = what[0] == 's';
        c->kind = status ? HC_STATUS : HC_PORT;
        char *list = xs_next_token(&cur);
        if (!list || *rest_of_line(cur))
            return status ? "want: status LIST" : "want: port LIST";
        return parse_ranges(c, list, status);
    }
    if (strcmp(what, "tls.version") == 0) {
        c->kind = HC_TLS_VERSION;
        char *list = xs_next_token(&cur);
        if (!list || *rest_of_line(cur))
            return "want: tls.version NAME[,NAME...]";
        return parse_names(c, list);
    }
    if (strcmp(what, "cert.expires_within") == 0) {
        c->kind = HC_CERT_EXPIRES_WITHIN;
        char *days = xs_next_token(&cur);
        if (!days || *rest_of_line(cur) || !parse_long(days, strlen(days), 36500, &c->days))
            return "want: cert.expires_within DAYS (0-36500)";
        return NULL;
    }
    if (strcmp(what, "header") == 0) {
        char *name = xs_next_token(&cur), *op = xs_next_token(&cur);
        if (!name || !op)
            return "want: header NAME present|absent|matches REGEX";
        if (!valid_header_name(name))
            return "bad header name";
        if (!(c->name = strdup(name)))
            return "out of memory";
        if (strcmp(op, "present") == 0 || strcmp(op, "absent") == 0) {
            c->kind = HC_HEADER_PRESENT;
            if (op[0] == 'a')
                c->negate = !c->negate;
            return *rest_of_line(cur) ? "unexpected text after the condition" : NULL;
        }
        if (strcmp(op, "matches") != 0)
            return "want: header NAME present|absent|matches REGEX";
        c->kind = HC_HEADER_MATCHES;
        return compile_regex(c, rest_of_line(cur), msg, msglen);
    }
    static const struct {
        const char *name;
        hc_kind kind;
    } fields[] = {
        {"server", HC_SERVER_MATCHES},
        {"location", HC_LOCATION_MATCHES},
        {"title", HC_TITLE_MATCHES},
        {"body", HC_BODY_MATCHES},
    };
    for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++) {
        if (strcmp(what, fields[i].name) != 0)
            continue;
        char *op = xs_next_token(&cur);
        if (!op || strcmp(op, "matches") != 0) {
            snprintf(msg, msglen, "want: %s matches REGEX", fields[i].name);
            return msg;
        }
        c->kind = fields[i].kind;
        return compile_regex(c, rest_of_line(cur), msg, msglen);
    }
    if (strcmp(what, "service") == 0) {
        c->kind = HC_SERVICE;
        char *list = xs_next_token(&cur);
        if (!list || *rest_of_line(cur))
            return "want: service NAME[,NAME...]";
        return parse_names(c, list);
    }
    if (strcmp(what, "fact") == 0) {
        char *name = xs_next_token(&cur), *val = xs_next_token(&cur);
        if (!name || !val || *rest_of_line(cur) || (strcmp(val, "yes") && strcmp(val, "no")))
            return "want: fact NAME yes|no";
        c->kind = HC_FACT;
        c->fact = xs_probe_fact_by_name(name);
        c->want = val[0] == 'y' ? 1 : -1;
        if (c->fact < 0) {
            snprintf(msg, msglen,
                     "unknown fact \"%.40s\" (ftp.anonymous smb.v1 smb.signing_required "
                     "smtp.starttls rdp.nla tls auth smb.guest)",
                     name);
            return msg;
        }
        return NULL;
    }
    for (int i = 0; hc_probe_fields[i]; i++) {
        if (strcmp(what, hc_probe_fields[i]) != 0)
            continue;
        char *op = xs_next_token(&cur);
        if (!op || strcmp(op, "matches") != 0) {
            snprintf(msg, msglen, "want: %s matches REGEX", what);
            return msg;
        }
        c->kind = HC_PROBE_MATCHES;
        c->fact = i;
        return compile_regex(c, rest_of_line(cur), msg, msglen);
    }
    snprintf(msg, msglen, "unknown condition \"%.40s\" (see the rules file's header)", what);
    return msg;
}

/* "rule ID SEVERITY TITLE..." */
static const char *parse_rule_head(hc_rule *r, char *cur)
{
    char *id = xs_next_token(&cur), *sev = xs_next_token(&cur);
    char *title = rest_of_line(cur);
    if (!id || !sev || !*title)
        return "want: rule ID SEVERITY TITLE";
    if (!xs_valid_rule_id(id, XS_HOSTCFG_ID_MAX))
        return "bad rule id ([a-z0-9._-], at most 47 characters)";
    int s = xs_severity_parse(sev);
    if (s < 0)
        return "unknown severity (critical high medium low info)";
    r->severity = (xs_severity)s;
    size_t tn = strlen(title);
    if (tn >= 2 && title[0] == '"' && title[tn - 1] == '"') {
        title[tn - 1] = '\0';
        title++;
    }
    if (!*title)
        return "empty title";
    if (!(r->id = strdup(id)) || !(r->title = strdup(title)))
        return "out of memory";
    return NULL;
}

void xs_hostcfg_free(xs_hostcfg_db *db)
{
    if (!db)
        return;
    for (size_t i = 0; i < db->nrules; i++)
        rule_clear(&db->rules[i]);
    free(db->rules);
    free(db);
}

size_t xs_hostcfg_rule_count(const xs_hostcfg_db *db)
{
    return db ? db->nrules : 0;
}

/* A finished rule must have conditions; ids are unique. */
static const char *close_rule(xs_hostcfg_db *db)
{
    if (db->nrules == 0)
        return NULL;
    hc_rule *r = &db->rules[db->nrules - 1];
    if (r->nconds == 0)
        return "rule has no conditions";
    return NULL;
}

xs_hostcfg_db *xs_hostcfg_load_buffer(const char *text, size_t len, const char *label, char *err,
                                      size_t errlen)
{
    if (!label)
        label = "<buffer>";
    xs_hostcfg_db *db = calloc(1, sizeof *db);
    xs_rule_lines lines;
    char msg[256];
    const char *e = NULL;
    int lineno = 0, rule_line = 0;
    bool bad_line = false;
    if (!db) {
        xs_set_error(err, errlen, "out of memory");
        return NULL;
    }
    xs_rule_lines_init(&lines, text, len);
    char *cur;
    while ((cur = xs_rule_lines_next(&lines, label, &bad_line, err, errlen)) != NULL) {
        lineno = lines.lineno;
        bool is_rule = strncmp(cur, "rule", 4) == 0 && (cur[4] == ' ' || cur[4] == '\t' || !cur[4]);
        bool join = strncmp(cur, "or", 2) == 0 && (cur[2] == ' ' || cur[2] == '\t' || !cur[2]);
        if (is_rule) {
            cur += 4;
            if ((e = close_rule(db)) != NULL) {
                lineno = rule_line;
                goto line_error;
            }
            if (db->nrules == MAX_RULES) {
                e = "too many rules";
                goto line_error;
            }
            hc_rule *nr = realloc(db->rules, (db->nrules + 1) * sizeof *nr);
            if (!nr) {
                e = "out of memory";
                goto line_error;
            }
            db->rules = nr;
            hc_rule *r = &db->rules[db->nrules++];
            memset(r, 0, sizeof *r);
            rule_line = lineno;
            if ((e = parse_rule_head(r, cur)) != NULL)
                goto line_error;
            for (size_t i = 0; i + 1 < db->nrules; i++)
                if (strcmp(db->rules[i].id, r->id) == 0) {
                    snprintf(msg, sizeof msg, "duplicate rule id \"%s\"", r->id);
                    e = msg;
                    goto line_error;
                }
            continue;
        }
        if (db->nrules == 0) {
            e = "condition before the first \"rule\" line";
            goto line_error;
        }
        hc_rule *r = &db->rules[db->nrules - 1];
        /* "cwe N" and "fix TEXT" describe the rule; they are not conditions. */
        if (strncmp(cur, "cwe ", 4) == 0) {
            long v;
            char *num = rest_of_line(cur + 4);
            if (!parse_long(num, strlen(num), 99999, &v) || v == 0) {
                e = "want: cwe NUMBER";
                goto line_error;
            }
            r->cwe = (int)v;
            continue;
        }
        if (strncmp(cur, "fix ", 4) == 0) {
            char *fix = rest_of_line(cur + 4);
            if (!*fix) {
                e = "want: fix TEXT";
                goto line_error;
            }
            free(r->fix);
            if (!(r->fix = strdup(fix))) {
                e = "out of memory";
                goto line_error;
            }
            continue;
        }
        if (join)
            cur += 2;
        if (join && r->nconds == 0) {
            e = "\"or\" needs a condition before it";
            goto line_error;
        }
        if (r->nconds == MAX_CONDS) {
            e = "too many conditions in one rule";
            goto line_error;
        }
        hc_cond *nc = realloc(r->conds, (r->nconds + 1) * sizeof *nc);
        if (!nc) {
            e = "out of memory";
            goto line_error;
        }
        r->conds = nc;
        hc_cond *c = &r->conds[r->nconds++];
        memset(c, 0, sizeof *c);
        while (*cur == ' ' || *cur == '\t')
            cur++;
        if (strncmp(cur, "not ", 4) == 0 || strncmp(cur, "not\t", 4) == 0) {
            c->negate = true;
            cur += 4;
        }
        if (!join)
            r->ngroups++;
        c->group = r->ngroups - 1;
        if ((e = parse_condition(c, cur, msg, sizeof msg)) != NULL)
            goto line_error;
    }
    if (bad_line)
        goto fail;
    if ((e = close_rule(db)) != NULL) {
        lineno = rule_line;
        goto line_error;
    }
    if (db->nrules == 0) {
        xs_set_error(err, errlen, "%s: no rules", label);
        goto fail;
    }
    return db;
line_error:
    xs_set_error(err, errlen, "%s:%d: %s", label, lineno, e);
fail:
    xs_hostcfg_free(db);
    return NULL;
}

/* The typed parser, as the generic loader calls it. */
static void *parse_text(const char *text, size_t len, const char *label, char *err, size_t errlen)
{
    return xs_hostcfg_load_buffer(text, len, label, err, errlen);
}

xs_hostcfg_db *xs_hostcfg_load(const char *path, char *err, size_t errlen)
{
    return xs_load_data_file(path, "hostcfg/rules.txt", parse_text, err, errlen);
}

xs_hostcfg_db *xs_hostcfg_load_services(const char *path, char *err, size_t errlen)
{
    return xs_load_data_file(path, "hostcfg/services.txt", parse_text, err, errlen);
}

void xs_hostcfg_print(FILE *out, const xs_hostcfg_db *db, const char *heading)
{
    fprintf(out, "%s (%zu rules):\n", heading, db ? db->nrules : 0);
    for (size_t i = 0; db && i < db->nrules; i++) {
        const hc_rule *r = &db->rules[i];
        char cwe[16] = "-";
        if (r->cwe)
            snprintf(cwe, sizeof cwe, "CWE-%d", r->cwe);
        fprintf(out, "  %-34s %-8s %-9s %s\n", r->id, xs_severity_name(r->severity), cwe, r->title);
    }
}
