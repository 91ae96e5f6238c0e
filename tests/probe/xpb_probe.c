/* Test driver for the probe engine: probes each [kind:]ip:port argument (IPv6 as [kind:][::1]:port)
 * and prints one JSON line per result ({"ip","port","probe":{...}}). Exit 0 when every probe
 * delivered a result. */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xsweep/jsonw.h"
#include "xsweep/probe.h"

static xs_probe_kind kind_by_name(const char *s, size_t len)
{
    for (int k = 0; k < XS_PROBE_KIND_COUNT; k++) {
        const char *n = xs_probe_kind_name((xs_probe_kind)k);
        if (strlen(n) == len && strncmp(n, s, len) == 0)
            return (xs_probe_kind)k;
    }
    return XS_PROBE_KIND_COUNT;
}

static void on_done(const xs_probe_result *r, void *arg)
{
    (void)arg;
    xs_jsonw w;
    xs_jsonw_init(&w, stdout);
    xs_jsonw_begin_object(&w);
    char ip[XS_ADDR_STRLEN];
    xs_addr_format(&r->addr, ip);
    xs_jsonw_key(&w, "ip");
    xs_jsonw_cstr(&w, ip);
    xs_jsonw_key(&w, "port");
    xs_jsonw_uint(&w, r->port);
    xs_jsonw_key(&w, "probe");
    xs_probe_result_write_json(r, &w);
    xs_jsonw_end_object(&w);
    fputc('\n', stdout);
    fflush(stdout);
}

int main(int argc, char **argv)
{
    xs_probe_config cfg;
    xs_probe_config_defaults(&cfg);
    const char *bt = getenv("XPB_BANNER_MS");
    if (bt)
        cfg.banner_timeout_ms = (unsigned)atoi(bt);
    const char *tt = getenv("XPB_TOTAL_MS");
    if (tt)
        cfg.total_timeout_ms = (unsigned)atoi(tt);
    xs_probe_engine *e = xs_probe_engine_new(&cfg);
    if (!e)
        return 2;
    for (int i = 1; i < argc; i++) {
        char *arg = argv[i], *bracket = strchr(arg, '['), *last = strrchr(arg, ':');
        char *first = bracket ? (bracket > arg ? bracket - 1 : NULL) : strchr(arg, ':');
        if (!last || (bracket && (!strchr(bracket, ']') || strchr(bracket, ']')[1] != ':'))) {
            fprintf(stderr, "xpb_probe: want [kind:]ip:port, got %s\n", arg);
            return 2;
        }
        xs_probe_kind kind = XS_PROBE_AUTO;
        char *ipstr = arg;
        if (first && first != last) {
            kind = kind_by_name(arg, (size_t)(first - arg));
            if (kind == XS_PROBE_KIND_COUNT) {
                fprintf(stderr, "xpb_probe: unknown kind in %s\n", arg);
                return 2;
            }
            ipstr = first + 1;
        }
        *last = 0;
        if (bracket) {
            ipstr = bracket + 1;
            *strchr(ipstr, ']') = 0;
        }
        xs_addr a;
        if (!xs_addr_parse(ipstr, &a)) {
            fprintf(stderr, "xpb_probe: bad ip %s\n", ipstr);
            return 2;
        }
        xs_probe_engine_submit_kind(e, &a, (uint16_t)atoi(last + 1), kind, 0, NULL);
    }
    while (xs_probe_engine_pending(e) > 0)
        if (xs_probe_engine_poll(e, 100, on_done, NULL) < 0)
            return 1;
    xs_probe_engine_free(e);
    return 0;
}
