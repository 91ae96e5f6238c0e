/* Drives the screenshot pool from the command line (tests/screenshot/run.sh and measurements).
 *   shot_cli [-c concurrency] [-t timeout_ms] [-r resolve_to] URL OUT.png [URL OUT.png ...]
 * One line per shot: "<OUT> ok w=.. h=.. bytes=.. text_chars=.. partial=.. ms=.." or
 * "<OUT> error=<text> ms=..". The extracted text goes to OUT.png.txt. Exit 0 when all succeeded. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "xsweep/screenshot.h"

typedef struct {
    int failures;
    char **outs;
} run_state;

static void on_shot(const xs_shot_result *r, void *arg)
{
    run_state *st = arg;
    const char *out = st->outs[(size_t)r->user];
    char txt[4096];
    snprintf(txt, sizeof txt, "%s.txt", out);
    FILE *f = fopen(txt, "w");
    if (f) {
        fwrite(r->text, 1, r->text_len, f);
        fclose(f);
    }
    if (r->error) {
        st->failures++;
        printf("%s error=%s ms=%llu\n", out, r->error,
               (unsigned long long)(r->elapsed_ns / 1000000u));
    } else {
        printf("%s ok w=%u h=%u bytes=%zu text_chars=%zu partial=%d ms=%llu\n", out, r->width,
               r->height, r->bytes, r->text_len, r->partial,
               (unsigned long long)(r->elapsed_ns / 1000000u));
    }
    fflush(stdout);
}

int main(int argc, char **argv)
{
    xs_shot_config cfg = {0};
    const char *resolve_to = NULL;
    int opt;
    while ((opt = getopt(argc, argv, "c:t:r:")) != -1) {
        if (opt == 'c')
            cfg.concurrency = (unsigned)atoi(optarg);
        else if (opt == 't')
            cfg.timeout_ms = (unsigned)atoi(optarg);
        else if (opt == 'r')
            resolve_to = optarg;
        else
            return 2;
    }
    if (optind >= argc || (argc - optind) % 2 != 0) {
        fprintf(stderr, "usage: shot_cli [-c N] [-t ms] [-r ip] URL OUT.png ...\n");
        return 2;
    }
    char err[256];
    xs_shot_pool *p = xs_shot_pool_new(&cfg, err, sizeof err);
    if (!p) {
        fprintf(stderr, "%s\n", err);
        return 1;
    }
    run_state st = {.outs = calloc((size_t)argc, sizeof(char *))};
    size_t k = 0;
    for (int i = optind; i + 1 < argc; i += 2, k++) {
        st.outs[k] = argv[i + 1];
        if (xs_shot_pool_submit_pinned(p, argv[i], resolve_to, argv[i + 1], (void *)k) != 0) {
            printf("%s error=submit refused ms=0\n", argv[i + 1]);
            st.failures++;
        }
    }
    while (xs_shot_pool_pending(p) > 0)
        if (xs_shot_pool_poll(p, 1000, on_shot, &st) < 0)
            break;
    xs_shot_pool_free(p);
    free(st.outs);
    return st.failures ? 1 : 0;
}
