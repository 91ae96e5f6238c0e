/* One place that reads the clocks, so every stage measures time the same way. */
#include <time.h>
#include "xsweep/clock.h"

static uint64_t clock_ns(clockid_t id)
{
    struct timespec ts;
    clock_gettime(id, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

uint64_t xs_now_ns(void)
{
    return clock_ns(CLOCK_MONOTONIC);
}
uint64_t xs_realtime_ns(void)
{
    return clock_ns(CLOCK_REALTIME);
}
