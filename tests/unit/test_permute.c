/* The probe order: a seed-deterministic bijection on [0, n), and shards that split it. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include "xsweep/permute.h"

/* Checks with a bitmap that xs_perm_at hits every value of [0, n) exactly once. */
static void assert_bijection(uint64_t n, uint64_t seed)
{
    xs_perm p;
    xs_perm_init(&p, n, seed);
    size_t words = (size_t)((n + 63) / 64);
    uint64_t *seen = calloc(words, sizeof *seen);
    assert_non_null(seen);
    for (uint64_t i = 0; i < n; i++) {
        uint64_t v = xs_perm_at(&p, i);
        if (v >= n)
            fail_msg("n=%llu seed=%llu: perm(%llu)=%llu is out of range", (unsigned long long)n,
                     (unsigned long long)seed, (unsigned long long)i, (unsigned long long)v);
        if (seen[v / 64] >> (v % 64) & 1)
            fail_msg("n=%llu seed=%llu: %llu appears twice", (unsigned long long)n,
                     (unsigned long long)seed, (unsigned long long)v);
        seen[v / 64] |= 1ULL << (v % 64);
    }
    free(seen); /* n distinct values < n: every value was hit */
}

static void bijection_for_every_small_n(void **state)
{
    (void)state;
    const uint64_t seeds[] = {0, 1, 0xDEADBEEFCAFEULL};
    for (size_t s = 0; s < 3; s++)
        for (uint64_t n = 1; n <= 3000; n++)
            assert_bijection(n, seeds[s]);
}

static void bijection_around_powers_of_two(void **state)
{
    (void)state;
    const uint64_t centres[] = {1ULL << 16, 1ULL << 20};
    for (size_t c = 0; c < 2; c++)
        for (int64_t d = -2; d <= 2; d++)
            for (uint64_t seed = 5; seed < 7; seed++)
                assert_bijection(centres[c] + (uint64_t)d, seed);
    assert_bijection(1000003, 99); /* an odd, prime-sized domain */
}

static void same_seed_same_order(void **state)
{
    (void)state;
    xs_perm a, b;
    xs_perm_init(&a, 123457, 42);
    xs_perm_init(&b, 123457, 42);
    for (uint64_t i = 0; i < 123457; i++)
        assert_int_equal(xs_perm_at(&a, i), xs_perm_at(&b, i));
}

static void different_seeds_different_orders(void **state)
{
    (void)state;
    xs_perm a, b;
    xs_perm_init(&a, 10, 1);
    xs_perm_init(&b, 10, 2);
    bool differ = false;
    for (uint64_t i = 0; i < 10; i++)
        differ |= xs_perm_at(&a, i) != xs_perm_at(&b, i);
    assert_true(differ);

    const uint64_t sizes[] = {1000, 65536, 1ULL << 40};
    for (size_t k = 0; k < 3; k++) {
        uint64_t n = sizes[k];
        xs_perm_init(&a, n, 1);
        xs_perm_init(&b, n, 2);
        uint64_t limit = 1000, same = 0;
        for (uint64_t i = 0; i < limit; i++)
            same += xs_perm_at(&a, i) == xs_perm_at(&b, i);
        /* Unrelated orders agree at about one position in n. */
        if (same * 4 > limit)
            fail_msg("n=%llu: seeds 1 and 2 agree at %llu of %llu positions", (unsigned long long)n,
                     (unsigned long long)same, (unsigned long long)limit);
    }
}

static void order_is_not_the_identity(void **state)
{
    (void)state;
    /* The first 4096 of 2^24 addresses must spread over the space, not walk one block. */
    xs_perm p;
    xs_perm_init(&p, 1ULL << 24, 3);
    unsigned buckets[16] = {0};
    uint64_t fixed = 0;
    for (uint64_t i = 0; i < 4096; i++) {
        uint64_t v = xs_perm_at(&p, i);
        buckets[v >> 20]++;
        fixed += v == i;
    }
    for (int b = 0; b < 16; b++)
        assert_true(buckets[b] > 256 / 2 && buckets[b] < 256 * 2);
    assert_true(fixed < 4);
}

static void large_domains_stay_in_range(void **state)
{
    (void)state;
    const uint64_t sizes[] = {(1ULL << 32) + 1, 3ULL << 32,       (1ULL << 48) - 1,
                              1ULL << 48,       (1ULL << 47) + 1, UINT64_MAX};
    for (size_t k = 0; k < sizeof sizes / sizeof sizes[0]; k++) {
        xs_perm p;
        xs_perm_init(&p, sizes[k], 11);
        for (uint64_t i = 0; i < 20000; i++) {
            assert_true(xs_perm_at(&p, i) < sizes[k]);
            assert_true(xs_perm_at(&p, sizes[k] - 1 - i) < sizes[k]);
        }
    }
}

static void degenerate_domains(void **state)
{
    (void)state;
    xs_perm p;
    xs_perm_init(&p, 1, 9);
    assert_int_equal(xs_perm_at(&p, 0), 0);
    xs_perm_init(&p, 0, 9);
    assert_int_equal(xs_perm_at(&p, 0), 0);
    /* An index outside [0, n) is a caller bug; it must still return (in range), not spin. */
    xs_perm_init(&p, 5, 9);
    assert_true(xs_perm_at(&p, 1000) < 5);
}

/* ---- shards ---- */

static void shard_parse_good(void **state)
{
    (void)state;
    xs_shard s;
    char err[128];
    assert_int_equal(xs_shard_parse(&s, "1/1", err, sizeof err), 0);
    assert_int_equal(s.index, 0);
    assert_int_equal(s.count, 1);
    assert_int_equal(xs_shard_parse(&s, "3/4", err, sizeof err), 0);
    assert_int_equal(s.index, 2);
    assert_int_equal(s.count, 4);
    assert_int_equal(xs_shard_parse(&s, "65535/65535", err, sizeof err), 0);
    assert_int_equal(s.index, 65534);
    assert_int_equal(s.count, 65535);
}

static void shard_parse_bad(void **state)
{
    (void)state;
    struct {
        const char *spec, *why;
    } bad[] = {
        {"0/4", "invalid shard \"0/4\": shard index must be 1-4"},
        {"5/4", "shard index must be 1-4"},
        {"1/0", "shard count must be 1-65535"},
        {"1/65536", "shard count must be 1-65535"},
        {"1/99999999999999999999", "shard count must be 1-65535"},
        {"", "expected I/N"},
        {"1", "expected I/N"},
        {"1/", "expected I/N"},
        {"/4", "expected I/N"},
        {"1/4x", "expected I/N"},
        {" 1/4", "expected I/N"},
        {"-1/4", "expected I/N"},
        {"1//4", "expected I/N"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        xs_shard s = {7, 7};
        char err[128] = "";
        assert_int_equal(xs_shard_parse(&s, bad[i].spec, err, sizeof err), -1);
        if (!strstr(err, bad[i].why))
            fail_msg("\"%s\": error \"%s\" does not say \"%s\"", bad[i].spec, err, bad[i].why);
        assert_int_equal(s.index, 7);
    }
}

/* Shards I/N for I = 1..N walk positions disjointly, together covering [0, n) once. */
static void shards_disjoint_and_complete(void **state)
{
    (void)state;
    const uint32_t counts[] = {1, 2, 3, 7, 16, 1000};
    const uint64_t sizes[] = {0, 1, 2, 5, 999, 1000, 1001, 4099};
    for (size_t c = 0; c < sizeof counts / sizeof counts[0]; c++) {
        for (size_t z = 0; z < sizeof sizes / sizeof sizes[0]; z++) {
            uint64_t n = sizes[z];
            xs_perm p;
            xs_perm_init(&p, n, 77);
            unsigned char *hits = calloc(n + 1, 1);
            uint64_t total = 0;
            for (uint32_t i = 0; i < counts[c]; i++) {
                xs_shard s = {i, counts[c]};
                uint64_t m = xs_shard_positions(&s, n);
                total += m;
                for (uint64_t k = 0; k < m; k++) {
                    uint64_t pos = s.index + k * s.count;
                    assert_true(pos < n);
                    hits[xs_perm_at(&p, pos)]++;
                }
                /* the next position would be past the end */
                assert_true(s.index + m * s.count >= n);
            }
            assert_int_equal(total, n);
            for (uint64_t v = 0; v < n; v++)
                assert_int_equal(hits[v], 1);
            free(hits);
        }
    }
}

static void shard_positions_counts(void **state)
{
    (void)state;
    xs_shard s = {0, 4};
    assert_int_equal(xs_shard_positions(&s, 0), 0);
    assert_int_equal(xs_shard_positions(&s, 1), 1);
    assert_int_equal(xs_shard_positions(&s, 4), 1);
    assert_int_equal(xs_shard_positions(&s, 5), 2);
    s.index = 3;
    assert_int_equal(xs_shard_positions(&s, 3), 0);
    assert_int_equal(xs_shard_positions(&s, 4), 1);
    assert_int_equal(xs_shard_positions(&s, 8), 2);
    s = (xs_shard){0, 1};
    assert_int_equal(xs_shard_positions(&s, 1ULL << 48), 1ULL << 48);
    s = (xs_shard){65534, 65535};
    assert_int_equal(xs_shard_positions(&s, (1ULL << 32) * 65535), 1ULL << 32);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(bijection_for_every_small_n),
        cmocka_unit_test(bijection_around_powers_of_two),
        cmocka_unit_test(same_seed_same_order),
        cmocka_unit_test(different_seeds_different_orders),
        cmocka_unit_test(order_is_not_the_identity),
        cmocka_unit_test(large_domains_stay_in_range),
        cmocka_unit_test(degenerate_domains),
        cmocka_unit_test(shard_parse_good),
        cmocka_unit_test(shard_parse_bad),
        cmocka_unit_test(shards_disjoint_and_complete),
        cmocka_unit_test(shard_positions_counts),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
