/* Local network discovery: route choice, neighbour table, MAC text, and the loopback interface. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdint.h>
#include <string.h>
#include "xsweep/netinfo.h"

#define IP(a, b, c, d) ((uint32_t)(a) << 24 | (uint32_t)(b) << 16 | (uint32_t)(c) << 8 | (uint32_t)(d))

/* Little-endian x86 rendering, as the kernel prints it. */
static const char ROUTES[] =
    "Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT\n"
    "eth0\t00000000\t0101A8C0\t0003\t0\t0\t100\t00000000\t0\t0\t0\n"   /* default via 192.168.1.1 */
    "wlan0\t00000000\t0102A8C0\t0003\t0\t0\t600\t00000000\t0\t0\t0\n"  /* default, worse metric */
    "eth0\t0001A8C0\t00000000\t0001\t0\t0\t100\t00FFFFFF\t0\t0\t0\n"   /* 192.168.1.0/24 on-link */
    "veth1\t000012C6\t00000000\t0001\t0\t0\t0\t0000FEFF\t0\t0\t0\n"    /* 198.18.0.0/15 on-link */
    "tun0\t000013C6\t0A0012C6\t0003\t0\t0\t5\t00F0FFFF\t0\t0\t0\n"     /* 198.19.0.0/20 via 198.18.0.10 */
    "tun1\t000013C6\t0B0012C6\t0003\t0\t0\t1\t00F0FFFF\t0\t0\t0\n"     /* same prefix, metric 1 */
    "down0\t0000000A\t00000000\t0000\t0\t0\t0\t000000FF\t0\t0\t0\n"    /* 10/8, not up */
    "rej0\t0000000B\t00000000\t0201\t0\t0\t0\t000000FF\t0\t0\t0\n"     /* 11/8, reject route */
    "garbage line\n";

static void route_longest_prefix_then_metric(void **state)
{
    (void)state;
    char ifn[32], err[128];
    uint32_t gw = 123;
    assert_int_equal(xs_route_pick(ROUTES, NULL, IP(8, 8, 8, 8), ifn, &gw, err, sizeof err), 0);
    assert_string_equal(ifn, "eth0");
    assert_int_equal(gw, IP(192, 168, 1, 1));

    assert_int_equal(xs_route_pick(ROUTES, NULL, IP(192, 168, 1, 77), ifn, &gw, err, sizeof err), 0);
    assert_string_equal(ifn, "eth0");
    assert_int_equal(gw, 0);   /* on-link */

    /* 198.19.0.5: /15 on veth1 and /20 on tun0/tun1 both match; /20 wins, tun1 by metric. */
    assert_int_equal(xs_route_pick(ROUTES, NULL, IP(198, 19, 0, 5), ifn, &gw, err, sizeof err), 0);
    assert_string_equal(ifn, "tun1");
    assert_int_equal(gw, IP(198, 18, 0, 11));
    /* 198.19.16.1 is outside the /20: the /15 */
    assert_int_equal(xs_route_pick(ROUTES, NULL, IP(198, 19, 16, 1), ifn, &gw, err, sizeof err), 0);
    assert_string_equal(ifn, "veth1");
    assert_int_equal(gw, 0);

    /* Down and reject routes are ignored: 10.1.2.3 and 11.0.0.1 take the default. */
    assert_int_equal(xs_route_pick(ROUTES, NULL, IP(10, 1, 2, 3), ifn, &gw, err, sizeof err), 0);
    assert_string_equal(ifn, "eth0");
    assert_int_equal(xs_route_pick(ROUTES, NULL, IP(11, 0, 0, 1), ifn, &gw, err, sizeof err), 0);
    assert_string_equal(ifn, "eth0");
}

static void route_restricted_to_an_interface(void **state)
{
    (void)state;
    char ifn[32], err[128];
    uint32_t gw;
    assert_int_equal(xs_route_pick(ROUTES, "wlan0", IP(8, 8, 8, 8), ifn, &gw, err, sizeof err), 0);
    assert_string_equal(ifn, "wlan0");
    assert_int_equal(gw, IP(192, 168, 2, 1));
    /* An interface with no route to the target: taken as on-link. */
    assert_int_equal(xs_route_pick(ROUTES, "veth1", IP(8, 8, 8, 8), ifn, &gw, err, sizeof err), 0);
    assert_string_equal(ifn, "veth1");
    assert_int_equal(gw, 0);
}

static void route_missing_is_one_clear_line(void **state)
{
    (void)state;
    char ifn[32], err[128] = "";
    uint32_t gw;
    const char only_lan[] =
        "Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT\n"
        "eth0\t0001A8C0\t00000000\t0001\t0\t0\t100\t00FFFFFF\t0\t0\t0\n";
    assert_int_equal(xs_route_pick(only_lan, NULL, IP(8, 8, 4, 4), ifn, &gw, err, sizeof err), -1);
    assert_string_equal(err, "no route to 8.8.4.4: give the interface with -i");
    assert_int_equal(xs_route_pick("", NULL, IP(8, 8, 4, 4), ifn, &gw, err, sizeof err), -1);
}

static const char ARP[] =
    "IP address       HW type     Flags       HW address            Mask     Device\n"
    "198.18.0.2       0x1         0x2         02:58:53:00:00:02     *        xrx-s0\n"
    "198.18.0.3       0x1         0x0         00:00:00:00:00:00     *        xrx-s0\n"
    "192.168.1.1      0x1         0x2         aa:bb:cc:dd:ee:0f     *        eth0\n";

static void arp_table_lookup(void **state)
{
    (void)state;
    uint8_t mac[6];
    const uint8_t want[6] = {0x02, 0x58, 0x53, 0, 0, 2};
    assert_int_equal(xs_arp_table_find(ARP, "xrx-s0", IP(198, 18, 0, 2), mac), 0);
    assert_memory_equal(mac, want, 6);
    assert_int_equal(xs_arp_table_find(ARP, NULL, IP(198, 18, 0, 2), mac), 0);
    assert_int_equal(xs_arp_table_find(ARP, "eth0", IP(198, 18, 0, 2), mac), -1);   /* other device */
    assert_int_equal(xs_arp_table_find(ARP, "xrx-s0", IP(198, 18, 0, 3), mac), -1); /* incomplete */
    assert_int_equal(xs_arp_table_find(ARP, NULL, IP(198, 18, 0, 4), mac), -1);     /* absent */
    assert_int_equal(xs_arp_table_find(ARP, "eth0", IP(192, 168, 1, 1), mac), 0);
    assert_int_equal(mac[5], 0x0f);
}

static void mac_text(void **state)
{
    (void)state;
    uint8_t mac[6] = {0};
    const uint8_t want[6] = {0xaa, 0xbb, 0xcc, 0x0d, 0xee, 0xff};
    assert_int_equal(xs_parse_mac("aa:bb:cc:0d:ee:ff", mac), 0);
    assert_memory_equal(mac, want, 6);
    assert_int_equal(xs_parse_mac("AA-BB-CC-0D-EE-FF", mac), 0);
    assert_memory_equal(mac, want, 6);
    const char *bad[] = {"", "a", "aa", "aa:", "aa:bb:cc:dd:ee", "aa:bb:cc:dd:ee:f",
                         "aa:bb:cc:dd:ee:ff:", "aa:bb:cc:dd:ee:ff0", "aa-bb:cc:dd:ee:ff",
                         "aa bb cc dd ee ff", "gg:bb:cc:dd:ee:ff", "a:b:c:d:e:f", "aabbccddeeff"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        uint8_t m[6] = {1, 2, 3, 4, 5, 6};
        assert_int_equal(xs_parse_mac(bad[i], m), -1);
        assert_int_equal(m[0], 1);   /* untouched on failure */
    }
    assert_int_equal(xs_parse_mac(NULL, mac), -1);
}

static void loopback_interface(void **state)
{
    (void)state;
    uint8_t mac[6] = {1, 1, 1, 1, 1, 1}, zero[6] = {0};
    uint32_t ip = 0;
    int mtu = 0;
    char err[128];
    assert_int_equal(xs_netinfo_iface("lo", mac, &ip, &mtu, err, sizeof err), 0);
    assert_memory_equal(mac, zero, 6);
    assert_int_equal(ip, IP(127, 0, 0, 1));
    assert_true(mtu > 0);
    /* No MAC on loopback: nothing to resolve, no ARP sent. */
    uint8_t out[6] = {9, 9, 9, 9, 9, 9};
    assert_int_equal(xs_netinfo_resolve_mac("lo", ip, mac, IP(127, 0, 0, 2), out, 10, err, sizeof err), 0);
    assert_memory_equal(out, zero, 6);

    assert_int_equal(xs_netinfo_iface("xrx-nosuch0", mac, &ip, &mtu, err, sizeof err), -1);
    assert_string_equal(err, "cannot query interface xrx-nosuch0: No such device");
    assert_int_equal(xs_netinfo_iface("", mac, &ip, &mtu, err, sizeof err), -1);
}

static void real_route_table_is_readable(void **state)
{
    (void)state;
    char ifn[32], err[128];
    uint32_t gw;
    /* With the interface forced, a lookup always succeeds, whatever this host's routes are. */
    assert_int_equal(xs_netinfo_route("lo", IP(127, 0, 0, 1), ifn, &gw, err, sizeof err), 0);
    assert_string_equal(ifn, "lo");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(route_longest_prefix_then_metric),
        cmocka_unit_test(route_restricted_to_an_interface),
        cmocka_unit_test(route_missing_is_one_clear_line),
        cmocka_unit_test(arp_table_lookup),
        cmocka_unit_test(mac_text),
        cmocka_unit_test(loopback_interface),
        cmocka_unit_test(real_route_table_is_readable),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
