/* The output stage of a run: drains the results ring and the HTTP stage, de-duplicates, grades
 * and writes one record per endpoint, and shows progress. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "xsweep/grade.h"
#include "xsweep/progress.h"
#include "xsweep/signals.h"
#include "run_internal.h"

static const xs_endpoint *endpoint_of(const xs_runctx *c, const xs_addr *addr, uint16_t port)
{
    return c->plan->endpoint_mode ? xs_endpointlist_find(&c->plan->endpoints, addr, port) : NULL;
}

/* Every record leaves with its severity; e carries the HTTP stage's findings, if any. */
static void write_record(xs_runctx *c, const xs_result *r, const xs_enriched *e)
{
    const xs_endpoint *ep = e ? e->ep : endpoint_of(c, &r->addr, r->port);
    xs_report rep = {0};
    rep.r = *r;
    rep.protocol = xs_supported_protocol(r->port);
    xs_severity sev = xs_grade(c->policy, r, e, c->o->resource_bucket || (ep && ep->bucket),
                               &rep.severity_reason);
    rep.severity = xs_severity_name(sev);
    if (e) {
        rep.extra_json = xs_stage_fields_json;
        rep.extra = e;
        if (e->probe && e->probe->info.protocol[0]) {
            rep.service = e->probe->info.protocol;
            rep.product = e->probe->info.product[0] ? e->probe->info.product : NULL;
            rep.version = e->probe->info.version[0] ? e->probe->info.version : NULL;
        } else if (e->http && e->http->status_code > 0) {
            rep.service = e->http->tls.used ? "https" : "http";
        }
    }
    xs_output_write(c->out, &rep);
}

static void write_result(xs_runctx *c, const xs_result *r)
{
    write_record(c, r, NULL);
}

/* The seed's HTTP/S ports, and the other supported ports that speak HTTP(S) (Grafana, UPnP,
 * WinRM, the kubelet, Istio), unless --http-ports names the set. */
static bool wants_http(const xs_runctx *c, uint16_t port)
{
    if (c->http_ports.n)
        return xs_portlist_contains(&c->http_ports, port);
    return xs_port_is_http(port) || xs_probe_kind_for_port(port) == XS_PROBE_HTTP_STAGE;
}

/* One record per endpoint: the first validated reply wins. */
static void consume(xs_runctx *c, const xs_result *r)
{
    if (!xs_seen_add(&c->seen, xs_endpoint_key(&r->addr, r->port)))
        return;
    if (r->status == XS_STATUS_OPEN) {
        c->found++;
        bool http = wants_http(c, r->port);
        if (c->stage && (http || !c->o->no_probes)) {
            xs_http_job job = {*r, endpoint_of(c, &r->addr, r->port),
                               xs_ckpt_job_pushed(&c->ckpt, xs_now_ns()), !http};
            xs_stage_proxy_push(c->stage, &job);
            /* the same endpoint listed with other paths: one GET (the stage's clock spaces them
             * a second apart) and one record each */
            for (const xs_endpoint *more = http && job.ep ? job.ep->more : NULL; more;
                 more = more->more) {
                xs_http_job extra = {*r, more, xs_ckpt_job_pushed(&c->ckpt, xs_now_ns()), false};
                xs_stage_proxy_push(c->stage, &extra);
            }
            return;
        }
    } else {
        if (r->status == XS_STATUS_CLOSED)
            c->closed++; /* the summary counts RSTs whether or not they are reported */
        if (!(c->o->show_closed || c->o->all_statuses))
            return;
    }
    write_result(c, r);
}

size_t xs_run_drain_stage(xs_runctx *c)
{
    size_t n = 0;
    xs_enriched *e;
    while (c->stage && (e = xs_stage_proxy_pop(c->stage))) {
        write_record(c, &e->r, e);
        if (e->interrupted)
            c->interrupted_jobs++; /* stays unfinished: checkpoints stay before it */
        else
            xs_ckpt_job_done(&c->ckpt, e->seq);
        xs_enriched_free(e);
        n++;
    }
    return n;
}

size_t xs_run_drain(xs_runctx *c)
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
void xs_run_write_skipped(xs_runctx *c)
{
    const xs_plan *p = c->plan;
    uint64_t now = xs_realtime_ns();
    for (size_t i = 0; i < p->skipped.n; i++) {
        xs_result r = {p->skipped.v[i].addr, p->skipped.v[i].port, p->skipped_status[i], 0, now};
        write_result(c, &r);
    }
}

/* --all-statuses: every probed endpoint that never answered is closed; one this shard never got
 * to send (interrupted, or the sender failed) is failed. */
void xs_run_write_unanswered(xs_runctx *c, bool complete)
{
    xs_scan *s = c->scan;
    uint64_t now = xs_realtime_ns();
    for (uint64_t pos = 0; pos < s->positions; pos++) {
        uint64_t index = xs_perm_at(&s->perm, s->shard.index + pos * s->shard.count);
        xs_addr addr;
        uint16_t port;
        xs_targetspace_get(s->space, index, &addr, &port);
        xs_epkey key = xs_endpoint_key(&addr, port);
        if (xs_seen_contains(&c->seen, key))
            continue;
        bool probed = complete || xs_scan_pass0_sent(s, pos);
        xs_result r = {addr, port, probed ? XS_STATUS_CLOSED : XS_STATUS_FAILED, 0, now};
        xs_seen_add(&c->seen, key);
        write_result(c, &r);
    }
}

void xs_run_summary(const xs_runctx *c, uint64_t start_ns)
{
    const xs_scan *s = c->scan;
    double secs = (double)(xs_now_ns() - start_ns) / 1e9;
    fprintf(stderr,
            "xsweep: %llu probes sent (%llu refused by the kernel), %llu replies, %llu open, "
            "%llu closed, %llu invalid replies ignored, %.1f s, %llu dropped by capture\n",
            (unsigned long long)atomic_load(&s->sent),
            (unsigned long long)atomic_load(&s->send_failed),
            (unsigned long long)atomic_load(&s->replies), (unsigned long long)c->found,
            (unsigned long long)c->closed, (unsigned long long)atomic_load(&s->rx_invalid), secs,
            (unsigned long long)atomic_load(&s->pcap_drops));
}

/* --stats-interval: one key=value line for logs. */
static void stats_line(xs_runctx *c, uint64_t now, uint64_t start)
{
    const xs_scan *s = c->scan;
    fprintf(stderr,
            "xsweep-stats elapsed=%.1f sent=%llu replies=%llu open=%llu closed=%llu "
            "send_failed=%llu rx_invalid=%llu http_queue=%zu done=%.4f\n",
            (double)(now - start) / 1e9, (unsigned long long)atomic_load(&s->sent),
            (unsigned long long)atomic_load(&s->replies), (unsigned long long)c->found,
            (unsigned long long)c->closed, (unsigned long long)atomic_load(&s->send_failed),
            (unsigned long long)atomic_load(&s->rx_invalid),
            c->stage ? xs_stage_proxy_in_flight(c->stage) : 0,
            s->positions ? (double)atomic_load(&s->position) / (double)s->positions : 1.0);
}

/* Where thread t's pass k of this run starts, in its own positions (a resumed run continues each
 * pass where it was). */
static uint64_t pass_first(const xs_scan *s, unsigned t, unsigned k)
{
    uint64_t own = xs_scan_thread_positions(s, t), start = s->pass_start[t][k];
    return start < own ? start : own;
}

/* Positions to walk over all threads and passes, and those walked: a position counts whether its
 * probe was sent or skipped (answered before its retry), so a fully answered scan ends at 100 %. */
static uint64_t positions_total(const xs_scan *s)
{
    uint64_t n = 0;
    for (unsigned t = 0; t < s->tx_threads; t++)
        for (unsigned k = 0; k <= s->retries && k < XS_MAX_PASSES; k++)
            n += xs_scan_thread_positions(s, t) - pass_first(s, t, k);
    return n;
}

static uint64_t positions_walked(const xs_scan *s)
{
    uint64_t n = 0;
    for (unsigned t = 0; t < s->tx_threads; t++)
        for (unsigned k = 0; k <= s->retries && k < XS_MAX_PASSES; k++) {
            uint64_t at = atomic_load_explicit(&s->thread_pos[t][k], memory_order_relaxed);
            uint64_t first = pass_first(s, t, k);
            n += at > first ? at - first : 0;
        }
    return n;
}

/* The output loop: runs until the receiver has been told to stop and the ring is empty. */
void xs_run_output_loop(xs_runctx *c, bool progress)
{
    xs_scan *s = c->scan;
    uint64_t deadline = 0, start = xs_now_ns(), last_stats = start;
    c->show_progress = progress;
    xs_progress_init(&c->progress, positions_total(s), xs_now_ns());
    for (;;) {
        size_t n = xs_run_drain(c) + xs_run_drain_stage(c);
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
        xs_run_checkpoint_tick(c, now);
        if (c->o->stats_interval_s > 0 &&
            now - last_stats >= (uint64_t)(c->o->stats_interval_s * 1e9)) {
            stats_line(c, now, start);
            last_stats = now;
        }
        if (progress && xs_progress_due(&c->progress, now))
            xs_progress_print(&c->progress, stderr, now, atomic_load(&s->sent), positions_walked(s),
                              c->found, c->stage ? xs_stage_proxy_in_flight(c->stage) : 0);
        if (n == 0)
            xs_sleep_ms(1);
    }
}

static void progress_finish(xs_runctx *c)
{
    if (!c->show_progress)
        return;
    const xs_scan *s = c->scan;
    bool complete = xs_signals_count() == 0 && !s->error[0];
    uint64_t total = c->progress.total;
    xs_progress_finish(&c->progress, stderr, xs_now_ns(), c->found, complete,
                       total ? (double)positions_walked(s) / (double)total : 1.0);
}

/* After the scan: the HTTP stage finishes its queue (bounded by its timeouts); a further stop
 * signal aborts it, and the endpoints it had not finished are still written, without HTTP fields.
 * The progress line shows the stage's queue and rate meanwhile. */
void xs_run_finish_stage(xs_runctx *c)
{
    if (!c->stage) {
        progress_finish(c);
        return;
    }
    int sigs_at_start = xs_signals_count();
    xs_stage_proxy_close_input(c->stage);
    while (!xs_stage_proxy_finished(c->stage)) {
        if (xs_signals_count() > sigs_at_start || sigs_at_start >= 2)
            xs_stage_proxy_abort(c->stage);
        uint64_t now = xs_now_ns();
        if (c->show_progress && xs_progress_due(&c->progress, now))
            xs_progress_print_stage(&c->progress, stderr, now, c->found,
                                    xs_stage_proxy_in_flight(c->stage),
                                    xs_output_count(c->out, XS_STATUS_OPEN));
        if (xs_run_drain_stage(c) == 0)
            xs_sleep_ms(2);
    }
    progress_finish(c);
}
