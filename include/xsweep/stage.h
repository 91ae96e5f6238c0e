/* The HTTP/fingerprint stage: open HTTP ports stream in while the SYN scan runs; each comes back
 * enriched with the GET response, TLS certificate, auth method and technologies. */
#ifndef XSWEEP_STAGE_H
#define XSWEEP_STAGE_H
#include <stdbool.h>
#include <stddef.h>
#include "xsweep/auth.h"
#include "xsweep/checks.h"
#include "xsweep/findings.h"
#include "xsweep/fingerprint.h"
#include "xsweep/hostcfg.h"
#include "xsweep/http.h"
#include "xsweep/probe.h"
#include "xsweep/screenshot.h"
#include "xsweep/record.h"
#include "xsweep/targets.h"

/* main -> stage, by value over a ring */
typedef struct {
    xs_result r;
    const xs_endpoint *ep; /* endpoint-list entry (path, host, bucket), or NULL */
    uint64_t seq;          /* the output thread's job number (resume bookkeeping) */
    bool probe;            /* a protocol probe (non-HTTP port) rather than an HTTP GET */
} xs_http_job;

/* stage -> main, by pointer over a ring; main writes the record and frees it */
typedef struct {
    xs_result r;
    const xs_endpoint *ep;
    uint64_t seq;
    xs_http_result *http;      /* NULL when the stage was aborted before this endpoint */
    xs_probe_result *probe;    /* protocol probe of a non-HTTP port, or NULL */
    struct xs_shot_info *shot; /* --screenshots: the validation screenshot, or NULL */
    xs_auth_info auth;
    xs_fp_result tech;
    xs_finding_list findings; /* secrets and sensitive data: location and fingerprint only */
    xs_hostcfg_list config;   /* host configuration issues */
    xs_check_report *checks;  /* --checks: active check findings, or NULL */
    bool interrupted;         /* the stage was aborted before this endpoint's fetch ended:
                                      written as "http":{"error":"interrupted"} (or "probe"),
                                      and --resume fetches it again */
    bool probe_job;           /* the job was a protocol probe, not an HTTP GET */
    char *stage_json;         /* privilege separation: the fields above as the stage
                                      process rendered them ("{...}", checked by the parent);
                                      when set, the output writes this and nothing else */
    size_t stage_json_len;
    char *stage_strings; /* the tech names xs_privsep_fill_fields copied back */
} xs_enriched;

/* What the record says of its screenshot. */
typedef struct xs_shot_info {
    char path[512]; /* "" when removed or failed */
    unsigned width, height;
    size_t text_chars; /* bytes of visible text extracted from the page */
    bool removed;      /* secrets were found in the page text: the PNG was deleted */
    char error[96];    /* why there is no screenshot, "" otherwise */
} xs_shot_info;

void xs_enriched_free(xs_enriched *e);

typedef struct {
    xs_http_config http;
    xs_probe_config probe;
    const xs_fp_db *fingerprints;   /* NULL: no fingerprinting */
    const xs_findings_db *findings; /* NULL: no data and secret scanning */
    const xs_hostcfg_db *hostcfg;   /* NULL: no host configuration checks */
    const xs_hostcfg_db *services;  /* services rules over the probe's facts; NULL: none */
    uint64_t min_gap_ns;            /* the throttle: after the SYN probe, wait this long */
    const char *screenshot_dir;     /* --screenshots DIR, or NULL */
    unsigned screenshot_timeout_ms; /* --screenshot-timeout; 0 = the pool's default */
    xs_checks_config checks;        /* --checks: checks.db NULL = none; the stage sets .clock */
} xs_http_stage_config;

typedef struct xs_http_stage xs_http_stage;

xs_http_stage *xs_http_stage_start(const xs_http_stage_config *cfg, char *err, size_t errlen);
/* Never loses a job: what the ring cannot take waits in a local queue until the next call. */
void xs_http_stage_push(xs_http_stage *s, const xs_http_job *job);
/* Finished endpoints, or NULL when none is ready. */
xs_enriched *xs_http_stage_pop(xs_http_stage *s);
/* No more jobs will come: the stage finishes what it has (within its timeouts) and stops. */
void xs_http_stage_close_input(xs_http_stage *s);
/* Stop now: jobs not finished come back with http == NULL. */
void xs_http_stage_abort(xs_http_stage *s);
/* True when the input is closed, every job came back and pop returned them all. */
bool xs_http_stage_finished(xs_http_stage *s);
/* Readable (poll, epoll) when pop may have something or a backlogged push can move on: the
 * owner blocks on it instead of polling. Call xs_http_stage_notified() when it was readable,
 * before popping. The stage lives as long as its process (the stage child _exits). */
int xs_http_stage_fd(const xs_http_stage *s);
void xs_http_stage_notified(xs_http_stage *s);

/* What the stage thread learns from one response: auth, technologies, findings, configuration
 * issues; then every secret is redacted, before anything is written. */
typedef struct {
    xs_fp_matcher *matcher;
    const xs_findings_db *findings;
    const xs_hostcfg_db *hostcfg;
    const xs_hostcfg_db *services;
} xs_enrich_ctx;

void xs_enrich(xs_enriched *e, const xs_enrich_ctx *ctx);
/* A protocol probe's banner, product, version and detail: secrets found are reported and
 * overwritten with '*' before the record is written. */
void xs_enrich_probe(xs_enriched *e, const xs_enrich_ctx *ctx);
/* The services rules over what the endpoint's probe (and TLS handshake) learned; call once, when
 * the endpoint is complete. */
void xs_enrich_services(xs_enriched *e, const xs_enrich_ctx *ctx);

#endif
