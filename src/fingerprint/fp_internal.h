/* Private structures of the fingerprint engine, shared by its loader, regex and matcher files. */
#ifndef XSWEEP_FP_INTERNAL_H
#define XSWEEP_FP_INTERNAL_H
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "xsweep/fingerprint.h"

/* Order matters: xs_fp_stats.by_kind follows it. */
enum fp_kind {
    FP_URL,
    FP_HTML,
    FP_SCRIPTSRC,
    FP_SCRIPTS,
    FP_HEADERS,
    FP_COOKIES,
    FP_META,
    FP_NKINDS
};

#define FP_VERSION_MAX  16 /* Wappalyzer keeps versions of at most 15 characters */
#define FP_MAX_LITERALS 8  /* prefilter literals per pattern (one per alternation branch) */
#define FP_LITERAL_MAX  64

typedef struct {
    uint32_t tech;
    uint8_t kind;       /* enum fp_kind */
    uint8_t confidence; /* \;confidence:N, default 100 */
    uint8_t nliterals;  /* 0: no prefilter, the regex always runs */
    uint16_t ngroups;   /* capture groups + 1 (the whole match), as JS exec() returns */
    char *key;          /* lower-case header/cookie/meta name, NULL for other kinds */
    pcre2_code *re;     /* NULL: empty pattern, matches anything */
    char *version;      /* \;version: template, NULL when none */
    /* Lower-case texts of which every match contains one; each also numbered in the db's literal
     * table (lit_ids) so the matcher searches each distinct literal once per subject. */
    char *literals[FP_MAX_LITERALS];
    uint16_t literal_lens[FP_MAX_LITERALS];
    uint32_t lit_ids[FP_MAX_LITERALS];
} fp_pattern;

typedef struct {
    uint32_t tech;
    uint8_t confidence;
    char *version; /* literal version tag of the implies entry, NULL when none */
} fp_implied;

typedef struct {
    char *name;
    const char **catnames; /* known category names, into db->catnames */
    size_t ncatnames;
    uint16_t *cat_ids; /* every id listed, known or not (requiresCategory) */
    size_t ncats;
    fp_implied *implies;
    size_t nimplies;
    uint32_t *excludes;
    size_t nexcludes;
    uint32_t *requires;
    size_t nrequires;
    uint16_t *requires_cats;
    size_t nrequires_cats;
    bool gated; /* has requires/requiresCategory: reported only when they are met */
} fp_tech;

typedef struct fp_litscan fp_litscan;
typedef struct fp_dom_db fp_dom_db;

struct xs_fp_db {
    fp_tech *techs; /* sorted by name */
    size_t ntechs;
    char **catnames; /* indexed by category id, NULL when unknown */
    size_t ncatnames;
    fp_pattern *patterns; /* grouped by kind, keyed kinds sorted by key */
    size_t npatterns;
    size_t kind_start[FP_NKINDS + 1];
    uint32_t max_captures;
    size_t nlits;          /* distinct prefilter literals (ids 0 .. nlits-1) */
    fp_litscan *body_scan; /* the literals of html and scripts patterns, found in one pass */
    fp_dom_db *dom;        /* the dom patterns static HTML answers, or NULL */
    xs_fp_stats stats;
};

/* ---- fp_regex.c ---- */
/* Splits a Wappalyzer pattern "regex\;version:\1\;confidence:50" and compiles the regex.
 * Returns 0, or -1 when PCRE2 rejects the regex (p->re stays NULL, counted by the caller). */
int fp_pattern_compile(fp_pattern *p, const char *raw, pcre2_compile_context *ctx, bool *jit);
/* Compile settings that make PCRE2 read JS regexes as JS does. */
pcre2_compile_context *fp_compile_context_new(void);
/* Literals (lower-cased, at most FP_MAX_LITERALS) of which every match of the JS regex contains one:
 * per alternation branch the rarest-looking required run (or required group); 0 when none is known. */
size_t fp_regex_literals(const char *src, size_t len, char lits[][FP_LITERAL_MAX], size_t *lens);
/* The same when it is a single literal (into out, at most outcap bytes); else 0. */
size_t fp_regex_literal(const char *src, size_t len, char *out, size_t outcap);
void fp_pattern_free_literals(fp_pattern *p);
/* JS regex -> PCRE2 source (bounded quantifiers, [^] ...). Caller frees. */
char *fp_regex_translate(const char *src, size_t len);
/* Parses "Name\;confidence:50\;version:1.2": name (malloc'd), confidence, version (malloc'd or NULL). */
char *fp_split_tags(const char *raw, int *confidence, char **version);

/* ---- fp_scan.c ---- */
/* Index of the literals of the patterns of the given kinds (db literals numbered). NULL when out of memory. */
fp_litscan *fp_litscan_build(const xs_fp_db *db, const uint8_t *kinds, size_t nkinds);
void fp_litscan_free(fp_litscan *sc);
/* Sets present[lit] = 1 for each indexed literal found in hay (present[] is indexed by db literal id;
 * entries already set are skipped). Literals shorter than 3 bytes are never indexed. */
void fp_litscan_run(const fp_litscan *sc, const char *hay, size_t n, uint8_t *present);

/* ---- fp_version.c ---- */
/* Wappalyzer's resolveVersion: fills `out` from the template and the match of `re` on subject. */
void fp_version_resolve(const char *tmpl, const char *subject, size_t subject_len,
                        const PCRE2_SIZE *ovector, int ngroups, char *out, size_t outcap);

/* ---- fp_dom.c ---- */
#include <jansson.h>
/* Adds a technology's `dom` value (string, array, or {selector: {exists, text, attributes}}). */
int fp_dom_add(xs_fp_db *db, pcre2_compile_context *cctx, uint32_t tech, json_t *v);
int fp_dom_finish(xs_fp_db *db); /* builds the index, after every technology */
void fp_dom_free(fp_dom_db *d);
/* Called for each satisfied condition: run the pattern on the subject (text or attribute value;
 * "" for exists). */
typedef void (*fp_dom_hit_fn)(void *arg, const fp_pattern *p, const char *subject, size_t len);
/* Parses html with gumbo and evaluates every rule. 0, or -1 when out of memory. */
int fp_dom_match(const xs_fp_db *db, const char *html, size_t len, fp_dom_hit_fn hit, void *arg);

/* ---- fp_html.c ---- */
typedef struct {
    const char *p;
    size_t n;
} fp_slice;
typedef struct {
    fp_slice name, value;
} fp_kv;

typedef struct {
    fp_slice *script_src;
    size_t nscript_src, cap_script_src;
    fp_slice *script_body;
    size_t nscript_body, cap_script_body;
    fp_kv *meta;
    size_t nmeta, cap_meta;
} fp_html_parts;

/* Finds <script src>, inline <script> bodies and <meta name|property content> (bounded counts). */
int fp_html_extract(const char *html, size_t len, fp_html_parts *out);
void fp_html_parts_free(fp_html_parts *p);

#endif
