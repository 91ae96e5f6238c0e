/* Shared by the three parts of a run: run.c (set-up, threads), output_loop.c (records),
 * persist.c (checkpoints and the sweep database). */
#ifndef XSWEEP_RUN_INTERNAL_H
#define XSWEEP_RUN_INTERNAL_H
#include <stdbool.h>
#include <stdint.h>
#include <time.h>
#include "xsweep/checkpoint.h"
#include "xsweep/clock.h"
#include "xsweep/findings.h"
#include "xsweep/fingerprint.h"
#include "xsweep/hostcfg.h"
#include "xsweep/checks.h"
#include "xsweep/hostkey.h"
#include "xsweep/output.h"
#include "xsweep/plan.h"
#include "xsweep/privsep.h"
#include "xsweep/progress.h"
#include "xsweep/resume.h"
#include "xsweep/scan.h"
#include "xsweep/severity.h"
#include "xsweep/stage.h"
#include "xsweep/store.h"

#define XS_PATH_MAX 4096

typedef struct {
    const xs_options *o;
    xs_plan *plan;
    xs_scan *scan;
    xs_output *out;
    xs_seen seen;
    uint64_t found;
    xs_policy *policy;
    xs_fp_db *fingerprints;
    xs_findings_db *findings;
    xs_hostcfg_db *hostcfg;
    xs_check_db *checks;     /* --checks, or NULL */
    xs_hostcfg_db *services; /* services rules (non-HTTP host configuration) */
    xs_stage_proxy *stage;   /* the sandboxed HTTP stage process; NULL with --no-http */
    xs_portlist http_ports;  /* --http-ports; empty = the supported HTTP/S ports */
    xs_resume resume;        /* fd -1 when there is no resume file (dry run, stdout) */
    xs_ckpt_tracker ckpt;
    uint64_t last_sample_ns, last_ckpt_ns;
    bool wait_completed;       /* the --wait after the last probe ran its full length */
    uint64_t interrupted_jobs; /* HTTP fetches / probes cut off by a stop: --resume redoes them */
    xs_host_key key;           /* fingerprints and the resume file's MAC */
    int reaper_fd;             /* resume_reaper.c: pipe to the root process that removes the
                                    resume file of a completed scan; -1 when there is none */
    int reaper_pid;
    xs_store *store; /* --db */
    int64_t sweep;
    char abs_output_file[XS_PATH_MAX], abs_output_all[XS_PATH_MAX],
        abs_db[XS_PATH_MAX]; /* as the resume file stores them */
    uint64_t closed;         /* RSTs (one per endpoint), reported or not */
    bool show_progress;
    xs_progress progress;
} xs_runctx;

static inline void xs_sleep_ms(unsigned ms)
{
    struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

/* output_loop.c */
size_t xs_run_drain(xs_runctx *c);
size_t xs_run_drain_stage(xs_runctx *c);
void xs_run_write_skipped(xs_runctx *c);
void xs_run_write_unanswered(xs_runctx *c, bool complete);
void xs_run_output_loop(xs_runctx *c, bool progress);
void xs_run_finish_stage(xs_runctx *c);
void xs_run_summary(const xs_runctx *c, uint64_t start_ns);
/* resume_reaper.c */
int xs_run_start_reaper(xs_runctx *c);
bool xs_run_stop_reaper(xs_runctx *c, bool complete);
/* persist.c */
void xs_run_checkpoint_tick(xs_runctx *c, uint64_t now);
int xs_run_prepare_resume(xs_runctx *c, char *err, size_t errlen);
int xs_run_open_output(xs_runctx *c, char *err, size_t errlen);
void xs_run_close_resume(xs_runctx *c, bool complete);
int xs_run_open_store(xs_runctx *c, char *err, size_t errlen);
void xs_run_close_store(xs_runctx *c, bool complete);

#endif
