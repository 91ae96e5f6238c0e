/* The option table against what is generated from it and against man/xsweep.1: every option the
 * operator can see is documented, every documented option exists, defaults come from the table. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "xsweep/log.h"
#include "xsweep/options.h"

#define MAX_TAGS 256

/* Option spellings ("--ports", "-p") on the tag lines (the line after .TP) of the OPTIONS
 * section, with roff's "\-" and font escapes taken out. */
static size_t man_option_tags(char tags[][48])
{
    const char *path = getenv("XS_MAN_PAGE") ? getenv("XS_MAN_PAGE") : "man/xsweep.1";
    FILE *f = fopen(path, "r");
    assert_non_null(f);
    char line[1024], plain[1024];
    size_t n = 0;
    int in_options = 0, after_tp = 0;
    while (fgets(line, sizeof line, f)) {
        if (!strncmp(line, ".SH", 3))
            in_options = strstr(line, "OPTIONS") != NULL;
        if (!in_options)
            continue;
        if (!strncmp(line, ".TP", 3)) {
            after_tp = 1;
            continue;
        }
        if (!after_tp)
            continue;
        after_tp = 0;
        size_t k = 0;
        for (const char *p = line; *p && k + 1 < sizeof plain; p++) {
            if (p[0] == '\\' && p[1] == '-') {
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
        for (char *p = plain; *p; p++) {
            if (*p != '-' || (p > plain && p[-1] != ' ' && p[-1] != ','))
                continue;
            size_t len = strspn(p, "-abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789");
            if (len < 2 || len >= 48 || n >= MAX_TAGS)
                continue;
            memcpy(tags[n], p, len);
            tags[n][len] = '\0';
            n++;
            p += len - 1;
        }
    }
    fclose(f);
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

static void rows_are_consistent(void **state)
{
    (void)state;
    for (size_t i = 0; i < xs_noptdefs; i++) {
        const xs_optdef *d = &xs_optdefs[i];
        assert_non_null(d->help);
        assert_ptr_equal(xs_optdef_by_name(d->name), d);          /* names are unique */
        if (d->config_key)
            assert_ptr_equal(xs_optdef_by_key(d->config_key), d);
        if (xs_optdef_takes_value(d) && !(d->flags & XS_OPT_INTERNAL))
            assert_non_null(d->metavar);                          /* --help shows what to give */
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
        case XS_ARG_DOUBLE: assert_true(*(const double *)field == strtod(d->def, NULL)); break;
        case XS_ARG_UINT:   assert_int_equal(*(const unsigned *)field, strtoul(d->def, NULL, 10)); break;
        case XS_ARG_SIZE:   assert_int_equal(*(const size_t *)field, strtoull(d->def, NULL, 10)); break;
        case XS_ARG_STRING: assert_null(*(char *const *)field); break; /* NULL means the default */
        default: break;
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
    assert_string_equal(text, "xsweep: warning: shown 1\nxsweep: info: shown 2\nxsweep: debug: shown 3\n");
    free(text);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(man_page_documents_exactly_the_table),
        cmocka_unit_test(rows_are_consistent),
        cmocka_unit_test(defaults_come_from_the_table),
        cmocka_unit_test(log_levels_follow_verbose),
    };
    return cmocka_run_group_tests_name("option_table", tests, NULL, NULL);
}
