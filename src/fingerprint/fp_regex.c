/* Wappalyzer patterns are JavaScript regexes with "\;tag:value" suffixes. This file splits the tags,
 * translates the regex to PCRE2 (compiled once, JIT when available) and extracts literals of which
 * every match contains one (one per branch of an alternation, the rarest-looking run of each branch),
 * so the matcher can skip the regex when none is in the lower-cased subject. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include "fp_internal.h"

/* ---- tags ---- */

char *fp_split_tags(const char *raw, int *confidence, char **version)
{
    *confidence = 100;
    *version = NULL;
    const char *sep = strstr(raw, "\\;");
    size_t head = sep ? (size_t)(sep - raw) : strlen(raw);
    char *value = strndup(raw, head);
    while (sep && value) {
        const char *attr = sep + 2;
        sep = strstr(attr, "\\;");
        size_t n = sep ? (size_t)(sep - attr) : strlen(attr);
        const char *colon = memchr(attr, ':', n);
        if (!colon)
            continue; /* Wappalyzer ignores tags without ':' */
        size_t klen = (size_t)(colon - attr);
        if (klen == 10 && strncmp(attr, "confidence", 10) == 0) {
            /* parseInt: leading digits; garbage gives NaN in JS, we keep the default */
            char tmp[16] = "";
            size_t vlen = n - klen - 1;
            memcpy(tmp, colon + 1, vlen < sizeof tmp - 1 ? vlen : sizeof tmp - 1);
            char *end;
            long c = strtol(tmp, &end, 10);
            if (end != tmp)
                *confidence = c < 0 ? 0 : c > 100 ? 100 : (int)c;
        } else if (klen == 7 && strncmp(attr, "version", 7) == 0) {
            free(*version);
            *version = strndup(colon + 1, n - klen - 1);
        }
    }
    return value;
}

/* ---- literal extraction ---- */

/* Index just past the character class starting at src[i] == '['. JS: "[]" matches nothing and "[^]"
 * anything (fp_regex_translate agrees). */
static size_t skip_class(const char *src, size_t len, size_t i)
{
    i++;
    if (i < len && src[i] == ']')
        return i + 1;
    if (i + 1 < len && src[i] == '^' && src[i + 1] == ']')
        return i + 2;
    if (i < len && src[i] == '^')
        i++;
    while (i < len && src[i] != ']')
        i += (src[i] == '\\') ? 2 : 1;
    return i < len ? i + 1 : len;
}

/* Index just past the group starting at src[i] == '('. */
static size_t skip_group(const char *src, size_t len, size_t i)
{
    int depth = 0;
    while (i < len) {
        char c = src[i];
        if (c == '\\') {
            i += 2;
            continue;
        }
        if (c == '[') {
            i = skip_class(src, len, i);
            continue;
        }
        if (c == '(')
            depth++;
        else if (c == ')' && --depth == 0)
            return i + 1;
        i++;
    }
    return len;
}

/* Length of a {n}, {n,} or {n,m} quantifier at src[i] (0 when it is a literal brace); *min set. */
static size_t quantifier_braces(const char *src, size_t len, size_t i, long *min)
{
    size_t j = i + 1;
    if (j >= len || !isdigit((unsigned char)src[j]))
        return 0;
    *min = 0;
    while (j < len && isdigit((unsigned char)src[j])) {
        *min = *min * 10 + (src[j] - '0');
        if (*min > 100000)
            *min = 100000;
        j++;
    }
    if (j < len && src[j] == ',') {
        j++;
        while (j < len && isdigit((unsigned char)src[j]))
            j++;
    }
    if (j < len && src[j] == '}')
        return j + 1 - i;
    return 0;
}

/* Substrings of this text are on most HTML pages: a literal found here is a poor prefilter. */
static const char common_html[] =
    "<!doctype html><html lang=\"en-us\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" "
    "content=\"width=device-width, initial-scale=1\"><meta property=\"og:title\" "
    "content=\"\"><title>"
    "</title><link rel=\"stylesheet\" type=\"text/css\" href=\"https://www.\" media=\"all\" "
    "/><link "
    "rel='stylesheet' id='' href='http://www.' /><script type=\"text/javascript\" "
    "src=\"/js/.min.js?ver="
    "\" async defer></script><script>window.document.function(){var return true false "
    "null;}</script>"
    "<style type=\"text/css\"></style></head><body class=\"\"><div class=\"container\" id=\"\" "
    "style=\"\"></div><span class=\"\"></span><a href=\"https://\" title=\"\" target=\"_blank\" "
    "rel=\"noopener\"></a><img src=\".png\" alt=\"\" width=\"\" height=\"\" /><ul "
    "class=\"menu\"><li "
    "class=\"item\"></li></ul><p></p><br /><input type=\"hidden\" name=\"\" value=\"\"><form "
    "method=\"post\" action=\"\"><button type=\"submit\" class=\"btn\"></button></form><section "
    "class=\"\"></section><header class=\"\"></header><footer class=\"\"></footer><nav "
    "class=\"\"></nav>"
    "<h1></h1><h2 class=\"\"></h2><i class=\"\"></i><iframe src=\"\"></iframe><noscript></noscript>"
    "<!-- --> data-id=\"\" .jpg .css?ver= .js application/json text/javascript "
    "crossorigin=\"anonymous\" "
    "integrity=\"sha type=\"module\" charset=\"utf-8\" <link rel=\"icon\" href=\"/favicon.ico\">";

/* Rarity estimate of a lower-case literal: higher is rarer. */
static double literal_score(const char *l, size_t n)
{
    double s = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)l[i];
        s += isalnum(c) ? 1.0 : strchr(" \"'<>=/", c) ? 0.3 : 0.6;
    }
    if (memmem(common_html, sizeof common_html - 1, l, n))
        s *= 0.15;
    return s;
}

#define LIT_SET_MAX FP_MAX_LITERALS
#define LIT_MAX     64 /* a longer literal is cut: its prefix is required too */
#define LIT_MIN     3  /* shorter literals are on every page */
#define MAX_DEPTH   16

/* Literals of which every match contains at least one; n == 0: none known. */
typedef struct {
    char s[LIT_SET_MAX][LIT_MAX];
    size_t len[LIT_SET_MAX];
    size_t n;
    double score; /* of the weakest literal, less a little per extra literal */
} lit_set;

static void set_score(lit_set *r)
{
    double min = 1e9;
    for (size_t i = 0; i < r->n; i++) {
        double s = literal_score(r->s[i], r->len[i]);
        if (s < min)
            min = s;
    }
    r->score = r->n ? min - 0.3 * (double)(r->n - 1) : -1e9;
}

static void keep_better(lit_set *best, const lit_set *cand)
{
    if (cand->n && cand->score > best->score)
        *best = *cand;
}

/* A finished run of required literal characters: a candidate when it is long enough. */
static void offer_literal(lit_set *best, lit_set *cand, const char *cur, size_t ncur)
{
    if (ncur < LIT_MIN)
        return;
    cand->n = 1;
    memcpy(cand->s[0], cur, ncur);
    cand->len[0] = ncur;
    set_score(cand);
    keep_better(best, cand);
}

static void parse_alt(const char *src, size_t len, int depth, lit_set *out);

/* One branch (no top-level '|'): the best of its required literal runs and required groups. */
static void parse_seq(const char *src, size_t len, int depth, lit_set *best)
{
    best->n = 0;
    best->score = -1e9;
    char cur[LIT_MAX];
    size_t ncur = 0;
    lit_set *cand = malloc(sizeof *cand);
    if (!cand)
        return;
    for (size_t i = 0; i < len;) {
        int lit = -1;                          /* the token's literal byte, -1 when none */
        size_t group_start = 0, group_end = 0; /* a capturing or (?: group's contents */
        char c = src[i];
        if (c == '\\') {
            if (i + 1 >= len)
                break;
            unsigned char e = (unsigned char)src[i + 1];
            i += 2;
            if (isalnum(e)) { /* \d \w \b \x41 \u0041 \1 ... */
                if (e == 'x')
                    i += 2;
                else if (e == 'u')
                    i += 4;
                else if (e == 'c')
                    i += 1;
                if (i > len)
                    i = len;
            } else {
                lit = e;
            }
        } else if (c == '[') {
            i = skip_class(src, len, i);
        } else if (c == '(') {
            size_t end = skip_group(src, len, i);
            size_t in0 = i + 1, in1 = end > in0 && src[end - 1] == ')' ? end - 1 : end;
            if (in0 < in1 && src[in0] == '?') {
                if (in0 + 1 < in1 && src[in0 + 1] == ':') {
                    group_start = in0 + 2;
                    group_end = in1;
                }
                /* lookarounds and anything else: no requirement taken from them */
            } else {
                group_start = in0;
                group_end = in1;
            }
            i = end;
        } else if (c == '.' || c == '^' || c == '$' || c == ')' || c == '|') {
            i++;
        } else {
            lit = (unsigned char)c;
            i++;
        }
        /* What follows decides whether the token is required. */
        bool optional = false, repeated = false;
        if (i < len) {
            long min = 1;
            size_t qb;
            if (src[i] == '?' || src[i] == '*') {
                optional = true;
                i++;
            } else if (src[i] == '+') {
                repeated = true;
                i++;
            } else if (src[i] == '{' && (qb = quantifier_braces(src, len, i, &min)) > 0) {
                optional = min == 0;
                repeated = !optional;
                i += qb;
            }
            if ((optional || repeated) && i < len && src[i] == '?')
                i++; /* lazy */
        }
        if (lit >= 0 && !optional && ncur < sizeof cur)
            cur[ncur++] = (char)tolower(lit);
        if (lit < 0 || optional || repeated) {
            offer_literal(best, cand, cur, ncur);
            ncur = 0;
        }
        if (group_end > group_start && !optional && depth < MAX_DEPTH) {
            parse_alt(src + group_start, group_end - group_start, depth + 1, cand);
            keep_better(best, cand);
        }
    }
    offer_literal(best, cand, cur, ncur);
    free(cand);
}

/* a|b|c: every branch must bring a literal; the set is their union. */
static void parse_alt(const char *src, size_t len, int depth, lit_set *out)
{
    out->n = 0;
    out->score = -1e9;
    lit_set *branch = malloc(sizeof *branch);
    if (!branch)
        return;
    size_t start = 0;
    for (size_t i = 0; i <= len;) {
        bool at_end = i == len;
        char c = at_end ? '|' : src[i];
        if (c == '\\') {
            i += 2;
            if (i > len)
                i = len;
            continue;
        }
        if (c == '[') {
            i = skip_class(src, len, i);
            continue;
        }
        if (c == '(') {
            i = skip_group(src, len, i);
            continue;
        }
        if (c != '|') {
            i++;
            continue;
        }
        parse_seq(src + start, i - start, depth, branch);
        if (branch->n == 0) {
            out->n = 0;
            break;
        }
        for (size_t b = 0; b < branch->n && out->n <= LIT_SET_MAX; b++) {
            bool dup = false;
            for (size_t k = 0; k < out->n && !dup; k++)
                dup = out->len[k] == branch->len[b] &&
                      memcmp(out->s[k], branch->s[b], branch->len[b]) == 0;
            if (dup)
                continue;
            if (out->n == LIT_SET_MAX) {
                out->n = LIT_SET_MAX + 1;
                break;
            }
            memcpy(out->s[out->n], branch->s[b], branch->len[b]);
            out->len[out->n++] = branch->len[b];
        }
        if (out->n > LIT_SET_MAX) {
            out->n = 0;
            break;
        }
        if (at_end)
            break;
        start = ++i;
    }
    set_score(out);
    free(branch);
}

size_t fp_regex_literals(const char *src, size_t len, char lits[][FP_LITERAL_MAX], size_t *lens)
{
    lit_set *set = malloc(sizeof *set);
    if (!set)
        return 0;
    parse_alt(src, len, 0, set);
    size_t n = set->n;
    for (size_t i = 0; i < n; i++) {
        size_t l = set->len[i] < FP_LITERAL_MAX ? set->len[i] : FP_LITERAL_MAX;
        memcpy(lits[i], set->s[i], l);
        lens[i] = l;
    }
    free(set);
    return n;
}

size_t fp_regex_literal(const char *src, size_t len, char *out, size_t outcap)
{
    char lits[FP_MAX_LITERALS][FP_LITERAL_MAX];
    size_t lens[FP_MAX_LITERALS];
    if (fp_regex_literals(src, len, lits, lens) != 1 || lens[0] > outcap)
        return 0;
    memcpy(out, lits[0], lens[0]);
    return lens[0];
}

/* ---- translation ---- */

/* Wappalyzer bounds + and * to {1,250} / {0,250} (long-string optimisation); we do the same so the
 * matches and the captured versions agree, but only on real quantifiers. [^] (any char in JS) becomes
 * [\s\S]; "[]" (matches nothing in JS) becomes (?!). */
char *fp_regex_translate(const char *src, size_t len)
{
    size_t cap = len * 7 + 16; /* "+" -> "{1,250}" is the worst growth */
    char *out = malloc(cap);
    if (!out)
        return NULL;
    size_t o = 0;
    bool in_class = false;
    for (size_t i = 0; i < len; i++) {
        char c = src[i];
        if (c == '\\' && i + 1 < len) {
            out[o++] = c;
            out[o++] = src[++i];
            continue;
        }
        if (!in_class && c == '[') {
            if (i + 2 < len && src[i + 1] == '^' && src[i + 2] == ']') {
                memcpy(out + o, "[\\s\\S]", 6);
                o += 6;
                i += 2;
                continue;
            }
            if (i + 1 < len && src[i + 1] == ']') {
                memcpy(out + o, "(?!)", 4);
                o += 4;
                i += 1;
                continue;
            }
            in_class = true;
            out[o++] = c;
            if (i + 1 < len && src[i + 1] == '^')
                out[o++] = src[++i];
            continue;
        }
        if (in_class) {
            if (c == ']')
                in_class = false;
            out[o++] = c;
            continue;
        }
        if (c == '+' || c == '*') {
            /* "(?" "+" after a quantifier would be possessive in PCRE2 and an error in JS: keep as is */
            char prev = o ? out[o - 1] : 0;
            if (prev == '}' || prev == '?' || prev == '+' || prev == '*' || prev == '(' ||
                prev == '|' || o == 0) {
                out[o++] = c;
                continue;
            }
            const char *q = c == '+' ? "{1,250}" : "{0,250}";
            memcpy(out + o, q, 7);
            o += 7;
            continue;
        }
        out[o++] = c;
    }
    out[o] = '\0';
    return out;
}

/* ---- compile ---- */

void fp_pattern_free_literals(fp_pattern *p)
{
    for (size_t i = 0; i < p->nliterals; i++)
        free(p->literals[i]);
    p->nliterals = 0;
}

pcre2_compile_context *fp_compile_context_new(void)
{
    pcre2_compile_context *ctx = pcre2_compile_context_create(NULL);
    if (ctx) {
        pcre2_set_newline(ctx, PCRE2_NEWLINE_ANYCRLF); /* JS '.' matches neither \r nor \n */
        /* JS (non-unicode mode) reads an unknown escape such as \i as the letter itself */
        pcre2_set_compile_extra_options(ctx, PCRE2_EXTRA_BAD_ESCAPE_IS_LITERAL);
    }
    return ctx;
}

int fp_pattern_compile(fp_pattern *p, const char *raw, pcre2_compile_context *ctx, bool *jit)
{
    int confidence;
    char *version;
    char *value = fp_split_tags(raw, &confidence, &version);
    if (!value) {
        free(version);
        return -1;
    }
    p->confidence = (uint8_t)confidence;
    p->version = version && *version ? version : NULL;
    if (p->version != version)
        free(version);
    p->re = NULL;
    p->nliterals = 0;
    *jit = false;
    size_t vlen = strlen(value);
    if (vlen == 0) {
        free(value);
        return 0;
    } /* "" matches anything */

    char lits[FP_MAX_LITERALS][FP_LITERAL_MAX];
    size_t lens[FP_MAX_LITERALS];
    size_t nlits = fp_regex_literals(value, vlen, lits, lens);
    for (size_t i = 0; i < nlits; i++) {
        p->literals[i] = strndup(lits[i], lens[i]);
        if (!p->literals[i]) {
            fp_pattern_free_literals(p);
            break;
        }
        p->literal_lens[i] = (uint16_t)lens[i];
        p->nliterals = (uint8_t)(i + 1);
    }
    char *translated = fp_regex_translate(value, vlen);
    free(value);
    if (!translated)
        return -1;
    int errcode;
    PCRE2_SIZE erroff;
    p->re = pcre2_compile((PCRE2_SPTR)translated, PCRE2_ZERO_TERMINATED,
                          PCRE2_CASELESS | PCRE2_DOLLAR_ENDONLY | PCRE2_ALT_BSUX, &errcode, &erroff,
                          ctx);
    free(translated);
    if (!p->re) {
        fp_pattern_free_literals(p);
        free(p->version);
        p->version = NULL;
        return -1;
    }
    *jit = pcre2_jit_compile(p->re, PCRE2_JIT_COMPLETE) == 0;
    return 0;
}
