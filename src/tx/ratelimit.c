/* Token bucket, pure arithmetic on the caller's CLOCK_MONOTONIC time (testable with a fake
 * clock): take_at() takes tokens, wait_ns() says how long until there are enough; the
 * transmitter (src/tx/transmitter.c) does the waiting.
 * Two sizes: `burst` (~1 ms of traffic) is what a caller waits for, so flushes stay small and
 * smooth; `depth` (~50 ms) is what may pile up after a late wake-up and is then sent at once. */
#include "xsweep/ratelimit.h"

void xs_ratelimit_init_at(xs_ratelimit *rl, double pps, uint64_t now_ns)
{
    rl->pps = pps;
    /* About 1 ms of traffic, at least one probe: low rates stay smooth (one probe at a time),
     * high rates still get whole batches per flush (2 Mpps -> 2000 tokens). */
    double burst = pps / 1000.0;
    if (burst < 1.0)
        burst = 1.0;
    rl->burst = burst;
    /* Tokens keep accruing for up to 50 ms, so time lost to a late wake-up (sleep overshoot,
     * preemption) is made up right after instead of lowering the average rate. */
    rl->depth = pps / 20.0 > burst ? pps / 20.0 : burst;
    rl->tokens = pps > 0 ? 1.0 : 0.0; /* the first probe goes at once, then the rate holds */
    rl->last_ns = now_ns;
}

static void refill(xs_ratelimit *rl, uint64_t now_ns)
{
    if (now_ns <= rl->last_ns)
        return;
    rl->tokens += (double)(now_ns - rl->last_ns) * rl->pps / 1e9;
    if (rl->tokens > rl->depth)
        rl->tokens = rl->depth;
    rl->last_ns = now_ns;
}

unsigned xs_ratelimit_take_at(xs_ratelimit *rl, unsigned want, uint64_t now_ns)
{
    if (rl->pps <= 0)
        return want;
    refill(rl, now_ns);
    if (rl->tokens < 1.0)
        return 0;
    unsigned got = rl->tokens >= (double)want ? want : (unsigned)rl->tokens;
    rl->tokens -= got;
    return got;
}

uint64_t xs_ratelimit_wait_ns(const xs_ratelimit *rl, unsigned want, uint64_t now_ns)
{
    if (rl->pps <= 0)
        return 0;
    double need = want < rl->burst ? (double)want : rl->burst;
    if (need < 1.0)
        need = 1.0;
    double tokens = rl->tokens;
    if (now_ns > rl->last_ns)
        tokens += (double)(now_ns - rl->last_ns) * rl->pps / 1e9;
    if (tokens >= need)
        return 0;
    return (uint64_t)((need - tokens) * 1e9 / rl->pps) + 1;
}
