/* The AF_XDP transmit backend (--sender xdp), in copy mode: the kernel copies each frame out of a
 * UMEM shared with this process into an skb and hands it straight to the driver, with one
 * sendto() per 32 frames and no per-frame msghdr, iovec or socket-buffer accounting. On veth
 * this measured faster per frame than sendmmsg on AF_PACKET (README, Performance).
 *
 * A device queue takes one UMEM only, so the transmitter threads of one interface share one UMEM
 * (XDP_SHARED_UMEM on queue 0): each thread has its own socket, its own TX ring and its own
 * region of the UMEM; the one completion ring they share is drained under a mutex. Frames sit at
 * a 128-byte stride in unaligned-chunk mode, so a 2048-frame ring costs 256 KiB, not 4 MiB.
 * Copy mode has copied a frame by the time the kernel moves the TX ring's consumer past it, so a
 * TX ring slot that reserve() hands back is also a free frame. */
#include <errno.h>
#include <net/if.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <linux/if_link.h>
#include <linux/if_xdp.h>
#include <xdp/xsk.h>
#include "sender_xdp.h"

#define RING        2048u /* TX ring slots = frames per socket */
#define STRIDE      128u  /* bytes per frame slot */
#define CHUNK       2048u /* UMEM chunk size (the kernel's minimum) */
#define MAX_SOCKETS 16u   /* the UMEM is pinned: 16 x 2048 x 128 B = 4 MiB */
#define KICK_LIMIT  4096  /* sendto() calls per flush before frames count as failed */

typedef struct {
    char ifname[IF_NAMESIZE];
    struct xsk_umem *umem;
    uint8_t *area;
    size_t area_len;
    struct xsk_ring_prod fq;
    struct xsk_ring_cons cq;
    pthread_mutex_t cq_lock;
    unsigned refs;
    uint32_t used_regions; /* bit r: region r belongs to an open socket */
} xdp_group;

struct xs_xdp_tx {
    xdp_group *g;
    struct xsk_socket *xsk;
    struct xsk_ring_prod tx;
    int fd;
    unsigned region;
    uint64_t base; /* UMEM offset of this socket's region */
    unsigned batch, reserved, pending;
    uint32_t idx; /* first reserved TX slot */
};

static pthread_mutex_t groups_lock = PTHREAD_MUTEX_INITIALIZER;
static xdp_group *group; /* one interface per process: xsweep sends on one */

static xdp_group *group_get(const char *ifname, char *err, size_t errlen)
{
    if (group) {
        if (strcmp(group->ifname, ifname)) {
            snprintf(err, errlen, "AF_XDP: already sending on %s", group->ifname);
            return NULL;
        }
        group->refs++;
        return group;
    }
    xdp_group *g = calloc(1, sizeof *g);
    if (!g) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    snprintf(g->ifname, sizeof g->ifname, "%s", ifname);
    g->area_len = (size_t)MAX_SOCKETS * RING * STRIDE;
    if (posix_memalign((void **)&g->area, (size_t)sysconf(_SC_PAGESIZE), g->area_len) != 0) {
        free(g);
        snprintf(err, errlen, "out of memory for the AF_XDP UMEM");
        return NULL;
    }
    memset(g->area, 0, g->area_len);
    struct xsk_umem_config ucfg = {
        .fill_size = XSK_RING_PROD__DEFAULT_NUM_DESCS,
        .comp_size = MAX_SOCKETS * RING, /* every socket's whole ring may be in flight */
        .frame_size = CHUNK,
        .frame_headroom = 0,
        .flags = XDP_UMEM_UNALIGNED_CHUNK_FLAG,
    };
    int rc = xsk_umem__create(&g->umem, g->area, g->area_len, &g->fq, &g->cq, &ucfg);
    if (rc) {
        snprintf(err, errlen, "AF_XDP UMEM on %s: %s", ifname, strerror(-rc));
        free(g->area);
        free(g);
        return NULL;
    }
    pthread_mutex_init(&g->cq_lock, NULL);
    g->refs = 1;
    group = g;
    return g;
}

static void group_put(xdp_group *g)
{
    if (--g->refs)
        return;
    xsk_umem__delete(g->umem);
    pthread_mutex_destroy(&g->cq_lock);
    free(g->area);
    free(g);
    group = NULL;
}

/* Completions only free completion-ring space (the frames are free once consumed, see above):
 * read straight off the ring's indices. libxdp 1.3's cached peek over-reported on kernel 6.18. */
static void drain_completions(xdp_group *g)
{
    if (pthread_mutex_trylock(&g->cq_lock) != 0)
        return; /* another thread is draining it right now */
    uint32_t prod = __atomic_load_n(g->cq.producer, __ATOMIC_ACQUIRE);
    __atomic_store_n(g->cq.consumer, prod, __ATOMIC_RELEASE);
    pthread_mutex_unlock(&g->cq_lock);
}

xs_xdp_tx *xs_xdp_open(const char *ifname, unsigned batch, char *err, size_t errlen)
{
    xs_xdp_tx *t = calloc(1, sizeof *t);
    if (!t) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    t->batch = batch < RING / 2 ? batch : RING / 2;
    pthread_mutex_lock(&groups_lock);
    xdp_group *g = group_get(ifname, err, errlen);
    if (!g)
        goto fail_locked;
    unsigned r = 0;
    while (r < MAX_SOCKETS && (g->used_regions >> r & 1u))
        r++;
    if (r == MAX_SOCKETS) {
        snprintf(err, errlen, "AF_XDP: more than %u sockets", MAX_SOCKETS);
        group_put(g);
        goto fail_locked;
    }
    struct xsk_socket_config cfg = {
        .rx_size = XSK_RING_CONS__DEFAULT_NUM_DESCS,
        .tx_size = RING,
        .libxdp_flags = XSK_LIBXDP_FLAGS__INHIBIT_PROG_LOAD, /* transmit only: no XDP program */
        .xdp_flags = XDP_FLAGS_SKB_MODE,
        .bind_flags = XDP_COPY,
    };
    int rc = g->refs == 1 ? xsk_socket__create(&t->xsk, ifname, 0, g->umem, NULL, &t->tx, &cfg)
                          : xsk_socket__create_shared(&t->xsk, ifname, 0, g->umem, NULL, &t->tx,
                                                      &g->fq, &g->cq, &cfg);
    if (rc) {
        snprintf(err, errlen, "AF_XDP socket on %s queue 0: %s", ifname, strerror(-rc));
        group_put(g);
        goto fail_locked;
    }
    g->used_regions |= 1u << r;
    pthread_mutex_unlock(&groups_lock);
    t->g = g;
    t->region = r;
    t->base = (uint64_t)r * RING * STRIDE;
    t->fd = xsk_socket__fd(t->xsk);
    return t;
fail_locked:
    pthread_mutex_unlock(&groups_lock);
    free(t);
    return NULL;
}

uint8_t *xs_xdp_next(xs_xdp_tx *t)
{
    if (t->pending >= t->batch)
        return NULL;
    if (t->pending == t->reserved) {
        if (t->reserved) {
            return NULL; /* the ring was short at reserve time: flush first */
        }
        t->reserved = xsk_ring_prod__reserve(&t->tx, t->batch, &t->idx);
        if (t->reserved == 0) {
            drain_completions(t->g);
            return NULL;
        }
    }
    uint32_t slot = (t->idx + t->pending) & (RING - 1);
    return t->g->area + t->base + (uint64_t)slot * STRIDE;
}

void xs_xdp_commit(xs_xdp_tx *t, size_t len)
{
    struct xdp_desc *d = xsk_ring_prod__tx_desc(&t->tx, t->idx + t->pending);
    uint32_t slot = (t->idx + t->pending) & (RING - 1);
    d->addr = t->base + (uint64_t)slot * STRIDE;
    d->len = (uint32_t)len;
    d->options = 0;
    t->pending++;
}

int xs_xdp_flush(xs_xdp_tx *t, uint64_t *sent, uint64_t *failed)
{
    unsigned n = t->pending;
    if (t->reserved > n)
        t->tx.cached_prod -= t->reserved - n; /* give back the slots that stayed empty */
    t->reserved = t->pending = 0;
    if (n == 0)
        return 0;
    xsk_ring_prod__submit(&t->tx, n);
    /* The kernel takes 32 frames per kick: kick until it has consumed all we submitted. */
    uint32_t target = *t->tx.producer;
    int hard = 0;
    for (int kicks = 0; kicks < KICK_LIMIT; kicks++) {
        if (sendto(t->fd, NULL, 0, MSG_DONTWAIT, NULL, 0) < 0 && errno != EAGAIN &&
            errno != EBUSY && errno != ENOBUFS && errno != EINTR) {
            hard = errno;
            break;
        }
        if (__atomic_load_n(t->tx.consumer, __ATOMIC_ACQUIRE) == target)
            break;
        drain_completions(t->g); /* a full completion ring stops the kernel */
    }
    drain_completions(t->g);
    uint32_t left = target - __atomic_load_n(t->tx.consumer, __ATOMIC_ACQUIRE);
    if (left > n)
        left = n;
    /* Frames the kernel has not taken stay in the ring and go with the next kick; counted as
     * failed only on a hard error, since they cannot be taken back. */
    *sent += n - (hard ? left : 0);
    *failed += hard ? left : 0;
    if (hard) {
        errno = hard;
        return -1;
    }
    return (int)n;
}

void xs_xdp_close(xs_xdp_tx *t)
{
    if (!t)
        return;
    for (int i = 0; i < 100 && __atomic_load_n(t->tx.consumer, __ATOMIC_ACQUIRE) != *t->tx.producer;
         i++) {
        sendto(t->fd, NULL, 0, MSG_DONTWAIT, NULL, 0);
        drain_completions(t->g);
    }
    xsk_socket__delete(t->xsk);
    pthread_mutex_lock(&groups_lock);
    t->g->used_regions &= ~(1u << t->region);
    group_put(t->g);
    pthread_mutex_unlock(&groups_lock);
    free(t);
}
