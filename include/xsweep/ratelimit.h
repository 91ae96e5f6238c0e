/* Token bucket on CLOCK_MONOTONIC: holds the send rate to --rate within a few percent. */
#ifndef XSWEEP_RATELIMIT_H
#define XSWEEP_RATELIMIT_H
#include <stdint.h>

typedef struct {
    double   pps;          /* <= 0: unlimited */
    double   tokens;
    double   burst;        /* what take() waits for at most: ~1 ms of traffic, >= 1 */
    double   depth;        /* bucket depth: ~50 ms, so late wake-ups are made up, not lost */
    uint64_t last_ns;
} xs_ratelimit;

/* burst max(pps/1000, 1), depth max(pps/20, burst). */
void     xs_ratelimit_init(xs_ratelimit *rl, double pps);
/* Same with an explicit clock (tests). */
void     xs_ratelimit_init_at(xs_ratelimit *rl, double pps, uint64_t now_ns);
/* Waits (sleeping for long waits, spinning for short ones) until min(want, burst) tokens are
 * there, then takes and returns min(want, tokens) (>= 1). Unlimited: returns want at once. */
unsigned xs_ratelimit_take(xs_ratelimit *rl, unsigned want);
/* The arithmetic of take() at time now_ns, without waiting: returns 0..want. */
unsigned xs_ratelimit_take_at(xs_ratelimit *rl, unsigned want, uint64_t now_ns);
/* Nanoseconds from now_ns until take() would return (min(want, burst) tokens; 0 = now). */
uint64_t xs_ratelimit_wait_ns(const xs_ratelimit *rl, unsigned want, uint64_t now_ns);
uint64_t xs_now_ns(void);        /* CLOCK_MONOTONIC */
uint64_t xs_realtime_ns(void);   /* CLOCK_REALTIME */

#endif
