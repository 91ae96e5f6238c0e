/* The throttle: pass clock spacing, the answered keyset under two threads, the contact table. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <pthread.h>
#include <stdlib.h>
#include "xsweep/throttle.h"

#define SEC 1000000000ULL

/* A test key: an IPv4 endpoint for k below 2^48, as the engines make them. */
static xs_epkey K(uint64_t k)
{
    return xs_endpoint_key_v4((uint32_t)(k >> 16), (uint16_t)k);
}

static void pass_clock_never_lets_a_retry_within_the_gap(void **state)
{
    (void)state;
    xs_pass_clock c;
    assert_int_equal(xs_pass_clock_init(&c, 3, SEC, 8), 0);
    /* Pass 0 sends positions [0,100) at t=0.0 .. 0.9 s, in batches of 10. */
    uint64_t sent_at[100];
    for (int b = 0; b < 10; b++) {
        for (int i = 0; i < 10; i++)
            sent_at[b * 10 + i] = (uint64_t)b * SEC / 10;
        xs_pass_clock_mark(&c, 0, (uint64_t)(b + 1) * 10, (uint64_t)b * SEC / 10);
    }
    assert_int_equal(xs_pass_clock_allowed(&c, 1, SEC / 2), 0); /* nothing is 1 s old yet */
    for (uint64_t now = 0; now <= 3 * SEC; now += SEC / 20) {
        uint64_t bound = xs_pass_clock_allowed(&c, 1, now);
        for (uint64_t pos = 0; pos < bound && pos < 100; pos++)
            assert_true(sent_at[pos] + SEC <= now);
    }
    assert_int_equal(xs_pass_clock_allowed(&c, 1, 3 * SEC), 100);
    /* Pass 2 follows pass 1, which has not marked anything yet. */
    assert_int_equal(xs_pass_clock_allowed(&c, 2, 10 * SEC), 0);
    assert_int_equal(xs_pass_clock_allowed(&c, 0, 0), UINT64_MAX);
    xs_pass_clock_free(&c);
}

static void pass_clock_folds_when_the_ring_is_full(void **state)
{
    (void)state;
    xs_pass_clock c;
    assert_int_equal(xs_pass_clock_init(&c, 2, SEC, 4), 0);
    for (uint64_t i = 1; i <= 100; i++)
        xs_pass_clock_mark(&c, 0, i, i * SEC / 100);
    /* Folding only ever makes the bound later, never earlier than allowed. */
    for (uint64_t now = 0; now <= 3 * SEC; now += SEC / 50) {
        uint64_t bound = xs_pass_clock_allowed(&c, 1, now);
        for (uint64_t pos = 0; pos < bound; pos++)
            assert_true((pos + 1) * SEC / 100 + SEC <= now); /* pos was sent by (pos+1)/100 s */
    }
    assert_int_equal(xs_pass_clock_allowed(&c, 1, 3 * SEC), 100);
    xs_pass_clock_free(&c);
}

static void keyset_add_contains(void **state)
{
    (void)state;
    xs_keyset s;
    assert_int_equal(xs_keyset_init(&s, 1000, 0), 0);
    for (uint64_t k = 0; k < 1000; k++)
        assert_true(xs_keyset_add(&s, K(k * 7919)));
    for (uint64_t k = 0; k < 1000; k++) {
        assert_false(xs_keyset_add(&s, K(k * 7919)));
        assert_true(xs_keyset_contains(&s, K(k * 7919)));
        assert_false(xs_keyset_contains(&s, K(k * 7919 + 1)));
    }
    assert_true(xs_keyset_contains(&s, K(0))); /* key 0 is a real key, not "empty" */
    xs_keyset_free(&s);
}

typedef struct {
    xs_keyset *s;
    uint64_t base;
} adder_arg;

static void *adder(void *p)
{
    adder_arg *a = p;
    for (uint64_t k = 0; k < 200000; k++)
        xs_keyset_add(a->s, K(a->base + k));
    return NULL;
}

static void keyset_two_threads(void **state)
{
    (void)state;
    xs_keyset s;
    assert_int_equal(xs_keyset_init(&s, 400000, 0), 0);
    pthread_t t1, t2;
    adder_arg a1 = {&s, 0}, a2 = {&s, 100000}; /* overlapping halves */
    pthread_create(&t1, NULL, adder, &a1);
    pthread_create(&t2, NULL, adder, &a2);
    pthread_join(t1, NULL);
    pthread_join(t2, NULL);
    for (uint64_t k = 0; k < 300000; k++)
        assert_true(xs_keyset_contains(&s, K(k)));
    assert_int_equal(atomic_load(&s.used), 300000);
    xs_keyset_free(&s);
}

static void keyset_full_drops_adds(void **state)
{
    (void)state;
    xs_keyset s;
    assert_int_equal(xs_keyset_init(&s, 10, 0), 0);
    size_t added = 0;
    for (uint64_t k = 0; k < 1000; k++)
        added += xs_keyset_add(&s, K(k));
    assert_true(added < 1000);
    assert_true(added >= 10);
    xs_keyset_free(&s);
}

static void contact_table_spaces_contacts(void **state)
{
    (void)state;
    xs_throttle *t = xs_throttle_new(SEC);
    assert_non_null(t);
    assert_int_equal(xs_throttle_acquire(t, K(42), 5 * SEC), 0);
    assert_int_equal(xs_throttle_acquire(t, K(42), 5 * SEC + SEC / 4), 3 * SEC / 4);
    assert_int_equal(xs_throttle_acquire(t, K(43), 5 * SEC + SEC / 4), 0);
    assert_int_equal(xs_throttle_acquire(t, K(42), 6 * SEC), 0);
    xs_throttle_note(t, K(44), 10 * SEC);
    assert_int_equal(xs_throttle_acquire(t, K(44), 10 * SEC + 1), SEC - 1);
    /* Many keys: growth keeps live entries. */
    for (uint64_t k = 1000; k < 20000; k++)
        assert_int_equal(xs_throttle_acquire(t, K(k), 20 * SEC), 0);
    for (uint64_t k = 1000; k < 20000; k++)
        assert_true(xs_throttle_acquire(t, K(k), 20 * SEC + 10) > 0);
    /* After the gap, everything is free again. */
    for (uint64_t k = 1000; k < 20000; k++)
        assert_int_equal(xs_throttle_acquire(t, K(k), 22 * SEC), 0);
    xs_throttle_free(t);
}

/* IPv6 keys: the whole address and port are the identity (addresses that share a hash-friendly
 * half, or differ only in one bit, stay distinct), and two writers never lose or duplicate one. */
static xs_epkey K6(uint64_t hi, uint64_t lo, uint16_t port)
{
    xs_epkey k = {hi, lo, port};
    return k;
}

static void keyset_ipv6_keys_are_whole(void **state)
{
    (void)state;
    xs_keyset s;
    assert_int_equal(xs_keyset_init(&s, 10, 5000), 0);
    for (uint64_t i = 0; i < 1000; i++) {
        assert_true(xs_keyset_add(&s, K6(0x2001000200000000ULL, i, 80)));
        assert_true(xs_keyset_add(&s, K6(0x2001000200000001ULL, i, 80))); /* upper half differs */
    }
    for (uint64_t i = 0; i < 1000; i++) {
        assert_false(xs_keyset_add(&s, K6(0x2001000200000000ULL, i, 80)));
        assert_true(xs_keyset_contains(&s, K6(0x2001000200000001ULL, i, 80)));
        assert_false(xs_keyset_contains(&s, K6(0x2001000200000000ULL, i, 81)));
        assert_false(xs_keyset_contains(&s, K6(0x2001000200000002ULL, i, 80)));
    }
    /* IPv4 keys live apart and do not collide with IPv6 ones */
    assert_false(xs_keyset_contains(&s, K(5 << 16 | 80)));
    assert_true(xs_keyset_add(&s, K(5 << 16 | 80)));
    assert_true(xs_keyset_contains(&s, K(5 << 16 | 80)));
    assert_int_equal(atomic_load(&s.used6), 2000);
    xs_keyset_free(&s);
}

typedef struct {
    xs_keyset *s;
    uint64_t base;
} adder6_arg;

static void *adder6(void *p)
{
    adder6_arg *a = p;
    for (uint64_t k = 0; k < 50000; k++)
        xs_keyset_add(a->s, K6(0x20010002ULL << 32, a->base + k, 443));
    return NULL;
}

static void keyset_ipv6_two_threads(void **state)
{
    (void)state;
    xs_keyset s;
    assert_int_equal(xs_keyset_init(&s, 0, 100000), 0);
    pthread_t t1, t2;
    adder6_arg a1 = {&s, 0}, a2 = {&s, 25000}; /* overlapping halves */
    pthread_create(&t1, NULL, adder6, &a1);
    pthread_create(&t2, NULL, adder6, &a2);
    pthread_join(t1, NULL);
    pthread_join(t2, NULL);
    for (uint64_t k = 0; k < 75000; k++)
        assert_true(xs_keyset_contains(&s, K6(0x20010002ULL << 32, k, 443)));
    assert_int_equal(atomic_load(&s.used6), 75000);
    xs_keyset_free(&s);
}

static void contact_table_ipv6(void **state)
{
    (void)state;
    xs_throttle *t = xs_throttle_new(SEC);
    xs_addr a, b;
    assert_true(xs_addr_parse("2001:2::1", &a));
    assert_true(xs_addr_parse("2001:3::1", &b));
    assert_int_equal(xs_throttle_acquire(t, xs_endpoint_key(&a, 80), 5 * SEC), 0);
    assert_int_equal(xs_throttle_acquire(t, xs_endpoint_key(&a, 80), 5 * SEC + SEC / 2), SEC / 2);
    assert_int_equal(xs_throttle_acquire(t, xs_endpoint_key(&b, 80), 5 * SEC + SEC / 2), 0);
    xs_throttle_free(t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(pass_clock_never_lets_a_retry_within_the_gap),
        cmocka_unit_test(pass_clock_folds_when_the_ring_is_full),
        cmocka_unit_test(keyset_add_contains),
        cmocka_unit_test(keyset_two_threads),
        cmocka_unit_test(keyset_full_drops_adds),
        cmocka_unit_test(contact_table_spaces_contacts),
        cmocka_unit_test(keyset_ipv6_keys_are_whole),
        cmocka_unit_test(keyset_ipv6_two_threads),
        cmocka_unit_test(contact_table_ipv6),
    };
    return cmocka_run_group_tests_name("throttle", tests, NULL, NULL);
}
