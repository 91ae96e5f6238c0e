/* The index space the transmitter walks: ranges x ports, or an endpoint list as given. */
#include "xsweep/targets.h"

void xs_targetspace_init_ranges(xs_targetspace *ts, const xs_rangelist *r, const xs_portlist *p)
{
    ts->ranges = r;
    ts->ports = p;
    ts->endpoints = NULL;
    /* The plan keeps the address count far below 2^64 / 65535 (it refuses bigger sweeps). */
    ts->size = xs_rangelist_count(r) * p->n;
}

void xs_targetspace_init_endpoints(xs_targetspace *ts, const xs_endpointlist *e)
{
    ts->ranges = NULL;
    ts->ports = NULL;
    ts->endpoints = e;
    ts->size = e->n;
}

/* Per-probe hot path: no allocation; one division and an O(log ranges) search. */
void xs_targetspace_get(const xs_targetspace *ts, uint64_t index, xs_addr *addr, uint16_t *port)
{
    if (ts->endpoints) {
        *addr = ts->endpoints->v[index].addr;
        *port = ts->endpoints->v[index].port;
        return;
    }
    size_t nports = ts->ports->n;
    if (nports == 1) {
        *addr = xs_rangelist_pick_addr(ts->ranges, index);
        *port = ts->ports->v[0];
        return;
    }
    *addr = xs_rangelist_pick_addr(ts->ranges, index / nports);
    *port = ts->ports->v[index % nports];
}
