/* sinkmeter: measures a sender's rate where the packets arrive, not where the sender says.
 *
 *   sinkmeter COUNTER_FILE MAX_SECONDS
 *
 * Polls a packet counter (e.g. /sys/class/net/IF/statistics/rx_packets inside the sink
 * namespace) every millisecond until SIGTERM/SIGINT or MAX_SECONDS, then prints one line:
 *   packets=N window_s=W pps=P first_s=F last_s=L
 * The send window runs from the first poll that saw the counter move to the last poll that saw
 * it move, so the sender's start-up and wait/cool-down times are left out; pps counts only the
 * packets that arrived inside that window. packets is the total delta. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

static volatile sig_atomic_t stop_requested;

static void on_signal(int sig)
{
    (void)sig;
    stop_requested = 1;
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int read_counter(int fd, uint64_t *out)
{
    char buf[64];
    ssize_t n = pread(fd, buf, sizeof buf - 1, 0);
    if (n <= 0)
        return -1;
    buf[n] = 0;
    char *end;
    errno = 0;
    unsigned long long v = strtoull(buf, &end, 10);
    if (errno || end == buf)
        return -1;
    *out = v;
    return 0;
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: %s COUNTER_FILE MAX_SECONDS\n", argv[0]);
        return 2;
    }
    double max_s = atof(argv[2]);
    if (max_s <= 0 || max_s > 3600) {
        fprintf(stderr, "sinkmeter: MAX_SECONDS must be in (0,3600]\n");
        return 2;
    }
    int fd = open(argv[1], O_RDONLY);
    if (fd < 0) {
        perror(argv[1]);
        return 1;
    }
    struct sigaction sa = {.sa_handler = on_signal};
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);

    uint64_t base, prev, cur;
    if (read_counter(fd, &base) < 0) {
        fprintf(stderr, "sinkmeter: cannot read %s\n", argv[1]);
        return 1;
    }
    /* Tell the caller we hold the baseline: it may start the sender now. */
    printf("ready\n");
    fflush(stdout);
    prev = base;
    double t0 = now_s(), first_t = -1, last_t = -1;
    uint64_t first_c = base, last_c = base;
    const struct timespec tick = {0, 1000000};
    while (!stop_requested && now_s() - t0 < max_s) {
        nanosleep(&tick, NULL);
        if (read_counter(fd, &cur) < 0)
            break;
        if (cur != prev) {
            double t = now_s() - t0;
            if (first_t < 0) {
                first_t = t;
                first_c = cur;
            }
            last_t = t;
            last_c = cur;
            prev = cur;
        }
    }
    double window = first_t >= 0 ? last_t - first_t : 0;
    printf("packets=%llu window_s=%.4f pps=%.0f first_s=%.4f last_s=%.4f\n",
           (unsigned long long)(last_c - base), window,
           window > 0 ? (double)(last_c - first_c) / window : 0.0, first_t, last_t);
    close(fd);
    return 0;
}
