/* Safe checkpoint positions: see include/xsweep/checkpoint.h for the reasoning. */
#include <stdlib.h>
#include <string.h>
#include "xsweep/checkpoint.h"

int xs_ckpt_init(xs_ckpt_tracker *c, unsigned passes, const uint64_t *start)
{
    memset(c, 0, sizeof *c);
    c->passes = passes ? passes : 1;
    c->start = calloc(c->passes, sizeof *c->start);
    c->sample_t = calloc(XS_CKPT_SAMPLES, sizeof *c->sample_t);
    c->sample_pos = calloc((size_t)XS_CKPT_SAMPLES * c->passes, sizeof *c->sample_pos);
    if (!c->start || !c->sample_t || !c->sample_pos) {
        xs_ckpt_free(c);
        return -1;
    }
    memcpy(c->start, start, passes * sizeof *start);
    return 0;
}

void xs_ckpt_free(xs_ckpt_tracker *c)
{
    free(c->start);
    free(c->sample_t);
    free(c->sample_pos);
    free(c->job_t);
    free(c->job_done);
    memset(c, 0, sizeof *c);
}

void xs_ckpt_sample(xs_ckpt_tracker *c, uint64_t now_ns, const uint64_t *pos)
{
    size_t slot = (c->head + c->n) % XS_CKPT_SAMPLES;
    if (c->n == XS_CKPT_SAMPLES) {
        /* The oldest sample leaves the window; it becomes the new "always safe" floor only if
         * it is older than anything still unsafe, which xs_ckpt_safe cannot know: keep start. */
        c->head = (c->head + 1) % XS_CKPT_SAMPLES;
        c->n--;
    }
    c->sample_t[slot] = now_ns;
    memcpy(c->sample_pos + slot * c->passes, pos, c->passes * sizeof *pos);
    c->n++;
}

uint64_t xs_ckpt_job_pushed(xs_ckpt_tracker *c, uint64_t now_ns)
{
    if (c->job_head + c->job_n == c->job_cap) {
        if (c->job_head > 0) {
            memmove(c->job_t, c->job_t + c->job_head, c->job_n * sizeof *c->job_t);
            memmove(c->job_done, c->job_done + c->job_head, c->job_n);
            c->job_head = 0;
        } else {
            size_t cap = c->job_cap ? c->job_cap * 2 : 1024;
            uint64_t *t = realloc(c->job_t, cap * sizeof *t);
            if (t)
                c->job_t = t;
            uint8_t *d = t ? realloc(c->job_done, cap) : NULL;
            if (d)
                c->job_done = d;
            if (!t || !d)
                return c->job_base + c->job_n; /* untracked: checkpoints stay at older samples */
            c->job_cap = cap;
        }
    }
    size_t i = c->job_head + c->job_n++;
    c->job_t[i] = now_ns;
    c->job_done[i] = 0;
    return c->job_base + c->job_n - 1;
}

void xs_ckpt_job_done(xs_ckpt_tracker *c, uint64_t seq)
{
    if (seq < c->job_base || seq - c->job_base >= c->job_n)
        return;
    c->job_done[c->job_head + (seq - c->job_base)] = 1;
    while (c->job_n > 0 && c->job_done[c->job_head]) {
        c->job_head++;
        c->job_n--;
        c->job_base++;
    }
    if (c->job_n == 0)
        c->job_head = 0;
}

void xs_ckpt_safe(const xs_ckpt_tracker *c, uint64_t now_ns, uint64_t wait_ns, uint64_t *out)
{
    uint64_t bound = now_ns;
    if (c->job_n > 0 && c->job_t[c->job_head] < bound)
        bound = c->job_t[c->job_head];
    memcpy(out, c->start, c->passes * sizeof *out);
    if (bound < wait_ns)
        return;
    bound -= wait_ns;
    for (size_t i = c->n; i-- > 0;) {
        size_t slot = (c->head + i) % XS_CKPT_SAMPLES;
        if (c->sample_t[slot] <= bound) {
            memcpy(out, c->sample_pos + slot * c->passes, c->passes * sizeof *out);
            return;
        }
    }
}
