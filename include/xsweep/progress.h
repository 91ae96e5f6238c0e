/* Status line for operators watching a long sweep: SYN progress while probes go out (every pass,
 * retries included, counted by the positions walked, so a fully answered scan ends at 100 %),
 * then the HTTP/probe stage's queue and rate while it drains, and a last line at 100 %. */
#ifndef XSWEEP_PROGRESS_H
#define XSWEEP_PROGRESS_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

typedef struct {
    uint64_t total, start_ns, last_ns, last_sent, last_written;
} xs_progress;

/* total: positions to walk over all passes (what `done` reaches when the probes are all out). */
void xs_progress_init(xs_progress *p, uint64_t total, uint64_t now_ns);
bool xs_progress_due(const xs_progress *p, uint64_t now_ns);
/* The SYN stage: done = positions walked (sent, or skipped as already answered). */
void xs_progress_print(xs_progress *p, FILE *out, uint64_t now_ns, uint64_t sent, uint64_t done,
                       uint64_t found, size_t queued);
/* The probes are out; the HTTP/probe stage drains: its queue and records per second. */
void xs_progress_print_stage(xs_progress *p, FILE *out, uint64_t now_ns, uint64_t found,
                             size_t queued, uint64_t written);
/* The last line (100 % when complete) and its newline. */
void xs_progress_finish(xs_progress *p, FILE *out, uint64_t now_ns, uint64_t found, bool complete,
                        double done_frac);

#endif
