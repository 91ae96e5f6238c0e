/* Range lists of both families: merge, subtract, count and index (pick). IPv6 ranges are 128-bit
 * integers, in their own array after the IPv4 ones. Merging and subtracting are one algorithm
 * over 128-bit bounds: IPv4 ranges are widened for it (start-up work, not per probe). */
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

/* v, with room for one more of n items of `size` bytes (capacity *cap). */
static void *grow(void *v, size_t *cap, size_t n, size_t size)
{
    if (n < *cap)
        return v;
    *cap = *cap ? *cap * 2 : 16;
    return xrealloc(v, *cap * size);
}

static uint64_t range_size(xs_range r)
{
    return (uint64_t)r.last - r.first + 1;
}

void xs_rangelist_free(xs_rangelist *rl)
{
    free(rl->v);
    free(rl->prefix);
    free(rl->v6);
    free(rl->prefix6);
    memset(rl, 0, sizeof *rl);
}

void xs_rangelist_add(xs_rangelist *rl, uint32_t first, uint32_t last)
{
    if (first > last)
        return;
    rl->v = grow(rl->v, &rl->cap, rl->n, sizeof *rl->v);
    rl->v[rl->n++] = (xs_range){first, last};
    /* The prefix sums no longer describe the list. */
    free(rl->prefix);
    rl->prefix = NULL;
}

void xs_rangelist_add6(xs_rangelist *rl, xs_u128 first, xs_u128 last)
{
    if (first > last)
        return;
    rl->v6 = grow(rl->v6, &rl->cap6, rl->n6, sizeof *rl->v6);
    rl->v6[rl->n6++] = (xs_range6){first, last};
    free(rl->prefix6);
    rl->prefix6 = NULL;
}

#define U128(hi, lo) ((xs_u128)(hi) << 64 | (xs_u128)(lo))

void xs_rangelist_add_reserved(xs_rangelist *rl, bool link_local)
{
    xs_rangelist_add(rl, 0x00000000u, 0x00FFFFFFu);                     /* 0.0.0.0/8 */
    xs_rangelist_add(rl, 0xE0000000u, 0xFFFFFFFFu);                     /* 224.0.0.0/3 */
    xs_rangelist_add(rl, 0xFFFFFFFFu, 0xFFFFFFFFu);                     /* 255.255.255.255/32 */
    xs_rangelist_add6(rl, 0, 0);                                        /* ::/128, unspecified */
    xs_rangelist_add6(rl, U128(0xff00000000000000ULL, 0), ~(xs_u128)0); /* ff00::/8 */
    if (!link_local) /* fe80::/10: needs the link named */
        xs_rangelist_add6(rl, U128(0xfe80000000000000ULL, 0), U128(0xfebfffffffffffffULL, ~0ULL));
}

xs_u128 xs_addr_to_u128(const xs_addr *a)
{
    xs_u128 v = 0;
    for (int i = 0; i < 16; i++)
        v = v << 8 | a->b[i];
    return v;
}

xs_addr xs_addr_from_u128(xs_u128 v)
{
    xs_addr a;
    for (int i = 15; i >= 0; i--, v >>= 8)
        a.b[i] = (uint8_t)v;
    return a;
}

void xs_u128_format(xs_u128 v, char out[40])
{
    char tmp[40];
    int n = 0;
    do {
        tmp[n++] = (char)('0' + (int)(v % 10));
        v /= 10;
    } while (v);
    for (int i = 0; i < n; i++)
        out[i] = tmp[n - 1 - i];
    out[n] = '\0';
}

static int cmp_range6(const void *a, const void *b)
{
    const xs_range6 *x = a, *y = b;
    if (x->first != y->first)
        return x->first < y->first ? -1 : 1;
    return (x->last > y->last) - (x->last < y->last);
}

/* Saturates at UINT64_MAX: the plan refuses such a sweep long before. */
static uint64_t range6_size(xs_range6 r)
{
    xs_u128 n = r.last - r.first + 1;
    return r.last - r.first >= UINT64_MAX ? UINT64_MAX : (uint64_t)n;
}

static uint64_t add_sat(uint64_t a, uint64_t b)
{
    return a + b < a ? UINT64_MAX : a + b;
}

static void build_prefix6(xs_rangelist *rl)
{
    rl->prefix6 = xrealloc(rl->prefix6, (rl->n6 + 1) * sizeof *rl->prefix6);
    rl->prefix6[0] = 0;
    for (size_t i = 0; i < rl->n6; i++)
        rl->prefix6[i + 1] = add_sat(rl->prefix6[i], range6_size(rl->v6[i]));
}

static void build_prefix(xs_rangelist *rl)
{
    rl->prefix = xrealloc(rl->prefix, (rl->n + 1) * sizeof *rl->prefix);
    rl->prefix[0] = 0;
    for (size_t i = 0; i < rl->n; i++)
        rl->prefix[i + 1] = rl->prefix[i] + range_size(rl->v[i]);
    build_prefix6(rl);
}

/* Sorts v[0..n) and merges overlapping or adjacent ranges; returns the new count. */
static size_t normalize_wide(xs_range6 *v, size_t n)
{
    if (n > 1)
        qsort(v, n, sizeof *v, cmp_range6);
    size_t out = 0;
    for (size_t i = 0; i < n; i++) {
        xs_range6 r = v[i];
        /* last + 1 must not wrap at the top of the space */
        if (out > 0 && (v[out - 1].last == ~(xs_u128)0 || r.first <= v[out - 1].last + 1)) {
            if (r.last > v[out - 1].last)
                v[out - 1].last = r.last;
        } else {
            v[out++] = r;
        }
    }
    return out;
}

/* v minus ex (both normalized): a new array of *n ranges, capacity *cap. */
static xs_range6 *subtract_wide(const xs_range6 *v, size_t nv, const xs_range6 *ex, size_t nex,
                                size_t *n, size_t *cap)
{
    xs_range6 *res = NULL;
    size_t j = 0;
    const xs_u128 top = ~(xs_u128)0;
    *n = *cap = 0;
    for (size_t i = 0; i < nv; i++) {
        xs_u128 cur = v[i].first, last = v[i].last;
        bool done = false; /* cur stepped past the top of the address space */
        while (j < nex && ex[j].last < cur)
            j++;
        for (size_t k = j; !done && k < nex && ex[k].first <= last && cur <= last; k++) {
            if (ex[k].first > cur) {
                res = grow(res, cap, *n, sizeof *res);
                res[(*n)++] = (xs_range6){cur, ex[k].first - 1};
            }
            if (ex[k].last == top)
                done = true;
            else if (ex[k].last + 1 > cur)
                cur = ex[k].last + 1;
        }
        if (!done && cur <= last) {
            res = grow(res, cap, *n, sizeof *res);
            res[(*n)++] = (xs_range6){cur, last};
        }
    }
    return res;
}

/* The IPv4 list as 128-bit ranges, and back. */
static xs_range6 *widen(const xs_range *v, size_t n)
{
    xs_range6 *w = xrealloc(NULL, n * sizeof *w);
    for (size_t i = 0; i < n; i++)
        w[i] = (xs_range6){v[i].first, v[i].last};
    return w;
}

static void set_v4(xs_rangelist *rl, xs_range6 *w, size_t n)
{
    if (n > rl->cap) {
        rl->v = xrealloc(rl->v, n * sizeof *rl->v);
        rl->cap = n;
    }
    for (size_t i = 0; i < n; i++)
        rl->v[i] = (xs_range){(uint32_t)w[i].first, (uint32_t)w[i].last};
    rl->n = n;
    free(w);
}

void xs_rangelist_normalize(xs_rangelist *rl)
{
    rl->n6 = normalize_wide(rl->v6, rl->n6);
    xs_range6 *w = widen(rl->v, rl->n);
    set_v4(rl, w, normalize_wide(w, rl->n));
    build_prefix(rl);
}

void xs_rangelist_subtract(xs_rangelist *rl, const xs_rangelist *ex)
{
    size_t n, cap;
    xs_range6 *v6 = subtract_wide(rl->v6, rl->n6, ex->v6, ex->n6, &n, &cap);
    free(rl->v6);
    rl->v6 = v6;
    rl->n6 = n;
    rl->cap6 = cap;
    xs_range6 *w = widen(rl->v, rl->n), *wex = widen(ex->v, ex->n);
    xs_range6 *res = subtract_wide(w, rl->n, wex, ex->n, &n, &cap);
    free(w);
    free(wex);
    set_v4(rl, res, n);
    build_prefix(rl);
}

uint64_t xs_rangelist_count_v4(const xs_rangelist *rl)
{
    if (rl->prefix)
        return rl->prefix[rl->n];
    uint64_t total = 0;
    for (size_t i = 0; i < rl->n; i++)
        total += range_size(rl->v[i]);
    return total;
}

uint64_t xs_rangelist_count_v6(const xs_rangelist *rl)
{
    if (rl->prefix6)
        return rl->prefix6[rl->n6];
    uint64_t total = 0;
    for (size_t i = 0; i < rl->n6; i++)
        total = add_sat(total, range6_size(rl->v6[i]));
    return total;
}

uint64_t xs_rangelist_count(const xs_rangelist *rl)
{
    return add_sat(xs_rangelist_count_v4(rl), xs_rangelist_count_v6(rl));
}

/* The last range i (of n > 0) whose prefix[i] <= index. Branch-free (the compiler emits a
 * conditional move): the target space picks once per probe with random indices, which a branchy
 * search would mispredict at every level. */
static inline size_t prefix_slot(const uint64_t *prefix, size_t n, uint64_t index)
{
    size_t base = 0, len = n;
    while (len > 1) {
        size_t half = len / 2;
        base = prefix[base + half] <= index ? base + half : base;
        len -= half;
    }
    return base;
}

/* index in [0, count_v6) -> IPv6 address (as pick does for IPv4). */
static xs_u128 pick6(const xs_rangelist *rl, uint64_t index)
{
    if (!rl->prefix6) {
        for (size_t i = 0; i < rl->n6; i++) {
            if (index < range6_size(rl->v6[i]))
                return rl->v6[i].first + index;
            index -= range6_size(rl->v6[i]);
        }
        return 0;
    }
    if (rl->n6 == 0)
        return 0;
    size_t i = prefix_slot(rl->prefix6, rl->n6, index);
    return rl->v6[i].first + (index - rl->prefix6[i]);
}

xs_addr xs_rangelist_pick_addr(const xs_rangelist *rl, uint64_t index)
{
    uint64_t n4 = xs_rangelist_count_v4(rl);
    if (index < n4)
        return xs_addr_from_v4(xs_rangelist_pick(rl, index));
    return xs_addr_from_u128(pick6(rl, index - n4));
}

bool xs_rangelist_contains_addr(const xs_rangelist *rl, const xs_addr *a)
{
    if (xs_addr_is_v4(a))
        return xs_rangelist_contains(rl, xs_addr_v4(a));
    xs_u128 v = xs_addr_to_u128(a);
    size_t lo = 0, hi = rl->n6;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (rl->v6[mid].last < v)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < rl->n6 && rl->v6[lo].first <= v;
}

uint32_t xs_rangelist_pick(const xs_rangelist *rl, uint64_t index)
{
    if (!rl->prefix) { /* not normalized: walk the list as given */
        for (size_t i = 0; i < rl->n; i++) {
            if (index < range_size(rl->v[i]))
                return rl->v[i].first + (uint32_t)index;
            index -= range_size(rl->v[i]);
        }
        return 0;
    }
    if (rl->n == 0)
        return 0;
    size_t i = prefix_slot(rl->prefix, rl->n, index);
    return rl->v[i].first + (uint32_t)(index - rl->prefix[i]);
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
