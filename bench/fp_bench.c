/* fp_bench: responses/s of xsweep's fingerprint matcher over saved responses.
 *
 *   fp_bench DATA SECONDS FILE...
 *
 * DATA: a Wappalyzer data directory (or technologies .json). FILE: "headers\r\n\r\nbody" (bare \n
 * works too), with an optional FILE.url holding its URL (else http://localhost/). Matches every file
 * once (detections per file), then all of them in a loop for SECONDS on one thread, and prints:
 *   file <path> <bytes> <detections>
 *   xsweep responses/s <r> detections/response <d> files <n> mean_bytes <b> regex_errors <e> load_s <t>
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "xsweep/fingerprint.h"

typedef struct {
    char *raw, *url;
    xs_fp_pair headers[128];
    xs_fp_input in;
} response;

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static char *read_all(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    size_t cap = 1 << 16, n = 0, r;
    char *buf = malloc(cap + 1);
    while (buf && (r = fread(buf + n, 1, cap - n, f)) > 0) {
        n += r;
        if (n == cap) {
            char *nb = realloc(buf, (cap *= 2) + 1);
            if (!nb) {
                free(buf);
                buf = NULL;
            } else
                buf = nb;
        }
    }
    fclose(f);
    if (buf)
        buf[n] = '\0';
    *len = n;
    return buf;
}

/* Splits the head into header pairs in place; the body is everything after the empty line. */
static int load_response(response *r, const char *path)
{
    size_t len;
    if (!(r->raw = read_all(path, &len)))
        return -1;
    char *sep = strstr(r->raw, "\r\n\r\n"), *alt = strstr(r->raw, "\n\n");
    size_t seplen = 4;
    if (!sep || (alt && alt < sep)) {
        sep = alt;
        seplen = 2;
    }
    char *body = sep ? sep + seplen : r->raw + len;
    if (sep)
        *sep = '\0';
    size_t nh = 0;
    for (char *line = r->raw; line && *line;) {
        char *nl = strchr(line, '\n');
        if (nl)
            *nl = '\0';
        size_t ll = strlen(line);
        if (ll && line[ll - 1] == '\r')
            line[ll - 1] = '\0';
        char *colon = strchr(line, ':');
        if (colon && strncmp(line, "HTTP/", 5) != 0 &&
            nh < sizeof r->headers / sizeof *r->headers) {
            *colon = '\0';
            char *v = colon + 1;
            while (*v == ' ' || *v == '\t')
                v++;
            r->headers[nh++] = (xs_fp_pair){line, v};
        }
        line = nl ? nl + 1 : NULL;
    }
    char upath[4096];
    snprintf(upath, sizeof upath, "%s.url", path);
    size_t ulen;
    if ((r->url = read_all(upath, &ulen)))
        r->url[strcspn(r->url, "\r\n")] = '\0';
    else
        r->url = strdup("http://localhost/");
    r->in = (xs_fp_input){.url = r->url,
                          .headers = r->headers,
                          .nheaders = nh,
                          .body = body,
                          .body_len = (size_t)(r->raw + len - body)};
    return 0;
}

int main(int argc, char **argv)
{
    if (argc < 4) {
        fprintf(stderr, "usage: fp_bench DATA SECONDS FILE...\n");
        return 2;
    }
    double seconds = atof(argv[2]);
    size_t n = (size_t)argc - 3;
    response *rs = calloc(n, sizeof *rs);
    char err[512];
    double t0 = now_s();
    xs_fp_db *db = xs_fp_db_load(argv[1], err, sizeof err);
    double load_s = now_s() - t0;
    if (!db || !rs) {
        fprintf(stderr, "fp_bench: %s\n", db ? "out of memory" : err);
        return 1;
    }
    xs_fp_matcher *m = xs_fp_matcher_new(db);
    xs_fp_result res = {0};
    size_t detections = 0, bytes = 0;
    for (size_t i = 0; i < n; i++) {
        if (load_response(&rs[i], argv[3 + i]) < 0) {
            fprintf(stderr, "fp_bench: cannot read %s\n", argv[3 + i]);
            return 1;
        }
        if (xs_fp_match(m, &rs[i].in, &res) < 0) {
            fprintf(stderr, "fp_bench: out of memory\n");
            return 1;
        }
        printf("file %s %zu %zu\n", argv[3 + i], rs[i].in.body_len, res.n);
        detections += res.n;
        bytes += rs[i].in.body_len;
    }
    uint64_t count = 0;
    double start = now_s(), end = start + seconds, el;
    do {
        for (size_t i = 0; i < n; i++)
            xs_fp_match(m, &rs[i].in, &res);
        count += n;
    } while ((el = now_s() - start) < seconds && now_s() < end);
    printf("xsweep responses/s %.0f detections/response %.2f files %zu mean_bytes %zu regex_errors "
           "%llu load_s %.3f\n",
           (double)count / el, (double)detections / (double)n, n, bytes / n,
           (unsigned long long)xs_fp_matcher_errors(m), load_s);
    xs_fp_result_free(&res);
    xs_fp_matcher_free(m);
    xs_fp_db_free(db);
    for (size_t i = 0; i < n; i++) {
        free(rs[i].raw);
        free(rs[i].url);
    }
    free(rs);
    return 0;
}
