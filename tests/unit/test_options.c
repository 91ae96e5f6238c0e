/* Command line: nmap/masscan conventions, defaults, and one clear error per bad input. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "xsweep/options.h"

static int parse(xs_options *o, char *err, size_t errlen, int argc, ...)
{
    char *argv[32];
    va_list ap;
    va_start(ap, argc);
    argv[0] = "xsweep";
    for (int i = 1; i < argc; i++)
        argv[i] = va_arg(ap, char *);
    va_end(ap);
    argv[argc] = NULL;
    return xs_options_parse(o, argc, argv, err, errlen);
}

static void defaults(void **state)
{
    (void)state;
    xs_options o;
    char err[256];
    assert_int_equal(parse(&o, err, sizeof err, 2, "198.19.0.0/16"), 0);
    assert_int_equal(o.ntargets, 1);
    assert_string_equal(o.targets[0], "198.19.0.0/16");
    assert_true(o.rate == 10000);
    assert_int_equal(o.retries, 1);
    assert_true(o.wait_s == 3);
    assert_true(o.retry_delay_s == 1);
    assert_int_equal(o.format, XS_FMT_JSON);
    assert_false(o.seed_given);
    xs_options_free(&o);
}

static void nmap_style_and_long_options(void **state)
{
    (void)state;
    xs_options o;
    char err[256];
    assert_int_equal(parse(&o, err, sizeof err, 20, "-p", "80,443", "-iL", "t.txt", "-oC", "-o",
                           "out.csv", "--rate", "max", "--retries=3", "--seed", "7", "--shard",
                           "2/4", "--exclude", "198.19.0.1", "--show", "closed", "198.19.0.0/24"),
                     0);
    assert_string_equal(o.ports, "80,443");
    assert_string_equal(o.input_files[0], "t.txt");
    assert_int_equal(o.format, XS_FMT_CSV);
    assert_string_equal(o.output_file, "out.csv");
    assert_true(o.rate <= 0);
    assert_int_equal(o.retries, 3);
    assert_true(o.seed_given);
    assert_int_equal(o.seed, 7);
    assert_string_equal(o.shard, "2/4");
    assert_string_equal(o.excludes[0], "198.19.0.1");
    assert_true(o.show_closed);
    assert_string_equal(o.targets[0], "198.19.0.0/24");
    xs_options_free(&o);
    assert_int_equal(parse(&o, err, sizeof err, 3, "-oL", "--dry-run"), 0);
    assert_int_equal(o.format, XS_FMT_LIST);
    assert_true(o.dry_run);
    xs_options_free(&o);
}

/* nmap and masscan: -oX FILE names the file; a following option or target is not a file. */
static void nmap_output_flags_take_a_file(void **state)
{
    (void)state;
    xs_options o;
    char err[256];
    assert_int_equal(parse(&o, err, sizeof err, 4, "-oX", "scan.xml", "198.19.0.0/24"), 0);
    assert_int_equal(o.format, XS_FMT_XML);
    assert_string_equal(o.output_file, "scan.xml");
    assert_int_equal(o.ntargets, 1);
    assert_string_equal(o.targets[0], "198.19.0.0/24");
    xs_options_free(&o);
    assert_int_equal(parse(&o, err, sizeof err, 4, "198.19.0.1", "-oG", "-"), 0);
    assert_int_equal(o.format, XS_FMT_GREPABLE);
    assert_string_equal(o.output_file, "-");
    xs_options_free(&o);
    assert_int_equal(parse(&o, err, sizeof err, 3, "-oJ", "198.19.0.1-198.19.0.9"), 0);
    assert_int_equal(o.format, XS_FMT_JSON);
    assert_null(o.output_file);
    assert_string_equal(o.targets[0], "198.19.0.1-198.19.0.9");
    xs_options_free(&o);
    assert_int_equal(parse(&o, err, sizeof err, 4, "-oA", "week48", "198.19.0.1"), 0);
    assert_string_equal(o.output_all, "week48");
    assert_null(o.output_file);
    assert_string_equal(o.targets[0], "198.19.0.1");
    xs_options_free(&o);
    assert_int_equal(parse(&o, err, sizeof err, 5, "-c", "/nonexistent.conf", "-oX", "a.xml"), -1);
    xs_options_free(&o);
    assert_int_equal(parse(&o, err, sizeof err, 5, "-oX", "a.xml", "-oG", "a.gnmap"), -1);
    assert_non_null(strstr(err, "-oA BASE writes every format"));
    xs_options_free(&o);
}

static void bad_input_is_one_clear_error(void **state)
{
    (void)state;
    struct {
        const char *a, *b, *want;
    } cases[] = {
        {"--rate", "fast", "invalid --rate \"fast\""},
        {"--rate", "0", "invalid --rate \"0\""},
        {"--retries", "-1", "invalid --retries \"-1\""},
        {"--wait", "x", "invalid --wait \"x\""},
        {"--retry-delay", "0.5", "invalid --retry-delay \"0.5\""},
        {"--seed", "12ab", "invalid --seed \"12ab\""},
        {"--show", "open", "invalid --show \"open\""},
        {"--sender", "magic", "invalid --sender \"magic\""},
        {"--output-format", "yaml", "invalid output format \"yaml\""},
        {"--bogus", "1", "unknown option \"--bogus\""},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        xs_options o;
        char err[256] = "";
        assert_int_equal(parse(&o, err, sizeof err, 3, cases[i].a, cases[i].b), -1);
        assert_non_null(strstr(err, cases[i].want));
        assert_null(strchr(err, '\n'));
        xs_options_free(&o);
    }
    xs_options o;
    char err[256] = "";
    assert_int_equal(parse(&o, err, sizeof err, 2, "--rate"), -1);
    assert_non_null(strstr(err, "needs a value"));
    xs_options_free(&o);
}

static void config_file_then_command_line(void **state)
{
    (void)state;
    char path[] = "/tmp/xsweep-cfg-XXXXXX";
    int fd = mkstemp(path);
    FILE *f = fdopen(fd, "w");
    fputs("# weekly sweep\nrate = 5000\nports = 22,80\nexclude = 198.19.0.1\n"
          "target = 198.19.0.0/24\nshow = closed\nall-statuses = false\ndry-run = true\n",
          f);
    fclose(f);
    xs_options o;
    char err[256];
    assert_int_equal(
        parse(&o, err, sizeof err, 7, "-c", path, "--rate", "7000", "--exclude", "198.19.0.2"), 0);
    assert_true(o.rate == 7000); /* command line wins */
    assert_string_equal(o.ports, "22,80");
    assert_int_equal(o.nexcludes, 2); /* lists add up */
    assert_string_equal(o.targets[0], "198.19.0.0/24");
    assert_true(o.show_closed && o.dry_run && !o.all_statuses);

    /* --echo output is itself a config file that gives the same options back. */
    char echo_path[] = "/tmp/xsweep-echo-XXXXXX";
    fd = mkstemp(echo_path);
    f = fdopen(fd, "w");
    xs_options_echo(f, &o);
    fclose(f);
    xs_options o2;
    assert_int_equal(parse(&o2, err, sizeof err, 3, "-c", echo_path), 0);
    assert_true(o2.rate == 7000 && o2.nexcludes == 2 && o2.show_closed && o2.dry_run);
    assert_string_equal(o2.targets[0], "198.19.0.0/24");
    xs_options_free(&o2);
    /* Command-line targets replace the file's. */
    assert_int_equal(parse(&o2, err, sizeof err, 4, "-c", echo_path, "198.19.1.0/24"), 0);
    assert_int_equal(o2.ntargets, 1);
    assert_string_equal(o2.targets[0], "198.19.1.0/24");
    xs_options_free(&o2);
    xs_options_free(&o);
    unlink(echo_path);

    /* Every target line of the file counts, both families (a resume file holds them so). */
    f = fopen(path, "w");
    fputs("target = 2001:2::/112\ntarget = 198.19.0.0/24\ntarget = 198.19.1.7\n", f);
    fclose(f);
    assert_int_equal(parse(&o, err, sizeof err, 3, "-c", path), 0);
    assert_int_equal(o.ntargets, 3);
    assert_string_equal(o.targets[0], "2001:2::/112");
    assert_string_equal(o.targets[2], "198.19.1.7");
    xs_options_free(&o);

    f = fopen(path, "w");
    fputs("rate = 5000\nfrobnicate = 1\n", f);
    fclose(f);
    assert_int_equal(parse(&o, err, sizeof err, 3, "-c", path), -1);
    assert_non_null(strstr(err, ":2: unknown option \"frobnicate\""));
    xs_options_free(&o);
    unlink(path);
    assert_int_equal(parse(&o, err, sizeof err, 3, "-c", "/nonexistent.conf"), -1);
    assert_non_null(strstr(err, "cannot read /nonexistent.conf"));
    xs_options_free(&o);
}

static void numbers_are_decimal(void **state)
{
    (void)state;
    xs_options o;
    char err[256];
    assert_int_equal(parse(&o, err, sizeof err, 9, "--seed", "010", "--retries", "010",
                           "--max-body", "0100", "--resume-position", "010,020"),
                     0);
    assert_true(o.seed == 10 && o.seed_given); /* not octal 8 */
    assert_int_equal(o.retries, 10);
    assert_int_equal(o.max_body, 100);
    assert_int_equal(o.nresume_pos, 2);
    assert_true(o.resume_pos[0] == 10 && o.resume_pos[1] == 20);
    xs_options_free(&o);
    const char *bad[][2] = {
        {"--seed", "0x10"}, {"--batch", "0x10"},          {"--keep", "+3"},
        {"--seed", " 7"},   {"--resume-position", "0x1"}, {"--resume-position", "1,,2"}};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        assert_int_equal(parse(&o, err, sizeof err, 3, bad[i][0], bad[i][1]), -1);
        assert_non_null(strstr(err, "invalid"));
        xs_options_free(&o);
    }
}

static void other_scanners_spellings_and_verbose(void **state)
{
    (void)state;
    xs_options o;
    char err[256];
    assert_int_equal(parse(&o, err, sizeof err, 9, "--excludefile", "ex.txt", "--show", "closed",
                           "--open", "-v", "-vv", "--verbose", "198.19.0.0/24"),
                     0);
    assert_int_equal(o.nexclude_files, 1); /* masscan's --excludefile is --exclude-file */
    assert_string_equal(o.exclude_files[0], "ex.txt");
    assert_false(o.show_closed); /* nmap's --open: open ports only */
    assert_int_equal(o.verbose, 4);
    xs_options_free(&o);
    assert_int_equal(parse(&o, err, sizeof err, 3, "--top-ports", "100"), -1);
    assert_non_null(strstr(err, "--top-ports"));
    assert_non_null(strstr(err, "-p ")); /* names the xsweep option */
    assert_null(strchr(err, '\n'));
    xs_options_free(&o);

    char path[] = "/tmp/xsweep-cfgv-XXXXXX";
    int fd = mkstemp(path);
    FILE *f = fdopen(fd, "w");
    fputs("verbose = 2\nexcludefile = ex.txt\n", f);
    fclose(f);
    assert_int_equal(parse(&o, err, sizeof err, 3, "-c", path), 0);
    assert_int_equal(o.verbose, 2);
    assert_int_equal(o.nexclude_files, 1);
    xs_options_free(&o);
    unlink(path);
}

static void help_leaves_out_plumbing_which_still_parses(void **state)
{
    (void)state;
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    xs_options_usage(f);
    fclose(f);
    assert_null(strstr(text, "--resume-position"));
    assert_null(strstr(text, "--db-sweep"));
    assert_non_null(strstr(text, "--resume FILE"));
    assert_non_null(strstr(text, "-v, --verbose"));
    assert_non_null(strstr(text, "--retries N"));
    assert_non_null(strstr(text, "(default 1)"));
    free(text);
    xs_options o;
    char err[256];
    assert_int_equal(parse(&o, err, sizeof err, 5, "--db-sweep", "3", "--resume-position", "5"), 0);
    assert_int_equal(o.db_sweep, 3);
    assert_int_equal(o.nresume_pos, 1);
    xs_options_free(&o);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(defaults),
        cmocka_unit_test(nmap_style_and_long_options),
        cmocka_unit_test(nmap_output_flags_take_a_file),
        cmocka_unit_test(bad_input_is_one_clear_error),
        cmocka_unit_test(config_file_then_command_line),
        cmocka_unit_test(numbers_are_decimal),
        cmocka_unit_test(other_scanners_spellings_and_verbose),
        cmocka_unit_test(help_leaves_out_plumbing_which_still_parses),
    };
    return cmocka_run_group_tests_name("options", tests, NULL, NULL);
}
