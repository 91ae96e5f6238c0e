/* Token bucket on CLOCK_MONOTONIC. take_at() is the pure arithmetic (testable with a fake clock);
 * take() waits for it: nanosleep for long waits, yield-spin for the last stretch, because sleeps
 * overshoot by ~50-100 us and that would cap high rates.
 * Two sizes: `burst` (~1 ms of traffic) is what a caller waits for, so flushes stay small and
 * smooth; `depth` (~50 ms) is what may pile up after a late wake-up and is then sent at once. */
#include <sched.h>
#include <time.h>
#include "xsweep/ratelimit.h"

/* Waits longer than this are slept (minus the margin); shorter ones are spun. */
#define SLEEP_THRESHOLD_NS 200000ULL
#define SLEEP_MARGIN_NS    100000ULL

static uint64_t clock_ns(clockid_t id)
{
    struct timespec ts;
    clock_gettime(id, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

uint64_t xs_now_ns(void) { return clock_ns(CLOCK_MONOTONIC); }
uint64_t xs_realtime_ns(void) { return clock_ns(CLOCK_REALTIME); }

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
    rl->tokens = pps > 0 ? 1.0 : 0.0;   /* the first probe goes at once, then the rate holds */
    rl->last_ns = now_ns;
}

void xs_ratelimit_init(xs_ratelimit *rl, double pps)
{
    xs_ratelimit_init_at(rl, pps, xs_now_ns());
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

unsigned xs_ratelimit_take(xs_ratelimit *rl, unsigned want)
{
    if (rl->pps <= 0 || want == 0)
        return want;
    /* Wait until min(want, burst) tokens are there, not just one: each flush then carries up
     * to ~1 ms of traffic instead of one probe per syscall at middling rates. */
    for (;;) {
        uint64_t now = xs_now_ns();
        uint64_t wait = xs_ratelimit_wait_ns(rl, want, now);
        if (wait == 0)
            return xs_ratelimit_take_at(rl, want, now);
        if (wait > SLEEP_THRESHOLD_NS) {
            uint64_t ns = wait - SLEEP_MARGIN_NS;
            struct timespec ts = {(time_t)(ns / 1000000000ULL), (long)(ns % 1000000000ULL)};
            nanosleep(&ts, NULL);
        } else {
            sched_yield();
        }
    }
}
