/* A transmitter thread: walks its share (thread_split.c) of pass 0 and the retry passes over the
 * permuted index space, builds one SYN per endpoint from the template and hands batches to its
 * own sender (socket and buffers).
 *
 * Per probe: permutation, target lookup, cookie, template fill: no allocation, lock or syscall.
 * Per batch: one rate-limit decision (the bucket is shared by all threads, under a mutex), one
 * flush (one syscall), counters and the thread's own pass clock updated. */
#include <inttypes.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include "xsweep/clock.h"
#include "xsweep/packet.h"
#include "xsweep/record.h"
#include "xsweep/scan.h"

#define MAX_PASSES      64
#define MAX_BATCH       4096
#define SCAN_FACTOR     16          /* retry batches look at most this many batches of positions */
#define IDLE_SLEEP_NS   1000000ULL  /* retries waiting on the pass clock */
#define WAIT_SLICE_NS   10000000ULL /* longest single sleep, so stop_tx is seen quickly */
#define SPIN_BELOW_NS   200000ULL   /* waits shorter than this yield instead of sleeping */
#define SLEEP_MARGIN_NS 100000ULL   /* nanosleep overshoots; wake a bit early */
#define PASS_CLOCK_CAP  (1u << 16)  /* checkpoints per pass clock ring */

typedef struct {
    xs_scan *scan;
    unsigned index;         /* this thread: owns shard positions index + j * threads */
    uint64_t positions;     /* own positions j in [0, positions) */
    uint64_t first, stride; /* permutation index of own position j: first + j * stride */
    xs_sender *sender;      /* NULL in dry run */
    bool own_sender;        /* opened here (not by the run): closed here */
    xs_syn_template tpl;    /* IPv4 probe */
    xs_syn_template tpl6;   /* IPv6 probe (when the scan has IPv6 targets) */
    xs_pass_clock clock;    /* this thread's passes only: its endpoints are its own */
    bool limited;           /* a --rate applies */
    unsigned passes, batch;
    uint64_t next_pos[MAX_PASSES];
    uint16_t ip_id;
    uint64_t local_failed; /* probes that found no sender slot */
    uint64_t dry_sent;
    uint64_t pub_sent, pub_failed, pub_pos0; /* what publish_counters added so far */
} tx_state;

static void sleep_ns(uint64_t ns)
{
    struct timespec ts = {(time_t)(ns / 1000000000ULL), (long)(ns % 1000000000ULL)};
    nanosleep(&ts, NULL);
}

static bool stopping(const xs_scan *s)
{
    return atomic_load_explicit(&s->stop_tx, memory_order_relaxed);
}

/* Takes up to want tokens of the shared bucket, waiting as long as needed but never past
 * stop_tx. 0 = stopped. A thread that has finished takes nothing, so the others get all of it. */
static unsigned rate_take(tx_state *tx, unsigned want)
{
    if (!tx->limited)
        return want;
    xs_scan *s = tx->scan;
    for (;;) {
        uint64_t now = xs_now_ns();
        unsigned got = 0;
        pthread_mutex_lock(&s->rl_lock);
        uint64_t wait = xs_ratelimit_wait_ns(&s->rl, want, now);
        if (wait == 0)
            got = xs_ratelimit_take_at(&s->rl, want, now);
        pthread_mutex_unlock(&s->rl_lock);
        if (got)
            return got;
        if (wait == 0)
            continue; /* another thread took them between the two steps */
        if (stopping(tx->scan))
            return 0;
        if (wait < SPIN_BELOW_NS)
            sched_yield();
        else
            sleep_ns(wait - SLEEP_MARGIN_NS < WAIT_SLICE_NS ? wait - SLEEP_MARGIN_NS
                                                            : WAIT_SLICE_NS);
    }
}

/* A slot for the next frame; flushes when the batch is full or the ring slot is still busy. */
static uint8_t *next_slot(tx_state *tx)
{
    for (int tries = 0; tries < 4; tries++) {
        uint8_t *buf = xs_sender_next(tx->sender);
        if (buf)
            return buf;
        xs_sender_flush(tx->sender);
    }
    return NULL;
}

static void refund(tx_state *tx, unsigned n)
{
    xs_scan *s = tx->scan;
    pthread_mutex_lock(&s->rl_lock);
    s->rl.tokens += n;
    pthread_mutex_unlock(&s->rl_lock);
}

/* The scan's counters are sums over threads: each thread adds what it did since last time. */
static void publish_counters(tx_state *tx)
{
    xs_scan *s = tx->scan;
    uint64_t sent = tx->sender ? xs_sender_sent(tx->sender) : tx->dry_sent;
    uint64_t failed = (tx->sender ? xs_sender_failed(tx->sender) : 0) + tx->local_failed;
    atomic_fetch_add_explicit(&s->sent, sent - tx->pub_sent, memory_order_relaxed);
    atomic_fetch_add_explicit(&s->send_failed, failed - tx->pub_failed, memory_order_relaxed);
    atomic_fetch_add_explicit(&s->position, tx->next_pos[0] - tx->pub_pos0, memory_order_relaxed);
    tx->pub_sent = sent;
    tx->pub_failed = failed;
    tx->pub_pos0 = tx->next_pos[0];
    for (unsigned k = 0; k < tx->passes; k++)
        atomic_store_explicit(&s->thread_pos[tx->index][k], tx->next_pos[k], memory_order_relaxed);
}

static void print_probe(FILE *out, const xs_addr *addr, uint16_t port, uint16_t sport, uint32_t seq,
                        unsigned pass)
{
    char a[XS_ADDR_STRLEN];
    xs_addr_format(addr, a);
    fprintf(out, "{\"ip\":\"%s\",\"port\":%u,\"src_port\":%u,\"seq\":%" PRIu32 ",\"pass\":%u}\n", a,
            (unsigned)port, (unsigned)sport, seq, pass);
}

/* Chooses the pass for the next batch and the position bound it may reach now.
 * Returns the pass, -1 when every pass is done, -2 when only retries are left and none may go. */
static int pick_pass(tx_state *tx, uint64_t now, uint64_t *limit)
{
    bool retries_left = false;
    /* The oldest retry pass that may go first: its endpoints have waited longest. */
    for (unsigned k = 1; k < tx->passes; k++) {
        if (tx->next_pos[k] >= tx->positions)
            continue;
        retries_left = true;
        uint64_t allowed = xs_pass_clock_allowed(&tx->clock, k, now);
        if (allowed > tx->positions)
            allowed = tx->positions;
        if (tx->next_pos[k] < allowed) {
            *limit = allowed;
            return (int)k;
        }
    }
    if (tx->next_pos[0] < tx->positions) {
        *limit = tx->positions;
        return 0;
    }
    return retries_left ? -2 : -1;
}

/* Builds and sends one batch of pass k over positions [next_pos[k], limit). */
static void run_batch(tx_state *tx, unsigned k, uint64_t limit)
{
    xs_scan *s = tx->scan;
    uint64_t pos = tx->next_pos[k];
    uint64_t span = limit - pos;
    unsigned want = span < tx->batch ? (unsigned)span : tx->batch;
    unsigned got = s->dry_run ? want : rate_take(tx, want);
    if (got == 0)
        return; /* stopped while waiting */

    uint64_t scan_end = k == 0 ? pos + got : pos + (uint64_t)tx->batch * SCAN_FACTOR;
    if (scan_end > limit)
        scan_end = limit;
    const uint64_t stride = tx->stride, first = tx->first;
    const uint32_t src_ip = s->net.src_ip;
    unsigned probes = 0;

    while (probes < got && pos < scan_end) {
        xs_addr addr;
        uint16_t port;
        xs_targetspace_get(s->space, xs_perm_at(&s->perm, first + pos * stride), &addr, &port);
        pos++;
        bool v4 = xs_addr_is_v4(&addr);
        uint32_t ip = xs_addr_v4(&addr);
        if (k > 0 && (v4 ? xs_keyset_contains_v4(&s->answered, (uint64_t)ip << 16 | port)
                         : xs_keyset_contains(&s->answered, xs_endpoint_key(&addr, port))))
            continue; /* answered already: a retry would only repeat the contact */
        uint16_t sport = v4 ? xs_scan_src_port(s, ip, port) : xs_scan_src_port6(s, addr.b, port);
        uint32_t seq = v4 ? xs_cookie(&s->key, src_ip, sport, ip, port)
                          : xs_cookie6(&s->key, s->net.src_ip6.b, sport, addr.b, port);
        probes++;
        if (s->dry_run) {
            print_probe(s->dry_run_out, &addr, port, sport, seq, k);
            continue;
        }
        uint8_t *buf = next_slot(tx);
        if (!buf) {
            tx->local_failed++;
            continue;
        }
        if (v4) {
            xs_syn_template_fill(&tx->tpl, buf, ip, port, sport, tx->ip_id++, seq);
            xs_sender_commit(tx->sender, XS_SYN_FRAME_LEN);
        } else {
            xs_syn_template_fill6(&tx->tpl6, buf, addr.b, port, sport, seq);
            xs_sender_commit(tx->sender, XS_SYN6_FRAME_LEN);
        }
    }
    if (probes < got && tx->limited && !s->dry_run)
        refund(tx, got - probes); /* skipped endpoints cost no probe */

    if (s->dry_run)
        tx->dry_sent += probes;
    else if (probes)
        xs_sender_flush(tx->sender);
    tx->next_pos[k] = pos;
    xs_pass_clock_mark(&tx->clock, k, pos, xs_now_ns());
    publish_counters(tx);
}

static void wait_rx_ready(xs_scan *s)
{
    while (!atomic_load(&s->rx_ready) && !stopping(s))
        sleep_ns(1000000);
}

static int setup(tx_state *tx, char *err, size_t errlen)
{
    xs_scan *s = tx->scan;
    unsigned n = s->tx_threads ? s->tx_threads : 1;
    tx->positions = xs_scan_thread_positions(s, tx->index);
    tx->first = s->shard.index + (uint64_t)tx->index * s->shard.count;
    tx->stride = (uint64_t)n * s->shard.count;
    tx->passes = s->retries + 1;
    if (tx->passes > MAX_PASSES)
        tx->passes = MAX_PASSES;
    tx->batch = s->batch ? s->batch : 256;
    if (tx->batch > MAX_BATCH)
        tx->batch = MAX_BATCH;
    tx->limited = !s->dry_run && s->rate > 0;
    if (xs_pass_clock_init(&tx->clock, tx->passes, s->dry_run ? 0 : s->retry_gap_ns,
                           PASS_CLOCK_CAP) < 0) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    /* Resume: each pass continues where it stopped. What the previous run sent just before it
     * stopped may be recent, so the pass clock starts as if it had been sent now. */
    uint64_t now = xs_now_ns();
    for (unsigned k = 0; k < tx->passes; k++) {
        uint64_t start = s->pass_start[tx->index][k];
        tx->next_pos[k] = start < tx->positions ? start : tx->positions;
        if (tx->next_pos[k])
            xs_pass_clock_mark(&tx->clock, k, tx->next_pos[k], now);
    }
    tx->pub_pos0 = 0; /* the resumed start counts as done for progress */
    if (s->dry_run)
        return 0;
    if (s->net.has_v4 && xs_syn_template_init(&tx->tpl, s->net.src_mac, s->net.router_mac,
                                              s->net.src_ip, 0, 0, err, errlen) != 0)
        return -1;
    if (s->net.has_v6 && xs_syn_template_init6(&tx->tpl6, s->net.src_mac, s->net.router_mac6,
                                               s->net.src_ip6.b, 0, 0, err, errlen) != 0)
        return -1;
    tx->sender = s->senders[tx->index];
    if (!tx->sender) {
        tx->sender = xs_sender_open(s->net.ifname, s->sender_kind, tx->batch, err, errlen);
        tx->own_sender = true;
    }
    return tx->sender ? 0 : -1;
}

/* The bucket starts when the first transmitter is ready: the wait for the receiver is no budget. */
static void start_rate(xs_scan *s)
{
    pthread_mutex_lock(&s->rl_lock);
    if (!s->rl_started) {
        xs_ratelimit_init_at(&s->rl, s->rate, xs_now_ns());
        s->rl_started = true;
    }
    pthread_mutex_unlock(&s->rl_lock);
}

static void finished(xs_scan *s)
{
    unsigned n = s->tx_threads ? s->tx_threads : 1;
    if (atomic_fetch_add(&s->tx_finished, 1) + 1 >= n)
        atomic_store(&s->tx_done, true);
}

void *xs_transmitter_main(void *arg)
{
    xs_scan *s = arg;
    tx_state tx;
    memset(&tx, 0, sizeof tx);
    tx.scan = s;
    tx.index = atomic_fetch_add(&s->tx_claimed, 1);
    char err[200];
    if (tx.index >= XS_MAX_TX_THREADS || setup(&tx, err, sizeof err) != 0) {
        if (tx.index >= XS_MAX_TX_THREADS)
            snprintf(err, sizeof err, "too many threads");
        if (!s->error[0])
            snprintf(s->error, sizeof s->error, "transmitter: %s", err);
        atomic_store(&s->stop_tx, true); /* a missing share would leave a hole: stop them all */
        xs_pass_clock_free(&tx.clock);
        finished(s);
        return NULL;
    }
    if (!s->dry_run)
        wait_rx_ready(s);
    if (tx.limited)
        start_rate(s);

    while (!stopping(s)) {
        uint64_t limit = 0;
        int k = pick_pass(&tx, xs_now_ns(), &limit);
        if (k == -1)
            break;
        if (k == -2) {
            sleep_ns(IDLE_SLEEP_NS);
            continue;
        }
        run_batch(&tx, (unsigned)k, limit);
    }
    if (tx.sender)
        xs_sender_flush(tx.sender);
    publish_counters(&tx);
    if (tx.own_sender)
        xs_sender_close(tx.sender); /* one this thread opened is its to close */
    if (s->dry_run && s->dry_run_out)
        fflush(s->dry_run_out);
    xs_pass_clock_free(&tx.clock);
    finished(s);
    return NULL;
}
