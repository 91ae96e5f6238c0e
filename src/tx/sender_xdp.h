/* The AF_XDP backend of xs_sender (sender.c): internal to src/tx. */
#ifndef XSWEEP_SENDER_XDP_H
#define XSWEEP_SENDER_XDP_H
#include <stddef.h>
#include <stdint.h>

typedef struct xs_xdp_tx xs_xdp_tx;

/* A transmit-only AF_XDP socket on queue 0 of ifname (copy mode), sharing one UMEM with the
 * process's other AF_XDP senders. NULL with err set. */
xs_xdp_tx *xs_xdp_open(const char *ifname, unsigned batch, char *err, size_t errlen);
uint8_t *xs_xdp_next(xs_xdp_tx *t); /* NULL: flush first */
void xs_xdp_commit(xs_xdp_tx *t, size_t len);
/* Submits and kicks; adds to *sent / *failed. Frames accepted, or -1 on a hard error. */
int xs_xdp_flush(xs_xdp_tx *t, uint64_t *sent, uint64_t *failed);
void xs_xdp_close(xs_xdp_tx *t);

#endif
