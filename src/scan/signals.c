/* Stop signals only set flags; the output loop acts on them, so results are always flushed. */
#include <signal.h>
#include <pthread.h>
#include "xsweep/signals.h"

static volatile sig_atomic_t stop_count;
static volatile sig_atomic_t last_signal;

static void on_stop(int sig)
{
    last_signal = sig;
    stop_count++;
}

void xs_signals_install(void)
{
    struct sigaction sa = {0};
    sa.sa_handler = on_stop;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    signal(SIGPIPE, SIG_IGN); /* a closed output pipe is a write error, not a silent death */
}

int xs_signals_count(void)
{
    return stop_count;
}
int xs_signals_last(void)
{
    return last_signal;
}

void xs_signals_block_here(void)
{
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &set, NULL);
}
