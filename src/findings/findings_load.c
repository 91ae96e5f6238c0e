/* Loads a findings rule file (format at the top of data/findings/rules.txt):
 *
 *     ID  CATEGORY  SEVERITY  OPTIONS  PATTERN
 *
 * one rule a line; lines whose first non-blank character is '#' are comments (a pattern may hold
 * '#'). OPTIONS is "-" or a comma-separated list of: pre=LIT|LIT..., group=N, check=NAME, icase,
 * redact, count. Patterns are PCRE2 (byte mode), compiled once and JIT-compiled when available. */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "findings_internal.h"
#include "xsweep/datafile.h"

#ifndef XS_DATADIR
#define XS_DATADIR "data"
#endif

#define MAX_RULES 1024u

const char *xs_finding_category_name(xs_finding_category c)
{
    return c == XS_FINDING_DATA ? "data" : "secret";
}

static void rule_clear(fr_rule *r)
{
    free(r->id);
    for (size_t i = 0; i < r->nliterals; i++)
        free(r->literals[i]);
    pcre2_code_free(r->re);
    memset(r, 0, sizeof *r);
}

/* pre=A|B|C: the literals, lower-cased when the rule is icase (applied after all options). */
static int parse_literals(fr_rule *r, const char *list)
{
    while (*list) {
        const char *bar = strchr(list, '|');
        size_t n = bar ? (size_t)(bar - list) : strlen(list);
        if (n == 0 || r->nliterals == FR_MAX_LITERALS)
            return -1;
        if (!(r->literals[r->nliterals] = strndup(list, n)))
            return -1;
        r->literal_len[r->nliterals++] = n;
        list += n + (bar != NULL);
        if (bar && !*list)
            return -1;
    }
    return r->nliterals ? 0 : -1;
}

/* Returns NULL, or a message for the error. */
static const char *parse_options(fr_rule *r, char *opts)
{
    if (strcmp(opts, "-") == 0)
        return NULL;
    for (char *save = NULL, *o = strtok_r(opts, ",", &save); o; o = strtok_r(NULL, ",", &save)) {
        if (strncmp(o, "pre=", 4) == 0) {
            if (r->nliterals || parse_literals(r, o + 4) < 0)
                return "bad pre= list (1-8 non-empty literals, given once)";
        } else if (strncmp(o, "group=", 6) == 0) {
            char *end;
            long g = strtol(o + 6, &end, 10);
            if (end == o + 6 || *end || g < 0 || g > 9)
                return "group= wants 0-9";
            r->group = (unsigned)g;
        } else if (strncmp(o, "check=", 6) == 0) {
            int k = fv_parse(o + 6);
            if (k < 0)
                return "unknown check= (luhn iban ssn jwt aws_secret not_example password)";
            r->check = (fv_kind)k;
        } else if (strcmp(o, "icase") == 0) {
            r->icase = true;
        } else if (strcmp(o, "redact") == 0) {
            r->redact = true;
        } else if (strcmp(o, "count") == 0) {
            r->count_only = true;
        } else {
            return "unknown option (pre= group= check= icase redact count)";
        }
    }
    return NULL;
}

static int parse_line(fr_rule *r, char *line, const char *label, int lineno, char *err,
                      size_t errlen)
{
    char *cur = line;
    char *id = xs_next_token(&cur), *cat = xs_next_token(&cur), *sev = xs_next_token(&cur),
         *opts = xs_next_token(&cur);
    while (*cur == ' ' || *cur == '\t')
        cur++;
    char *pattern = cur;
    if (!id || !cat || !sev || !opts || !*pattern) {
        xs_set_error(err, errlen, "%s:%d: want ID CATEGORY SEVERITY OPTIONS PATTERN", label,
                     lineno);
        return -1;
    }
    if (!xs_valid_rule_id(id, XS_FINDING_ID_MAX)) {
        xs_set_error(err, errlen, "%s:%d: bad rule id \"%s\" ([a-z0-9._-], at most %u characters)",
                     label, lineno, id, XS_FINDING_ID_MAX - 1);
        return -1;
    }
    if (strcmp(cat, "secret") == 0)
        r->category = XS_FINDING_SECRET;
    else if (strcmp(cat, "data") == 0)
        r->category = XS_FINDING_DATA;
    else {
        xs_set_error(err, errlen, "%s:%d: category must be secret or data, not \"%s\"", label,
                     lineno, cat);
        return -1;
    }
    int s = xs_severity_parse(sev);
    if (s < 0) {
        xs_set_error(err, errlen, "%s:%d: unknown severity \"%s\"", label, lineno, sev);
        return -1;
    }
    r->severity = (xs_severity)s;
    if (!(r->id = strdup(id))) {
        xs_set_error(err, errlen, "out of memory");
        return -1;
    }
    const char *msg = parse_options(r, opts);
    if (msg) {
        xs_set_error(err, errlen, "%s:%d: %s", label, lineno, msg);
        return -1;
    }
    if (r->category == XS_FINDING_SECRET)
        r->redact = true; /* secrets never leave */
    if (r->count_only && r->redact) {
        xs_set_error(err, errlen,
                     "%s:%d: count and redact exclude each other (secrets are never count-only)",
                     label, lineno);
        return -1;
    }
    if (r->icase)
        for (size_t i = 0; i < r->nliterals; i++)
            for (char *p = r->literals[i]; *p; p++)
                *p = (char)tolower((unsigned char)*p);

    int ec;
    PCRE2_SIZE eo;
    r->re = pcre2_compile((PCRE2_SPTR)pattern, PCRE2_ZERO_TERMINATED, r->icase ? PCRE2_CASELESS : 0,
                          &ec, &eo, NULL);
    if (!r->re) {
        PCRE2_UCHAR m[160];
        pcre2_get_error_message(ec, m, sizeof m);
        xs_set_error(err, errlen, "%s:%d: pattern error at offset %zu: %s", label, lineno,
                     (size_t)eo, (char *)m);
        return -1;
    }
    uint32_t ncap = 0;
    pcre2_pattern_info(r->re, PCRE2_INFO_CAPTURECOUNT, &ncap);
    if (r->group > ncap) {
        xs_set_error(err, errlen, "%s:%d: group=%u but the pattern has %u capture group(s)", label,
                     lineno, r->group, ncap);
        return -1;
    }
    (void)pcre2_jit_compile(r->re, PCRE2_JIT_COMPLETE); /* the interpreter is the fallback */
    return 0;
}

void xs_findings_free(xs_findings_db *db)
{
    if (!db)
        return;
    for (size_t i = 0; i < db->nrules; i++)
        rule_clear(&db->rules[i]);
    free(db->rules);
    free(db);
}

size_t xs_findings_rule_count(const xs_findings_db *db)
{
    return db ? db->nrules : 0;
}

xs_findings_db *xs_findings_load_buffer(const char *text, size_t len, const char *label, char *err,
                                        size_t errlen)
{
    if (!label)
        label = "<buffer>";
    xs_findings_db *db = calloc(1, sizeof *db);
    if (!db) {
        xs_set_error(err, errlen, "out of memory");
        return NULL;
    }
    xs_rule_lines lines;
    xs_rule_lines_init(&lines, text, len);
    char *s;
    bool bad_line;
    while ((s = xs_rule_lines_next(&lines, label, &bad_line, err, errlen)) != NULL) {
        int lineno = lines.lineno;
        if (db->nrules == MAX_RULES) {
            xs_set_error(err, errlen, "%s:%d: more than %u rules", label, lineno, MAX_RULES);
            goto fail;
        }
        if (db->nrules % 32 == 0) {
            fr_rule *nr = realloc(db->rules, (db->nrules + 32) * sizeof *nr);
            if (!nr) {
                xs_set_error(err, errlen, "out of memory");
                goto fail;
            }
            db->rules = nr;
        }
        fr_rule *r = &db->rules[db->nrules];
        memset(r, 0, sizeof *r);
        if (parse_line(r, s, label, lineno, err, errlen) < 0) {
            rule_clear(r);
            goto fail;
        }
        for (size_t i = 0; i < db->nrules; i++)
            if (strcmp(db->rules[i].id, r->id) == 0) {
                xs_set_error(err, errlen, "%s:%d: duplicate rule id \"%s\"", label, lineno, r->id);
                rule_clear(r);
                goto fail;
            }
        db->any_icase_literal |= r->icase && r->nliterals > 0;
        db->nrules++;
    }
    if (bad_line)
        goto fail;
    if (db->nrules == 0) {
        xs_set_error(err, errlen, "%s: no rules", label);
        goto fail;
    }
    return db;
fail:
    xs_findings_free(db);
    return NULL;
}

/* The typed parser, as the generic loader calls it. */
static void *parse_text(const char *text, size_t len, const char *label, char *err, size_t errlen)
{
    return xs_findings_load_buffer(text, len, label, err, errlen);
}

xs_findings_db *xs_findings_load(const char *path, char *err, size_t errlen)
{
    return xs_load_data_file(path, "findings/rules.txt", parse_text, err, errlen);
}
