/* libFuzzer target: the target, port, endpoint and shard parsers on arbitrary text. The input is
 * copied into an exactly-sized NUL-terminated buffer so ASan catches any read past it. Whatever is
 * accepted must also satisfy the invariants the scan relies on. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "xsweep/permute.h"
#include "xsweep/targets.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Both settings of the link-local exclusion get exercised. */
static bool size_t_parity(const char *text)
{
    return strlen(text) & 1;
}

static void check_ranges(const char *text)
{
    xs_rangelist rl = {0};
    char err[256];
    if (xs_rangelist_add_list(&rl, text, err, sizeof err) == 0) {
        xs_rangelist_normalize(&rl);
        uint64_t n = xs_rangelist_count(&rl), n4 = xs_rangelist_count_v4(&rl);
        if (n == 0 || n4 > (1ULL << 32) || n != n4 + xs_rangelist_count_v6(&rl))
            abort();
        for (size_t i = 0; i < rl.n; i++)
            if (rl.v[i].first > rl.v[i].last || (i > 0 && rl.v[i].first <= rl.v[i - 1].last))
                abort();
        for (size_t i = 0; i < rl.n6; i++) {
            xs_addr first = xs_addr_from_u128(rl.v6[i].first);
            /* sorted, disjoint, never IPv4-mapped (those became IPv4 ranges) */
            if (rl.v6[i].first > rl.v6[i].last || (i > 0 && rl.v6[i].first <= rl.v6[i - 1].last) ||
                xs_addr_is_v4(&first))
                abort();
        }
        xs_addr a0 = xs_rangelist_pick_addr(&rl, 0), alast = xs_rangelist_pick_addr(&rl, n - 1);
        if (!xs_rangelist_contains_addr(&rl, &a0) || !xs_rangelist_contains_addr(&rl, &alast))
            abort();
        if (n4 && (!xs_rangelist_contains(&rl, xs_rangelist_pick(&rl, 0)) ||
                   !xs_rangelist_contains(&rl, xs_rangelist_pick(&rl, n4 - 1))))
            abort();
        xs_rangelist ex = {0};
        xs_rangelist_add_reserved(&ex, size_t_parity(text));
        xs_rangelist_normalize(&ex);
        xs_rangelist_subtract(&rl, &ex);
        for (size_t i = 0; i < rl.n; i++)
            if (xs_rangelist_contains(&ex, rl.v[i].first) ||
                xs_rangelist_contains(&ex, rl.v[i].last))
                abort();
        for (size_t i = 0; i < rl.n6; i++) {
            xs_addr f = xs_addr_from_u128(rl.v6[i].first), l = xs_addr_from_u128(rl.v6[i].last);
            if (xs_rangelist_contains_addr(&ex, &f) || xs_rangelist_contains_addr(&ex, &l))
                abort();
        }
        xs_rangelist_free(&ex);
    } else if (!memchr(err, '\0', sizeof err) || strchr(err, '\n')) {
        abort(); /* errors are one line */
    }
    xs_rangelist_free(&rl);
}

static void check_ports(const char *text)
{
    xs_portlist pl = {0};
    char err[256];
    if (xs_portlist_parse(&pl, text, err, sizeof err) == 0) {
        if (pl.n == 0)
            abort();
        for (size_t i = 0; i < pl.n; i++)
            if (pl.v[i] == 0 || (i > 0 && pl.v[i] <= pl.v[i - 1]))
                abort();
    }
    xs_portlist_free(&pl);
}

static void check_endpoints(const char *text)
{
    xs_endpointlist el = {0};
    char err[256];
    /* Each line of the input is one endpoint line, as in an --endpoints file. */
    const char *line = text;
    while (line) {
        const char *nl = strchr(line, '\n');
        size_t len = nl ? (size_t)(nl - line) : strlen(line);
        char *copy = strndup(line, len);
        if (!copy)
            break;
        xs_endpointlist_add_line(&el, copy, err, sizeof err);
        free(copy);
        line = nl ? nl + 1 : NULL;
    }
    xs_endpointlist_normalize(&el);
    for (size_t i = 0; i < el.n; i++) {
        if (el.v[i].port == 0 || xs_endpointlist_find(&el, &el.v[i].addr, el.v[i].port) != &el.v[i])
            abort();
        if ((el.v[i].path && !el.v[i].path[0]) || (el.v[i].host && !el.v[i].host[0]))
            abort();
    }
    xs_endpointlist_free(&el);
}

static void check_shard(const char *text)
{
    xs_shard s;
    char err[256];
    if (xs_shard_parse(&s, text, err, sizeof err) == 0) {
        if (s.count < 1 || s.count > 65535 || s.index >= s.count)
            abort();
        uint64_t total = 0;
        for (uint32_t i = 0; i < s.count && i < 64; i++)
            total += xs_shard_positions(&(xs_shard){i, s.count}, 1000);
        if (s.count <= 64 && total != 1000)
            abort();
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = malloc(size + 1);
    if (!text)
        return 0;
    memcpy(text, data, size);
    text[size] = '\0';
    check_ranges(text);
    check_ports(text);
    check_endpoints(text);
    check_shard(text);
    free(text);
    return 0;
}
