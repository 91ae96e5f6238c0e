/* Wappalyzer's resolveVersion, step for step (wappalyzer-core 6.10):
 *   for each group i (0 = whole match), skipping groups longer than 10 characters:
 *     if the ORIGINAL template has "\i?a:b" (a: no ':'), resolved = template with it replaced by
 *     a when group i is non-empty, else b;
 *     resolved = trim(resolved) with every "\i" replaced by group i ("" when unset);
 *   finally the first remaining "\<digit>" is removed. */
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include "fp_internal.h"

#define WORK 256

typedef struct {
    char s[WORK];
    size_t n;
} buf;

static void buf_put(buf *b, const char *p, size_t n)
{
    if (n > WORK - 1 - b->n)
        n = WORK - 1 - b->n;
    memcpy(b->s + b->n, p, n);
    b->n += n;
    b->s[b->n] = '\0';
}

static void trim(buf *b)
{
    size_t start = 0;
    while (start < b->n && isspace((unsigned char)b->s[start]))
        start++;
    size_t end = b->n;
    while (end > start && isspace((unsigned char)b->s[end - 1]))
        end--;
    memmove(b->s, b->s + start, end - start);
    b->n = end - start;
    b->s[b->n] = '\0';
}

/* Finds "\i?X:Y$" in tmpl (JS: /\\i\?([^:]+):(.*)$/): sets start offset, X and Y; false when absent. */
static bool find_ternary(const char *tmpl, const char *ref, size_t *at, const char **x, size_t *xn,
                         const char **y)
{
    size_t rn = strlen(ref);
    for (const char *p = tmpl; (p = strstr(p, ref)) != NULL; p++) {
        const char *q = p + rn;
        if (*q != '?')
            continue;
        q++;
        const char *colon = strchr(q, ':');
        if (!colon || colon == q)
            continue;
        *at = (size_t)(p - tmpl);
        *x = q;
        *xn = (size_t)(colon - q);
        *y = colon + 1;
        return true;
    }
    return false;
}

void fp_version_resolve(const char *tmpl, const char *subject, size_t subject_len,
                        const PCRE2_SIZE *ovector, int ngroups, char *out, size_t outcap)
{
    buf res = {.n = 0};
    buf_put(&res, tmpl, strlen(tmpl));
    for (int i = 0; i < ngroups; i++) {
        bool set = ovector[2 * i] != PCRE2_UNSET && ovector[2 * i + 1] >= ovector[2 * i] &&
                   ovector[2 * i + 1] <= subject_len;
        const char *g = set ? subject + ovector[2 * i] : "";
        size_t gn = set ? ovector[2 * i + 1] - ovector[2 * i] : 0;
        if (gn > 10)
            continue;
        char ref[16];
        snprintf(ref, sizeof ref, "\\%d", i);
        size_t at, xn;
        const char *x, *y;
        if (find_ternary(tmpl, ref, &at, &x, &xn, &y)) {
            res.n = 0;
            buf_put(&res, tmpl, at);
            if (gn)
                buf_put(&res, x, xn);
            else
                buf_put(&res, y, strlen(y));
        }
        trim(&res);
        /* replace every \i */
        buf next = {.n = 0};
        size_t rn = strlen(ref);
        for (size_t k = 0; k < res.n;) {
            if (res.n - k >= rn && memcmp(res.s + k, ref, rn) == 0) {
                buf_put(&next, g, gn);
                k += rn;
            } else
                buf_put(&next, res.s + k++, 1);
        }
        res = next;
    }
    /* remove the first unmatched back reference */
    for (size_t k = 0; k + 1 < res.n; k++) {
        if (res.s[k] == '\\' && isdigit((unsigned char)res.s[k + 1])) {
            memmove(res.s + k, res.s + k + 2, res.n - k - 1);
            res.n -= 2;
            break;
        }
    }
    if (!outcap)
        return;
    size_t n = res.n < outcap - 1 ? res.n : outcap - 1;
    memcpy(out, res.s, n);
    out[n] = '\0';
}
