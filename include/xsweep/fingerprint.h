/* Technology fingerprinting with Wappalyzer data (technologies/<letter>.json + categories.json, MIT).
 *
 * Load once (xs_fp_db, read-only afterwards, shareable between threads); each thread owns an
 * xs_fp_matcher (scratch buffers, PCRE2 match data) and runs xs_fp_match on one HTTP response at a time.
 *
 * Supported Wappalyzer keys: headers, cookies, meta (objects name -> pattern, names case-insensitive),
 * html, url, scriptSrc (and the legacy "script"), scripts (matched against inline <script> bodies),
 * implies (transitive), excludes, requires / requiresCategory (reported only when a required
 * technology, or one of the required category, is detected), cats; pattern tags \;version:\1 (with the
 * \1?a:b ternary) and \;confidence:N. js and dom patterns need a browser and are only counted; so are
 * the keys this engine cannot see (css, robots, xhr, dns, text, certIssuer, probe).
 */
#ifndef XSWEEP_FINGERPRINT_H
#define XSWEEP_FINGERPRINT_H
#include <stddef.h>
#include <stdint.h>

typedef struct {
    const char *name;
    const char *value;
} xs_fp_pair;

/* One HTTP response, independent of the HTTP code that fetched it. Every field may be NULL/0. */
typedef struct {
    const char *url;
    const xs_fp_pair *headers; /* as received; names compared case-insensitively */
    size_t nheaders;
    const xs_fp_pair *cookies; /* NULL = taken from the Set-Cookie headers */
    size_t ncookies;
    const char *body; /* html, need not be NUL-terminated */
    size_t body_len;
} xs_fp_input;

typedef struct {
    const char *name;              /* owned by the db */
    char version[32];              /* "" when unknown */
    int confidence;                /* 0-100 */
    const char *const *categories; /* category names, owned by the db */
    size_t ncategories;
} xs_fp_tech;

typedef struct {
    xs_fp_tech *v; /* sorted by name */
    size_t n, cap;
} xs_fp_result;

typedef struct {
    size_t technologies, categories;
    size_t patterns;       /* compiled and used */
    size_t by_kind[7];     /* url, html, scriptSrc, scripts, headers, cookies, meta */
    size_t js, dom;        /* js: needs a browser, counted, never matched; dom: counted, and
                                 * the selectors static HTML answers are matched on the parsed page */
    size_t unsupported;    /* css, robots, xhr, dns, text, certIssuer, probe patterns */
    size_t malformed;      /* wrong JSON type, unknown implies/excludes/requires names, ... */
    size_t regex_rejected; /* PCRE2 refused the (translated) pattern */
    size_t jit;            /* patterns JIT-compiled */
    size_t prefiltered;    /* patterns with a literal checked before the regex runs */
} xs_fp_stats;

typedef struct xs_fp_db xs_fp_db;
typedef struct xs_fp_matcher xs_fp_matcher;

/* path: a directory holding categories.json and technologies.json or technologies/<letter>.json, or a
 * technologies .json file (categories.json is then looked for beside it). NULL with err on failure. */
xs_fp_db *xs_fp_db_load(const char *path, char *err, size_t errlen);
/* Same from memory: categories JSON (may be NULL) and one technologies JSON object. */
xs_fp_db *xs_fp_db_load_buffers(const char *categories, size_t categories_len,
                                const char *technologies, size_t technologies_len, char *err,
                                size_t errlen);
void xs_fp_db_free(xs_fp_db *db);
void xs_fp_db_stats(const xs_fp_db *db, xs_fp_stats *out);

xs_fp_matcher *xs_fp_matcher_new(const xs_fp_db *db);
void xs_fp_matcher_free(xs_fp_matcher *m);
/* Fills out (cleared first). 0, or -1 when out of memory. Counts of regex run-time errors (match
 * limits) are in xs_fp_matcher_errors. */
int xs_fp_match(xs_fp_matcher *m, const xs_fp_input *in, xs_fp_result *out);
uint64_t xs_fp_matcher_errors(const xs_fp_matcher *m);

void xs_fp_result_free(xs_fp_result *r);
/* The detection named `name`, or NULL. */
const xs_fp_tech *xs_fp_result_find(const xs_fp_result *r, const char *name);

#endif
