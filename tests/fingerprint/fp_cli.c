/* fp_cli: runs xsweep's fingerprint engine over saved HTTP responses.
 *
 *   fp_cli DATA [--url URL] [--stats] [--bench SECONDS] FILE...
 *
 * DATA is a Wappalyzer data directory (or technologies .json file). Each FILE holds one response:
 * optional status line, header lines, an empty line, then the body ("headers\r\n\r\nbody"; bare \n
 * works too). Prints one JSON line per file: {"file":..,"technologies":[{name,version,confidence,
 * categories}]}. --stats prints load time, memory and pattern counts to stderr; --bench matches
 * the files in a loop for SECONDS and prints responses/s to stderr. A file "NAME.url" beside a
 * response gives its URL (else --url, else http://localhost/). */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "xsweep/fingerprint.h"

typedef struct {
    char *path, *raw, *url;
    xs_fp_pair *headers;
    size_t nheaders;
    xs_fp_input in;
} response;

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static long rss_kib(void)
{
    FILE *f = fopen("/proc/self/status", "r");
    char line[256];
    long kib = -1;
    while (f && fgets(line, sizeof line, f))
        if (sscanf(line, "VmRSS: %ld", &kib) == 1)
            break;
    if (f)
        fclose(f);
    return kib;
}

static char *read_all(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    size_t cap = 65536, n = 0;
    char *buf = malloc(cap + 1);
    size_t r;
    while (buf && (r = fread(buf + n, 1, cap - n, f)) > 0) {
        n += r;
        if (n == cap) {
            cap *= 2;
            char *nb = realloc(buf, cap + 1);
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

/* Splits the head into header pairs (in place) and points the input at the body. */
static int parse_response(response *r, const char *default_url)
{
    size_t len;
    r->raw = read_all(r->path, &len);
    if (!r->raw)
        return -1;
    char *sep = strstr(r->raw, "\r\n\r\n");
    size_t seplen = 4;
    char *alt = strstr(r->raw, "\n\n");
    if (!sep || (alt && alt < sep)) {
        sep = alt;
        seplen = 2;
    }
    char *body = sep ? sep + seplen : r->raw + len;
    if (sep)
        *sep = '\0';
    size_t cap = 64;
    r->headers = calloc(cap, sizeof *r->headers);
    for (char *line = r->raw; r->headers && line && *line;) {
        char *nl = strchr(line, '\n');
        if (nl)
            *nl = '\0';
        size_t ll = strlen(line);
        if (ll && line[ll - 1] == '\r')
            line[--ll] = '\0';
        char *colon = strchr(line, ':');
        if (colon && strncmp(line, "HTTP/", 5) != 0 && r->nheaders < cap) {
            *colon = '\0';
            char *v = colon + 1;
            while (*v == ' ' || *v == '\t')
                v++;
            r->headers[r->nheaders++] = (xs_fp_pair){line, v};
        }
        line = nl ? nl + 1 : NULL;
    }
    char upath[4096];
    snprintf(upath, sizeof upath, "%s.url", r->path);
    size_t ulen;
    r->url = read_all(upath, &ulen);
    if (r->url)
        r->url[strcspn(r->url, "\r\n")] = '\0';
    else
        r->url = strdup(default_url);
    r->in = (xs_fp_input){.url = r->url,
                          .headers = r->headers,
                          .nheaders = r->nheaders,
                          .body = body,
                          .body_len = (size_t)(r->raw + len - body)};
    return 0;
}

static void print_result(const char *path, const xs_fp_result *res)
{
    json_t *techs = json_array();
    for (size_t i = 0; i < res->n; i++) {
        const xs_fp_tech *t = &res->v[i];
        json_t *cats = json_array();
        for (size_t c = 0; c < t->ncategories; c++)
            json_array_append_new(cats, json_string(t->categories[c]));
        json_array_append_new(techs, json_pack("{s:s, s:s, s:i, s:o}", "name", t->name, "version",
                                               t->version, "confidence", t->confidence,
                                               "categories", cats));
    }
    json_t *o = json_pack("{s:s, s:o}", "file", path, "technologies", techs);
    char *s = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
    puts(s);
    free(s);
    json_decref(o);
}

int main(int argc, char **argv)
{
    const char *data = NULL, *url = "http://localhost/";
    double bench = 0;
    int stats = 0;
    response *rs = calloc((size_t)argc, sizeof *rs);
    size_t n = 0;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--url") == 0 && i + 1 < argc)
            url = argv[++i];
        else if (strcmp(argv[i], "--bench") == 0 && i + 1 < argc)
            bench = atof(argv[++i]);
        else if (strcmp(argv[i], "--stats") == 0)
            stats = 1;
        else if (!data)
            data = argv[i];
        else
            rs[n++].path = argv[i];
    }
    if (!data) {
        fprintf(stderr, "usage: fp_cli DATA [--url URL] [--stats] [--bench SECONDS] FILE...\n");
        return 2;
    }
    char err[512];
    long rss0 = rss_kib();
    double t0 = now_s();
    xs_fp_db *db = xs_fp_db_load(data, err, sizeof err);
    double t1 = now_s();
    if (!db) {
        fprintf(stderr, "fp_cli: %s\n", err);
        return 1;
    }
    if (stats) {
        xs_fp_stats s;
        xs_fp_db_stats(db, &s);
        fprintf(stderr,
                "load: %.3f s, +%ld KiB RSS; technologies %zu, categories %zu, patterns %zu "
                "(url %zu html %zu scriptSrc %zu scripts %zu headers %zu cookies %zu meta %zu), "
                "jit %zu, prefiltered %zu, regex rejected %zu, malformed %zu, js %zu, dom %zu, "
                "unsupported %zu\n",
                t1 - t0, rss_kib() - rss0, s.technologies, s.categories, s.patterns, s.by_kind[0],
                s.by_kind[1], s.by_kind[2], s.by_kind[3], s.by_kind[4], s.by_kind[5], s.by_kind[6],
                s.jit, s.prefiltered, s.regex_rejected, s.malformed, s.js, s.dom, s.unsupported);
    }
    xs_fp_matcher *m = xs_fp_matcher_new(db);
    xs_fp_result res = {0};
    int rc = 0;
    for (size_t i = 0; i < n; i++) {
        if (parse_response(&rs[i], url) < 0) {
            fprintf(stderr, "fp_cli: cannot read %s\n", rs[i].path);
            rc = 1;
            continue;
        }
        if (xs_fp_match(m, &rs[i].in, &res) < 0) {
            fprintf(stderr, "fp_cli: out of memory\n");
            rc = 1;
            continue;
        }
        if (!bench)
            print_result(rs[i].path, &res);
    }
    if (bench > 0 && n) {
        uint64_t count = 0;
        size_t bytes = 0;
        double start = now_s(), end = start + bench;
        while (now_s() < end) {
            for (size_t i = 0; i < n; i++) {
                if (!rs[i].raw)
                    continue;
                xs_fp_match(m, &rs[i].in, &res);
                count++;
                bytes += rs[i].in.body_len;
            }
        }
        double el = now_s() - start;
        fprintf(stderr,
                "bench: %llu responses in %.2f s = %.0f responses/s (%.1f MB/s of body), regex "
                "errors %llu\n",
                (unsigned long long)count, el, count / el, bytes / el / 1e6,
                (unsigned long long)xs_fp_matcher_errors(m));
    }
    xs_fp_result_free(&res);
    xs_fp_matcher_free(m);
    xs_fp_db_free(db);
    for (size_t i = 0; i < n; i++) {
        free(rs[i].raw);
        free(rs[i].url);
        free(rs[i].headers);
    }
    free(rs);
    return rc;
}
