/* xdp_ceiling: the bare AF_XDP sender, to decide whether an AF_XDP transmit path is worth having.
 *
 *   xdp_ceiling IFACE SECONDS DST_MAC [BATCH] [THREADS]
 *
 * Pre-builds 4096 SYN frames (198.19.0.0/16, port 80, from 198.18.0.1) in a UMEM, binds one
 * AF_XDP socket to queue 0 of IFACE in copy mode (veth has no zero-copy; no XDP program is loaded:
 * the socket only transmits), then for SECONDS seconds submits BATCH descriptors per sendto() kick
 * and reaps completions. Prints frames completed per second, in the same form as ceiling.c.
 * THREADS (default 1): that many sockets on queue 0, one thread each, sharing the UMEM
 * (XDP_SHARED_UMEM: a queue takes one UMEM), each with its own frames and TX ring; the shared
 * completion ring is drained under a mutex.
 * Needs libxdp-dev (cc ... -lxdp -lbpf). Run it only inside a test namespace whose link is a veth. */
#include <errno.h>
#include <net/if.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include <linux/if_link.h>
#include <linux/if_xdp.h>
#include <xdp/xsk.h>

enum { FRAME_LEN = 54, NUM_FRAMES = 4096, FRAME_SIZE = 2048 };

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static uint16_t csum(const uint8_t *p, size_t len, uint32_t sum)
{
    for (size_t i = 0; i + 1 < len; i += 2)
        sum += (uint32_t)(p[i] << 8 | p[i + 1]);
    while (sum >> 16)
        sum = (sum & 0xffffu) + (sum >> 16);
    return (uint16_t)~sum;
}

static void put16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)(v >> 8);
    p[1] = (uint8_t)v;
}
static void put32(uint8_t *p, uint32_t v)
{
    put16(p, (uint16_t)(v >> 16));
    put16(p + 2, (uint16_t)v);
}

static void build_syn(uint8_t *f, const uint8_t dmac[6], const uint8_t smac[6], uint32_t dst,
                      uint16_t sport)
{
    memset(f, 0, FRAME_LEN);
    memcpy(f, dmac, 6);
    memcpy(f + 6, smac, 6);
    put16(f + 12, 0x0800);
    uint8_t *ip = f + 14, *tcp = ip + 20;
    ip[0] = 0x45;
    put16(ip + 2, 40);
    ip[8] = 64;
    ip[9] = 6;
    put32(ip + 12, 0xC6120001u);
    put32(ip + 16, dst);
    put16(ip + 10, csum(ip, 20, 0));
    put16(tcp, sport);
    put16(tcp + 2, 80);
    put32(tcp + 4, dst ^ 0x5eed);
    tcp[12] = 5 << 4;
    tcp[13] = 0x02;
    put16(tcp + 14, 1024);
    uint8_t ph[12];
    put32(ph, 0xC6120001u);
    put32(ph + 4, dst);
    ph[8] = 0;
    ph[9] = 6;
    put16(ph + 10, 20);
    uint32_t s = 0;
    for (int i = 0; i < 12; i += 2)
        s += (uint32_t)(ph[i] << 8 | ph[i + 1]);
    put16(tcp + 16, csum(tcp, 20, s));
}

static struct xsk_umem *umem;
static struct xsk_ring_prod fq;
static struct xsk_ring_cons cq;
static pthread_mutex_t cq_lock = PTHREAD_MUTEX_INITIALIZER;

typedef struct {
    struct xsk_socket *xsk;
    struct xsk_ring_prod tx;
    unsigned index, batch;
    double seconds;
    uint64_t consumed, busy;
} worker;

/* Completions since last time. The frames' contents never change, so only their number matters;
 * read straight off the ring's indices (libxdp 1.3's cached peek over-reported on this kernel). */
static uint32_t reap(struct xsk_ring_cons *cq)
{
    uint32_t prod = __atomic_load_n(cq->producer, __ATOMIC_ACQUIRE);
    uint32_t cons = *cq->consumer;
    __atomic_store_n(cq->consumer, prod, __ATOMIC_RELEASE);
    return prod - cons;
}

/* Frames sent = TX descriptors the kernel consumed (copy mode copies them then). Thread t uses
 * frames [t * 512, t * 512 + 512) of the UMEM, its TX ring being 512 deep. */
static void *worker_main(void *arg)
{
    worker *w = arg;
    const uint32_t ring = NUM_FRAMES / 8;
    int fd = xsk_socket__fd(w->xsk);
    uint32_t next = 0;
    double end = now_s() + w->seconds;
    while (now_s() < end) {
        uint32_t idx, n = xsk_ring_prod__reserve(&w->tx, w->batch, &idx);
        for (uint32_t i = 0; i < n; i++) {
            struct xdp_desc *d = xsk_ring_prod__tx_desc(&w->tx, idx + i);
            d->addr = ((uint64_t)w->index * ring + next) * FRAME_SIZE;
            d->len = FRAME_LEN;
            next = (next + 1) % ring;
        }
        xsk_ring_prod__submit(&w->tx, n);
        if (sendto(fd, NULL, 0, MSG_DONTWAIT, NULL, 0) < 0) {
            if (errno != EAGAIN && errno != EBUSY && errno != ENOBUFS) {
                perror("sendto");
                break;
            }
            w->busy++;
        }
        pthread_mutex_lock(&cq_lock);
        reap(&cq);
        pthread_mutex_unlock(&cq_lock);
    }
    uint32_t target = *w->tx.producer;
    for (int i = 0; i < 1000 && __atomic_load_n(w->tx.consumer, __ATOMIC_ACQUIRE) != target; i++) {
        sendto(fd, NULL, 0, MSG_DONTWAIT, NULL, 0);
        pthread_mutex_lock(&cq_lock);
        reap(&cq);
        pthread_mutex_unlock(&cq_lock);
    }
    w->consumed = __atomic_load_n(w->tx.consumer, __ATOMIC_ACQUIRE);
    return NULL;
}

int main(int argc, char **argv)
{
    if (argc < 4 || argc > 6) {
        fprintf(stderr, "usage: %s IFACE SECONDS DST_MAC [BATCH] [THREADS]\n", argv[0]);
        return 2;
    }
    const char *ifname = argv[1];
    double seconds = atof(argv[2]);
    unsigned batch = argc > 4 ? (unsigned)atoi(argv[4]) : 32;
    unsigned threads = argc > 5 ? (unsigned)atoi(argv[5]) : 1;
    unsigned v[6];
    uint8_t dmac[6], smac[6];
    if (seconds <= 0 || seconds > 600 || batch < 1 || batch > 512 || threads < 1 || threads > 8 ||
        sscanf(argv[3], "%x:%x:%x:%x:%x:%x", &v[0], &v[1], &v[2], &v[3], &v[4], &v[5]) != 6) {
        fprintf(stderr, "xdp_ceiling: bad arguments\n");
        return 2;
    }
    for (int i = 0; i < 6; i++)
        dmac[i] = (uint8_t)v[i];
    int s = socket(AF_INET, SOCK_DGRAM, 0);
    struct ifreq ifr = {0};
    snprintf(ifr.ifr_name, sizeof ifr.ifr_name, "%s", ifname);
    if (s < 0 || ioctl(s, SIOCGIFHWADDR, &ifr) < 0) {
        perror("SIOCGIFHWADDR");
        return 1;
    }
    memcpy(smac, ifr.ifr_hwaddr.sa_data, 6);
    close(s);

    void *area = NULL;
    size_t area_len = (size_t)NUM_FRAMES * FRAME_SIZE;
    if (posix_memalign(&area, (size_t)getpagesize(), area_len) != 0) {
        perror("posix_memalign");
        return 1;
    }
    for (uint32_t i = 0; i < NUM_FRAMES; i++)
        build_syn((uint8_t *)area + (size_t)i * FRAME_SIZE, dmac, smac, 0xC6130000u | i,
                  (uint16_t)(40000 + (i & 0x3fff)));
    struct xsk_umem_config ucfg = {
        .fill_size = XSK_RING_PROD__DEFAULT_NUM_DESCS,
        .comp_size = NUM_FRAMES * 8,
        .frame_size = FRAME_SIZE,
        .frame_headroom = 0,
    };
    int err = xsk_umem__create(&umem, area, area_len, &fq, &cq, &ucfg);
    if (err) {
        fprintf(stderr, "xsk_umem__create: %s\n", strerror(-err));
        return 1;
    }
    worker w[8];
    pthread_t tid[8];
    for (unsigned t = 0; t < threads; t++) {
        struct xsk_socket_config scfg = {
            .rx_size = XSK_RING_CONS__DEFAULT_NUM_DESCS,
            .tx_size = NUM_FRAMES / 8,
            .libxdp_flags = XSK_LIBXDP_FLAGS__INHIBIT_PROG_LOAD,
            .xdp_flags = XDP_FLAGS_SKB_MODE,
            .bind_flags = XDP_COPY,
        };
        memset(&w[t], 0, sizeof w[t]);
        w[t].index = t;
        w[t].batch = batch;
        w[t].seconds = seconds;
        err = t == 0 ? xsk_socket__create(&w[t].xsk, ifname, 0, umem, NULL, &w[t].tx, &scfg)
                     : xsk_socket__create_shared(&w[t].xsk, ifname, 0, umem, NULL, &w[t].tx, &fq,
                                                 &cq, &scfg);
        if (err) {
            fprintf(stderr, "xsk_socket__create: %s\n", strerror(-err));
            return 1;
        }
    }
    double t0 = now_s();
    for (unsigned t = 0; t < threads; t++)
        pthread_create(&tid[t], NULL, worker_main, &w[t]);
    uint64_t completed = 0, kicks_busy = 0;
    for (unsigned t = 0; t < threads; t++) {
        pthread_join(tid[t], NULL);
        completed += w[t].consumed;
        kicks_busy += w[t].busy;
    }
    double elapsed = now_s() - t0;
    printf("ceiling mode=af_xdp-copy batch=%u threads=%u frames=%llu seconds=%.3f busy_kicks=%llu "
           "pps=%.0f\n",
           batch, threads, (unsigned long long)completed, elapsed, (unsigned long long)kicks_busy,
           elapsed > 0 ? (double)completed / elapsed : 0.0);
    for (unsigned t = 0; t < threads; t++)
        xsk_socket__delete(w[t].xsk);
    xsk_umem__delete(umem);
    free(area);
    return completed > 0 ? 0 : 1;
}
