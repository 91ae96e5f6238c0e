/* The state shared by the transmitter thread, the receiver thread and the output stage. */
#ifndef XSWEEP_SCAN_H
#define XSWEEP_SCAN_H
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include "xsweep/cookie.h"
#include "xsweep/netinfo.h"
#include "xsweep/permute.h"
#include "xsweep/ratelimit.h"
#include "xsweep/ring.h"
#include "xsweep/sender.h"
#include "xsweep/targets.h"
#include "xsweep/throttle.h"

#include <pthread.h>

#define XS_MAX_PASSES 64 /* 1 + the largest --retries */
#ifndef XS_MAX_TX_THREADS
#define XS_MAX_TX_THREADS 64 /* --tx-threads upper bound */
#endif

typedef struct xs_scan {
    /* ---- configuration: written before the threads start, read-only after ---- */
    const xs_targetspace *space;
    xs_perm perm;
    xs_shard shard;
    uint64_t positions; /* positions this shard walks (xs_shard_positions) */
    xs_cookie_key key;
    uint64_t seed; /* of the permutation and the cookie key (resume files keep it) */
    xs_netinfo net;
    uint16_t sport_first; /* source ports [sport_first, sport_first + sport_count) */
    uint16_t sport_count;
    double rate;           /* probes per second, <= 0 = as fast as the link takes */
    unsigned retries;      /* extra passes */
    uint64_t retry_gap_ns; /* the throttle: >= 1 s between two probes of one IP:port */
    unsigned batch;        /* frames per flush */
    xs_sender_kind sender_kind;
    unsigned tx_threads; /* transmitters; thread t owns positions t, t+N, t+2N, ... */
    bool dry_run;        /* tx prints probes to dry_run_out instead of sending */
    FILE *dry_run_out;
    /* resume: where each thread's pass continues, in that thread's own positions (0, 1, ...
     * standing for its shard positions t, t+N, ...) */
    uint64_t pass_start[XS_MAX_TX_THREADS][XS_MAX_PASSES];

    /* ---- shared state ---- */
    xs_keyset answered; /* rx adds every endpoint that answered; tx skips them on retries */
    xs_ring results;    /* rx -> output: xs_result */
    /* The one token bucket of all transmitters: the total stays --rate, whichever runs. */
    pthread_mutex_t rl_lock;
    xs_ratelimit rl;
    bool rl_started;              /* under rl_lock: the first transmitter ready starts it */
    _Atomic unsigned tx_claimed;  /* transmitter threads take their index from this */
    _Atomic unsigned tx_finished; /* the last one to finish sets tx_done */
    _Atomic bool stop_tx;         /* signal: stop sending now */
    _Atomic bool tx_done;         /* tx finished (or stopped) */
    _Atomic bool stop_rx;         /* wait is over: receiver drains and returns */
    _Atomic bool rx_ready;        /* receiver is capturing: tx may start */
    _Atomic uint64_t sent;        /* probes handed to the kernel */
    _Atomic uint64_t send_failed; /* probes the kernel refused */
    _Atomic uint64_t position;    /* pass-0 positions done, all threads (progress) */
    _Atomic uint64_t thread_pos[XS_MAX_TX_THREADS][XS_MAX_PASSES]; /* next own position per pass */
    _Atomic uint64_t replies;     /* validated replies seen by rx (before de-duplication) */
    _Atomic uint64_t rx_invalid;  /* captured TCP segments that failed cookie validation */
    _Atomic uint64_t pcap_drops;  /* ps_drop + ps_ifdrop at the end */
    _Atomic uint64_t ring_stalls; /* times rx found the results ring full and had to wait */
    void *rx_handle;              /* receiver private (pcap_t *) */
    xs_sender *senders[XS_MAX_TX_THREADS]; /* opened before privileges are dropped, one per
                                                 * transmitter; NULL: that thread opens its own */
    char error[256];                       /* first fatal error of a thread, "" when none */
} xs_scan;

/* Transmitter thread body: takes the next thread index, walks that thread's share of passes
 * 0..retries under the shared rate limit and its own pass clock. Start tx_threads of them (a dry
 * run calls it tx_threads times in a row). */
void *xs_transmitter_main(void *scan);
/* Positions (of this shard) that transmitter t owns: t, t+N, t+2N, ... < positions. */
uint64_t xs_scan_thread_positions(const xs_scan *s, unsigned t);
/* Resume/checkpoint positions, thread-major: out[t * passes + k] (passes = retries + 1). */
unsigned xs_scan_position_count(const xs_scan *s);
void xs_scan_current_positions(const xs_scan *s, uint64_t *out);
/* Takes --resume-position (thread-major, as xs_scan_current_positions; a one-thread scan may give
 * fewer passes) into pass_start. Needs tx_threads and retries. 0, or -1 with err ("invalid ..."). */
int xs_scan_set_resume(xs_scan *s, const uint64_t *pos, size_t n, char *err, size_t errlen);
/* Was shard position pos sent in pass 0 by this run (between its start and where it is now)? */
bool xs_scan_pass0_sent(const xs_scan *s, uint64_t pos);
/* The default --tx-threads: online cores this process may use, less one for the receiver, >= 1. */
unsigned xs_default_tx_threads(void);
/* Opens the capture (before any probe leaves, so no reply is missed). 0 or -1 with scan->error. */
int xs_receiver_open(xs_scan *scan);
/* Receiver thread body: validates replies, adds them to `answered`, pushes them to `results`. */
void *xs_receiver_main(void *scan);
void xs_receiver_close(xs_scan *scan);

/* Source port for a probe: deterministic per endpoint so retries and replies agree. */
static inline uint16_t xs_scan_src_port(const xs_scan *s, uint32_t ip, uint16_t port)
{
    uint32_t h = (ip * 2654435761u) ^ ((uint32_t)port * 40503u);
    return (uint16_t)(s->sport_first + (h % s->sport_count));
}

/* The same for an IPv6 address (network order): its four words folded into one. */
static inline uint16_t xs_scan_src_port6(const xs_scan *s, const uint8_t ip[16], uint16_t port)
{
    uint32_t folded = 0;
    for (int i = 0; i < 16; i += 4)
        folded = (folded * 0x9e3779b1u) ^ ((uint32_t)ip[i] << 24 | (uint32_t)ip[i + 1] << 16 |
                                           (uint32_t)ip[i + 2] << 8 | ip[i + 3]);
    return xs_scan_src_port(s, folded, port);
}

#endif
