/* The status line on standard error: rate, percent done, found, queue, ETA (xsweep/progress.h). */
#include <stdio.h>
#include "xsweep/progress.h"

void xs_progress_init(xs_progress *p, uint64_t total, uint64_t now_ns)
{
    p->total = total;
    p->start_ns = p->last_ns = now_ns;
    p->last_sent = p->last_written = 0;
}

bool xs_progress_due(const xs_progress *p, uint64_t now_ns)
{
    return now_ns - p->last_ns >= 1000000000ULL;
}

static void put_hms(FILE *out, double s)
{
    unsigned long t = s > 0 ? (unsigned long)s : 0;
    fprintf(out, "%02lu:%02lu:%02lu", t / 3600, t % 3600 / 60, t % 60);
}

void xs_progress_print(xs_progress *p, FILE *out, uint64_t now_ns, uint64_t sent, uint64_t done,
                       uint64_t found, size_t queued)
{
    double dt = (double)(now_ns - p->last_ns) / 1e9;
    double rate = dt > 0 ? (double)(sent - p->last_sent) / dt : 0;
    double frac = p->total ? (double)done / (double)p->total : 1;
    if (frac > 1)
        frac = 1;
    double elapsed = (double)(now_ns - p->start_ns) / 1e9;
    double eta = frac > 0 && frac < 1 ? elapsed / frac - elapsed : 0;
    fprintf(out, "\rrate %8.1f kpps, %5.1f%% done, found %llu, queued %zu, ETA ", rate / 1000,
            frac * 100, (unsigned long long)found, queued);
    put_hms(out, eta);
    fputs("  ", out);
    fflush(out);
    p->last_ns = now_ns;
    p->last_sent = sent;
}

void xs_progress_print_stage(xs_progress *p, FILE *out, uint64_t now_ns, uint64_t found,
                             size_t queued, uint64_t written)
{
    double dt = (double)(now_ns - p->last_ns) / 1e9;
    double rate =
        dt > 0 && written >= p->last_written ? (double)(written - p->last_written) / dt : 0;
    double eta = rate > 0 ? (double)queued / rate : 0;
    fprintf(out, "\rSYN 100.0%% done, found %llu; HTTP/probe stage: queued %zu, %.1f/s, ETA ",
            (unsigned long long)found, queued, rate);
    put_hms(out, eta);
    fputs("  ", out);
    fflush(out);
    p->last_ns = now_ns;
    p->last_written = written;
}

void xs_progress_finish(xs_progress *p, FILE *out, uint64_t now_ns, uint64_t found, bool complete,
                        double done_frac)
{
    double elapsed = (double)(now_ns - p->start_ns) / 1e9;
    fprintf(out, "\rrate %8.1f kpps, %5.1f%% done, found %llu, queued 0, elapsed ", 0.0,
            complete ? 100.0 : done_frac * 100, (unsigned long long)found);
    put_hms(out, elapsed);
    fputs("      \n", out);
    fflush(out);
    p->last_ns = now_ns;
}
