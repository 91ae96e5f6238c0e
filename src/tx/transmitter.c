/* The transmitter thread: walks pass 0 and the retry passes over the permuted index space,
 * builds one SYN per endpoint from the template and hands batches to the sender.
 *
 * Per probe: permutation, target lookup, cookie, template fill: no allocation, lock or syscall.
 * Per batch: one rate-limit decision, one flush (one syscall), counters and pass clock updated. */
#include <inttypes.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include "xsweep/packet.h"
#include "xsweep/record.h"
#include "xsweep/scan.h"

#define MAX_PASSES     64
#define MAX_BATCH      4096
#define SCAN_FACTOR    16          /* retry batches look at most this many batches of positions */
#define IDLE_SLEEP_NS  1000000ULL  /* retries waiting on the pass clock */
#define WAIT_SLICE_NS  10000000ULL /* longest single sleep, so stop_tx is seen quickly */
#define SPIN_BELOW_NS  200000ULL   /* waits shorter than this yield instead of sleeping */
#define SLEEP_MARGIN_NS 100000ULL  /* nanosleep overshoots; wake a bit early */

typedef struct {
    xs_scan        *scan;
    xs_sender      *sender;        /* NULL in dry run */
    xs_syn_template tpl;
    xs_ratelimit    rl;
    unsigned        passes, batch;
    uint64_t        next_pos[MAX_PASSES];
    uint16_t        ip_id;
    uint64_t        local_failed;  /* probes that found no sender slot */
    uint64_t        dry_sent;
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

/* Takes up to want tokens, waiting as long as needed but never past stop_tx. 0 = stopped. */
static unsigned rate_take(tx_state *tx, unsigned want)
{
    if (tx->rl.pps <= 0)
        return want;
    for (;;) {
        uint64_t now = xs_now_ns();
        uint64_t wait = xs_ratelimit_wait_ns(&tx->rl, want, now);
        if (wait == 0)
            return xs_ratelimit_take_at(&tx->rl, want, now);
        if (stopping(tx->scan))
            return 0;
        if (wait < SPIN_BELOW_NS)
            sched_yield();
        else
            sleep_ns(wait - SLEEP_MARGIN_NS < WAIT_SLICE_NS ? wait - SLEEP_MARGIN_NS : WAIT_SLICE_NS);
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

static void publish_counters(tx_state *tx)
{
    xs_scan *s = tx->scan;
    uint64_t sent = tx->sender ? xs_sender_sent(tx->sender) : tx->dry_sent;
    uint64_t failed = (tx->sender ? xs_sender_failed(tx->sender) : 0) + tx->local_failed;
    atomic_store_explicit(&s->sent, sent, memory_order_relaxed);
    atomic_store_explicit(&s->send_failed, failed, memory_order_relaxed);
    atomic_store_explicit(&s->position, tx->next_pos[0], memory_order_relaxed);
    for (unsigned k = 0; k < tx->passes; k++)
        atomic_store_explicit(&s->pass_pos[k], tx->next_pos[k], memory_order_relaxed);
}

static void print_probe(FILE *out, uint32_t ip, uint16_t port, uint16_t sport, uint32_t seq,
                        unsigned pass)
{
    char a[16];
    xs_format_ipv4(ip, a);
    fprintf(out, "{\"ip\":\"%s\",\"port\":%u,\"src_port\":%u,\"seq\":%" PRIu32 ",\"pass\":%u}\n", a,
            (unsigned)port, (unsigned)sport, seq, pass);
}

/* Chooses the pass for the next batch and the position bound it may reach now.
 * Returns the pass, -1 when every pass is done, -2 when only retries are left and none may go. */
static int pick_pass(tx_state *tx, uint64_t now, uint64_t *limit)
{
    xs_scan *s = tx->scan;
    bool retries_left = false;
    /* The oldest retry pass that may go first: its endpoints have waited longest. */
    for (unsigned k = 1; k < tx->passes; k++) {
        if (tx->next_pos[k] >= s->positions)
            continue;
        retries_left = true;
        uint64_t allowed = xs_pass_clock_allowed(&s->clock, k, now);
        if (allowed > s->positions)
            allowed = s->positions;
        if (tx->next_pos[k] < allowed) {
            *limit = allowed;
            return (int)k;
        }
    }
    if (tx->next_pos[0] < s->positions) {
        *limit = s->positions;
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
        return;   /* stopped while waiting */

    uint64_t scan_end = k == 0 ? pos + got : pos + (uint64_t)tx->batch * SCAN_FACTOR;
    if (scan_end > limit)
        scan_end = limit;
    const uint64_t stride = s->shard.count, first = s->shard.index;
    const uint32_t src_ip = s->net.src_ip;
    unsigned probes = 0;

    while (probes < got && pos < scan_end) {
        uint32_t ip;
        uint16_t port;
        xs_targetspace_get(s->space, xs_perm_at(&s->perm, first + pos * stride), &ip, &port);
        pos++;
        if (k > 0 && xs_keyset_contains(&s->answered, xs_endpoint_key(ip, port)))
            continue;   /* answered already: a retry would only repeat the contact */
        uint16_t sport = xs_scan_src_port(s, ip, port);
        uint32_t seq = xs_cookie(&s->key, src_ip, sport, ip, port);
        probes++;
        if (s->dry_run) {
            print_probe(s->dry_run_out, ip, port, sport, seq, k);
            continue;
        }
        uint8_t *buf = next_slot(tx);
        if (!buf) {
            tx->local_failed++;
            continue;
        }
        xs_syn_template_fill(&tx->tpl, buf, ip, port, sport, tx->ip_id++, seq);
        xs_sender_commit(tx->sender, XS_SYN_FRAME_LEN);
    }
    if (probes < got && tx->rl.pps > 0)
        tx->rl.tokens += got - probes;   /* skipped endpoints cost no probe */

    if (s->dry_run)
        tx->dry_sent += probes;
    else if (probes)
        xs_sender_flush(tx->sender);
    tx->next_pos[k] = pos;
    xs_pass_clock_mark(&s->clock, k, pos, xs_now_ns());
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
    tx->passes = s->retries + 1;
    if (tx->passes > MAX_PASSES)
        tx->passes = MAX_PASSES;
    if (tx->passes > s->clock.passes)
        tx->passes = s->clock.passes ? s->clock.passes : 1;
    tx->batch = s->batch ? s->batch : 256;
    if (tx->batch > MAX_BATCH)
        tx->batch = MAX_BATCH;
    /* Resume: each pass continues where it stopped. What the previous run sent just before it
     * stopped may be recent, so the pass clock starts as if it had been sent now. */
    uint64_t now = xs_now_ns();
    for (unsigned k = 0; k < tx->passes; k++) {
        uint64_t start = k == 0 && s->start_position > s->pass_start[0] ? s->start_position
                                                                        : s->pass_start[k];
        tx->next_pos[k] = start < s->positions ? start : s->positions;
        if (tx->next_pos[k])
            xs_pass_clock_mark(&s->clock, k, tx->next_pos[k], now);
    }
    xs_ratelimit_init_at(&tx->rl, s->dry_run ? 0 : s->rate, xs_now_ns());
    if (s->dry_run)
        return 0;
    if (xs_syn_template_init(&tx->tpl, s->net.src_mac, s->net.router_mac, s->net.src_ip, 0, 0, err,
                             errlen) != 0)
        return -1;
    tx->sender = s->sender ? s->sender
                           : xs_sender_open(s->net.ifname, s->sender_kind, tx->batch, err, errlen);
    return tx->sender ? 0 : -1;
}

void *xs_transmitter_main(void *arg)
{
    xs_scan *s = arg;
    tx_state tx;
    memset(&tx, 0, sizeof tx);
    tx.scan = s;
    char err[200];
    if (setup(&tx, err, sizeof err) != 0) {
        if (!s->error[0])
            snprintf(s->error, sizeof s->error, "transmitter: %s", err);
        atomic_store(&s->tx_done, true);
        return NULL;
    }
    if (!s->dry_run)
        wait_rx_ready(s);
    /* Rate counting starts now, not at setup: the wait for the receiver is no budget. */
    xs_ratelimit_init_at(&tx.rl, s->dry_run ? 0 : s->rate, xs_now_ns());

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
    if (!s->sender)
        xs_sender_close(tx.sender);   /* one the run opened is the run's to close */
    if (s->dry_run && s->dry_run_out)
        fflush(s->dry_run_out);
    atomic_store(&s->tx_done, true);
    return NULL;
}
