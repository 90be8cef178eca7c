/*
 * clock.c - the two clocks, in milliseconds.  Timeouts and waits use
 * the monotonic one: a step of the wall clock (NTP, an admin's date)
 * can neither stretch nor cut them short.  Times that are written down
 * or compared with other hosts' (retry schedules in state files,
 * Retry-After dates) use Unix time.
 */
#include <time.h>

#include "clock.h"

/* in_ms - a clock's reading in milliseconds */
static long long in_ms(clockid_t id)
{
    struct timespec ts;

    clock_gettime(id, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* clock_ms - milliseconds on CLOCK_MONOTONIC */
long long clock_ms(void)
{
    return in_ms(CLOCK_MONOTONIC);
}

/* clock_unix_ms - Unix time in milliseconds */
long long clock_unix_ms(void)
{
    return in_ms(CLOCK_REALTIME);
}
