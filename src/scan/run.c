/* One scan end to end: set-up, privilege drop, the receiver, transmitter and HTTP stage threads,
 * and the order of shutdown. This thread then runs the output loop (output_loop.c); checkpoints
 * and the history database are persist.c's. Signals only ever shorten the wait: results are
 * always flushed. */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>
#include "xsweep/datafile.h"
#include "xsweep/errkind.h"
#include "xsweep/hostkey.h"
#include "xsweep/privileges.h"
#include "xsweep/run.h"
#include "xsweep/safe_open.h"
#include "xsweep/signals.h"
#include "run_internal.h"

#define RESULTS_RING_CAP (1u << 18) /* 130 ms of replies at 2 M/s: the output drains every ms */
#define KEYSET_MAX       (1u << 22)
#define DEFAULT_SPORT    61000
#define DEFAULT_SPORT_N  1024

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
    if (s && !strcmp(s, "xdp"))
        return XS_SENDER_XDP;
    return XS_SENDER_AUTO;
}

/* Returns 0, or -(xs_errkind): what the operator gave is wrong (usage) or the machine failed. */
static int setup_scan(xs_scan *s, const xs_options *o, xs_plan *plan, char *err, size_t errlen)
{
    pthread_mutex_init(&s->rl_lock, NULL);
    s->space = &plan->space;
    s->shard = (xs_shard){0, 1};
    if (o->shard && xs_shard_parse(&s->shard, o->shard, err, errlen) < 0)
        return -XS_ERR_USAGE;
    uint64_t seed = o->seed_given ? o->seed : random_seed();
    s->seed = seed;
    s->retries = o->retries;
    s->tx_threads = o->tx_threads ? o->tx_threads : xs_default_tx_threads();
    if (xs_scan_set_resume(s, o->resume_pos, o->nresume_pos, err, errlen) < 0)
        return -XS_ERR_USAGE;
    xs_perm_init(&s->perm, plan->space.size, seed);
    s->positions = xs_shard_positions(&s->shard, plan->space.size);
    /* The cookie key is always fresh: --seed (and a resume file) fix the probe order, but a seed
     * anyone can read must not let them forge valid replies. */
    xs_cookie_key_init(&s->key, 0, 0);
    xs_addr first4, first6;
    bool any4 = xs_plan_first_addr(plan, false, &first4),
         any6 = xs_plan_first_addr(plan, true, &first6);
    int kind = xs_netsetup(o, any4 ? &first4 : NULL, any6 ? &first6 : NULL, &s->net, err, errlen);
    if (kind < 0)
        return kind;
    s->sport_first = DEFAULT_SPORT;
    s->sport_count = DEFAULT_SPORT_N;
    if (o->source_port &&
        xs_parse_port_range(o->source_port, &s->sport_first, &s->sport_count, err, errlen) < 0)
        return -XS_ERR_USAGE;
    s->rate = o->rate;
    s->retries = o->retries;
    s->retry_gap_ns = (uint64_t)(o->retry_delay_s * 1e9);
    s->batch = o->batch;
    s->sender_kind = sender_kind(o->sender);
    s->dry_run = o->dry_run;
    /* Only retries read the answered set: without them it costs nothing (stays flat in targets). */
    uint64_t k4 = 0, k6 = 0;
    if (s->retries)
        xs_plan_probe_counts(plan, &k4, &k6);
    if (xs_keyset_init(&s->answered, k4 < KEYSET_MAX ? k4 : KEYSET_MAX,
                       k6 < KEYSET_MAX ? k6 : KEYSET_MAX) < 0 ||
        xs_ring_init(&s->results, RESULTS_RING_CAP, sizeof(xs_result)) < 0) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    return 0;
}

static void teardown_scan(xs_scan *s)
{
    xs_keyset_free(&s->answered);
    xs_ring_free(&s->results);
    pthread_mutex_destroy(&s->rl_lock);
}

/* --resume FILE --dry-run lists what is left on standard output: the stopped scan's output
 * file holds its results and is never replaced by the list. */
static int run_dry(xs_scan *s, const xs_options *o, char *err, size_t errlen)
{
    FILE *f = stdout;
    const char *name = "standard output";
    if (!o->resuming && o->output_file && strcmp(o->output_file, "-")) {
        name = o->output_file;
        if (!(f = xs_open_output_file(o->output_file, false))) {
            snprintf(err, errlen, "cannot write %s: %s", o->output_file, strerror(errno));
            return XS_EXIT_RUNTIME;
        }
    }
    s->dry_run_out = f;
    xs_signals_install();
    for (unsigned t = 0; t < s->tx_threads; t++) /* each thread's share in turn: reproducible */
        xs_transmitter_main(s);
    int rc = fflush(f) == 0 && !ferror(f) ? XS_EXIT_OK : XS_EXIT_RUNTIME;
    if (f != stdout && fclose(f) != 0)
        rc = XS_EXIT_RUNTIME;
    if (rc != XS_EXIT_OK && !s->error[0])
        snprintf(err, errlen, "writing the dry-run list to %s failed: %s", name,
                 strerror(errno ? errno : EIO));
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
    if (!o->no_config_checks &&
        !(c->services = xs_hostcfg_load_services(o->service_rules, err, errlen)))
        return -1;
    if (o->checks && !(c->checks = xs_check_db_load(o->checks, NULL, err, errlen)))
        return -1;
    return 0;
}

/* A user who cannot keep a key file (no --key-file, no writable home) gets a key for this run
 * only: its fingerprints compare within the sweep, and its resume file cannot be continued. */
static int load_host_key(xs_runctx *c, char *err, size_t errlen)
{
    if (xs_host_key_load(&c->key, c->o->key_file, err, errlen) < 0) {
        if (c->o->key_file || geteuid() == 0 ||
            getrandom(c->key.k, sizeof c->key.k, 0) != (ssize_t)sizeof c->key.k)
            return -1;
        fprintf(stderr, "xsweep: warning: %s: using a key for this run only (give --key-file)\n",
                err);
        err[0] = '\0';
    }
    c->resume.key = c->key;
    xs_findings_set_key(c->findings, &c->key);
    return 0;
}

static int start_stage(xs_runctx *c, char *err, size_t errlen)
{
    const xs_options *o = c->o;
    if (o->no_http)
        return 0;
    xs_http_stage_config cfg = {.fingerprints = c->fingerprints,
                                .findings = c->findings,
                                .hostcfg = c->hostcfg,
                                .services = c->services,
                                .screenshot_dir = o->screenshots,
                                .screenshot_timeout_ms =
                                    (unsigned)(o->screenshot_timeout_s * 1000.0),
                                .min_gap_ns = (uint64_t)(o->retry_delay_s * 1e9)};
    cfg.checks = (xs_checks_config){.db = c->checks,
                                    .max_requests = o->checks_max_requests,
                                    .timeout_ms = (unsigned)(o->http_timeout_s * 1000),
                                    .canary_url = o->checks_canary};
    xs_http_config_defaults(&cfg.http);
    xs_probe_config_defaults(&cfg.probe);
    cfg.probe.connect_timeout_ms = (unsigned)(o->connect_timeout_s * 1000);
    cfg.http.concurrency = o->http_concurrency;
    cfg.http.max_body = o->max_body;
    cfg.http.connect_timeout_ms = (unsigned)(o->connect_timeout_s * 1000);
    cfg.http.total_timeout_ms = (unsigned)(o->http_timeout_s * 1000);
    if (cfg.http.tls_timeout_ms > cfg.http.total_timeout_ms)
        cfg.http.tls_timeout_ms = cfg.http.total_timeout_ms;
    /* The stage parses what the network sends: it runs in its own sandboxed process. */
    xs_stage_proxy_config pcfg = {.stage = cfg, .user = o->user, .sandbox = true};
    c->stage = xs_stage_proxy_start(&pcfg, err, errlen);
    return c->stage ? 0 : -1;
}

int xs_run(const xs_options *o, xs_plan *plan)
{
    char err[512] = "";
    int rc = XS_EXIT_RUNTIME;
    xs_scan *s = calloc(1, sizeof *s);
    xs_runctx c = {.o = o, .plan = plan, .scan = s, .resume = {.fd = -1}, .reaper_fd = -1};
    bool started = false, out_created = false;
    if (!s || xs_seen_init(&c.seen) < 0) {
        fprintf(stderr, "xsweep: out of memory\n");
        free(s);
        return XS_EXIT_RUNTIME;
    }
    if (load_stage_data(&c, err, sizeof err) < 0) {
        rc = XS_EXIT_USAGE;
        goto out;
    }
    int kind = setup_scan(s, o, plan, err, sizeof err);
    if (kind < 0) {
        rc = xs_exit_status(xs_errkind_of(kind));
        goto out;
    }
    if (o->dry_run) {
        rc = run_dry(s, o, err, sizeof err);
        goto out;
    }
    if (xs_run_prepare_resume(&c, err, sizeof err) < 0) {
        rc = o->resuming ? XS_EXIT_USAGE : XS_EXIT_RUNTIME;
        goto out;
    }
    bool to_file = o->output_file && strcmp(o->output_file, "-");
    out_created = to_file && access(o->output_file, F_OK) != 0 && errno == ENOENT;
    if (xs_run_open_output(&c, err, sizeof err) < 0)
        goto out;
    if (xs_run_open_store(&c, err, sizeof err) < 0) {
        rc = XS_EXIT_USAGE; /* a bad --db file is bad input, like a bad exclude file */
        goto out;
    }
    if (xs_receiver_open(s) < 0) {
        snprintf(err, sizeof err, "%s", s->error);
        goto out;
    }
    for (unsigned t = 0; t < s->tx_threads; t++)
        if (!(s->senders[t] =
                  xs_sender_open(s->net.ifname, s->sender_kind, s->batch, err, sizeof err)))
            goto out;
    if (o->screenshots && !o->no_http &&
        xs_shot_dir_prepare(o->screenshots, o->user, !o->no_drop, err, sizeof err) < 0)
        goto out;
    /* The host key: after the sockets (their error comes first), before the stage gets it. */
    if (load_host_key(&c, err, sizeof err) < 0)
        goto out;
    /* Forked while still root (it chroots and takes its own uid) and before any thread. */
    if (start_stage(&c, err, sizeof err) < 0)
        goto out;
    if (!o->no_drop && xs_run_start_reaper(&c) == 0 &&
        xs_drop_privileges(o->user, err, sizeof err) < 0)
        goto out;
    xs_signals_install();
    uint64_t start = xs_now_ns();
    started = true;
    pthread_t rx, tx[XS_MAX_TX_THREADS];
    if (pthread_create(&rx, NULL, rx_thread, s) != 0) {
        snprintf(err, sizeof err, "cannot start the receiver thread");
        goto out;
    }
    for (unsigned t = 0; t < s->tx_threads; t++) {
        if (pthread_create(&tx[t], NULL, tx_thread, s) != 0) {
            atomic_store(&s->stop_tx, true);
            atomic_store(&s->stop_rx, true);
            for (unsigned u = 0; u < t; u++)
                pthread_join(tx[u], NULL);
            pthread_join(rx, NULL);
            snprintf(err, sizeof err, "cannot start the transmitter threads");
            goto out;
        }
    }
    if (o->all_statuses)
        xs_run_write_skipped(&c);
    bool progress = o->progress == 1 || (o->progress < 0 && isatty(STDERR_FILENO));
    xs_run_output_loop(&c, progress);
    atomic_store(&s->stop_tx, true);
    atomic_store(&s->stop_rx, true);
    for (unsigned t = 0; t < s->tx_threads; t++)
        pthread_join(tx[t], NULL);
    /* The receiver may be waiting for ring space: keep draining until it has returned. */
    while (pthread_tryjoin_np(rx, NULL) != 0)
        if (xs_run_drain(&c) + xs_run_drain_stage(&c) == 0)
            xs_sleep_ms(1);
    xs_run_drain(&c);
    xs_run_finish_stage(&c);
    bool interrupted = xs_signals_count() > 0;
    if (o->all_statuses)
        xs_run_write_unanswered(&c, !interrupted && !s->error[0]);
    xs_run_summary(&c, start);
    /* Results that did not reach the disk (-o /dev/full) are not a completed scan. */
    if (xs_output_failed(c.out) && !s->error[0])
        snprintf(s->error, sizeof s->error, "writing the results failed: %s",
                 strerror(errno ? errno : EIO));
    /* Nor are endpoints whose fetch the stage process never finished (it died): --resume does them. */
    if (c.interrupted_jobs && !interrupted && !s->error[0])
        snprintf(s->error, sizeof s->error,
                 "%llu endpoints were written without their HTTP fields "
                 "(marked interrupted)",
                 (unsigned long long)c.interrupted_jobs);
    xs_run_close_resume(&c, !interrupted && !s->error[0]);
    xs_run_close_store(&c, !interrupted && !s->error[0]);
    if (s->error[0])
        snprintf(err, sizeof err, "%s", s->error);
    else if (interrupted)
        rc = 128 + xs_signals_last();
    else
        rc = XS_EXIT_OK;
out:
    xs_run_close_store(&c, false);
    if (c.out && xs_output_close(c.out) < 0 && rc == XS_EXIT_OK) {
        snprintf(err, sizeof err, "writing the results failed");
        rc = XS_EXIT_RUNTIME;
    }
    if (err[0])
        fprintf(stderr, "xsweep: %s\n", err);
    if (!started && rc != XS_EXIT_OK) { /* failed before a probe: leave no empty files behind */
        if (c.resume.fd >= 0 && c.resume.created)
            unlink(c.resume.path);
        if (out_created)
            unlink(o->output_file);
    }
    xs_run_stop_reaper(&c, false);
    if (s->rx_handle)
        xs_receiver_close(s);
    for (unsigned t = 0; t < XS_MAX_TX_THREADS; t++)
        xs_sender_close(s->senders[t]);
    xs_resume_close(&c.resume);
    xs_ckpt_free(&c.ckpt);
    teardown_scan(s);
    xs_stage_proxy_free(c.stage);
    xs_fp_db_free(c.fingerprints);
    xs_findings_free(c.findings);
    xs_hostcfg_free(c.hostcfg);
    xs_check_db_free(c.checks);
    xs_hostcfg_free(c.services);
    xs_policy_free(c.policy);
    xs_portlist_free(&c.http_ports);
    xs_seen_free(&c.seen);
    free(s);
    return rc;
}
