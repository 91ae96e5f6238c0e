/* The index space the transmitter walks: ranges x ports, or an endpoint list as given. */
#include "xsweep/targets.h"

void xs_targetspace_init_ranges(xs_targetspace *ts, const xs_rangelist *r, const xs_portlist *p)
{
    ts->ranges = r;
    ts->ports = p;
    ts->endpoints = NULL;
    ts->size = xs_rangelist_count(r) * p->n;   /* <= 2^32 * 65535 < 2^48 */
}

void xs_targetspace_init_endpoints(xs_targetspace *ts, const xs_endpointlist *e)
{
    ts->ranges = NULL;
    ts->ports = NULL;
    ts->endpoints = e;
    ts->size = e->n;
}

/* Per-probe hot path: no allocation; one division and an O(log ranges) search. */
void xs_targetspace_get(const xs_targetspace *ts, uint64_t index, uint32_t *ip, uint16_t *port)
{
    if (ts->endpoints) {
        *ip = ts->endpoints->v[index].ip;
        *port = ts->endpoints->v[index].port;
        return;
    }
    size_t nports = ts->ports->n;
    if (nports == 1) {
        *ip = xs_rangelist_pick(ts->ranges, index);
        *port = ts->ports->v[0];
        return;
    }
    *ip = xs_rangelist_pick(ts->ranges, index / nports);
    *port = ts->ports->v[index % nports];
}
