/* Which positions a checkpoint may safely record while the scan is still running. */
#ifndef XSWEEP_CHECKPOINT_H
#define XSWEEP_CHECKPOINT_H
#include <stddef.h>
#include <stdint.h>

#define XS_CKPT_SAMPLES 1024 /* one every 100 ms: about 100 s of history */

/* A position is safe once every reply to it has had --wait to arrive and every HTTP job it led to
 * has been written. So the tracker keeps (time, positions) samples, and the push times of HTTP
 * jobs still in flight; a checkpoint takes the newest sample older than both bounds.
 * A sample holds every transmitter thread's position in every pass (thread-major). */
typedef struct {
    unsigned passes;      /* values per sample: threads x passes */
    uint64_t *start;      /* where this run began: always safe */
    uint64_t *sample_t;   /* ring of XS_CKPT_SAMPLES times ... */
    uint64_t *sample_pos; /* ... and their positions, `passes` values each */
    size_t head, n;
    /* HTTP jobs in flight, by sequence number: push time and done flag */
    uint64_t *job_t;
    uint8_t *job_done;
    size_t job_head, job_n, job_cap;
    uint64_t job_base; /* sequence number of job_t[job_head] */
} xs_ckpt_tracker;

/* passes: values per sample (threads x passes); start holds as many. 0, or -1 (no memory). */
int xs_ckpt_init(xs_ckpt_tracker *c, unsigned passes, const uint64_t *start);
void xs_ckpt_free(xs_ckpt_tracker *c);
void xs_ckpt_sample(xs_ckpt_tracker *c, uint64_t now_ns, const uint64_t *pos);
/* Returns the new job's sequence number. */
uint64_t xs_ckpt_job_pushed(xs_ckpt_tracker *c, uint64_t now_ns);
void xs_ckpt_job_done(xs_ckpt_tracker *c, uint64_t seq);
/* Safe positions at now_ns given the reply wait; written to out[passes]. */
void xs_ckpt_safe(const xs_ckpt_tracker *c, uint64_t now_ns, uint64_t wait_ns, uint64_t *out);

#endif
