/* One scan end to end: the receiver starts capturing, the transmitter walks the permutation,
 * and this thread is the output stage: it drains the results ring, de-duplicates and writes,
 * then waits --wait for late replies. Signals only ever shorten the wait; results are flushed. */
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>
#include "xsweep/checkpoint.h"
#include "xsweep/datafile.h"
#include "xsweep/grade.h"
#include "xsweep/output.h"
#include "xsweep/privileges.h"
#include "xsweep/progress.h"
#include "xsweep/resume.h"
#include "xsweep/run.h"
#include "xsweep/scan.h"
#include "xsweep/signals.h"
#include "xsweep/store.h"

#define RESULTS_RING_CAP   (1u << 20)
#define CHECKPOINT_CAP     (1u << 16)
#define KEYSET_MAX         (1u << 22)
#define DEFAULT_SPORT      61000
#define DEFAULT_SPORT_N    1024

typedef struct {
    const xs_options *o;
    xs_plan   *plan;
    xs_scan   *scan;
    xs_output *out;
    xs_seen    seen;
    uint64_t   found;
    xs_policy *policy;
    xs_fp_db  *fingerprints;
    xs_findings_db *findings;
    xs_hostcfg_db  *hostcfg;
    xs_http_stage *stage;        /* NULL with --no-http */
    xs_portlist http_ports;      /* --http-ports; empty = the supported HTTP/S ports */
    xs_resume  resume;           /* fd -1 when there is no resume file (dry run, stdout) */
    xs_ckpt_tracker ckpt;
    uint64_t   last_sample_ns, last_ckpt_ns;
    bool       wait_completed;   /* the --wait after the last probe ran its full length */
    xs_store  *store;            /* --db */
    int64_t    sweep;
} xs_runctx;

static void sleep_ms(unsigned ms)
{
    struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

static uint64_t random_seed(void)
{
    uint64_t s = 0;
    if (getrandom(&s, sizeof s, 0) != sizeof s)
        s = xs_realtime_ns() ^ ((uint64_t)getpid() << 32);
    return s;
}

static xs_sender_kind sender_kind(const char *s)
{
    if (s && !strcmp(s, "txring"))
        return XS_SENDER_TX_RING;
    if (s && !strcmp(s, "sendmmsg"))
        return XS_SENDER_SENDMMSG;
    return XS_SENDER_AUTO;
}

static const xs_endpoint *endpoint_of(const xs_runctx *c, uint32_t ip, uint16_t port)
{
    return c->plan->endpoint_mode ? xs_endpointlist_find(&c->plan->endpoints, ip, port) : NULL;
}

/* Every record leaves with its severity; e carries the HTTP stage's findings, if any. */
static void write_record(xs_runctx *c, const xs_result *r, const xs_enriched *e)
{
    const xs_endpoint *ep = e ? e->ep : endpoint_of(c, r->ip, r->port);
    xs_report rep = {0};
    rep.r = *r;
    rep.protocol = xs_supported_protocol(r->port);
    xs_severity sev = xs_grade(c->policy, r, e, c->o->resource_bucket || (ep && ep->bucket),
                               &rep.severity_reason);
    rep.severity = xs_severity_name(sev);
    if (e) {
        rep.extra_json = xs_stage_fields_json;
        rep.extra = e;
    }
    xs_output_write(c->out, &rep);
}

static void write_result(xs_runctx *c, const xs_result *r)
{
    write_record(c, r, NULL);
}

static bool wants_http(const xs_runctx *c, uint16_t port)
{
    return c->http_ports.n ? xs_portlist_contains(&c->http_ports, port) : xs_port_is_http(port);
}

/* One record per endpoint: the first validated reply wins. */
static void consume(xs_runctx *c, const xs_result *r)
{
    if (!xs_seen_add(&c->seen, xs_endpoint_key(r->ip, r->port)))
        return;
    if (r->status == XS_STATUS_OPEN) {
        c->found++;
        if (c->stage && wants_http(c, r->port)) {
            xs_http_job job = {*r, endpoint_of(c, r->ip, r->port),
                               xs_ckpt_job_pushed(&c->ckpt, xs_now_ns())};
            xs_http_stage_push(c->stage, &job);
            return;
        }
    } else if (!(c->o->show_closed || c->o->all_statuses)) {
        return;
    }
    write_result(c, r);
}

static size_t drain_stage(xs_runctx *c)
{
    size_t n = 0;
    xs_enriched *e;
    while (c->stage && (e = xs_http_stage_pop(c->stage))) {
        write_record(c, &e->r, e);
        xs_ckpt_job_done(&c->ckpt, e->seq);
        xs_enriched_free(e);
        n++;
    }
    return n;
}

static size_t drain(xs_runctx *c)
{
    xs_result r;
    size_t n = 0;
    while (xs_ring_pop(&c->scan->results, &r)) {
        consume(c, &r);
        n++;
    }
    return n;
}

/* --all-statuses: endpoints that were never probed get their record first. */
static void write_skipped(xs_runctx *c)
{
    const xs_plan *p = c->plan;
    uint64_t now = xs_realtime_ns();
    for (size_t i = 0; i < p->skipped.n; i++) {
        xs_result r = {p->skipped.v[i].ip, p->skipped.v[i].port, p->skipped_status[i], 0, now};
        write_result(c, &r);
    }
}

/* --all-statuses: every probed endpoint that never answered is closed; one this shard never got
 * to send (interrupted, or the sender failed) is failed. */
static void write_unanswered(xs_runctx *c, bool complete)
{
    xs_scan *s = c->scan;
    uint64_t done = atomic_load(&s->position), now = xs_realtime_ns();
    for (uint64_t pos = 0; pos < s->positions; pos++) {
        uint64_t index = xs_perm_at(&s->perm, s->shard.index + pos * s->shard.count);
        uint32_t ip;
        uint16_t port;
        xs_targetspace_get(s->space, index, &ip, &port);
        if (xs_seen_contains(&c->seen, xs_endpoint_key(ip, port)))
            continue;
        bool probed = complete || (pos >= s->start_position && pos < done);
        xs_result r = {ip, port, probed ? XS_STATUS_CLOSED : XS_STATUS_FAILED, 0, now};
        xs_seen_add(&c->seen, xs_endpoint_key(ip, port));
        write_result(c, &r);
    }
}

static int setup_scan(xs_scan *s, const xs_options *o, xs_plan *plan, char *err, size_t errlen)
{
    s->space = &plan->space;
    s->shard = (xs_shard){0, 1};
    if (o->shard && xs_shard_parse(&s->shard, o->shard, err, errlen) < 0)
        return -1;
    uint64_t seed = o->seed_given ? o->seed : random_seed();
    s->seed = seed;
    for (size_t k = 0; k < o->nresume_pos && k < XS_MAX_PASSES; k++)
        s->pass_start[k] = o->nresume_pos ? o->resume_pos[k] : 0;
    s->start_position = s->pass_start[0];
    xs_perm_init(&s->perm, plan->space.size, seed);
    s->positions = xs_shard_positions(&s->shard, plan->space.size);
    /* The cookie key is always fresh: --seed (and a resume file) fix the probe order, but a seed
     * anyone can read must not let them forge valid replies. */
    xs_cookie_key_init(&s->key, 0, 0);
    if (xs_netsetup(o, xs_plan_first_ip(plan), &s->net, err, errlen) < 0)
        return -1;
    s->sport_first = DEFAULT_SPORT;
    s->sport_count = DEFAULT_SPORT_N;
    if (o->source_port &&
        xs_parse_port_range(o->source_port, &s->sport_first, &s->sport_count, err, errlen) < 0)
        return -1;
    s->rate = o->rate;
    s->retries = o->retries;
    s->retry_gap_ns = (uint64_t)(o->retry_delay_s * 1e9);
    s->batch = o->batch;
    s->sender_kind = sender_kind(o->sender);
    s->dry_run = o->dry_run;
    uint64_t keys = plan->space.size < KEYSET_MAX ? plan->space.size : KEYSET_MAX;
    if (xs_keyset_init(&s->answered, keys) < 0 ||
        xs_ring_init(&s->results, RESULTS_RING_CAP, sizeof(xs_result)) < 0 ||
        xs_pass_clock_init(&s->clock, s->retries + 1, s->dry_run ? 0 : s->retry_gap_ns,
                           CHECKPOINT_CAP) < 0) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    return 0;
}

static void teardown_scan(xs_scan *s)
{
    xs_keyset_free(&s->answered);
    xs_ring_free(&s->results);
    xs_pass_clock_free(&s->clock);
}

static int run_dry(xs_scan *s, const xs_options *o, char *err, size_t errlen)
{
    FILE *f = stdout;
    if (o->output_file && strcmp(o->output_file, "-") && !(f = fopen(o->output_file, "w"))) {
        snprintf(err, errlen, "cannot write %s", o->output_file);
        return XS_EXIT_RUNTIME;
    }
    s->dry_run_out = f;
    xs_signals_install();
    xs_transmitter_main(s);
    int rc = fflush(f) == 0 && !ferror(f) ? XS_EXIT_OK : XS_EXIT_RUNTIME;
    if (f != stdout)
        fclose(f);
    if (s->error[0]) {
        snprintf(err, errlen, "%s", s->error);
        return XS_EXIT_RUNTIME;
    }
    return rc;
}

static void *rx_thread(void *arg)
{
    xs_signals_block_here();
    return xs_receiver_main(arg);
}

static void *tx_thread(void *arg)
{
    xs_signals_block_here();
    return xs_transmitter_main(arg);
}

static void summary(const xs_runctx *c, uint64_t start_ns)
{
    const xs_scan *s = c->scan;
    double secs = (double)(xs_now_ns() - start_ns) / 1e9;
    fprintf(stderr,
            "xsweep: %llu probes sent (%llu refused by the kernel), %llu replies, %llu open, "
            "%llu closed, %llu invalid replies ignored, %.1f s, %llu dropped by capture\n",
            (unsigned long long)atomic_load(&s->sent), (unsigned long long)atomic_load(&s->send_failed),
            (unsigned long long)atomic_load(&s->replies), (unsigned long long)c->found,
            (unsigned long long)xs_output_count(c->out, XS_STATUS_CLOSED),
            (unsigned long long)atomic_load(&s->rx_invalid), secs,
            (unsigned long long)atomic_load(&s->pcap_drops));
}

/* --stats-interval: one key=value line for logs. */
static void stats_line(xs_runctx *c, uint64_t now, uint64_t start)
{
    const xs_scan *s = c->scan;
    fprintf(stderr, "xsweep-stats elapsed=%.1f sent=%llu replies=%llu open=%llu closed=%llu "
            "send_failed=%llu rx_invalid=%llu http_queue=%zu done=%.4f\n",
            (double)(now - start) / 1e9, (unsigned long long)atomic_load(&s->sent),
            (unsigned long long)atomic_load(&s->replies), (unsigned long long)c->found,
            (unsigned long long)xs_output_count(c->out, XS_STATUS_CLOSED),
            (unsigned long long)atomic_load(&s->send_failed),
            (unsigned long long)atomic_load(&s->rx_invalid),
            c->stage ? xs_http_stage_in_flight(c->stage) : 0,
            s->positions ? (double)atomic_load(&s->position) / (double)s->positions : 1.0);
}

static void current_positions(const xs_scan *s, uint64_t *pos)
{
    for (unsigned k = 0; k <= s->retries && k < XS_MAX_PASSES; k++)
        pos[k] = atomic_load_explicit(&s->pass_pos[k], memory_order_relaxed);
}

/* Records reach the disk before a checkpoint says they exist. */
static void save_checkpoint(xs_runctx *c, const uint64_t *pos)
{
    if (c->resume.fd < 0)
        return;
    xs_output_flush(c->out);
    if (xs_resume_save(&c->resume, c->o, c->scan->seed, c->sweep, pos, c->scan->retries + 1) < 0)
        fprintf(stderr, "xsweep: warning: cannot write the resume file %s\n", c->resume.path);
}

static void checkpoint_tick(xs_runctx *c, uint64_t now)
{
    uint64_t pos[XS_MAX_PASSES];
    if (now - c->last_sample_ns >= 100000000ULL) {
        current_positions(c->scan, pos);
        xs_ckpt_sample(&c->ckpt, now, pos);
        c->last_sample_ns = now;
    }
    if (c->o->checkpoint_s > 0 && now - c->last_ckpt_ns >= (uint64_t)(c->o->checkpoint_s * 1e9)) {
        xs_ckpt_safe(&c->ckpt, now, (uint64_t)(c->o->wait_s * 1e9), pos);
        save_checkpoint(c, pos);
        c->last_ckpt_ns = now;
    }
}

/* The output loop: runs until the receiver has been told to stop and the ring is empty. */
static void output_loop(xs_runctx *c, bool progress)
{
    xs_scan *s = c->scan;
    xs_progress pr;
    uint64_t deadline = 0, start = xs_now_ns(), last_stats = start;
    xs_progress_init(&pr, s->positions * (s->retries + 1), xs_now_ns());
    for (;;) {
        size_t n = drain(c) + drain_stage(c);
        uint64_t now = xs_now_ns();
        int sigs = xs_signals_count();
        if (sigs >= 1)
            atomic_store(&s->stop_tx, true);
        if (sigs >= 2 || s->error[0])
            break;
        if (atomic_load(&s->tx_done) && deadline == 0)
            deadline = now + (uint64_t)(c->o->wait_s * 1e9);
        if (deadline && now >= deadline) {
            c->wait_completed = true;
            break;
        }
        checkpoint_tick(c, now);
        if (c->o->stats_interval_s > 0 && now - last_stats >= (uint64_t)(c->o->stats_interval_s * 1e9)) {
            stats_line(c, now, start);
            last_stats = now;
        }
        if (progress && xs_progress_due(&pr, now))
            xs_progress_print(&pr, stderr, now, atomic_load(&s->sent), atomic_load(&s->sent),
                              c->found, c->stage ? xs_http_stage_in_flight(c->stage) : 0);
        if (n == 0)
            sleep_ms(1);
    }
    if (progress)
        fputc('\n', stderr);
}

/* After the scan: the HTTP stage finishes its queue (bounded by its timeouts); a further stop
 * signal aborts it, and the endpoints it had not finished are still written, without HTTP fields. */
static void finish_stage(xs_runctx *c)
{
    if (!c->stage)
        return;
    int sigs_at_start = xs_signals_count();
    xs_http_stage_close_input(c->stage);
    while (!xs_http_stage_finished(c->stage)) {
        if (xs_signals_count() > sigs_at_start || sigs_at_start >= 2)
            xs_http_stage_abort(c->stage);
        if (drain_stage(c) == 0)
            sleep_ms(2);
    }
}

static int load_stage_data(xs_runctx *c, char *err, size_t errlen)
{
    const xs_options *o = c->o;
    if (!(c->policy = xs_policy_load(o->policy ? o->policy : "moderate", err, errlen)))
        return -1;
    if (o->http_ports && xs_portlist_parse(&c->http_ports, o->http_ports, err, errlen) < 0)
        return -1;
    if (o->no_http || o->dry_run)
        return 0;
    char path[4096];
    if (xs_data_path(path, sizeof path, "fingerprints", err, errlen) < 0)
        return -1;
    const char *fp = o->fingerprints ? o->fingerprints : path;
    char fperr[512] = "";
    if (!(c->fingerprints = xs_fp_db_load(fp, fperr, sizeof fperr))) {
        if (o->fingerprints) {
            snprintf(err, errlen, "%s", fperr);
            return -1;
        }
        fprintf(stderr, "xsweep: warning: %s: technologies will not be detected\n", fperr);
    }
    /* The rules ship with xsweep: a missing or bad rule file is an error, not a silent skip. */
    if (!(c->findings = xs_findings_load(o->findings_rules, err, errlen)))
        return -1;
    if (!o->no_config_checks && !(c->hostcfg = xs_hostcfg_load(o->config_rules, err, errlen)))
        return -1;
    return 0;
}

static int start_stage(xs_runctx *c, char *err, size_t errlen)
{
    const xs_options *o = c->o;
    if (o->no_http)
        return 0;
    xs_http_stage_config cfg = {.fingerprints = c->fingerprints, .findings = c->findings,
                                .hostcfg = c->hostcfg,
                                .min_gap_ns = (uint64_t)(o->retry_delay_s * 1e9)};
    xs_http_config_defaults(&cfg.http);
    cfg.http.concurrency = o->http_concurrency;
    cfg.http.max_body = o->max_body;
    cfg.http.connect_timeout_ms = (unsigned)(o->connect_timeout_s * 1000);
    cfg.http.total_timeout_ms = (unsigned)(o->http_timeout_s * 1000);
    if (cfg.http.tls_timeout_ms > cfg.http.total_timeout_ms)
        cfg.http.tls_timeout_ms = cfg.http.total_timeout_ms;
    c->stage = xs_http_stage_start(&cfg, err, errlen);
    return c->stage ? 0 : -1;
}

static void replay_add(uint64_t key, void *arg)
{
    xs_runctx *c = arg;
    xs_seen_add(&c->seen, key);
    xs_keyset_add(&c->scan->answered, key);
}

/* --resume: check the file, and take over what the first run already wrote. */
static int prepare_resume(xs_runctx *c, char *err, size_t errlen)
{
    const xs_options *o = c->o;
    const char *path = o->resume_file;
    if (!path) {
        bool to_file = o->output_file && strcmp(o->output_file, "-");
        path = to_file ? NULL : "xsweep.resume";
        if (to_file) {
            static char buf[4096];
            snprintf(buf, sizeof buf, "%s.resume", o->output_file);
            path = buf;
        }
    }
    if (o->resuming) {
        if (xs_resume_verify(path, err, errlen) < 0)
            return -1;
        if (o->output_file && strcmp(o->output_file, "-")) {
            long n = xs_output_replay(o->output_file, o->format, replay_add, c, err, errlen);
            if (n < 0)
                return -1;
            fprintf(stderr, "xsweep: resuming: %ld endpoints already in %s\n", n, o->output_file);
        }
    }
    uint64_t start[XS_MAX_PASSES];
    memcpy(start, c->scan->pass_start, sizeof start);
    if (xs_ckpt_init(&c->ckpt, c->scan->retries + 1, start) < 0) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    return xs_resume_open(&c->resume, path, err, errlen);
}

/* Completed: the resume file goes. Stopped: it records where to continue. */
static void close_resume(xs_runctx *c, bool complete)
{
    if (c->resume.fd < 0)
        return;
    if (complete) {
        xs_resume_finish(&c->resume);
    } else {
        uint64_t pos[XS_MAX_PASSES];
        bool exact = c->wait_completed && !c->scan->error[0];
        if (exact)
            current_positions(c->scan, pos);
        else
            xs_ckpt_safe(&c->ckpt, xs_now_ns(), (uint64_t)(c->o->wait_s * 1e9), pos);
        save_checkpoint(c, pos);
        fprintf(stderr, "xsweep: to continue: xsweep --resume %s\n", c->resume.path);
    }
    xs_resume_close(&c->resume);
}

/* --db: opened (and the sweep's row written) before privileges are dropped, so the database and
 * its WAL files exist and are ours. */
static int open_store(xs_runctx *c, char *err, size_t errlen)
{
    const xs_options *o = c->o;
    if (!o->db)
        return 0;
    if (!(c->store = xs_store_open(o->db, err, errlen)))
        return -1;
    if (o->resuming && o->db_sweep) {
        c->sweep = xs_store_resume_sweep(c->store, o->db_sweep);
    } else {
        char *text = NULL;
        size_t len = 0;
        FILE *f = open_memstream(&text, &len);
        if (f) {
            xs_options eff = *o;
            eff.seed = c->scan->seed;
            eff.seed_given = true;
            xs_options_echo(f, &eff);
            fclose(f);
        }
        c->sweep = xs_store_begin_sweep(c->store, text ? text : "", xs_realtime_ns());
        free(text);
    }
    if (c->sweep < 0) {
        snprintf(err, errlen, "%s: %s", o->db, xs_store_error(c->store));
        return -1;
    }
    xs_output_attach_store(c->out, c->store, c->sweep);
    return 0;
}

/* Completed sweeps get their end time and counts (and --keep prunes); a stopped one stays open
 * for --resume to continue. */
static void close_store(xs_runctx *c, bool complete)
{
    if (!c->store)
        return;
    char err[256] = "";
    if (complete && c->out) {
        uint64_t other = xs_output_count(c->out, XS_STATUS_EXCLUDED) +
                         xs_output_count(c->out, XS_STATUS_UNSUPPORTED) +
                         xs_output_count(c->out, XS_STATUS_FAILED);
        if (xs_store_end_sweep(c->store, c->sweep, xs_realtime_ns(), xs_output_count(c->out, XS_STATUS_OPEN),
                               xs_output_count(c->out, XS_STATUS_CLOSED), other) < 0 ||
            (c->o->keep && xs_store_prune(c->store, c->o->keep) < 0))
            fprintf(stderr, "xsweep: %s: %s\n", c->o->db, xs_store_error(c->store));
    }
    if (xs_store_close(c->store, err, sizeof err) < 0)
        fprintf(stderr, "xsweep: %s: %s\n", c->o->db, err);
    c->store = NULL;
}

int xs_run(const xs_options *o, xs_plan *plan)
{
    char err[512] = "";
    int rc = XS_EXIT_RUNTIME;
    xs_scan *s = calloc(1, sizeof *s);
    xs_runctx c = {.o = o, .plan = plan, .scan = s, .resume = {.fd = -1}};
    if (!s || xs_seen_init(&c.seen) < 0) {
        fprintf(stderr, "xsweep: out of memory\n");
        free(s);
        return XS_EXIT_RUNTIME;
    }
    if (load_stage_data(&c, err, sizeof err) < 0) {
        rc = XS_EXIT_USAGE;
        goto out;
    }
    if (setup_scan(s, o, plan, err, sizeof err) < 0) {
        rc = strstr(err, "invalid") ? XS_EXIT_USAGE : XS_EXIT_RUNTIME;
        goto out;
    }
    if (o->dry_run) {
        rc = run_dry(s, o, err, sizeof err);
        goto out;
    }
    if (prepare_resume(&c, err, sizeof err) < 0) {
        rc = o->resuming ? XS_EXIT_USAGE : XS_EXIT_RUNTIME;
        goto out;
    }
    if (!(c.out = xs_output_open(o->output_file, o->format, o->resuming, err, sizeof err)))
        goto out;
    xs_output_xml_begin(c.out, o->args_text ? o->args_text : "xsweep", xs_realtime_ns(), &plan->ports);
    if (open_store(&c, err, sizeof err) < 0)
        goto out;
    if (xs_receiver_open(s) < 0) {
        snprintf(err, sizeof err, "%s", s->error);
        goto out;
    }
    if (!(s->sender = xs_sender_open(s->net.ifname, s->sender_kind, s->batch, err, sizeof err)))
        goto out;
    if (!o->no_drop && xs_drop_privileges(o->user, err, sizeof err) < 0)
        goto out;
    xs_signals_install();
    if (start_stage(&c, err, sizeof err) < 0)
        goto out;
    uint64_t start = xs_now_ns();
    pthread_t rx, tx;
    if (pthread_create(&rx, NULL, rx_thread, s) != 0) {
        snprintf(err, sizeof err, "cannot start the receiver thread");
        goto out;
    }
    if (pthread_create(&tx, NULL, tx_thread, s) != 0) {
        atomic_store(&s->stop_rx, true);
        pthread_join(rx, NULL);
        snprintf(err, sizeof err, "cannot start the transmitter thread");
        goto out;
    }
    if (o->all_statuses)
        write_skipped(&c);
    bool progress = o->progress == 1 || (o->progress < 0 && isatty(STDERR_FILENO));
    output_loop(&c, progress);
    atomic_store(&s->stop_tx, true);
    atomic_store(&s->stop_rx, true);
    pthread_join(tx, NULL);
    /* The receiver may be waiting for ring space: keep draining until it has returned. */
    while (pthread_tryjoin_np(rx, NULL) != 0)
        if (drain(&c) + drain_stage(&c) == 0)
            sleep_ms(1);
    drain(&c);
    finish_stage(&c);
    bool interrupted = xs_signals_count() > 0;
    if (o->all_statuses)
        write_unanswered(&c, !interrupted && !s->error[0]);
    summary(&c, start);
    close_resume(&c, !interrupted && !s->error[0]);
    xs_output_flush(c.out);
    close_store(&c, !interrupted && !s->error[0]);
    if (s->error[0])
        snprintf(err, sizeof err, "%s", s->error);
    else if (interrupted)
        rc = 128 + xs_signals_last();
    else
        rc = XS_EXIT_OK;
out:
    close_store(&c, false);
    if (c.out && xs_output_close(c.out) < 0 && rc == XS_EXIT_OK) {
        snprintf(err, sizeof err, "writing the results failed");
        rc = XS_EXIT_RUNTIME;
    }
    if (err[0])
        fprintf(stderr, "xsweep: %s\n", err);
    if (s->rx_handle)
        xs_receiver_close(s);
    xs_sender_close(s->sender);
    xs_resume_close(&c.resume);
    xs_ckpt_free(&c.ckpt);
    teardown_scan(s);
    xs_http_stage_free(c.stage);
    xs_fp_db_free(c.fingerprints);
    xs_findings_free(c.findings);
    xs_hostcfg_free(c.hostcfg);
    xs_policy_free(c.policy);
    xs_portlist_free(&c.http_ports);
    xs_seen_free(&c.seen);
    free(s);
    return rc;
}
