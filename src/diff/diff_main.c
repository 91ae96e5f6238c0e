/* `xsweep diff --db FILE [SWEEP_A SWEEP_B] [-oJ]`: argument handling and the summary. */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include "xsweep/diff.h"

void xs_diff_usage(FILE *out)
{
    fputs("Usage: xsweep diff --db FILE [SWEEP_A SWEEP_B] [-oJ]\n"
          "Shows what changed between two sweeps recorded with `xsweep --db FILE`:\n"
          "endpoints that appeared (open in B, not open in A), disappeared (open in A, not open\n"
          "in B), or changed status, severity or technology set.\n"
          "\n"
          "  --db FILE             the history database (required): an SQLite file, or a\n"
          "                        PostgreSQL URI / libpq connection string\n"
          "  SWEEP_A SWEEP_B       sweep ids to compare (default: the last two finished sweeps);\n"
          "                        list them with: sqlite3 FILE 'SELECT * FROM sweeps'\n"
          "  -oJ, --json           JSON lines: "
          "{\"ip\",\"port\",\"change\",\"fields\",\"before\",\"after\"}\n"
          "  -oT                   plain-text table (the default)\n"
          "  -h, --help            this help\n"
          "\n"
          "Exit status: 0 done (whether or not anything changed), 1 database error, 2 usage.\n",
          out);
}

static int usage_error(const char *fmt, const char *arg)
{
    fputs("xsweep diff: ", stderr);
    fprintf(stderr, fmt, arg);
    fputs("\nTry 'xsweep diff --help'.\n", stderr);
    return 2;
}

static bool parse_sweep_id(const char *s, int64_t *id)
{
    char *end;
    errno = 0;
    long long v = strtoll(s, &end, 10);
    if (errno || end == s || *end || v <= 0 || *s == '+' || *s == ' ')
        return false;
    *id = v;
    return true;
}

struct printer {
    FILE *out;
    bool json;
    uint64_t count[3];
};

static int print_entry(void *ctx, const xs_diff_entry *e)
{
    struct printer *p = ctx;
    p->count[e->change]++;
    if (p->json)
        xs_diff_print_json(p->out, e);
    else
        xs_diff_print_text(p->out, e);
    return ferror(p->out) ? -1 : 0;
}

/* An explicit sweep id must exist and still have its rows. Returns 0, or the exit status. */
static int check_sweep(xs_diff_db *db, int64_t id, xs_diff_sweep *out, const char *path)
{
    char err[512];
    int found = xs_diff_find_sweep(db, id, out, err, sizeof err);
    if (found < 0) {
        fprintf(stderr, "xsweep diff: %s\n", err);
        return 1;
    }
    if (!found || out->pruned) {
        fprintf(stderr, "xsweep diff: %s: sweep %lld %s\n", path, (long long)id,
                found ? "was pruned (its endpoints are no longer stored)" : "does not exist");
        return 1;
    }
    if (!out->finished)
        fprintf(stderr,
                "xsweep diff: warning: sweep %lld did not finish; endpoints it did not "
                "reach show as disappeared\n",
                (long long)id);
    return 0;
}

static int run(const char *path, const int64_t ids[2], bool json)
{
    char err[512];
    xs_diff_db *db = xs_diff_open(path, err, sizeof err);
    if (!db) {
        fprintf(stderr, "xsweep diff: %s\n", err);
        return 1;
    }
    xs_diff_sweep a, b;
    int rc = 0;
    if (ids[0]) {
        rc = check_sweep(db, ids[0], &a, path);
        if (!rc)
            rc = check_sweep(db, ids[1], &b, path);
    } else {
        int found = xs_diff_last_two(db, &a, &b, err, sizeof err);
        if (found <= 0) {
            if (found < 0)
                fprintf(stderr, "xsweep diff: %s\n", err);
            else
                fprintf(stderr, "xsweep diff: %s: fewer than two finished sweeps to compare\n",
                        path);
            rc = 1;
        }
    }
    if (rc) {
        xs_diff_close(db);
        return rc;
    }
    struct printer p = {.out = stdout, .json = json};
    if (!json) {
        printf("sweep %lld (%s) -> sweep %lld (%s)\n", (long long)a.id, a.started, (long long)b.id,
               b.started);
        xs_diff_print_header(stdout);
    }
    if (xs_diff_sweeps(db, a.id, b.id, print_entry, &p, err, sizeof err) < 0) {
        fprintf(stderr, "xsweep diff: %s\n", err);
        rc = 1;
    } else if (!json) {
        printf("%llu appeared, %llu disappeared, %llu changed\n",
               (unsigned long long)p.count[XS_DIFF_APPEARED],
               (unsigned long long)p.count[XS_DIFF_DISAPPEARED],
               (unsigned long long)p.count[XS_DIFF_CHANGED]);
    }
    xs_diff_close(db);
    if (fflush(stdout) != 0 || ferror(stdout)) {
        fprintf(stderr, "xsweep diff: cannot write the output: %s\n", strerror(errno));
        rc = 1;
    }
    return rc;
}

int xs_diff_main(int argc, char **argv)
{
    static const struct option LONG[] = {
        {"db", required_argument, NULL, 'd'},
        {"json", no_argument, NULL, 'J'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *db = NULL;
    bool json = false;
    int c;
    optind = 0; /* glibc: start afresh even if the caller used getopt already */
    opterr = 0;
    while ((c = getopt_long(argc, argv, "ho:", LONG, NULL)) != -1) {
        switch (c) {
        case 'd':
            db = optarg;
            break;
        case 'J':
            json = true;
            break;
        case 'o':
            if (!strcmp(optarg, "J") || !strcmp(optarg, "json"))
                json = true;
            else if (!strcmp(optarg, "T") || !strcmp(optarg, "text"))
                json = false;
            else
                return usage_error("invalid output format \"-o%s\": give -oJ or -oT", optarg);
            break;
        case 'h':
            xs_diff_usage(stdout);
            return 0;
        default:
            if (optopt == 'o' || optopt == 'd')
                return usage_error("option %s needs a value", argv[optind - 1]);
            return usage_error("unknown option %s", argv[optind - 1]);
        }
    }
    if (!db)
        return usage_error("%s", "--db FILE is required");
    int64_t ids[2] = {0, 0};
    int npos = argc - optind;
    if (npos != 0 && npos != 2)
        return usage_error("%s", "give two sweep ids (SWEEP_A SWEEP_B), or none for the last two");
    for (int i = 0; i < npos; i++)
        if (!parse_sweep_id(argv[optind + i], &ids[i]))
            return usage_error("invalid sweep id \"%s\": give a positive number", argv[optind + i]);
    return run(db, ids, json);
}
