/* Turns the options into the probe set: targets minus excludes, times ports, or an endpoint list. */
#include <stdlib.h>
#include <string.h>
#include "xsweep/plan.h"

#define MAX_PROBES_WITHOUT_EXCLUDE_FILE (1ULL << 32)
#define MAX_PROBES                      (1ULL << 48)

static int build_excludes(xs_plan *p, const xs_options *o, char *err, size_t errlen)
{
    xs_rangelist_add_reserved(&p->excludes, o->interface != NULL);
    for (size_t i = 0; i < o->nexcludes; i++)
        if (xs_rangelist_add_list(&p->excludes, o->excludes[i], err, errlen) < 0)
            return -1;
    for (size_t i = 0; i < o->nexclude_files; i++)
        if (xs_rangelist_load_file(&p->excludes, o->exclude_files[i], err, errlen) < 0)
            return -1;
    xs_rangelist_normalize(&p->excludes);
    return 0;
}

static int build_ranges(xs_plan *p, const xs_options *o, char *err, size_t errlen)
{
    for (size_t i = 0; i < o->ntargets; i++)
        if (xs_rangelist_add_spec(&p->ranges, o->targets[i], err, errlen) < 0)
            return -1;
    for (size_t i = 0; i < o->ninput_files; i++)
        if (xs_rangelist_load_file(&p->ranges, o->input_files[i], err, errlen) < 0)
            return -1;
    xs_rangelist_normalize(&p->ranges);
    if (xs_rangelist_count(&p->ranges) == 0) {
        snprintf(
            err, errlen,
            "no target given: name addresses, ranges or CIDR blocks, or use -iL or --endpoints");
        return -1;
    }
    xs_rangelist_subtract(&p->ranges, &p->excludes);
    /* Many IPv6 blocks could overflow the 64-bit index space: the hard ceiling is what every
     * IPv4 address on every port makes. */
    uint64_t addrs = xs_rangelist_count(&p->ranges);
    if (p->ports.n && addrs > MAX_PROBES / p->ports.n) {
        snprintf(err, errlen,
                 "%llu addresses on %zu ports is more than 2^48 probes: split the sweep",
                 (unsigned long long)addrs, p->ports.n);
        return -1;
    }
    xs_targetspace_init_ranges(&p->space, &p->ranges, &p->ports);
    if (p->space.size == 0) {
        snprintf(err, errlen, "no target left: the exclude list covers every target");
        return -1;
    }
    if (p->space.size > MAX_PROBES_WITHOUT_EXCLUDE_FILE && o->nexclude_files == 0) {
        snprintf(err, errlen,
                 "%llu probes is more than 2^32: give --exclude-file to confirm such a sweep",
                 (unsigned long long)p->space.size);
        return -1;
    }
    return 0;
}

/* Endpoint mode: excluded addresses and (with --ports) ports outside the list are not probed;
 * they are remembered so that --all-statuses can still give each one its record. */
static int build_endpoints(xs_plan *p, const xs_options *o, char *err, size_t errlen)
{
    xs_endpointlist all = {0};
    if (xs_endpointlist_load_file(&all, o->endpoints_file, err, errlen) < 0) {
        xs_endpointlist_free(&all);
        return -1;
    }
    xs_endpointlist_normalize(&all);
    if (all.n == 0) {
        xs_endpointlist_free(&all);
        snprintf(err, errlen, "no target given: %s holds no endpoint", o->endpoints_file);
        return -1;
    }
    p->skipped_status = calloc(all.n, 1);
    p->endpoints.v = calloc(all.n, sizeof(xs_endpoint));
    p->skipped.v = calloc(all.n, sizeof(xs_endpoint));
    if (!p->skipped_status || !p->endpoints.v || !p->skipped.v) {
        xs_endpointlist_free(&all);
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    p->endpoints.cap = p->skipped.cap = all.n;
    for (size_t i = 0; i < all.n; i++) {
        xs_endpoint *e = &all.v[i];
        int status = -1;
        if (xs_rangelist_contains_addr(&p->excludes, &e->addr))
            status = XS_STATUS_EXCLUDED;
        else if (o->ports && !xs_portlist_contains(&p->ports, e->port))
            status = XS_STATUS_UNSUPPORTED;
        if (status < 0) {
            p->endpoints.v[p->endpoints.n++] = *e;
        } else {
            p->skipped_status[p->skipped.n] = (uint8_t)status;
            p->skipped.v[p->skipped.n++] = *e;
        }
    }
    free(all.v); /* the strings moved into endpoints/skipped */
    xs_targetspace_init_endpoints(&p->space, &p->endpoints);
    return 0;
}

int xs_plan_build(xs_plan *p, const xs_options *o, char *err, size_t errlen)
{
    memset(p, 0, sizeof *p);
    if (build_excludes(p, o, err, errlen) < 0)
        return -1;
    if (xs_portlist_parse(&p->ports, o->ports ? o->ports : "80", err, errlen) < 0)
        return -1;
    if (o->endpoints_file) {
        if (o->ntargets || o->ninput_files) {
            snprintf(err, errlen, "--endpoints cannot be combined with TARGET arguments or -iL");
            return -1;
        }
        p->endpoint_mode = true;
        return build_endpoints(p, o, err, errlen);
    }
    return build_ranges(p, o, err, errlen);
}

void xs_plan_free(xs_plan *p)
{
    xs_rangelist_free(&p->ranges);
    xs_rangelist_free(&p->excludes);
    xs_portlist_free(&p->ports);
    xs_endpointlist_free(&p->endpoints);
    xs_endpointlist_free(&p->skipped);
    free(p->skipped_status);
    memset(p, 0, sizeof *p);
}

bool xs_plan_first_addr(const xs_plan *p, bool v6, xs_addr *out)
{
    if (p->endpoint_mode) {
        for (size_t i = 0; i < p->endpoints.n; i++)
            if (xs_addr_is_v4(&p->endpoints.v[i].addr) != v6) {
                *out = p->endpoints.v[i].addr;
                return true;
            }
        return false;
    }
    if (v6 ? p->ranges.n6 == 0 : p->ranges.n == 0)
        return false;
    *out = v6 ? xs_addr_from_u128(p->ranges.v6[0].first) : xs_addr_from_v4(p->ranges.v[0].first);
    return true;
}

void xs_plan_probe_counts(const xs_plan *p, uint64_t *v4, uint64_t *v6)
{
    *v4 = *v6 = 0;
    if (p->endpoint_mode) {
        for (size_t i = 0; i < p->endpoints.n; i++)
            *(xs_addr_is_v4(&p->endpoints.v[i].addr) ? v4 : v6) += 1;
        return;
    }
    *v4 = xs_rangelist_count_v4(&p->ranges) * p->ports.n;
    *v6 = xs_rangelist_count_v6(&p->ranges) * p->ports.n;
}

uint32_t xs_plan_first_ip(const xs_plan *p)
{
    xs_addr a;
    return xs_plan_first_addr(p, false, &a) ? xs_addr_v4(&a) : 0;
}
