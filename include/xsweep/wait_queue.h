/* The queue of requests an engine has accepted but not yet started, shared by the HTTP and
 * probe engines: a request not due yet waits on a timer of the loop (holding no slot), then
 * sits in a FIFO of due requests until a connection slot is free.
 *
 * Intrusive, like the loop's handles: an xs_wait_item lives inside its owner's request (find
 * the request again with XS_CONTAINER_OF), so queueing costs no allocation. One thread: the
 * loop's. */
#ifndef XSWEEP_WAIT_QUEUE_H
#define XSWEEP_WAIT_QUEUE_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "xsweep/event_loop.h"

#define XS_CONTAINER_OF(ptr, type, member) ((type *)((char *)(ptr)-offsetof(type, member)))

typedef struct xs_wait_item {
    xs_timer timer;                   /* when it is due, while waiting */
    struct xs_wait_item *prev, *next; /* the waiting list; next: the ready FIFO */
} xs_wait_item;

typedef struct {
    xs_loop *loop;
    xs_wait_item *waiting; /* not due yet: their timers are armed in loop */
    xs_wait_item *ready_head, *ready_tail;
} xs_wait_queue;

void xs_wait_queue_init(xs_wait_queue *q, xs_loop *loop);
/* Before an item is first queued. */
void xs_wait_item_init(xs_wait_queue *q, xs_wait_item *it);
/* it waits until `when` (CLOCK_MONOTONIC ns), then joins the ready FIFO. 0, or -1 (ENOMEM: it is
 * not queued). */
int xs_wait_queue_defer(xs_wait_queue *q, xs_wait_item *it, uint64_t when);
/* it is due now: the tail of the ready FIFO. */
void xs_wait_queue_ready(xs_wait_queue *q, xs_wait_item *it);
/* The head of the ready FIFO, taken off it; NULL when none is due. */
xs_wait_item *xs_wait_queue_pop(xs_wait_queue *q);
static inline bool xs_wait_queue_has_ready(const xs_wait_queue *q)
{
    return q->ready_head != NULL;
}
/* For the owner's teardown: takes any one item (waiting or ready, its timer cancelled), NULL
 * when the queue is empty. */
xs_wait_item *xs_wait_queue_take_any(xs_wait_queue *q);

#endif
