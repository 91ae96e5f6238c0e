/* xs_addr: one type for both families (include/xsweep/addr.h). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <netinet/in.h>
#include "xsweep/addr.h"

static void ipv4_is_mapped(void **state)
{
    (void)state;
    xs_addr a = xs_addr_from_v4(0xC6130001u); /* 198.19.0.1 */
    assert_true(xs_addr_is_v4(&a));
    assert_int_equal(xs_addr_v4(&a), 0xC6130001u);
    char text[XS_ADDR_STRLEN], host[XS_ADDR_STRLEN + 2];
    xs_addr_format(&a, text);
    assert_string_equal(text, "198.19.0.1");
    xs_addr_format_host(&a, host);
    assert_string_equal(host, "198.19.0.1");
    assert_string_equal(xs_addr_family_name(&a), "ipv4");
}

static void ipv6_text_forms(void **state)
{
    (void)state;
    xs_addr a;
    assert_true(xs_addr_parse("2001:2:0:0:0:0:0:1", &a));
    assert_false(xs_addr_is_v4(&a));
    char text[XS_ADDR_STRLEN], host[XS_ADDR_STRLEN + 2];
    xs_addr_format(&a, text);
    assert_string_equal(text, "2001:2::1"); /* RFC 5952 */
    xs_addr_format_host(&a, host);
    assert_string_equal(host, "[2001:2::1]");
    assert_string_equal(xs_addr_family_name(&a), "ipv6");
    /* the mapped form is the IPv4 address */
    assert_true(xs_addr_parse("::ffff:198.19.0.2", &a));
    assert_true(xs_addr_is_v4(&a));
    assert_int_equal(xs_addr_v4(&a), 0xC6130002u);
    /* malformed */
    assert_false(xs_addr_parse("2001:2::1::2", &a));
    assert_false(xs_addr_parse("01.2.3.4", &a));
    assert_false(xs_addr_parse("", &a));
    assert_false(xs_addr_parse(NULL, &a));
}

static void order_and_sockaddr(void **state)
{
    (void)state;
    xs_addr v4 = xs_addr_from_v4(0x01020304u), v6, back;
    assert_true(xs_addr_parse("2001:2::5", &v6));
    assert_true(xs_addr_cmp(&v4, &v6) < 0); /* ::ffff:0:0/96 sorts before 2001:: */
    assert_true(xs_addr_eq(&v4, &v4));
    struct sockaddr_storage ss;
    uint16_t port = 0;
    assert_int_equal(xs_addr_to_sockaddr(&v6, 443, &ss), sizeof(struct sockaddr_in6));
    assert_int_equal(ss.ss_family, AF_INET6);
    assert_true(xs_addr_from_sockaddr((struct sockaddr *)&ss, &back, &port));
    assert_true(xs_addr_eq(&back, &v6));
    assert_int_equal(port, 443);
    assert_int_equal(xs_addr_to_sockaddr(&v4, 80, &ss), sizeof(struct sockaddr_in));
    assert_int_equal(ss.ss_family, AF_INET);
    assert_true(xs_addr_from_sockaddr((struct sockaddr *)&ss, &back, &port));
    assert_true(xs_addr_eq(&back, &v4));
    assert_int_equal(port, 80);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(ipv4_is_mapped),
        cmocka_unit_test(ipv6_text_forms),
        cmocka_unit_test(order_and_sockaddr),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
