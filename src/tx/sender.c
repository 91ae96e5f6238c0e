/* Batched raw frame transmission. Three backends behind one API:
 *  - PACKET_TX_RING (TPACKET_V2): frames are written straight into a ring shared with the kernel,
 *    one send() per flush hands the whole batch over;
 *  - sendmmsg: frames in a user buffer, pre-built iovecs, one sendmmsg() per flush.
 * Both bypass the qdisc (PACKET_QDISC_BYPASS) where the kernel has it: a SYN scanner does its own
 * rate limiting and the qdisc lock is the first bottleneck otherwise.
 *  - AF_XDP in copy mode (sender_xdp.c). */
#include <errno.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <poll.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>
#include "xsweep/sender.h"
#include "sender_xdp.h"

#ifndef PACKET_QDISC_BYPASS
#define PACKET_QDISC_BYPASS 20
#endif

#define FRAME_BUF     128 /* bytes per frame slot (the API promises at least 128) */
#define RETRY_LIMIT   64  /* EAGAIN/ENOBUFS retries per flush before giving up */
#define RETRY_POLL_MS 1

struct xs_sender {
    int fd;
    xs_sender_kind kind; /* the backend in use (never AUTO) */
    unsigned batch;
    unsigned pending; /* frames committed since the last flush */
    uint64_t sent, failed;

    /* sendmmsg */
    uint8_t *bufs;
    struct mmsghdr *msgs;
    struct iovec *iovs;

    /* PACKET_TX_RING */
    uint8_t *ring;
    size_t ring_bytes;
    unsigned frame_size, frame_count;
    unsigned cur;         /* next slot to fill */
    unsigned flush_start; /* first slot committed since the last flush */
    uint8_t *cur_frame;   /* slot handed out by next(), waiting for commit() */

    xs_xdp_tx *xdp; /* AF_XDP */
};

static void set_err(char *err, size_t errlen, const char *what)
{
    snprintf(err, errlen, "%s: %s", what, strerror(errno));
}

static int open_socket(const char *ifname, char *err, size_t errlen)
{
    unsigned ifindex = if_nametoindex(ifname);
    if (ifindex == 0) {
        snprintf(err, errlen, "interface %s: %s", ifname, strerror(errno));
        return -1;
    }
    /* Protocol 0: this socket only sends, so the kernel never queues received frames to it. */
    int fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        set_err(err, errlen, "socket(AF_PACKET, SOCK_RAW)");
        return -1;
    }
    struct sockaddr_ll sll = {.sll_family = AF_PACKET, .sll_ifindex = (int)ifindex};
    if (bind(fd, (struct sockaddr *)&sll, sizeof sll) != 0) {
        snprintf(err, errlen, "bind to %s: %s", ifname, strerror(errno));
        close(fd);
        return -1;
    }
    int one = 1;
    (void)setsockopt(fd, SOL_PACKET, PACKET_QDISC_BYPASS, &one, sizeof one); /* best effort */
    int sndbuf = 4 << 20;
    (void)setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &sndbuf, sizeof sndbuf);
    /* A blocking send waits for buffer space; bound it so a stuck link cannot hang the scan. */
    struct timeval tmo = {.tv_sec = 0, .tv_usec = 100000};
    (void)setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tmo, sizeof tmo);
    return fd;
}

/* ---------------- PACKET_TX_RING ---------------- */

static _Atomic uint32_t *slot_status(xs_sender *s, unsigned i)
{
    return (_Atomic uint32_t *)&((struct tpacket2_hdr *)(s->ring + (size_t)i * s->frame_size))
        ->tp_status;
}

/* Frame data starts right after the aligned header (no PACKET_TX_HAS_OFF). */
#define TX_DATA_OFF (TPACKET2_HDRLEN - sizeof(struct sockaddr_ll))

static int ring_setup(xs_sender *s, char *err, size_t errlen)
{
    int v = TPACKET_V2;
    if (setsockopt(s->fd, SOL_PACKET, PACKET_VERSION, &v, sizeof v) != 0) {
        set_err(err, errlen, "PACKET_VERSION TPACKET_V2");
        return -1;
    }
    long page = sysconf(_SC_PAGESIZE);
    /* 256-byte slots: header + up to 224 data bytes, and a power of two, so slots tile the
     * page-sized blocks with no padding and the ring is one contiguous array of slots. */
    s->frame_size = 256;
    unsigned per_block = (unsigned)page / s->frame_size;
    /* A few batches deep, so the next batch can be written while the kernel still completes
     * the previous ones. */
    unsigned want = s->batch * 4 < 1024 ? 1024 : s->batch * 4;
    unsigned blocks = (want + per_block - 1) / per_block;
    struct tpacket_req req = {
        .tp_block_size = (unsigned)page,
        .tp_block_nr = blocks,
        .tp_frame_size = s->frame_size,
        .tp_frame_nr = blocks * per_block,
    };
    if (setsockopt(s->fd, SOL_PACKET, PACKET_TX_RING, &req, sizeof req) != 0) {
        set_err(err, errlen, "PACKET_TX_RING");
        return -1;
    }
    s->frame_count = req.tp_frame_nr;
    s->ring_bytes = (size_t)req.tp_block_size * req.tp_block_nr;
    void *m = mmap(NULL, s->ring_bytes, PROT_READ | PROT_WRITE, MAP_SHARED, s->fd, 0);
    if (m == MAP_FAILED) {
        set_err(err, errlen, "mmap PACKET_TX_RING");
        return -1;
    }
    s->ring = m;
    return 0;
}

static uint8_t *ring_next(xs_sender *s)
{
    if (s->pending >= s->batch)
        return NULL;
    uint32_t st = atomic_load_explicit(slot_status(s, s->cur), memory_order_acquire);
    if (st != TP_STATUS_AVAILABLE)
        return NULL; /* the kernel still owns it: flush (which waits) first */
    s->cur_frame = s->ring + (size_t)s->cur * s->frame_size;
    return s->cur_frame + TX_DATA_OFF;
}

static void ring_commit(xs_sender *s, size_t len)
{
    struct tpacket2_hdr *h = (struct tpacket2_hdr *)s->cur_frame;
    h->tp_len = (uint32_t)len;
    atomic_store_explicit(slot_status(s, s->cur), TP_STATUS_SEND_REQUEST, memory_order_release);
    s->cur = s->cur + 1 == s->frame_count ? 0 : s->cur + 1;
    s->pending++;
}

/* Frames of this flush the kernel has taken (in ring order, it takes them in order). */
static unsigned ring_taken(xs_sender *s)
{
    unsigned i = s->flush_start, n = 0;
    while (n < s->pending && atomic_load_explicit(slot_status(s, i), memory_order_acquire) !=
                                 TP_STATUS_SEND_REQUEST) {
        n++;
        i = i + 1 == s->frame_count ? 0 : i + 1;
    }
    return n;
}

static int ring_flush(xs_sender *s)
{
    unsigned n = s->pending, taken = 0;
    int hard = 0;
    if (n == 0) {
        /* Nothing new, but next() may have refused a slot the kernel still completes:
         * a blocking empty send waits for those completions. */
        (void)send(s->fd, NULL, 0, 0);
        return 0;
    }
    for (int attempt = 0;; attempt++) {
        ssize_t r = send(s->fd, NULL, 0, 0);
        int e = errno;
        taken = ring_taken(s);
        if (taken == n)
            break;
        if (r < 0 && e != EAGAIN && e != ENOBUFS && e != EINTR) {
            hard = e;
            break;
        }
        if (attempt >= RETRY_LIMIT)
            break;
        poll(NULL, 0, RETRY_POLL_MS);
    }
    /* Frames still waiting are dropped: hand the slots back and rewind, so the ring stays in
     * step with the kernel's head (which stopped at the first untaken frame). */
    unsigned i = s->flush_start;
    for (unsigned k = 0; k < n; k++) {
        if (k >= taken)
            atomic_store_explicit(slot_status(s, i), TP_STATUS_AVAILABLE, memory_order_release);
        i = i + 1 == s->frame_count ? 0 : i + 1;
    }
    s->cur = (s->flush_start + taken) % s->frame_count;
    s->flush_start = s->cur;
    s->pending = 0;
    s->sent += taken;
    s->failed += n - taken;
    if (hard) {
        errno = hard;
        return -1;
    }
    return (int)taken;
}

/* ---------------- sendmmsg ---------------- */

static int mmsg_setup(xs_sender *s, char *err, size_t errlen)
{
    s->bufs = aligned_alloc(64, (size_t)s->batch * FRAME_BUF);
    s->msgs = calloc(s->batch, sizeof *s->msgs);
    s->iovs = calloc(s->batch, sizeof *s->iovs);
    if (!s->bufs || !s->msgs || !s->iovs) {
        snprintf(err, errlen, "out of memory for %u send buffers", s->batch);
        return -1;
    }
    memset(s->bufs, 0, (size_t)s->batch * FRAME_BUF);
    for (unsigned i = 0; i < s->batch; i++) {
        s->iovs[i].iov_base = s->bufs + (size_t)i * FRAME_BUF;
        s->msgs[i].msg_hdr.msg_iov = &s->iovs[i];
        s->msgs[i].msg_hdr.msg_iovlen = 1;
    }
    return 0;
}

static int mmsg_flush(xs_sender *s)
{
    unsigned n = s->pending, done = 0, accepted = 0;
    int hard = 0;
    for (int attempt = 0; done < n;) {
        int r = sendmmsg(s->fd, s->msgs + done, n - done, 0);
        if (r > 0) {
            done += (unsigned)r;
            accepted += (unsigned)r;
            continue;
        }
        if (r < 0 && errno != EAGAIN && errno != ENOBUFS && errno != EINTR) {
            hard = errno; /* this frame is refused for good (e.g. link gone): skip it */
            done++;
            continue;
        }
        if (++attempt > RETRY_LIMIT)
            break;
        poll(NULL, 0, RETRY_POLL_MS);
    }
    s->sent += accepted;
    s->failed += n - accepted;
    s->pending = 0;
    if (hard) {
        errno = hard;
        return -1;
    }
    return (int)accepted;
}

/* ---------------- API ---------------- */

static void sender_free(xs_sender *s)
{
    xs_xdp_close(s->xdp);
    if (s->ring)
        munmap(s->ring, s->ring_bytes);
    if (s->fd >= 0)
        close(s->fd);
    free(s->bufs);
    free(s->msgs);
    free(s->iovs);
    free(s);
}

xs_sender *xs_sender_open(const char *ifname, xs_sender_kind kind, unsigned batch, char *err,
                          size_t errlen)
{
    xs_sender *s = calloc(1, sizeof *s);
    if (!s) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    s->fd = -1;
    s->batch = batch ? batch : 256;
    if (s->batch > 4096)
        s->batch = 4096;
    /* AUTO means AF_XDP where the kernel and the device allow it: on the veth testbed it sent
     * 1.4-1.9x the frames per second of sendmmsg, side by side (README, Performance). Where it
     * cannot be had (no AF_XDP, memlock limit, 16 sockets taken), sendmmsg. */
    if (kind == XS_SENDER_XDP || kind == XS_SENDER_AUTO) {
        if ((s->xdp = xs_xdp_open(ifname, s->batch, err, errlen))) {
            s->kind = XS_SENDER_XDP;
            return s;
        }
        if (kind == XS_SENDER_XDP)
            goto fail;
        err[0] = '\0';
    }
    s->fd = open_socket(ifname, err, errlen);
    if (s->fd < 0)
        goto fail;
    /* After AF_XDP, AUTO means sendmmsg: on the veth testbed it costs the same or less CPU per
     * frame than the TX ring (whose blocking send() also waits for every frame's completion).
     * The ring stays available as --sender txring. */
    if (kind == XS_SENDER_TX_RING) {
        if (ring_setup(s, err, errlen) != 0)
            goto fail;
        s->kind = XS_SENDER_TX_RING;
        return s;
    }
    if (mmsg_setup(s, err, errlen) != 0)
        goto fail;
    s->kind = XS_SENDER_SENDMMSG;
    return s;
fail:
    sender_free(s);
    return NULL;
}

uint8_t *xs_sender_next(xs_sender *s)
{
    if (s->kind == XS_SENDER_XDP)
        return xs_xdp_next(s->xdp);
    if (s->kind == XS_SENDER_TX_RING)
        return ring_next(s);
    if (s->pending >= s->batch)
        return NULL;
    return s->bufs + (size_t)s->pending * FRAME_BUF;
}

void xs_sender_commit(xs_sender *s, size_t len)
{
    if (s->kind == XS_SENDER_XDP) {
        xs_xdp_commit(s->xdp, len);
        return;
    }
    if (s->kind == XS_SENDER_TX_RING) {
        ring_commit(s, len);
        return;
    }
    s->iovs[s->pending].iov_len = len;
    s->pending++;
}

int xs_sender_flush(xs_sender *s)
{
    if (s->kind == XS_SENDER_XDP)
        return xs_xdp_flush(s->xdp, &s->sent, &s->failed);
    if (s->kind == XS_SENDER_TX_RING)
        return ring_flush(s);
    if (s->pending == 0)
        return 0;
    return mmsg_flush(s);
}

uint64_t xs_sender_sent(const xs_sender *s)
{
    return s->sent;
}
uint64_t xs_sender_failed(const xs_sender *s)
{
    return s->failed;
}

void xs_sender_close(xs_sender *s)
{
    if (!s)
        return;
    if (s->pending || s->xdp)
        xs_sender_flush(s);
    sender_free(s);
}
