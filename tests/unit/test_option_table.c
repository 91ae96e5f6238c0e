/* The option table against what is generated from it and against man/xsweep.1: every option the
 * operator can see is documented (its dashes written \-), every documented option exists, --help
 * names only documented options and the same exit statuses, defaults come from the table. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "xsweep/log.h"
#include "xsweep/options.h"

#define MAX_TAGS   256
#define WORD_CHARS "-abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"

static FILE *open_man_page(void)
{
    const char *path = getenv("XS_MAN_PAGE") ? getenv("XS_MAN_PAGE") : "man/xsweep.1";
    FILE *f = fopen(path, "r");
    assert_non_null(f);
    return f;
}

/* A roff line as text: "\-" becomes '-', font escapes go, quotes become spaces. escaped[k] says
 * whether plain[k] was written "\-". */
static void roff_plain(const char *line, char *plain, char *escaped, size_t size)
{
    size_t k = 0;
    for (const char *p = line; *p && *p != '\n' && k + 1 < size; p++) {
        escaped[k] = 0;
        if (p[0] == '\\' && p[1] == '-') {
            escaped[k] = 1;
            plain[k++] = '-';
            p++;
        } else if (p[0] == '\\' && p[1] == 'f' && p[2]) {
            p += 2;
        } else if (*p == '"') {
            plain[k++] = ' ';
        } else {
            plain[k++] = *p;
        }
    }
    plain[k] = '\0';
}

/* The tag lines (the line after .TP) of the man page's section SECTION, as text. */
static size_t man_tag_lines(const char *section, char lines[][256], char escaped[][256], size_t max)
{
    FILE *f = open_man_page();
    char line[1024];
    size_t n = 0;
    int in_section = 0, after_tp = 0;
    while (fgets(line, sizeof line, f)) {
        if (!strncmp(line, ".SH", 3))
            in_section = strstr(line, section) != NULL;
        if (!in_section)
            continue;
        if (!strncmp(line, ".TP", 3)) {
            after_tp = 1;
            continue;
        }
        if (!after_tp)
            continue;
        after_tp = 0;
        assert_true(n < max);
        roff_plain(line, lines[n], escaped[n], sizeof lines[n]);
        n++;
    }
    fclose(f);
    return n;
}

/* Option spellings ("--ports", "-p") on the tag lines of the OPTIONS section. Their dashes must
 * be written "\-": a bare "-" may render as a hyphen that a shell does not take. */
static size_t man_option_tags(char tags[][48])
{
    static char lines[MAX_TAGS][256], escaped[MAX_TAGS][256];
    size_t nlines = man_tag_lines("OPTIONS", lines, escaped, MAX_TAGS);
    size_t n = 0;
    for (size_t i = 0; i < nlines; i++) {
        char *plain = lines[i];
        for (char *p = plain; *p; p++) {
            if (*p != '-' || (p > plain && p[-1] != ' ' && p[-1] != ','))
                continue;
            size_t len = strspn(p, WORD_CHARS);
            if (len < 2 || len >= 48 || n >= MAX_TAGS)
                continue;
            memcpy(tags[n], p, len);
            tags[n][len] = '\0';
            for (size_t d = 0; d < len && p[d] == '-'; d++)
                if (!escaped[i][p - plain + d])
                    fail_msg("man/xsweep.1 writes the tag %s with a bare '-': write \\-", tags[n]);
            n++;
            p += len - 1;
        }
    }
    return n;
}

static int has_tag(char tags[][48], size_t n, const char *s)
{
    for (size_t i = 0; i < n; i++)
        if (!strcmp(tags[i], s))
            return 1;
    return 0;
}

static void man_page_documents_exactly_the_table(void **state)
{
    (void)state;
    static char tags[MAX_TAGS][48];
    size_t n = man_option_tags(tags);
    assert_true(n > 40);
    char want[64];
    for (size_t i = 0; i < xs_noptdefs; i++) {
        const xs_optdef *d = &xs_optdefs[i];
        snprintf(want, sizeof want, "--%s", d->name);
        if (!(d->flags & XS_OPT_INTERNAL) && !has_tag(tags, n, want))
            fail_msg("--%s is in the option table but not documented in man/xsweep.1", d->name);
        snprintf(want, sizeof want, "-%s", d->short_name ? d->short_name : "");
        if (d->short_name && !has_tag(tags, n, want))
            fail_msg("%s (--%s) is not documented in man/xsweep.1", want, d->name);
    }
    /* Spellings the man page documents that are not table rows: nmap's -oJ/-oC/-oL/-oX. */
    static const char *extra[] = {"-oJ", "-oC", "-oL", "-oX", "-oG", "-oA"};
    for (size_t i = 0; i < n; i++) {
        int known = 0;
        for (size_t k = 0; k < sizeof extra / sizeof extra[0]; k++)
            known |= !strcmp(tags[i], extra[k]);
        for (size_t k = 0; !known && k < xs_noptdefs; k++) {
            const xs_optdef *d = &xs_optdefs[k];
            known = (tags[i][1] == '-' && !strcmp(tags[i] + 2, d->name)) ||
                    (tags[i][1] != '-' && d->short_name && !strcmp(tags[i] + 1, d->short_name));
        }
        if (!known)
            fail_msg("man/xsweep.1 documents %s, which is not in the option table", tags[i]);
    }
}

/* Does the man page write SPELLING ("-vv") anywhere, with its dashes as "\-", as a word? */
static int man_mentions(const char *spelling)
{
    char want[64] = "";
    for (const char *p = spelling; *p; p++)
        strncat(want, *p == '-' ? "\\-" : (char[]){*p, '\0'}, sizeof want - strlen(want) - 1);
    FILE *f = open_man_page();
    char line[1024];
    int found = 0;
    size_t n = strlen(want);
    while (!found && fgets(line, sizeof line, f))
        for (char *p = strstr(line, want); p && !found; p = strstr(p + 1, want))
            found = p[n] == '\0' || !strchr(WORD_CHARS, p[n]);
    fclose(f);
    return found;
}

/* What --help says agrees with the man page: every option it names is documented there, its
 * sections are the OPTIONS subsections, and its exit statuses are those of EXIT STATUS. */
static void help_agrees_with_the_man_page(void **state)
{
    (void)state;
    static char tags[MAX_TAGS][48];
    size_t ntags = man_option_tags(tags);
    char *help = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&help, &len);
    xs_options_usage(f);
    fclose(f);
    size_t named = 0;
    for (char *p = help; *p; p++) {
        if (*p != '-' ||
            !(p[1] == '-' || (p[1] >= 'a' && p[1] <= 'z') || (p[1] >= 'A' && p[1] <= 'Z')) ||
            (p > help && !strchr(" ,('\n", p[-1])))
            continue;
        char word[48];
        size_t n = strspn(p, WORD_CHARS);
        if (n >= sizeof word)
            fail_msg("--help names an overlong option: %.60s", p);
        memcpy(word, p, n);
        word[n] = '\0';
        if (!has_tag(tags, ntags, word) && !man_mentions(word))
            fail_msg("--help names %s, which man/xsweep.1 does not document", word);
        named++;
        p += n - 1;
    }
    assert_true(named > 60);
    /* The table's sections are the OPTIONS subsections, by name. */
    for (size_t i = 0; i < xs_noptdefs; i++) {
        const char *sec = xs_optdefs[i].section;
        if (!sec)
            continue;
        FILE *m = open_man_page();
        char line[1024];
        int found = 0;
        while (!found && fgets(line, sizeof line, m))
            found = !strncmp(line, ".SS ", 4) && !strncmp(line + 4, sec, strlen(sec)) &&
                    (line[4 + strlen(sec)] == '\n' || line[4 + strlen(sec)] == '\0');
        fclose(m);
        if (!found)
            fail_msg("--help has the section \"%s\", which man/xsweep.1 has no .SS for", sec);
    }
    /* "Exit status: 0 ..., 1 ..., 2 ..., 130/143 ..." against the EXIT STATUS tags. */
    const char *ex = strstr(help, "Exit status:");
    assert_non_null(ex);
    unsigned from_help[16], from_man[16];
    size_t nh = 0, nm = 0;
    for (const char *p = ex + strlen("Exit status:"); *p && nh < 16; p++) {
        /* a status is a number after a space or a '/', followed by a space or a '/' */
        if (*p >= '0' && *p <= '9' && (p[-1] == ' ' || p[-1] == '/')) {
            char *end;
            unsigned long v = strtoul(p, &end, 10);
            if (*end == ' ' || *end == '/')
                from_help[nh++] = (unsigned)v;
            p = end - 1;
        }
    }
    static char lines[32][256], escaped[32][256];
    size_t nlines = man_tag_lines("EXIT STATUS", lines, escaped, 32);
    for (size_t i = 0; i < nlines; i++)
        for (const char *p = lines[i]; *p && nm < 16; p++)
            if (*p >= '0' && *p <= '9') {
                char *end;
                from_man[nm++] = (unsigned)strtoul(p, &end, 10);
                p = end - 1;
            }
    assert_true(nh >= 4);
    if (nh != nm)
        fail_msg("--help lists %zu exit statuses, the EXIT STATUS of man/xsweep.1 %zu", nh, nm);
    for (size_t i = 0; i < nh; i++)
        if (from_help[i] != from_man[i])
            fail_msg("--help's exit status %u is not man/xsweep.1's %u (EXIT STATUS, in order)",
                     from_help[i], from_man[i]);
    free(help);
}

static void rows_are_consistent(void **state)
{
    (void)state;
    for (size_t i = 0; i < xs_noptdefs; i++) {
        const xs_optdef *d = &xs_optdefs[i];
        assert_non_null(d->help);
        assert_ptr_equal(xs_optdef_by_name(d->name), d); /* names are unique */
        if (d->config_key)
            assert_ptr_equal(xs_optdef_by_key(d->config_key), d);
        if (xs_optdef_takes_value(d) && !(d->flags & XS_OPT_INTERNAL))
            assert_non_null(d->metavar); /* --help shows what to give */
        if ((d->kind == XS_ARG_CUSTOM || d->kind == XS_ARG_CUSTOM_FLAG))
            assert_non_null(d->parse);
    }
    /* The command-line-only options are no config keys. */
    assert_null(xs_optdef_by_key("config"));
    assert_null(xs_optdef_by_key("resume"));
    assert_null(xs_optdef_by_key("help"));
}

static void defaults_come_from_the_table(void **state)
{
    (void)state;
    xs_options o;
    char err[256];
    char *argv[] = {"xsweep", NULL};
    assert_int_equal(xs_options_parse(&o, 1, argv, err, sizeof err), 0);
    for (size_t i = 0; i < xs_noptdefs; i++) {
        const xs_optdef *d = &xs_optdefs[i];
        const char *field = (const char *)&o + d->offset;
        if (!d->def)
            continue;
        switch (d->kind) {
        case XS_ARG_DOUBLE:
            assert_true(*(const double *)field == strtod(d->def, NULL));
            break;
        case XS_ARG_UINT:
            assert_int_equal(*(const unsigned *)field, strtoul(d->def, NULL, 10));
            break;
        case XS_ARG_SIZE:
            assert_int_equal(*(const size_t *)field, strtoull(d->def, NULL, 10));
            break;
        case XS_ARG_STRING:
            assert_null(*(char *const *)field);
            break; /* NULL means the default */
        default:
            break;
        }
    }
    assert_true(o.rate == 10000);
    assert_int_equal(o.progress, -1);
    assert_int_equal(o.format, XS_FMT_JSON);
    /* Every line --echo writes is a config key of the table (or a target). */
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    xs_options_echo(f, &o);
    fclose(f);
    for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
        if (line[0] == '#')
            continue;
        char key[64];
        assert_int_equal(sscanf(line, "%63s =", key), 1);
        if (!xs_optdef_by_key(key))
            fail_msg("--echo wrote \"%s\", which is no config key", key);
    }
    free(text);
    xs_options_free(&o);
}

static void log_levels_follow_verbose(void **state)
{
    (void)state;
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    xs_log_set_stream(f);
    xs_log_set_verbosity(0);
    xs_log(XS_LOG_INFO, "hidden %d", 1);
    xs_log(XS_LOG_WARN, "shown %d", 1);
    xs_log_set_verbosity(1);
    xs_log(XS_LOG_INFO, "shown %d", 2);
    xs_log(XS_LOG_DEBUG, "hidden %d", 2);
    xs_log_set_verbosity(2);
    xs_log(XS_LOG_DEBUG, "shown %d", 3);
    fclose(f);
    xs_log_set_stream(NULL);
    xs_log_set_verbosity(0);
    assert_string_equal(
        text, "xsweep: warning: shown 1\nxsweep: info: shown 2\nxsweep: debug: shown 3\n");
    free(text);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(man_page_documents_exactly_the_table),
        cmocka_unit_test(help_agrees_with_the_man_page),
        cmocka_unit_test(rows_are_consistent),
        cmocka_unit_test(defaults_come_from_the_table),
        cmocka_unit_test(log_levels_follow_verbose),
    };
    return cmocka_run_group_tests_name("option_table", tests, NULL, NULL);
}
