/* SipHash-2-4 against the reference vectors, and the SYN cookie built on it. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>
#include "xsweep/cookie.h"

/* SipHash paper / reference implementation (vectors.h, vectors_sip64): key 00..0f, message
 * 00..len-1 for len 0..63, output read as a little-endian 64-bit word. */
static const uint64_t sip64_vectors[64] = {
    0x726fdb47dd0e0e31ULL, 0x74f839c593dc67fdULL, 0x0d6c8009d9a94f5aULL, 0x85676696d7fb7e2dULL,
    0xcf2794e0277187b7ULL, 0x18765564cd99a68dULL, 0xcbc9466e58fee3ceULL, 0xab0200f58b01d137ULL,
    0x93f5f5799a932462ULL, 0x9e0082df0ba9e4b0ULL, 0x7a5dbbc594ddb9f3ULL, 0xf4b32f46226bada7ULL,
    0x751e8fbc860ee5fbULL, 0x14ea5627c0843d90ULL, 0xf723ca908e7af2eeULL, 0xa129ca6149be45e5ULL,
    0x3f2acc7f57c29bdbULL, 0x699ae9f52cbe4794ULL, 0x4bc1b3f0968dd39cULL, 0xbb6dc91da77961bdULL,
    0xbed65cf21aa2ee98ULL, 0xd0f2cbb02e3b67c7ULL, 0x93536795e3a33e88ULL, 0xa80c038ccd5ccec8ULL,
    0xb8ad50c6f649af94ULL, 0xbce192de8a85b8eaULL, 0x17d835b85bbb15f3ULL, 0x2f2e6163076bcfadULL,
    0xde4daaaca71dc9a5ULL, 0xa6a2506687956571ULL, 0xad87a3535c49ef28ULL, 0x32d892fad841c342ULL,
    0x7127512f72f27cceULL, 0xa7f32346f95978e3ULL, 0x12e0b01abb051238ULL, 0x15e034d40fa197aeULL,
    0x314dffbe0815a3b4ULL, 0x027990f029623981ULL, 0xcadcd4e59ef40c4dULL, 0x9abfd8766a33735cULL,
    0x0e3ea96b5304a7d0ULL, 0xad0c42d6fc585992ULL, 0x187306c89bc215a9ULL, 0xd4a60abcf3792b95ULL,
    0xf935451de4f21df2ULL, 0xa9538f0419755787ULL, 0xdb9acddff56ca510ULL, 0xd06c98cd5c0975ebULL,
    0xe612a3cb9ecba951ULL, 0xc766e62cfcadaf96ULL, 0xee64435a9752fe72ULL, 0xa192d576b245165aULL,
    0x0a8787bf8ecb74b2ULL, 0x81b3e73d20b49b6fULL, 0x7fa8220ba3b2eceaULL, 0x245731c13ca42499ULL,
    0xb78dbfaf3a8d83bdULL, 0xea1ad565322a1a0bULL, 0x60e61c23a3795013ULL, 0x6606d7e446282b93ULL,
    0x6ca4ecb15c5f91e1ULL, 0x9f626da15c9625f3ULL, 0xe51b38608ef25f57ULL, 0x958a324ceb064572ULL,
};

static const xs_cookie_key ref_key = {0x0706050403020100ULL, 0x0f0e0d0c0b0a0908ULL};

static void test_siphash_reference_vectors(void **state)
{
    (void)state;
    uint8_t msg[64];
    for (unsigned i = 0; i < 64; i++)
        msg[i] = (uint8_t)i;
    for (size_t len = 0; len < 64; len++)
        assert_int_equal(xs_siphash24(&ref_key, msg, len), sip64_vectors[len]);
}

static void test_cookie_deterministic_per_key(void **state)
{
    (void)state;
    xs_cookie_key a, b;
    xs_cookie_key_init(&a, 42, 1);
    xs_cookie_key_init(&b, 42, 1);
    assert_int_equal(a.k0, b.k0);
    assert_int_equal(a.k1, b.k1);
    assert_int_equal(xs_cookie(&a, 0xc6120001, 40000, 0xc6130007, 80),
                     xs_cookie(&b, 0xc6120001, 40000, 0xc6130007, 80));

    xs_cookie_key c;
    xs_cookie_key_init(&c, 43, 1);
    assert_true(a.k0 != c.k0 || a.k1 != c.k1);
    assert_int_not_equal(xs_cookie(&a, 0xc6120001, 40000, 0xc6130007, 80),
                         xs_cookie(&c, 0xc6120001, 40000, 0xc6130007, 80));
}

static void test_cookie_differs_per_tuple(void **state)
{
    (void)state;
    xs_cookie_key k;
    xs_cookie_key_init(&k, 7, 1);
    uint32_t base = xs_cookie(&k, 0xc6120001, 40000, 0xc6130007, 80);
    /* Changing any one field changes the cookie (a collision here would be a 2^-32 fluke). */
    assert_int_not_equal(base, xs_cookie(&k, 0xc6120002, 40000, 0xc6130007, 80));
    assert_int_not_equal(base, xs_cookie(&k, 0xc6120001, 40001, 0xc6130007, 80));
    assert_int_not_equal(base, xs_cookie(&k, 0xc6120001, 40000, 0xc6130008, 80));
    assert_int_not_equal(base, xs_cookie(&k, 0xc6120001, 40000, 0xc6130007, 81));
    /* Swapping the two ports must not give the same cookie either. */
    assert_int_not_equal(xs_cookie(&k, 1, 80, 2, 443), xs_cookie(&k, 1, 443, 2, 80));

    /* Cookies over many neighbouring targets are (nearly) all distinct. */
    enum { N = 4096 };
    static uint32_t seen[N];
    for (uint32_t i = 0; i < N; i++)
        seen[i] = xs_cookie(&k, 0xc6120001, 40000, 0xc6130000 + i, 80);
    unsigned dup = 0;
    for (uint32_t i = 0; i < N; i++)
        for (uint32_t j = i + 1; j < N; j++)
            dup += seen[i] == seen[j];
    assert_true(dup <= 1);
}

static void test_unseeded_keys_differ(void **state)
{
    (void)state;
    xs_cookie_key a, b;
    xs_cookie_key_init(&a, 0, 0);
    xs_cookie_key_init(&b, 0, 0);
    assert_true(a.k0 != b.k0 || a.k1 != b.k1);
}

/* IPv6 cookies hash both whole addresses: a change of any one byte, or of a port, changes it. */
static void test_cookie6_covers_every_byte(void **state)
{
    (void)state;
    xs_cookie_key key;
    xs_cookie_key_init(&key, 42, 1);
    uint8_t src[16] = {0x20, 0x01, 0x00, 0x02, [15] = 1},
            dst[16] = {0x20, 0x01, 0x00, 0x02, [15] = 7};
    uint32_t base = xs_cookie6(&key, src, 61000, dst, 443);
    assert_int_equal(base, xs_cookie6(&key, src, 61000, dst, 443));
    int same = 0;
    for (int i = 0; i < 16; i++) {
        uint8_t s2[16], d2[16];
        memcpy(s2, src, 16);
        memcpy(d2, dst, 16);
        s2[i] ^= 0x01;
        d2[i] ^= 0x80;
        same += xs_cookie6(&key, s2, 61000, dst, 443) == base;
        same += xs_cookie6(&key, src, 61000, d2, 443) == base;
    }
    same += xs_cookie6(&key, src, 61001, dst, 443) == base;
    same += xs_cookie6(&key, src, 61000, dst, 444) == base;
    assert_int_equal(same, 0);
    /* and it is not the IPv4 cookie of the low words */
    assert_true(base != xs_cookie(&key, 0x00000001u, 61000, 0x00000007u, 443));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_siphash_reference_vectors),
        cmocka_unit_test(test_cookie_deterministic_per_key),
        cmocka_unit_test(test_cookie_differs_per_tuple),
        cmocka_unit_test(test_unseeded_keys_differ),
        cmocka_unit_test(test_cookie6_covers_every_byte),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
