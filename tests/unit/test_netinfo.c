/* Local network discovery over netlink: the kernel's route and neighbour answers, MAC text, and
 * the loopback interface. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdint.h>
#include <string.h>
#include <arpa/inet.h>
#include <linux/neighbour.h>
#include <linux/rtnetlink.h>
#include <sched.h>
#include <stdlib.h>
#include "../../src/net/net_internal.h"
#include "xsweep/netinfo.h"

#define IP(a, b, c, d)                                                                             \
    ((uint32_t)(a) << 24 | (uint32_t)(b) << 16 | (uint32_t)(c) << 8 | (uint32_t)(d))

/* A hand-built RTM_NEWNEIGH answer, as the kernel's dump sends it. */
static struct nlmsghdr *neigh_msg(char *buf, int family, int ifindex, uint16_t state, uint32_t ip,
                                  const uint8_t *mac)
{
    struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
    nlh->nlmsg_type = RTM_NEWNEIGH;
    struct ndmsg *ndm = mnl_nlmsg_put_extra_header(nlh, sizeof *ndm);
    ndm->ndm_family = (uint8_t)family;
    ndm->ndm_ifindex = ifindex;
    ndm->ndm_state = state;
    uint32_t be = htonl(ip);
    mnl_attr_put(nlh, NDA_DST, 4, &be);
    if (mac)
        mnl_attr_put(nlh, NDA_LLADDR, 6, mac);
    return nlh;
}

static void neighbour_entries_that_count(void **state)
{
    (void)state;
    char buf[MNL_SOCKET_BUFFER_SIZE];
    const uint8_t mac[6] = {0x02, 0x58, 0x53, 0, 0, 2}, zero[6] = {0};
    struct {
        int family, ifindex;
        uint16_t state;
        uint32_t ip;
        const uint8_t *mac;
        bool counts;
    } cases[] = {
        {AF_INET, 7, NUD_REACHABLE, IP(198, 18, 0, 2), mac, true},
        {AF_INET, 7, NUD_STALE, IP(198, 18, 0, 2), mac, true},
        {AF_INET, 7, NUD_PERMANENT, IP(198, 18, 0, 2), mac, true},
        {AF_INET, 7, NUD_INCOMPLETE, IP(198, 18, 0, 2), mac, false},
        {AF_INET, 7, NUD_FAILED, IP(198, 18, 0, 2), mac, false},
        {AF_INET, 8, NUD_REACHABLE, IP(198, 18, 0, 2), mac, false}, /* other device */
        {AF_INET, 7, NUD_REACHABLE, IP(198, 18, 0, 3), mac, false}, /* other address */
        {AF_INET6, 7, NUD_REACHABLE, IP(198, 18, 0, 2), mac, false},
        {AF_INET, 7, NUD_REACHABLE, IP(198, 18, 0, 2), zero, false},
        {AF_INET, 7, NUD_REACHABLE, IP(198, 18, 0, 2), NULL, false}, /* no link-layer address */
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        xs_neigh_query q = {.ip = IP(198, 18, 0, 2), .ifindex = 7};
        struct nlmsghdr *nlh = neigh_msg(buf, cases[i].family, cases[i].ifindex, cases[i].state,
                                         cases[i].ip, cases[i].mac);
        assert_int_equal(xs_neigh_parse_entry(nlh, &q), MNL_CB_OK);
        assert_int_equal(q.found, cases[i].counts);
        if (cases[i].counts)
            assert_memory_equal(q.mac, mac, 6);
    }
    /* Any interface when none is asked for. */
    xs_neigh_query any = {.ip = IP(198, 18, 0, 2)};
    xs_neigh_parse_entry(neigh_msg(buf, AF_INET, 99, NUD_REACHABLE, IP(198, 18, 0, 2), mac), &any);
    assert_true(any.found);
}

static int sh(const char *cmd)
{
    return system(cmd) == 0 ? 0 : -1;
}

/* The kernel's own answers, in a network namespace of this process's own (nothing else sees it):
 * a policy-routing table that /proc/net/route never showed, longest prefix, a static neighbour. */
static void kernel_answers_in_a_private_namespace(void **state)
{
    (void)state;
    if (unshare(CLONE_NEWNET) < 0)
        skip(); /* not root: the other tests still ran */
    char ifn[32], err[160];
    uint32_t gw = 1, src = 1;
    /* Nothing but a downed lo: no route anywhere, one clear line. */
    assert_int_equal(xs_netinfo_route(NULL, IP(198, 19, 0, 5), ifn, &gw, &src, err, sizeof err),
                     -1);
    assert_string_equal(err, "no route to 198.19.0.5: give the interface with -i");
    assert_int_equal(sh("ip link set lo up && ip link add xn-a0 type veth peer name xn-a1 && "
                        "ip link set xn-a0 up && ip link set xn-a1 up && "
                        "ip addr add 198.18.0.1/16 dev xn-a0 && "
                        "ip route add 198.19.16.0/24 via 198.18.0.11 dev xn-a0 && "
                        "ip route add 198.19.0.0/16 via 198.18.0.10 dev xn-a0 table 100 && "
                        "ip rule add to 198.19.0.0/16 lookup 100 pref 100 && "
                        "ip neigh add 198.18.0.2 lladdr 02:58:53:00:00:02 dev xn-a0 nud permanent"),
                     0);
    assert_int_equal(xs_netinfo_route(NULL, IP(198, 18, 0, 2), ifn, &gw, &src, err, sizeof err), 0);
    assert_string_equal(ifn, "xn-a0");
    assert_int_equal(gw, 0); /* on-link */
    assert_int_equal(src, IP(198, 18, 0, 1));
    /* The rule sends 198.19/16 to table 100, before main's more specific /24. */
    assert_int_equal(xs_netinfo_route(NULL, IP(198, 19, 16, 1), ifn, &gw, &src, err, sizeof err),
                     0);
    assert_int_equal(gw, IP(198, 18, 0, 10));
    assert_int_equal(sh("ip rule del pref 100"), 0);
    assert_int_equal(xs_netinfo_route(NULL, IP(198, 19, 16, 1), ifn, &gw, &src, err, sizeof err),
                     0);
    assert_int_equal(gw, IP(198, 18, 0, 11)); /* main table: the /24 */
    /* Forced interface with no route on it: on-link. */
    assert_int_equal(xs_netinfo_route("xn-a1", IP(203, 0, 113, 9), ifn, &gw, &src, err, sizeof err),
                     0);
    assert_string_equal(ifn, "xn-a1");
    assert_int_equal(gw, 0);
    assert_int_equal(
        xs_netinfo_route("xn-nosuch", IP(198, 18, 0, 2), ifn, &gw, &src, err, sizeof err), -1);

    uint8_t mac[6];
    const uint8_t want[6] = {0x02, 0x58, 0x53, 0, 0, 2};
    assert_int_equal(xs_neigh_lookup("xn-a0", IP(198, 18, 0, 2), mac), 0);
    assert_memory_equal(mac, want, 6);
    assert_int_equal(xs_neigh_lookup(NULL, IP(198, 18, 0, 2), mac), 0);
    assert_int_equal(xs_neigh_lookup("xn-a1", IP(198, 18, 0, 2), mac), -1); /* other device */
    assert_int_equal(xs_neigh_lookup("xn-a0", IP(198, 18, 0, 3), mac), -1); /* absent */
    /* Known to the kernel: resolve_mac answers without sending ARP. */
    const uint8_t own[6] = {0x02, 0, 0, 0, 0, 1};
    assert_int_equal(xs_netinfo_resolve_mac("xn-a0", IP(198, 18, 0, 1), own, IP(198, 18, 0, 2), mac,
                                            10, err, sizeof err),
                     0);
    assert_memory_equal(mac, want, 6);
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
    const char *bad[] = {"",
                         "a",
                         "aa",
                         "aa:",
                         "aa:bb:cc:dd:ee",
                         "aa:bb:cc:dd:ee:f",
                         "aa:bb:cc:dd:ee:ff:",
                         "aa:bb:cc:dd:ee:ff0",
                         "aa-bb:cc:dd:ee:ff",
                         "aa bb cc dd ee ff",
                         "gg:bb:cc:dd:ee:ff",
                         "a:b:c:d:e:f",
                         "aabbccddeeff"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        uint8_t m[6] = {1, 2, 3, 4, 5, 6};
        assert_int_equal(xs_parse_mac(bad[i], m), -1);
        assert_int_equal(m[0], 1); /* untouched on failure */
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
    assert_int_equal(
        xs_netinfo_resolve_mac("lo", ip, mac, IP(127, 0, 0, 2), out, 10, err, sizeof err), 0);
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
    uint32_t src;
    assert_int_equal(xs_netinfo_route("lo", IP(127, 0, 0, 1), ifn, &gw, &src, err, sizeof err), 0);
    assert_string_equal(ifn, "lo");
    assert_int_equal(xs_netinfo_route(NULL, IP(127, 0, 0, 1), ifn, &gw, &src, err, sizeof err), 0);
    assert_string_equal(ifn, "lo"); /* the local table, which the main-table parser never saw */
    assert_int_equal(gw, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(neighbour_entries_that_count),
        cmocka_unit_test(mac_text),
        cmocka_unit_test(loopback_interface),
        cmocka_unit_test(real_route_table_is_readable),
        /* Last: it moves this process into a network namespace of its own. */
        cmocka_unit_test(kernel_answers_in_a_private_namespace),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
