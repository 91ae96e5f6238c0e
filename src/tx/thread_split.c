/* How the transmitter threads share one shard: thread t of N owns the shard positions
 * t, t+N, t+2N, ... in every pass, so each (address, port) belongs to exactly one thread, and that
 * thread's own pass clock alone keeps its probes a second apart. A thread counts its positions
 * 0, 1, 2, ... (its "own" positions); own position j is shard position t + j*N. */
#include <sched.h>
#include <stdio.h>
#include <unistd.h>
#include "xsweep/scan.h"

uint64_t xs_scan_thread_positions(const xs_scan *s, unsigned t)
{
    unsigned n = s->tx_threads ? s->tx_threads : 1;
    xs_shard sub = {t, n};
    return xs_shard_positions(&sub, s->positions);
}

unsigned xs_scan_position_count(const xs_scan *s)
{
    unsigned passes = s->retries + 1 > XS_MAX_PASSES ? XS_MAX_PASSES : s->retries + 1;
    return (s->tx_threads ? s->tx_threads : 1) * passes;
}

void xs_scan_current_positions(const xs_scan *s, uint64_t *out)
{
    unsigned passes = s->retries + 1 > XS_MAX_PASSES ? XS_MAX_PASSES : s->retries + 1;
    unsigned n = s->tx_threads ? s->tx_threads : 1;
    for (unsigned t = 0; t < n; t++)
        for (unsigned k = 0; k < passes; k++)
            out[t * passes + k] = atomic_load_explicit(&s->thread_pos[t][k], memory_order_relaxed);
}

bool xs_scan_pass0_sent(const xs_scan *s, uint64_t pos)
{
    unsigned n = s->tx_threads ? s->tx_threads : 1;
    unsigned t = (unsigned)(pos % n);
    uint64_t j = pos / n;
    uint64_t done = atomic_load_explicit(&s->thread_pos[t][0], memory_order_relaxed);
    return j >= s->pass_start[t][0] && j < done;
}

unsigned xs_default_tx_threads(void)
{
    cpu_set_t set;
    long cores = 0;
    if (sched_getaffinity(0, sizeof set, &set) == 0)
        cores = CPU_COUNT(&set);
    if (cores <= 0)
        cores = sysconf(_SC_NPROCESSORS_ONLN);
    long n = cores - 1;
    if (n < 1)
        n = 1;
    return n > XS_MAX_TX_THREADS ? XS_MAX_TX_THREADS : (unsigned)n;
}

int xs_scan_set_resume(xs_scan *s, const uint64_t *pos, size_t n, char *err, size_t errlen)
{
    unsigned threads = s->tx_threads ? s->tx_threads : 1;
    unsigned passes = s->retries + 1 > XS_MAX_PASSES ? XS_MAX_PASSES : s->retries + 1;
    if (n != 0 && n != (size_t)threads * passes && !(threads == 1 && n <= passes)) {
        snprintf(
            err, errlen,
            "invalid --resume-position: %zu values, but %u transmitter thread(s) x %u pass(es) "
            "need %u (resume with the --tx-threads and --retries of the stopped scan)",
            n, threads, passes, threads * passes);
        return -1;
    }
    for (size_t i = 0; i < n; i++)
        s->pass_start[i / passes][i % passes] = pos[i];
    return 0;
}
