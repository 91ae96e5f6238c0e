/* Token bucket on CLOCK_MONOTONIC: holds the send rate to --rate within a few percent. */
#ifndef XSWEEP_RATELIMIT_H
#define XSWEEP_RATELIMIT_H
#include <stdint.h>

typedef struct {
    double pps; /* <= 0: unlimited */
    double tokens;
    double burst; /* what a sender waits for at most: ~1 ms of traffic, >= 1 */
    double depth; /* bucket depth: ~50 ms, so late wake-ups are made up, not lost */
    uint64_t last_ns;
} xs_ratelimit;

/* burst max(pps/1000, 1), depth max(pps/20, burst); now_ns is CLOCK_MONOTONIC (xsweep/clock.h). */
void xs_ratelimit_init_at(xs_ratelimit *rl, double pps, uint64_t now_ns);
/* Takes min(want, tokens) at time now_ns, without waiting: returns 0..want. Unlimited: want. */
unsigned xs_ratelimit_take_at(xs_ratelimit *rl, unsigned want, uint64_t now_ns);
/* Nanoseconds from now_ns until min(want, burst) tokens are there (0 = now): what a sender
 * waits for, so each flush carries up to ~1 ms of traffic. */
uint64_t xs_ratelimit_wait_ns(const xs_ratelimit *rl, unsigned want, uint64_t now_ns);

#endif
