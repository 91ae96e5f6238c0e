/* Wappalyzer patterns are JavaScript regexes with "\;tag:value" suffixes. This file splits the tags,
 * translates the regex to PCRE2 (compiled once, JIT when available) and extracts a literal that every
 * match must contain, so the matcher can skip the regex with a cheap memmem. */
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
        if (!colon) continue;                       /* Wappalyzer ignores tags without ':' */
        size_t klen = (size_t)(colon - attr);
        if (klen == 10 && strncmp(attr, "confidence", 10) == 0) {
            /* parseInt: leading digits; garbage gives NaN in JS, we keep the default */
            char tmp[16] = "";
            size_t vlen = n - klen - 1;
            memcpy(tmp, colon + 1, vlen < sizeof tmp - 1 ? vlen : sizeof tmp - 1);
            char *end;
            long c = strtol(tmp, &end, 10);
            if (end != tmp) *confidence = c < 0 ? 0 : c > 100 ? 100 : (int)c;
        } else if (klen == 7 && strncmp(attr, "version", 7) == 0) {
            free(*version);
            *version = strndup(colon + 1, n - klen - 1);
        }
    }
    return value;
}

/* ---- literal extraction ---- */

/* Index just past the character class starting at src[i] == '['. */
static size_t skip_class(const char *src, size_t len, size_t i)
{
    i++;
    if (i < len && src[i] == '^') i++;
    if (i < len && src[i] == ']') i++;             /* JS: "[]" is empty; treated as a literal ']' */
    while (i < len && src[i] != ']') i += (src[i] == '\\') ? 2 : 1;
    return i < len ? i + 1 : len;
}

/* Index just past the group starting at src[i] == '('. */
static size_t skip_group(const char *src, size_t len, size_t i)
{
    int depth = 0;
    while (i < len) {
        char c = src[i];
        if (c == '\\') { i += 2; continue; }
        if (c == '[') { i = skip_class(src, len, i); continue; }
        if (c == '(') depth++;
        else if (c == ')' && --depth == 0) return i + 1;
        i++;
    }
    return len;
}

/* Length of a {n}, {n,} or {n,m} quantifier at src[i] (0 when it is a literal brace); *min set. */
static size_t quantifier_braces(const char *src, size_t len, size_t i, long *min)
{
    size_t j = i + 1;
    if (j >= len || !isdigit((unsigned char)src[j])) return 0;
    *min = 0;
    while (j < len && isdigit((unsigned char)src[j])) { *min = *min * 10 + (src[j] - '0'); if (*min > 100000) *min = 100000; j++; }
    if (j < len && src[j] == ',') { j++; while (j < len && isdigit((unsigned char)src[j])) j++; }
    if (j < len && src[j] == '}') return j + 1 - i;
    return 0;
}

static bool has_top_level_alternation(const char *src, size_t len)
{
    for (size_t i = 0; i < len;) {
        char c = src[i];
        if (c == '\\') i += 2;
        else if (c == '[') i = skip_class(src, len, i);
        else if (c == '(') i = skip_group(src, len, i);
        else if (c == '|') return true;
        else i++;
    }
    return false;
}

size_t fp_regex_literal(const char *src, size_t len, char *out, size_t outcap)
{
    if (!outcap || has_top_level_alternation(src, len)) return 0;
    char cur[256];
    size_t ncur = 0, nbest = 0;
    for (size_t i = 0; i < len;) {
        int lit = -1;                                  /* the token's literal byte, -1 when none */
        char c = src[i];
        if (c == '\\') {
            if (i + 1 >= len) break;
            unsigned char e = (unsigned char)src[i + 1];
            i += 2;
            if (isalnum(e)) {                          /* \d \w \b \x41 \u0041 \1 ... */
                if (e == 'x') i += 2;
                else if (e == 'u') i += 4;
                else if (e == 'c') i += 1;
                if (i > len) i = len;
            } else {
                lit = e;
            }
        } else if (c == '[') {
            i = skip_class(src, len, i);
        } else if (c == '(') {
            i = skip_group(src, len, i);
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
            if (src[i] == '?' || src[i] == '*') { optional = true; i++; }
            else if (src[i] == '+') { repeated = true; i++; }
            else if (src[i] == '{' && (qb = quantifier_braces(src, len, i, &min)) > 0) {
                optional = min == 0; repeated = !optional; i += qb;
            }
            if ((optional || repeated) && i < len && src[i] == '?') i++;   /* lazy */
        }
        if (lit >= 0 && !optional && ncur < sizeof cur) cur[ncur++] = (char)tolower(lit);
        if (lit < 0 || optional || repeated) {
            if (ncur > nbest && ncur <= outcap) { memcpy(out, cur, ncur); nbest = ncur; }
            ncur = 0;
        }
    }
    if (ncur > nbest && ncur <= outcap) { memcpy(out, cur, ncur); nbest = ncur; }
    return nbest;
}

/* ---- translation ---- */

/* Wappalyzer bounds + and * to {1,250} / {0,250} (long-string optimisation); we do the same so the
 * matches and the captured versions agree, but only on real quantifiers. [^] (any char in JS) becomes
 * [\s\S]; "[]" (matches nothing in JS) becomes (?!). */
char *fp_regex_translate(const char *src, size_t len)
{
    size_t cap = len * 7 + 16;   /* "+" -> "{1,250}" is the worst growth */
    char *out = malloc(cap);
    if (!out) return NULL;
    size_t o = 0;
    bool in_class = false;
    for (size_t i = 0; i < len; i++) {
        char c = src[i];
        if (c == '\\' && i + 1 < len) { out[o++] = c; out[o++] = src[++i]; continue; }
        if (!in_class && c == '[') {
            if (i + 2 < len && src[i + 1] == '^' && src[i + 2] == ']') { memcpy(out + o, "[\\s\\S]", 6); o += 6; i += 2; continue; }
            if (i + 1 < len && src[i + 1] == ']') { memcpy(out + o, "(?!)", 4); o += 4; i += 1; continue; }
            in_class = true;
            out[o++] = c;
            if (i + 1 < len && src[i + 1] == '^') out[o++] = src[++i];
            continue;
        }
        if (in_class) { if (c == ']') in_class = false; out[o++] = c; continue; }
        if (c == '+' || c == '*') {
            /* "(?" "+" after a quantifier would be possessive in PCRE2 and an error in JS: keep as is */
            char prev = o ? out[o - 1] : 0;
            if (prev == '}' || prev == '?' || prev == '+' || prev == '*' || prev == '(' || prev == '|' || o == 0) {
                out[o++] = c; continue;
            }
            const char *q = c == '+' ? "{1,250}" : "{0,250}";
            memcpy(out + o, q, 7); o += 7;
            continue;
        }
        out[o++] = c;
    }
    out[o] = '\0';
    return out;
}

/* ---- compile ---- */

pcre2_compile_context *fp_compile_context_new(void)
{
    pcre2_compile_context *ctx = pcre2_compile_context_create(NULL);
    if (ctx) {
        pcre2_set_newline(ctx, PCRE2_NEWLINE_ANYCRLF);   /* JS '.' matches neither \r nor \n */
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
    if (!value) { free(version); return -1; }
    p->confidence = (uint8_t)confidence;
    p->version = version && *version ? version : NULL;
    if (p->version != version) free(version);
    p->re = NULL;
    p->literal = NULL;
    p->literal_len = 0;
    *jit = false;
    size_t vlen = strlen(value);
    if (vlen == 0) { free(value); return 0; }          /* "" matches anything */

    char lit[128];
    size_t nlit = fp_regex_literal(value, vlen, lit, sizeof lit);
    if (nlit >= 3) {
        p->literal = strndup(lit, nlit);
        if (p->literal) p->literal_len = (uint16_t)nlit;
    }
    char *translated = fp_regex_translate(value, vlen);
    free(value);
    if (!translated) return -1;
    int errcode;
    PCRE2_SIZE erroff;
    p->re = pcre2_compile((PCRE2_SPTR)translated, PCRE2_ZERO_TERMINATED,
                          PCRE2_CASELESS | PCRE2_DOLLAR_ENDONLY | PCRE2_ALT_BSUX,
                          &errcode, &erroff, ctx);
    free(translated);
    if (!p->re) {
        free(p->literal); p->literal = NULL; p->literal_len = 0;
        free(p->version); p->version = NULL;
        return -1;
    }
    *jit = pcre2_jit_compile(p->re, PCRE2_JIT_COMPLETE) == 0;
    return 0;
}
