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

#define XS_MAX_PASSES 64   /* 1 + the largest --retries */

typedef struct xs_scan {
    /* ---- configuration: written before the threads start, read-only after ---- */
    const xs_targetspace *space;
    xs_perm        perm;
    xs_shard       shard;
    uint64_t       positions;      /* positions this shard walks (xs_shard_positions) */
    xs_cookie_key  key;
    uint64_t       seed;           /* of the permutation and the cookie key (resume files keep it) */
    xs_netinfo     net;
    uint16_t       sport_first;    /* source ports [sport_first, sport_first + sport_count) */
    uint16_t       sport_count;
    double         rate;           /* probes per second, <= 0 = as fast as the link takes */
    unsigned       retries;        /* extra passes */
    uint64_t       retry_gap_ns;   /* the throttle: >= 1 s between two probes of one IP:port */
    unsigned       batch;          /* frames per flush */
    xs_sender_kind sender_kind;
    bool           dry_run;        /* tx prints probes to dry_run_out instead of sending */
    FILE          *dry_run_out;
    uint64_t       start_position; /* resume: first position of pass 0 to send */
    uint64_t       pass_start[XS_MAX_PASSES]; /* resume: where each pass continues */

    /* ---- shared state ---- */
    xs_keyset      answered;       /* rx adds every endpoint that answered; tx skips them on retries */
    xs_ring        results;        /* rx -> output: xs_result */
    xs_pass_clock  clock;          /* tx only */
    _Atomic bool   stop_tx;        /* signal: stop sending now */
    _Atomic bool   tx_done;        /* tx finished (or stopped) */
    _Atomic bool   stop_rx;        /* wait is over: receiver drains and returns */
    _Atomic bool   rx_ready;       /* receiver is capturing: tx may start */
    _Atomic uint64_t sent;         /* probes handed to the kernel */
    _Atomic uint64_t send_failed;  /* probes the kernel refused */
    _Atomic uint64_t position;     /* pass-0 positions done (progress and resume) */
    _Atomic uint64_t pass_pos[XS_MAX_PASSES]; /* next position of each pass (resume checkpoints) */
    _Atomic uint64_t replies;      /* validated replies seen by rx (before de-duplication) */
    _Atomic uint64_t rx_invalid;   /* captured TCP segments that failed cookie validation */
    _Atomic uint64_t pcap_drops;   /* ps_drop + ps_ifdrop at the end */
    _Atomic uint64_t ring_stalls;  /* times rx found the results ring full and had to wait */
    void          *rx_handle;      /* receiver private (pcap_t *) */
    xs_sender     *sender;         /* opened before privileges are dropped; NULL: tx opens its own */
    char           error[256];     /* first fatal error of a thread, "" when none */
} xs_scan;

/* Transmitter thread body: walks passes 0..retries under the rate limit and the pass clock. */
void *xs_transmitter_main(void *scan);
/* Opens the capture (before any probe leaves, so no reply is missed). 0 or -1 with scan->error. */
int   xs_receiver_open(xs_scan *scan);
/* Receiver thread body: validates replies, adds them to `answered`, pushes them to `results`. */
void *xs_receiver_main(void *scan);
void  xs_receiver_close(xs_scan *scan);

/* Source port for a probe: deterministic per endpoint so retries and replies agree. */
static inline uint16_t xs_scan_src_port(const xs_scan *s, uint32_t ip, uint16_t port)
{
    uint32_t h = (ip * 2654435761u) ^ ((uint32_t)port * 40503u);
    return (uint16_t)(s->sport_first + (h % s->sport_count));
}

#endif
