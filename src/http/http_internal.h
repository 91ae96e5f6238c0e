/* Declarations shared by the files of src/http only. */
#ifndef XSWEEP_HTTP_INTERNAL_H
#define XSWEEP_HTTP_INTERNAL_H
#include <stddef.h>
#include <stdint.h>

#include <openssl/err.h>
#include <openssl/x509.h>

#include "xsweep/http.h"

/* Fills ci from a parsed certificate (xs_cert_info_clear releases it). */
void xs_cert_summarize(X509 *cert, xs_cert_info *ci);

/* ---- min-heap of deadlines; each item remembers its slot so it can be removed or moved ---- */
typedef struct {
    uint64_t when;
    size_t   slot;        /* index in the heap, SIZE_MAX when not in it */
} xs_timer;

typedef struct {
    xs_timer **items;
    size_t     len, cap;
} xs_timer_heap;

void      xs_timer_heap_free(xs_timer_heap *h);
int       xs_timer_heap_push(xs_timer_heap *h, xs_timer *t);    /* 0 or -1 (ENOMEM) */
xs_timer *xs_timer_heap_peek(const xs_timer_heap *h);           /* NULL when empty */
void      xs_timer_heap_remove(xs_timer_heap *h, xs_timer *t);  /* no-op when not in it */
static inline int xs_timer_in_heap(const xs_timer *t) { return t->slot != SIZE_MAX; }

#endif
