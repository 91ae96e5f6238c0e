/* Token bucket on CLOCK_MONOTONIC: holds the send rate to --rate within a few percent. */
#ifndef XSWEEP_RATELIMIT_H
#define XSWEEP_RATELIMIT_H
#include <stdint.h>

typedef struct {
    double   pps;          /* <= 0: unlimited */
    double   tokens;
    double   burst;        /* bucket depth */
    uint64_t last_ns;
} xs_ratelimit;

void     xs_ratelimit_init(xs_ratelimit *rl, double pps);
/* Waits (sleeping for long waits, spinning for short ones) until at least one token is there,
 * then takes and returns min(want, tokens). Unlimited: returns want at once. */
unsigned xs_ratelimit_take(xs_ratelimit *rl, unsigned want);
uint64_t xs_now_ns(void);        /* CLOCK_MONOTONIC */
uint64_t xs_realtime_ns(void);   /* CLOCK_REALTIME */

#endif
