/* The stage thread. It owns the HTTP engine, the protocol probe engine and a fingerprint matcher. Jobs come from the
 * output thread over one SPSC ring, and enriched endpoints go back over another, so neither the scan
 * nor the output ever waits on a slow web server. The thread runs one event loop (src/loop/): the
 * HTTP engine, the probe engine, the screenshot pool and the checks pool all register their fds
 * and timers with it, and a push of the output thread wakes it. The stage's own throttle is the not_before time:
 * no GET starts within min_gap of the SYN probe of the same IP:port. */
#include <ctype.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>
#include "xsweep/clock.h"
#include "xsweep/event_loop.h"
#include "xsweep/record.h"
#include "xsweep/ring.h"
#include "xsweep/throttle.h"
#include "xsweep/signals.h"
#include "xsweep/stage.h"
#include "xsweep/record.h"
#include "xsweep/throttle.h"

#define JOB_RING_CAP  (1u << 16)
#define DONE_RING_CAP (1u << 16)
#define IDLE_MS       100 /* the loop's longest wait: pushes, close and abort wake it at once */

/* Jobs the stage thread has taken and not yet handed back: kept so an abort can return them. */
typedef struct outstanding {
    xs_enriched *e;
    bool shot_doc; /* its HTTP request in flight is the screenshot's document GET */
    struct outstanding *prev, *next;
} outstanding;

struct xs_http_stage {
    xs_http_stage_config cfg;
    xs_ring jobs; /* xs_http_job, main -> stage */
    xs_ring done; /* xs_enriched *, stage -> main */
    pthread_t thread;
    xs_loop *loop;             /* the stage thread's one loop; woken by the output thread */
    _Atomic bool input_closed; /* main will push nothing more */
    _Atomic bool abort;
    /* The owner's wake-up (xs_http_stage_fd): an eventfd written, at most once until the owner
     * reads it, when a result is ready or the job ring has room for a waiting backlog. */
    int notify_fd;
    _Atomic bool notify_pending;
    _Atomic bool want_room; /* main has a backlog: say when the stage takes jobs */
    /* main thread only */
    xs_http_job *backlog;
    size_t backlog_head, backlog_n, backlog_cap;
    bool closing;
    size_t in_flight; /* pushed and not yet popped */
    /* stage thread only */
    outstanding *live;
    xs_throttle *clock; /* THE per-endpoint clock: SYN, GETs, fallbacks, probes, shots */
};

static void nap_us(long us)
{
    struct timespec ts = {0, us * 1000L};
    nanosleep(&ts, NULL);
}

/* ---------------------------------------------------------------- stage thread */

static void notify_owner(xs_http_stage *s)
{
    if (atomic_exchange(&s->notify_pending, true))
        return; /* a write is there and not yet read */
    uint64_t one = 1;
    ssize_t w = write(s->notify_fd, &one, sizeof one);
    (void)w; /* EAGAIN: the counter is full, so it is readable anyway */
}

static void deliver(xs_http_stage *s, xs_enriched *e)
{
    while (!xs_ring_push(&s->done, &e))
        nap_us(200); /* the output thread drains continuously: this is a short wait */
    notify_owner(s);
}

static void forget(xs_http_stage *s, outstanding *o)
{
    if (o->prev)
        o->prev->next = o->next;
    else
        s->live = o->next;
    if (o->next)
        o->next->prev = o->prev;
    free(o);
}

typedef struct {
    xs_http_stage *s;
    xs_enrich_ctx enrich;
    xs_shot_pool *shots; /* NULL without --screenshots */
    xs_http_engine *engine;
    xs_probe_engine *probes;
    xs_throttle *clock;     /* the stage's per-endpoint clock (s->clock) */
    xs_checks_pool *checks; /* NULL without --checks; its connections ask the stage's clock */
    bool stopping;          /* the stage is shutting down: no new screenshot documents */
} done_ctx;

static void finish_endpoint(done_ctx *c, outstanding *o);

static bool hand_to_http(done_ctx *c, outstanding *o, xs_tls_mode tls)
{
    xs_enriched *e = o->e;
    xs_http_request req = {
        .addr = e->r.addr,
        .port = e->r.port,
        .host = e->ep ? e->ep->host : NULL,
        .path = e->ep ? e->ep->path : NULL,
        .tls = tls,
        .not_before_ns = 0,
        .user = o, /* the engine asks the clock */
    };
    if (xs_http_engine_submit(c->engine, &req) != 0)
        return false;
    if (e->probe) { /* the record says which probes were held, the HTTP stage's included */
        size_t tl = strlen(e->probe->tried);
        snprintf(e->probe->tried + tl, sizeof e->probe->tried - tl, "%s%s", tl ? "," : "",
                 tls == XS_TLS_ON ? "tls" : "http");
        e->probe->attempts++;
    }
    return true;
}

/* The HTTP stage got bytes that are not HTTP: name them; over plain TCP the protocol's own probe
 * follows (a second later), inside TLS what the bytes said is what we record. */
static bool identify_http_bytes(done_ctx *c, outstanding *o)
{
    xs_enriched *e = o->e;
    const xs_http_result *h = e->http;
    if (h->status_code > 0 || (!h->body_preview_len && !h->tls.used))
        return false;
    /* A probe that named a real protocol stays; one that only said "tls"/"http" is completed. */
    bool had = e->probe != NULL;
    if (had && e->probe->info.protocol[0] && strcmp(e->probe->info.protocol, "tls") != 0 &&
        strcmp(e->probe->info.protocol, "http") != 0)
        return false;
    xs_probe_result *pr = had ? e->probe : calloc(1, sizeof *pr);
    if (!pr)
        return false;
    if (!had) {
        pr->addr = e->r.addr;
        pr->port = e->r.port;
    }
    pr->kind = h->tls.used ? XS_PROBE_TLS : XS_PROBE_HTTP_STAGE;
    if (!had) { /* a hand-off already wrote the HTTP stage into tried */
        pr->attempts = h->attempts;
        snprintf(pr->tried, sizeof pr->tried, "%s", h->tls.used ? "tls" : "http");
    }
    pr->error = XS_PROBE_ERR_NONE;
    pr->error_text[0] = '\0';
    memset(&pr->info, 0, sizeof pr->info);
    if (h->body_preview_len)
        xs_probe_identify((const unsigned char *)h->body_preview, h->body_preview_len, true,
                          &pr->info);
    if (h->tls.used) {
        snprintf(pr->info.inner, sizeof pr->info.inner, "tls");
        pr->info.tls = XS_PROBE_TLS_YES;
        if (!pr->info.protocol[0])
            snprintf(pr->info.protocol, sizeof pr->info.protocol, "tls");
    }
    if (!pr->info.protocol[0]) {
        if (had) {
            free(e->probe);
            e->probe = NULL;
        } else {
            free(pr);
        }
        return false;
    }
    xs_probe_kind k = xs_probe_kind_by_name(pr->info.protocol, strlen(pr->info.protocol));
    if (!h->tls.used && k != XS_PROBE_KIND_COUNT && k != XS_PROBE_HTTP_STAGE && k != XS_PROBE_TLS &&
        k != XS_PROBE_BANNER) {
        e->probe = pr; /* replaced by the protocol's own probe when it is done */
        return xs_probe_engine_submit_kind(c->probes, &e->r.addr, e->r.port, k, 0, o) == 0;
    }
    e->probe = pr;
    return false;
}

/* The seed: a screenshot for every successful GET (2XX, or a 3XX the browser follows). */
static bool wants_shot(const done_ctx *c, const xs_enriched *e)
{
    return c->shots && e->http && e->http->status_code >= 200 && e->http->status_code < 400;
}

/* The seed's "one additional GET" for the screenshot: xsweep makes it, through the engine and so
 * through the endpoint's clock (a second apart from the first GET), with the flavour (TLS or
 * plain) that answered. Chromium then renders that document with all network refused. */
static bool request_shot_document(done_ctx *c, outstanding *o)
{
    const xs_http_result *h = o->e->http;
    xs_http_request req = {.addr = h->addr,
                           .port = h->port,
                           .host = h->host,
                           .path = h->path,
                           .tls = h->tls.used ? XS_TLS_ON : XS_TLS_OFF,
                           .user = o};
    o->shot_doc = true;
    if (xs_http_engine_submit(c->engine, &req) == 0)
        return true;
    o->shot_doc = false;
    return false;
}

static const char *header_value(const xs_http_result *r, const char *name)
{
    for (size_t i = 0; i < r->n_headers; i++)
        if (strcasecmp(r->headers[i].name, name) == 0)
            return r->headers[i].value;
    return NULL;
}

static void shot_failed(done_ctx *c, outstanding *o, const char *why)
{
    xs_enriched *e = o->e;
    e->shot = calloc(1, sizeof *e->shot);
    if (e->shot) {
        size_t n = strlen(why) < sizeof e->shot->error ? strlen(why) : sizeof e->shot->error - 1;
        memcpy(e->shot->error, why, n); /* cut to the field */
        e->shot->error[n] = '\0';
    }
    finish_endpoint(c, o);
}

/* IP_PORT.png for "/", IP_PORT_<path as [A-Za-z0-9-]>_<FNV-1a of the path>.png for other paths, so
 * several paths of one endpoint never share a file and a name never holds a '/' or "..". An IPv6
 * address is written with '-' for ':' (2001-2--5_8443.png, as ipv6-literal.net names do): a ':'
 * would read as host:path to scp and rsync, and is not allowed in Windows file names. */
static void shot_name(char *out, size_t cap, const xs_addr *addr, unsigned port, const char *path)
{
    char ip[XS_ADDR_STRLEN];
    xs_addr_format(addr, ip);
    for (char *p = ip; *p; p++)
        if (*p == ':')
            *p = '-';
    if (!path || strcmp(path, "/") == 0) {
        snprintf(out, cap, "%s_%u.png", ip, port);
        return;
    }
    uint32_t h = 2166136261u;
    char slug[33];
    size_t n = 0;
    for (const char *p = path; *p; p++) {
        h = (h ^ (unsigned char)*p) * 16777619u;
        if (n < sizeof slug - 1 && p != path)
            slug[n++] = isalnum((unsigned char)*p) || *p == '-' ? *p : '_';
    }
    slug[n] = '\0';
    snprintf(out, cap, "%s_%u_%s_%08x.png", ip, port, slug, h);
}

/* The document came back: hand it to chromium (never the endpoint's address). */
static void shot_document_done(done_ctx *c, outstanding *o, xs_http_result *doc)
{
    o->shot_doc = false;
    const xs_http_result *h = o->e->http;
    if (doc->status_code <= 0 || !doc->body) {
        char why[160];
        snprintf(why, sizeof why, "document request: %s",
                 doc->error_text[0] ? doc->error_text : "no body");
        xs_http_result_free(doc);
        shot_failed(c, o, why);
        return;
    }
    char ip[XS_ADDR_STRLEN + 2], url[600], png[120];
    xs_addr_format_host(&h->addr, ip); /* https://[2001:2::5]:8443/ */
    snprintf(url, sizeof url, "%s://%s:%u%s", h->tls.used ? "https" : "http", ip, h->port,
             h->path ? h->path : "/");
    shot_name(png, sizeof png, &h->addr, h->port, h->path);
    int rc = xs_shot_pool_submit_document(c->shots, url, doc->body, doc->body_len,
                                          header_value(doc, "Content-Type"), png, o);
    xs_http_result_free(doc); /* the unredacted copy goes at once */
    if (rc != 0)
        shot_failed(c, o, "screenshot could not start");
}

/* The record's own findings hold a secret: its screenshot is never kept, whatever the rendered
 * text shows (canvas, CSS content:, iframe srcdoc draw text that no DOM dump sees). */
static bool findings_hold_secrets(const xs_enriched *e)
{
    bool found = e->findings.overflow;
    for (size_t i = 0; i < e->findings.n; i++)
        found |= e->findings.v[i].redact;
    return found;
}

static void finish_endpoint(done_ctx *c, outstanding *o);

/* --checks: every endpoint that answered HTTP, and (TLS audit only) every other service that
 * spoke TLS (FTPS, IMAPS ...); the GET's contact is on the clock first. */
static bool submit_checks(done_ctx *c, outstanding *o)
{
    const xs_http_result *h = o->e->http;
    bool tls_service = h->status_code <= 0 && h->tls.used;
    if (!c->checks || (h->status_code <= 0 && !tls_service) ||
        (tls_service && !xs_check_db_wants_tls(c->s->cfg.checks.db)))
        return false;
    xs_throttle_note(c->s->clock, xs_endpoint_key(&h->addr, h->port), xs_now_ns());
    xs_check_target t = {.addr = h->addr,
                         .port = h->port,
                         .tls = h->tls.used,
                         .tls_only = tls_service,
                         .host = h->host,
                         .page = (const char *)h->body,
                         .page_len = h->body_len,
                         .page_path = h->path};
    return xs_checks_pool_submit(c->checks, &t, o) == 0;
}

/* --checks with the TLS audit: a plain-text service that can upgrade (SMTP STARTTLS, IMAP, POP3,
 * FTP AUTH TLS, PostgreSQL SSLRequest, MySQL, LDAP StartTLS, XMPP <starttls/>) is audited through that upgrade, unless its probe already
 * learned that it offers no TLS. */
static bool submit_starttls(done_ctx *c, outstanding *o)
{
    const xs_probe_result *p = o->e->probe;
    if (!c->checks || !p || !xs_check_db_wants_tls(c->s->cfg.checks.db) || p->info.inner[0])
        return false;
    xs_starttls kind = xs_starttls_for_protocol(p->info.protocol);
    if (kind == XS_STARTTLS_NONE || p->info.tls == XS_PROBE_TLS_NO ||
        p->info.facts[XS_PROBE_FACT_SMTP_STARTTLS] < 0)
        return false;
    xs_throttle_note(c->s->clock, xs_endpoint_key(&p->addr, p->port), xs_now_ns());
    xs_check_target t = {.addr = p->addr, .port = p->port, .tls_only = true, .starttls = kind};
    return xs_checks_pool_submit(c->checks, &t, o) == 0;
}

static void after_checks(done_ctx *c, outstanding *o)
{
    xs_enriched *e = o->e;
    if (wants_shot(c, e) && findings_hold_secrets(e)) {
        e->shot = calloc(1, sizeof *e->shot); /* no PNG is ever written for it */
        if (e->shot)
            e->shot->removed = true;
    } else if (!c->stopping && wants_shot(c, e) && request_shot_document(c, o)) {
        return; /* delivered when the screenshot is done */
    }
    finish_endpoint(c, o);
}

static void on_checks_done(xs_check_report *rep, void *user, void *arg)
{
    outstanding *o = user;
    o->e->checks = rep;
    after_checks(arg, o);
}

static void on_done(xs_http_result *res, void *arg)
{
    done_ctx *c = arg;
    outstanding *o = res->user;
    xs_enriched *e = o->e;
    if (o->shot_doc) {
        shot_document_done(c, o, res);
        return;
    }
    e->http = res;
    xs_enrich(e, &c->enrich);
    if (identify_http_bytes(c, o))
        return; /* delivered when the protocol's probe is done */
    if (submit_checks(c, o))
        return; /* screenshot and delivery follow the checks */
    after_checks(c, o);
}

static void finish_endpoint(done_ctx *c, outstanding *o)
{
    xs_enriched *e = o->e;
    xs_enrich_services(e, &c->enrich);
    forget(c->s, o);
    deliver(c->s, e);
}

/* The page text decides whether the PNG may stay: any secret or sensitive value, and it goes. */
static bool text_has_secrets(const done_ctx *c, const char *text, size_t len)
{
    if (!c->enrich.findings || len == 0)
        return false;
    xs_http_result page = {0};
    page.body = (unsigned char *)text;
    page.body_len = len;
    xs_finding_list f = {0};
    xs_findings_scan(c->enrich.findings, &page, &f);
    bool found = false;
    for (size_t i = 0; i < f.n; i++)
        found |= f.v[i].redact;
    found |= f.overflow;
    xs_finding_list_free(&f);
    return found;
}

static void on_shot_done(const xs_shot_result *r, void *arg)
{
    done_ctx *c = arg;
    outstanding *o = r->user;
    xs_enriched *e = o->e;
    xs_shot_info *shot = calloc(1, sizeof *shot);
    if (shot) {
        if (r->error || !r->png_path) {
            snprintf(shot->error, sizeof shot->error, "%s", r->error ? r->error : "no screenshot");
        } else if (text_has_secrets(c, r->text, r->text_len)) {
            unlink(r->png_path);
            shot->removed = true;
        } else {
            snprintf(shot->path, sizeof shot->path, "%s", r->png_path);
            shot->width = r->width;
            shot->height = r->height;
        }
        shot->text_chars = r->text_len;
    }
    e->shot = shot;
    finish_endpoint(c, o);
}

static void on_probe_done(const xs_probe_result *res, void *arg)
{
    done_ctx *c = arg;
    outstanding *o = res->user;
    xs_enriched *e = o->e;
    char before[64] = "";
    unsigned before_n = 0;
    if (e->probe) { /* the HTTP stage spoke first (SSH on 8080): keep its place in tried */
        snprintf(before, sizeof before, "%s", e->probe->tried);
        before_n = e->probe->attempts;
    }
    free(e->probe);
    e->probe = malloc(sizeof *e->probe);
    if (e->probe) {
        *e->probe = *res; /* res lives only during the call */
        if (before[0]) {
            char both[sizeof e->probe->tried];
            snprintf(both, sizeof both, "%.31s,%.31s", before, res->tried);
            memcpy(e->probe->tried, both, sizeof both);
            e->probe->attempts += before_n;
        }
        xs_enrich_probe(e, &c->enrich);
    }
    /* An HTTP (or TLS) answer on any port goes through the HTTP stage, once. */
    if (res->handoff != XS_PROBE_AUTO && !e->http) {
        xs_tls_mode tls = res->handoff == XS_PROBE_TLS ? XS_TLS_ON
                          : res->info.protocol[0]      ? XS_TLS_OFF
                                                       : XS_TLS_AUTO;
        if (hand_to_http(c, o, tls))
            return;
    }
    if (submit_starttls(c, o))
        return; /* delivered when the TLS audit is done */
    finish_endpoint(c, o);
}

static uint64_t not_before(const xs_http_stage *s, const xs_result *r)
{
    uint64_t real = xs_realtime_ns(), mono = xs_now_ns();
    uint64_t age = real > r->ts_ns ? real - r->ts_ns : 0;
    /* The SYN probe was a contact: the clock learns it (monotonic time of the probe). */
    if (s->clock && r->ts_ns && age < s->cfg.min_gap_ns && mono > age)
        xs_throttle_note(s->clock, xs_endpoint_key(&r->addr, r->port), mono - age);
    return age >= s->cfg.min_gap_ns ? 0 : mono + (s->cfg.min_gap_ns - age);
}

static void take_jobs(xs_http_stage *s, xs_http_engine *engine, xs_probe_engine *probes)
{
    xs_http_job job;
    bool took = false;
    while (xs_ring_pop(&s->jobs, &job)) {
        took = true;
        xs_enriched *e = calloc(1, sizeof *e);
        outstanding *o = calloc(1, sizeof *o);
        if (!e || !o) {
            free(o);
            if (e) {
                e->r = job.r;
                e->seq = job.seq;
                deliver(s, e);
            }
            continue;
        }
        e->r = job.r;
        e->ep = job.ep;
        e->seq = job.seq;
        e->probe_job = job.probe;
        o->e = e;
        xs_http_request req = {
            .addr = job.r.addr,
            .port = job.r.port,
            .host = job.ep ? job.ep->host : NULL,
            .path = job.ep ? job.ep->path : NULL,
            .tls = XS_TLS_AUTO,
            .not_before_ns = not_before(s, &job.r),
            .user = o,
        };
        /* The service table's first probe: TLS-first non-HTTP rows (implicit FTPS) go to the
         * HTTP engine over TLS, whose bytes are then identified. The probe engine asks the clock
         * itself when it connects (and before each fallback). */
        if (job.probe && xs_probe_kind_for_port(job.r.port) == XS_PROBE_TLS) {
            job.probe = false;
            req.tls = XS_TLS_ON;
        }
        int rc = job.probe
                     ? xs_probe_engine_submit(probes, &job.r.addr, job.r.port, req.not_before_ns, o)
                     : xs_http_engine_submit(engine, &req);
        if (rc < 0) {
            free(o);
            deliver(s, e); /* reported as open, without HTTP fields */
            continue;
        }
        o->next = s->live;
        if (s->live)
            s->live->prev = o;
        s->live = o;
    }
    if (took && atomic_exchange(&s->want_room, false))
        notify_owner(s); /* the ring has room: the owner's backlog can move */
}

static void *stage_main(void *arg)
{
    xs_http_stage *s = arg;
    xs_signals_block_here();
    s->clock = xs_throttle_new(s->cfg.min_gap_ns ? s->cfg.min_gap_ns : 1000000000ULL);
    s->cfg.http.clock = s->clock;
    s->cfg.probe.clock = s->clock; /* one clock: the probe engine asks it before every connect */
    xs_fp_matcher *m = s->cfg.fingerprints ? xs_fp_matcher_new(s->cfg.fingerprints) : NULL;
    done_ctx ctx = {s,    {m, s->cfg.findings, s->cfg.hostcfg, s->cfg.services},
                    NULL, NULL,
                    NULL, s->clock,
                    NULL, false};
    xs_http_engine *engine =
        s->clock ? xs_http_engine_new_on(s->loop, &s->cfg.http, on_done, &ctx) : NULL;
    xs_probe_engine *probes =
        s->clock ? xs_probe_engine_new_on(s->loop, &s->cfg.probe, on_probe_done, &ctx) : NULL;
    ctx.engine = engine;
    ctx.probes = probes;
    if (s->cfg.checks.db && s->clock) {
        xs_checks_config ck = s->cfg.checks;
        char err[256];
        ck.clock = s->clock; /* the one per-endpoint clock, shared with the HTTP engine */
        if (!(ctx.checks = xs_checks_pool_new(&ck, s->loop, on_checks_done, &ctx, err, sizeof err)))
            fprintf(stderr, "xsweep: warning: no active checks: %s\n", err);
    }
    if (s->cfg.screenshot_dir) {
        /* Chromium keeps its own sandbox unless we run as root (it refuses to, then). */
        xs_shot_config shot_cfg = {.dir = s->cfg.screenshot_dir,
                                   .timeout_ms = s->cfg.screenshot_timeout_ms,
                                   .sandbox = geteuid() != 0};
        char err[256];
        if (!(ctx.shots =
                  xs_shot_pool_new_on(s->loop, &shot_cfg, on_shot_done, &ctx, err, sizeof err)))
            fprintf(stderr, "xsweep: warning: no screenshots: %s\n", err);
    }
    while (engine && probes && !atomic_load(&s->abort)) {
        take_jobs(s, engine, probes);
        size_t busy = xs_http_engine_pending(engine) + xs_probe_engine_pending(probes) +
                      (ctx.shots ? xs_shot_pool_pending(ctx.shots) : 0) +
                      xs_checks_pool_pending(ctx.checks);
        if (busy == 0 && atomic_load(&s->input_closed) && xs_ring_count(&s->jobs) == 0)
            break;
        /* One loop for all four: it sleeps until a socket, a child, a timer or a push wakes it. */
        if (xs_loop_run_once(s->loop, IDLE_MS) < 0)
            nap_us(1000); /* epoll failed (EBADF/ENOMEM): do not spin */
    }
    /* Checks stop first: their endpoints come back with partial reports, before the hand-back. */
    ctx.stopping = true;
    xs_checks_pool_free(ctx.checks, on_checks_done, &ctx);
    /* Aborted (or no engine): hand back what never finished, so no open port goes unreported;
     * each is marked interrupted, for the output and for --resume. */
    while (s->live) {
        xs_enriched *e = s->live->e;
        forget(s, s->live);
        e->interrupted = !e->http && !e->probe;
        deliver(s, e);
    }
    xs_http_job job;
    while (xs_ring_pop(&s->jobs, &job)) {
        xs_enriched *e = calloc(1, sizeof *e);
        if (e) {
            e->r = job.r;
            e->ep = job.ep;
            e->seq = job.seq;
            e->interrupted = true;
            e->probe_job = job.probe;
            deliver(s, e);
        }
    }
    xs_shot_pool_free(ctx.shots); /* before the hand-back: its pending shots' endpoints follow */
    xs_http_engine_free(engine);
    xs_probe_engine_free(probes);
    xs_fp_matcher_free(m);
    xs_throttle_free(s->clock);
    s->clock = NULL;
    return NULL;
}

/* ---------------------------------------------------------------- output thread side */

xs_http_stage *xs_http_stage_start(const xs_http_stage_config *cfg, char *err, size_t errlen)
{
    xs_http_stage *s = calloc(1, sizeof *s);
    if (!s || xs_ring_init(&s->jobs, JOB_RING_CAP, sizeof(xs_http_job)) < 0 ||
        xs_ring_init(&s->done, DONE_RING_CAP, sizeof(xs_enriched *)) < 0) {
        snprintf(err, errlen, "out of memory");
        if (s) {
            xs_ring_free(&s->jobs);
            free(s);
        }
        return NULL;
    }
    s->cfg = *cfg;
    s->loop = xs_loop_new(); /* made here: the output thread may wake it before the thread runs */
    s->notify_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    if (!s->loop || s->notify_fd < 0 || pthread_create(&s->thread, NULL, stage_main, s) != 0) {
        snprintf(err, errlen, "cannot start the HTTP stage thread");
        if (s->notify_fd >= 0)
            close(s->notify_fd);
        xs_loop_free(s->loop);
        xs_ring_free(&s->jobs);
        xs_ring_free(&s->done);
        free(s);
        return NULL;
    }
    return s;
}

static void flush_backlog(xs_http_stage *s)
{
    bool moved = false;
    while (s->backlog_n > 0 && xs_ring_push(&s->jobs, &s->backlog[s->backlog_head])) {
        s->backlog_head++;
        s->backlog_n--;
        moved = true;
    }
    if (moved)
        xs_loop_wakeup(s->loop);
    if (s->backlog_n == 0)
        s->backlog_head = 0;
    else
        atomic_store(&s->want_room, true);
    if (s->closing && s->backlog_n == 0 && !atomic_load(&s->input_closed)) {
        atomic_store(&s->input_closed, true);
        xs_loop_wakeup(s->loop);
    }
}

static bool backlog_append(xs_http_stage *s, const xs_http_job *job)
{
    if (s->backlog_head + s->backlog_n == s->backlog_cap) {
        if (s->backlog_head > 0) {
            memmove(s->backlog, s->backlog + s->backlog_head, s->backlog_n * sizeof *s->backlog);
            s->backlog_head = 0;
        } else {
            size_t cap = s->backlog_cap ? s->backlog_cap * 2 : 4096;
            xs_http_job *nb = realloc(s->backlog, cap * sizeof *nb);
            if (!nb)
                return false;
            s->backlog = nb;
            s->backlog_cap = cap;
        }
    }
    s->backlog[s->backlog_head + s->backlog_n++] = *job;
    return true;
}

void xs_http_stage_push(xs_http_stage *s, const xs_http_job *job)
{
    s->in_flight++;
    flush_backlog(s);
    if (s->backlog_n == 0 && xs_ring_push(&s->jobs, job)) {
        xs_loop_wakeup(s->loop);
        return;
    }
    if (backlog_append(s, job)) {
        atomic_store(&s->want_room, true);
        return;
    }
    while (!xs_ring_push(&s->jobs, job)) { /* out of memory: wait for the stage, lose nothing */
        nap_us(1000);
        flush_backlog(s);
    }
    xs_loop_wakeup(s->loop);
}

xs_enriched *xs_http_stage_pop(xs_http_stage *s)
{
    flush_backlog(s);
    xs_enriched *e;
    if (!xs_ring_pop(&s->done, &e))
        return NULL;
    s->in_flight--;
    return e;
}

void xs_http_stage_close_input(xs_http_stage *s)
{
    s->closing = true;
    flush_backlog(s);
}

void xs_http_stage_abort(xs_http_stage *s)
{
    xs_http_stage_close_input(s);
    atomic_store(&s->abort, true);
    xs_loop_wakeup(s->loop);
}

bool xs_http_stage_finished(xs_http_stage *s)
{
    flush_backlog(s);
    return atomic_load(&s->input_closed) && s->in_flight == 0;
}

int xs_http_stage_fd(const xs_http_stage *s)
{
    return s->notify_fd;
}

void xs_http_stage_notified(xs_http_stage *s)
{
    uint64_t n;
    ssize_t r = read(s->notify_fd, &n, sizeof n);
    (void)r;                                 /* EAGAIN: nothing was written */
    atomic_store(&s->notify_pending, false); /* before the owner pops: a later push writes again */
}
