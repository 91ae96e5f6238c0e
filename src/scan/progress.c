/* The status line on standard error: rate, percent done, found, ETA. */
#include <stdio.h>
#include "xsweep/progress.h"

void xs_progress_init(xs_progress *p, uint64_t total, uint64_t now_ns)
{
    p->total = total;
    p->start_ns = p->last_ns = now_ns;
    p->last_sent = 0;
}

bool xs_progress_due(const xs_progress *p, uint64_t now_ns)
{
    return now_ns - p->last_ns >= 1000000000ULL;
}

void xs_progress_print(xs_progress *p, FILE *out, uint64_t now_ns, uint64_t sent, uint64_t done,
                       uint64_t found, size_t queued)
{
    double dt = (double)(now_ns - p->last_ns) / 1e9;
    double rate = dt > 0 ? (double)(sent - p->last_sent) / dt : 0;
    double frac = p->total ? (double)done / (double)p->total : 1;
    double elapsed = (double)(now_ns - p->start_ns) / 1e9;
    double eta = frac > 0 && frac < 1 ? elapsed / frac - elapsed : 0;
    fprintf(out, "\rrate %8.1f kpps, %5.1f%% done, found %llu, queued %zu, ETA %02u:%02u:%02u  ",
            rate / 1000, frac * 100, (unsigned long long)found, queued,
            (unsigned)(eta / 3600), (unsigned)((long)eta % 3600 / 60), (unsigned)((long)eta % 60));
    fflush(out);
    p->last_ns = now_ns;
    p->last_sent = sent;
}
