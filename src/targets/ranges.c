/* IPv4 range lists: merge, subtract, count and index (pick) with 64-bit arithmetic. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "xsweep/targets.h"

/* Target lists are built once at start-up; running out of memory there is fatal. */
static void *xrealloc(void *p, size_t n)
{
    void *q = realloc(p, n ? n : 1);
    if (!q) {
        fprintf(stderr, "xsweep: out of memory\n");
        abort();
    }
    return q;
}

static uint64_t range_size(xs_range r)
{
    return (uint64_t)r.last - r.first + 1;
}

void xs_rangelist_free(xs_rangelist *rl)
{
    free(rl->v);
    free(rl->prefix);
    memset(rl, 0, sizeof *rl);
}

void xs_rangelist_add(xs_rangelist *rl, uint32_t first, uint32_t last)
{
    if (first > last)
        return;
    if (rl->n == rl->cap) {
        rl->cap = rl->cap ? rl->cap * 2 : 16;
        rl->v = xrealloc(rl->v, rl->cap * sizeof *rl->v);
    }
    rl->v[rl->n++] = (xs_range){ first, last };
    /* The prefix sums no longer describe the list. */
    free(rl->prefix);
    rl->prefix = NULL;
}

void xs_rangelist_add_reserved(xs_rangelist *rl)
{
    xs_rangelist_add(rl, 0x00000000u, 0x00FFFFFFu);   /* 0.0.0.0/8 */
    xs_rangelist_add(rl, 0xE0000000u, 0xFFFFFFFFu);   /* 224.0.0.0/3 */
    xs_rangelist_add(rl, 0xFFFFFFFFu, 0xFFFFFFFFu);   /* 255.255.255.255/32 */
}

static int cmp_range(const void *a, const void *b)
{
    const xs_range *x = a, *y = b;
    if (x->first != y->first)
        return x->first < y->first ? -1 : 1;
    return (x->last > y->last) - (x->last < y->last);
}

static void build_prefix(xs_rangelist *rl)
{
    rl->prefix = xrealloc(rl->prefix, (rl->n + 1) * sizeof *rl->prefix);
    rl->prefix[0] = 0;
    for (size_t i = 0; i < rl->n; i++)
        rl->prefix[i + 1] = rl->prefix[i] + range_size(rl->v[i]);
}

void xs_rangelist_normalize(xs_rangelist *rl)
{
    if (rl->n > 1)
        qsort(rl->v, rl->n, sizeof *rl->v, cmp_range);
    size_t out = 0;
    for (size_t i = 0; i < rl->n; i++) {
        xs_range r = rl->v[i];
        /* Merge when overlapping or adjacent; last+1 must not wrap at 255.255.255.255. */
        if (out > 0 && (rl->v[out - 1].last == UINT32_MAX || r.first <= rl->v[out - 1].last + 1)) {
            if (r.last > rl->v[out - 1].last)
                rl->v[out - 1].last = r.last;
        } else {
            rl->v[out++] = r;
        }
    }
    rl->n = out;
    build_prefix(rl);
}

void xs_rangelist_subtract(xs_rangelist *rl, const xs_rangelist *ex)
{
    xs_range *res = NULL;
    size_t n = 0, cap = 0, j = 0;
    for (size_t i = 0; i < rl->n; i++) {
        uint64_t cur = rl->v[i].first;          /* 64-bit: may step past 255.255.255.255 */
        uint64_t last = rl->v[i].last;
        while (j < ex->n && ex->v[j].last < cur)
            j++;
        for (size_t k = j; k < ex->n && ex->v[k].first <= last && cur <= last; k++) {
            if (ex->v[k].first > cur) {
                if (n == cap)
                    res = xrealloc(res, (cap = cap ? cap * 2 : 16) * sizeof *res);
                res[n++] = (xs_range){ (uint32_t)cur, ex->v[k].first - 1 };
            }
            if ((uint64_t)ex->v[k].last + 1 > cur)
                cur = (uint64_t)ex->v[k].last + 1;
        }
        if (cur <= last) {
            if (n == cap)
                res = xrealloc(res, (cap = cap ? cap * 2 : 16) * sizeof *res);
            res[n++] = (xs_range){ (uint32_t)cur, (uint32_t)last };
        }
    }
    free(rl->v);
    rl->v = res;
    rl->n = n;
    rl->cap = cap;
    build_prefix(rl);
}

uint64_t xs_rangelist_count(const xs_rangelist *rl)
{
    if (rl->prefix)
        return rl->prefix[rl->n];
    uint64_t total = 0;
    for (size_t i = 0; i < rl->n; i++)
        total += range_size(rl->v[i]);
    return total;
}

uint32_t xs_rangelist_pick(const xs_rangelist *rl, uint64_t index)
{
    if (!rl->prefix) {   /* not normalized: walk the list as given */
        for (size_t i = 0; i < rl->n; i++) {
            if (index < range_size(rl->v[i]))
                return rl->v[i].first + (uint32_t)index;
            index -= range_size(rl->v[i]);
        }
        return 0;
    }
    if (rl->n == 0)
        return 0;
    /* Last range whose prefix[i] <= index. Branch-free (the compiler emits a conditional move):
     * the target space calls this once per probe with random indices, which a branchy search
     * would mispredict at every level. */
    const uint64_t *prefix = rl->prefix;
    size_t base = 0, len = rl->n;
    while (len > 1) {
        size_t half = len / 2;
        base = prefix[base + half] <= index ? base + half : base;
        len -= half;
    }
    return rl->v[base].first + (uint32_t)(index - prefix[base]);
}

bool xs_rangelist_contains(const xs_rangelist *rl, uint32_t ip)
{
    size_t lo = 0, hi = rl->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (rl->v[mid].last < ip)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < rl->n && rl->v[lo].first <= ip;
}
