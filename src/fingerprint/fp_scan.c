/* One pass over a lower-cased haystack finds which of many literals it contains (instead of one
 * memmem per literal, each of which may read the whole page).
 *
 * Every literal is keyed by one of its 3-byte windows, the one that looks least common in HTML. The
 * scan hashes each 3-byte window of the haystack to 16 bits, tests a 64 Kibit bitmap (8 KiB, stays in
 * L1) and, on a hit, compares the few literals filed under that hash in place. */
#include <stdlib.h>
#include <string.h>
#include "fp_internal.h"

#define KEY_LEN 3

typedef struct {
    const char *s;
    uint32_t lit; /* db literal id */
    uint16_t len;
    uint16_t off; /* offset of the key window in the literal */
} scan_entry;

struct fp_litscan {
    uint64_t bits[65536 / 64];
    uint32_t start[65536 + 1]; /* entries of hash h: [start[h], start[h+1]) */
    scan_entry *entries;
    size_t nentries;
};

static uint32_t key_hash(const unsigned char *p)
{
    uint32_t v = (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16;
    return (v * 2654435761u) >> 16;
}

/* Lower is rarer: characters every tag has weigh most. */
static int window_commonness(const char *w)
{
    int c = 0;
    for (int i = 0; i < KEY_LEN; i++) {
        unsigned char ch = (unsigned char)w[i];
        if (strchr(" \"'<>=/", ch))
            c += 4;
        else if (ch == '-' || ch == '.' || ch == ':' || ch == '_')
            c += 2;
        else if (ch >= 'a' && ch <= 'z' && strchr("etaoinsr", ch))
            c += 1;
    }
    return c;
}

static size_t best_window(const char *s, size_t len)
{
    size_t best = 0;
    int bestc = 1 << 30;
    for (size_t o = 0; o + KEY_LEN <= len; o++) {
        int c = window_commonness(s + o);
        if (c < bestc) {
            bestc = c;
            best = o;
        }
    }
    return best;
}

static int cmp_entry_hash(const void *a, const void *b)
{
    const scan_entry *x = a, *y = b;
    uint32_t hx = key_hash((const unsigned char *)x->s + x->off),
             hy = key_hash((const unsigned char *)y->s + y->off);
    return hx < hy ? -1 : hx > hy;
}

fp_litscan *fp_litscan_build(const xs_fp_db *db, const uint8_t *kinds, size_t nkinds)
{
    fp_litscan *sc = calloc(1, sizeof *sc);
    uint8_t *seen = calloc(db->nlits ? db->nlits : 1, 1);
    size_t cap = 0;
    for (size_t k = 0; k < nkinds; k++)
        for (size_t i = db->kind_start[kinds[k]]; i < db->kind_start[kinds[k] + 1]; i++)
            cap += db->patterns[i].nliterals;
    if (sc)
        sc->entries = calloc(cap ? cap : 1, sizeof *sc->entries);
    if (!sc || !seen || !sc->entries) {
        free(seen);
        fp_litscan_free(sc);
        return NULL;
    }
    for (size_t k = 0; k < nkinds; k++) {
        for (size_t i = db->kind_start[kinds[k]]; i < db->kind_start[kinds[k] + 1]; i++) {
            const fp_pattern *p = &db->patterns[i];
            for (size_t l = 0; l < p->nliterals; l++) {
                if (seen[p->lit_ids[l]] || p->literal_lens[l] < KEY_LEN)
                    continue;
                seen[p->lit_ids[l]] = 1;
                size_t off = best_window(p->literals[l], p->literal_lens[l]);
                sc->entries[sc->nentries++] =
                    (scan_entry){p->literals[l], p->lit_ids[l], p->literal_lens[l], (uint16_t)off};
            }
        }
    }
    free(seen);
    if (sc->nentries)
        qsort(sc->entries, sc->nentries, sizeof *sc->entries, cmp_entry_hash);
    size_t e = 0;
    for (uint32_t h = 0; h < 65536; h++) {
        sc->start[h] = (uint32_t)e;
        while (e < sc->nentries &&
               key_hash((const unsigned char *)sc->entries[e].s + sc->entries[e].off) == h)
            e++;
        if (e > sc->start[h])
            sc->bits[h >> 6] |= 1ull << (h & 63);
    }
    sc->start[65536] = (uint32_t)e;
    return sc;
}

void fp_litscan_free(fp_litscan *sc)
{
    if (!sc)
        return;
    free(sc->entries);
    free(sc);
}

void fp_litscan_run(const fp_litscan *sc, const char *hay, size_t n, uint8_t *present)
{
    const unsigned char *p = (const unsigned char *)hay;
    for (size_t i = 0; i + KEY_LEN <= n; i++) {
        uint32_t h = key_hash(p + i);
        if (!(sc->bits[h >> 6] & (1ull << (h & 63))))
            continue;
        for (uint32_t e = sc->start[h]; e < sc->start[h + 1]; e++) {
            const scan_entry *E = &sc->entries[e];
            if (present[E->lit] || i < E->off)
                continue;
            size_t s0 = i - E->off;
            if (s0 + E->len <= n && memcmp(hay + s0, E->s, E->len) == 0)
                present[E->lit] = 1;
        }
    }
}
