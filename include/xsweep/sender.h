/* Batched raw frame transmission: AF_PACKET (PACKET_TX_RING or sendmmsg) or AF_XDP (copy mode). */
#ifndef XSWEEP_SENDER_H
#define XSWEEP_SENDER_H
#include <stddef.h>
#include <stdint.h>

typedef struct xs_sender xs_sender;

typedef enum {
    XS_SENDER_AUTO = 0,
    XS_SENDER_TX_RING,
    XS_SENDER_SENDMMSG,
    XS_SENDER_XDP
} xs_sender_kind;

/* Opens a raw socket bound to ifname with PACKET_QDISC_BYPASS where the kernel has it.
 * XDP = AF_XDP in copy mode on queue 0 (the process's AF_XDP senders share one UMEM, at most 16);
 * AUTO = XDP where it opens, else sendmmsg (measured the cheaper AF_PACKET backend per frame on
 * veth); TX_RING = PACKET_TX_RING.
 * batch: frames per flush (e.g. 256, at most 4096). Returns NULL with err set. */
xs_sender *xs_sender_open(const char *ifname, xs_sender_kind kind, unsigned batch, char *err,
                          size_t errlen);
/* Buffer for the next frame (at least 128 bytes), or NULL when the batch is full: flush first. */
uint8_t *xs_sender_next(xs_sender *s);
/* The frame returned by the last xs_sender_next is len bytes long and ready. */
void xs_sender_commit(xs_sender *s, size_t len);
/* Hands every committed frame to the kernel. Returns frames accepted, or -1 on a hard error
 * (frames not accepted stay counted in xs_sender_failed). Retries EAGAIN/ENOBUFS briefly. */
int xs_sender_flush(xs_sender *s);
uint64_t xs_sender_sent(const xs_sender *s);
uint64_t xs_sender_failed(const xs_sender *s);
void xs_sender_close(xs_sender *s);

#endif
