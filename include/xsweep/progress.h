/* Status line for operators watching a long sweep. */
#ifndef XSWEEP_PROGRESS_H
#define XSWEEP_PROGRESS_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

typedef struct {
    uint64_t total, start_ns, last_ns, last_sent;
} xs_progress;

void xs_progress_init(xs_progress *p, uint64_t total, uint64_t now_ns);
bool xs_progress_due(const xs_progress *p, uint64_t now_ns);
void xs_progress_print(xs_progress *p, FILE *out, uint64_t now_ns, uint64_t sent, uint64_t done,
                       uint64_t found, size_t queued);

#endif
