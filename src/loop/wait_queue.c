/* The engines' queue of requests not yet started: a doubly linked waiting list (so teardown finds
 * every armed timer) whose timers move items to a singly linked ready FIFO. */
#include "xsweep/wait_queue.h"

void xs_wait_queue_init(xs_wait_queue *q, xs_loop *loop)
{
    q->loop = loop;
    q->waiting = q->ready_head = q->ready_tail = NULL;
}

static void unlink_waiting(xs_wait_queue *q, xs_wait_item *it)
{
    if (it->prev)
        it->prev->next = it->next;
    else
        q->waiting = it->next;
    if (it->next)
        it->next->prev = it->prev;
}

static void on_due(xs_timer *t, void *arg)
{
    xs_wait_queue *q = arg;
    xs_wait_item *it = XS_CONTAINER_OF(t, xs_wait_item, timer);
    unlink_waiting(q, it);
    xs_wait_queue_ready(q, it);
}

void xs_wait_item_init(xs_wait_queue *q, xs_wait_item *it)
{
    xs_timer_init(&it->timer, on_due, q);
    it->prev = it->next = NULL;
}

int xs_wait_queue_defer(xs_wait_queue *q, xs_wait_item *it, uint64_t when)
{
    if (xs_loop_timer_set(q->loop, &it->timer, when) != 0)
        return -1;
    it->prev = NULL;
    it->next = q->waiting;
    if (q->waiting)
        q->waiting->prev = it;
    q->waiting = it;
    return 0;
}

void xs_wait_queue_ready(xs_wait_queue *q, xs_wait_item *it)
{
    it->next = NULL;
    if (q->ready_tail)
        q->ready_tail->next = it;
    else
        q->ready_head = it;
    q->ready_tail = it;
}

xs_wait_item *xs_wait_queue_pop(xs_wait_queue *q)
{
    xs_wait_item *it = q->ready_head;
    if (it) {
        q->ready_head = it->next;
        if (!q->ready_head)
            q->ready_tail = NULL;
    }
    return it;
}

xs_wait_item *xs_wait_queue_take_any(xs_wait_queue *q)
{
    xs_wait_item *it = q->waiting;
    if (!it)
        return xs_wait_queue_pop(q);
    unlink_waiting(q, it);
    xs_loop_timer_cancel(q->loop, &it->timer);
    return it;
}
