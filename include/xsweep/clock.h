/* The program's two clocks, in nanoseconds: every timer, deadline and time stamp reads one. */
#ifndef XSWEEP_CLOCK_H
#define XSWEEP_CLOCK_H
#include <stdint.h>

/* CLOCK_MONOTONIC: intervals, deadlines, the per-endpoint clock, the rate limiter. */
uint64_t xs_now_ns(void);
/* The same clock in seconds, for timeouts kept as doubles. */
static inline double xs_now_s(void)
{
    return (double)xs_now_ns() / 1e9;
}
/* CLOCK_REALTIME: what records and files show (ts, sweep times). */
uint64_t xs_realtime_ns(void);

#endif
