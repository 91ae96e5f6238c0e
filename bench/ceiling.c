/* ceiling: the bare sender, to show what the kernel and the link allow at all.
 *
 *   ceiling IFACE SECONDS DST_MAC [sendmmsg|txring] [BATCH] [THREADS]
 *
 * Pre-builds one SYN frame for every address of 198.19.0.0/16 (port 80, from 198.18.0.1), then
 * pushes them out of an AF_PACKET socket with PACKET_QDISC_BYPASS as fast as the kernel takes
 * them, for SECONDS seconds, with no rate limit and no per-packet work besides the copy into the
 * ring (txring) or none at all (sendmmsg). Prints frames accepted per second.
 * THREADS (default 1): that many senders, each with its own socket, sending its own frames. 
 * It only sends into IFACE; run it inside a test namespace whose only link is a veth. */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <poll.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

enum { FRAME_LEN = 54, FRAME_COUNT = 65536, MAX_BATCH = 1024 };

static const uint32_t SRC_IP = 0xC6120001u;  /* 198.18.0.1 */
static const uint32_t DST_NET = 0xC6130000u; /* 198.19.0.0/16 */

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static uint16_t csum_fold(uint32_t sum)
{
    while (sum >> 16)
        sum = (sum & 0xffffu) + (sum >> 16);
    return (uint16_t)~sum;
}

static uint32_t csum_add(uint32_t sum, const uint8_t *p, size_t len)
{
    for (size_t i = 0; i + 1 < len; i += 2)
        sum += (uint32_t)(p[i] << 8 | p[i + 1]);
    if (len & 1)
        sum += (uint32_t)(p[len - 1] << 8);
    return sum;
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

static void build_syn(uint8_t *f, const uint8_t dst_mac[6], const uint8_t src_mac[6],
                      uint32_t dst_ip, uint16_t sport, uint32_t seq)
{
    memset(f, 0, FRAME_LEN);
    memcpy(f, dst_mac, 6);
    memcpy(f + 6, src_mac, 6);
    put16(f + 12, ETHERTYPE_IP);
    uint8_t *ip = f + 14;
    ip[0] = 0x45;
    put16(ip + 2, 40);
    put16(ip + 4, (uint16_t)seq); /* IP id */
    ip[8] = 64;                   /* TTL */
    ip[9] = 6;                    /* TCP */
    put32(ip + 12, SRC_IP);
    put32(ip + 16, dst_ip);
    put16(ip + 10, csum_fold(csum_add(0, ip, 20)));
    uint8_t *tcp = ip + 20;
    put16(tcp, sport);
    put16(tcp + 2, 80);
    put32(tcp + 4, seq);
    tcp[12] = 5 << 4;
    tcp[13] = 0x02; /* SYN */
    put16(tcp + 14, 1024);
    uint8_t pseudo[12];
    put32(pseudo, SRC_IP);
    put32(pseudo + 4, dst_ip);
    pseudo[8] = 0;
    pseudo[9] = 6;
    put16(pseudo + 10, 20);
    put16(tcp + 16, csum_fold(csum_add(csum_add(0, pseudo, 12), tcp, 20)));
}

static int parse_mac(const char *s, uint8_t mac[6])
{
    unsigned v[6];
    if (sscanf(s, "%x%*[:-]%x%*[:-]%x%*[:-]%x%*[:-]%x%*[:-]%x", &v[0], &v[1], &v[2], &v[3], &v[4],
               &v[5]) != 6)
        return -1;
    for (int i = 0; i < 6; i++) {
        if (v[i] > 255)
            return -1;
        mac[i] = (uint8_t)v[i];
    }
    return 0;
}

static uint64_t run_sendmmsg(int fd, uint8_t *frames, double seconds, unsigned batch,
                             uint64_t *failed)
{
    static _Thread_local struct mmsghdr msgs[MAX_BATCH];
    static _Thread_local struct iovec iov[MAX_BATCH];
    uint64_t sent = 0;
    size_t next = 0;
    double end = now_s() + seconds;
    while (now_s() < end) {
        for (unsigned i = 0; i < batch; i++) {
            iov[i].iov_base = frames + next * FRAME_LEN;
            iov[i].iov_len = FRAME_LEN;
            memset(&msgs[i].msg_hdr, 0, sizeof msgs[i].msg_hdr);
            msgs[i].msg_hdr.msg_iov = &iov[i];
            msgs[i].msg_hdr.msg_iovlen = 1;
            next = (next + 1) % FRAME_COUNT;
        }
        unsigned done = 0;
        while (done < batch) {
            int n = sendmmsg(fd, msgs + done, batch - done, 0);
            if (n < 0) {
                if (errno == EINTR)
                    continue;
                if (errno == ENOBUFS || errno == EAGAIN) {
                    (*failed)++;
                    continue;
                }
                perror("sendmmsg");
                return sent;
            }
            done += (unsigned)n;
            sent += (uint64_t)n;
        }
    }
    return sent;
}

static uint64_t run_txring(int fd, uint8_t *frames, double seconds, unsigned batch,
                           uint64_t *failed)
{
    int version = TPACKET_V2;
    if (setsockopt(fd, SOL_PACKET, PACKET_VERSION, &version, sizeof version) < 0) {
        perror("PACKET_VERSION");
        return 0;
    }
    struct tpacket_req req = {
        .tp_block_size = 1u << 16,
        .tp_frame_size = 256,
        .tp_block_nr = 64,
    };
    req.tp_frame_nr = req.tp_block_size / req.tp_frame_size * req.tp_block_nr;
    if (setsockopt(fd, SOL_PACKET, PACKET_TX_RING, &req, sizeof req) < 0) {
        perror("PACKET_TX_RING");
        return 0;
    }
    size_t ring_len = (size_t)req.tp_block_size * req.tp_block_nr;
    uint8_t *ring = mmap(NULL, ring_len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    if (ring == MAP_FAILED) {
        perror("mmap");
        return 0;
    }
    const size_t data_off = TPACKET2_HDRLEN - sizeof(struct sockaddr_ll);
    uint64_t queued = 0;
    size_t slot = 0, next = 0;
    double end = now_s() + seconds;
    while (now_s() < end) {
        unsigned filled = 0;
        while (filled < batch) {
            struct tpacket2_hdr *h = (struct tpacket2_hdr *)(ring + slot * req.tp_frame_size);
            if (__atomic_load_n(&h->tp_status, __ATOMIC_ACQUIRE) != TP_STATUS_AVAILABLE)
                break; /* ring full: kick the kernel, then come back */
            memcpy((uint8_t *)h + data_off, frames + next * FRAME_LEN, FRAME_LEN);
            h->tp_len = FRAME_LEN;
            __atomic_store_n(&h->tp_status, TP_STATUS_SEND_REQUEST, __ATOMIC_RELEASE);
            slot = (slot + 1) % req.tp_frame_nr;
            next = (next + 1) % FRAME_COUNT;
            filled++;
        }
        queued += filled;
        if (send(fd, NULL, 0, 0) < 0) {
            if (errno == ENOBUFS || errno == EAGAIN || errno == EINTR) {
                (*failed)++;
                continue;
            }
            perror("send(tx ring)");
            break;
        }
    }
    /* Let the kernel drain what is queued, then count only what left. */
    while (send(fd, NULL, 0, 0) < 0 && (errno == ENOBUFS || errno == EAGAIN || errno == EINTR)) {
    }
    uint64_t pending = 0;
    for (size_t i = 0; i < req.tp_frame_nr; i++) {
        struct tpacket2_hdr *h = (struct tpacket2_hdr *)(ring + i * req.tp_frame_size);
        if (__atomic_load_n(&h->tp_status, __ATOMIC_ACQUIRE) &
            (TP_STATUS_SEND_REQUEST | TP_STATUS_SENDING))
            pending++;
    }
    munmap(ring, ring_len);
    return queued - pending;
}

typedef struct {
    const char *ifname, *mode;
    double seconds;
    unsigned batch;
    const uint8_t *dst_mac;
    unsigned index;
    uint64_t sent, failed;
    int bypass, ok;
} worker;

static void *worker_main(void *arg)
{
    worker *w = arg;
    /* Protocol 0: this socket only transmits, so it never pays for receiving. */
    int fd = socket(AF_PACKET, SOCK_RAW, 0);
    if (fd < 0) {
        perror("socket(AF_PACKET)");
        return NULL;
    }
    struct ifreq ifr;
    memset(&ifr, 0, sizeof ifr);
    snprintf(ifr.ifr_name, sizeof ifr.ifr_name, "%s", w->ifname);
    uint8_t src_mac[6];
    if (ioctl(fd, SIOCGIFHWADDR, &ifr) < 0) {
        perror("SIOCGIFHWADDR");
        close(fd);
        return NULL;
    }
    memcpy(src_mac, ifr.ifr_hwaddr.sa_data, 6);
    struct sockaddr_ll sll = {.sll_family = AF_PACKET,
                              .sll_ifindex = (int)if_nametoindex(w->ifname)};
    if (sll.sll_ifindex == 0 || bind(fd, (struct sockaddr *)&sll, sizeof sll) < 0) {
        perror("bind");
        close(fd);
        return NULL;
    }
    int one = 1;
    w->bypass = setsockopt(fd, SOL_PACKET, PACKET_QDISC_BYPASS, &one, sizeof one) == 0;

    uint8_t *frames = malloc((size_t)FRAME_COUNT * FRAME_LEN);
    if (!frames) {
        perror("malloc");
        close(fd);
        return NULL;
    }
    /* Thread t sends other source ports than thread t-1: no two threads send the same frame. */
    for (uint32_t i = 0; i < FRAME_COUNT; i++)
        build_syn(frames + (size_t)i * FRAME_LEN, w->dst_mac, src_mac, DST_NET | i,
                  (uint16_t)(40000 + ((i + w->index * 4096) & 0x3fff)), 0x5eed0000u ^ i);
    w->sent = strcmp(w->mode, "txring") == 0
                  ? run_txring(fd, frames, w->seconds, w->batch, &w->failed)
                  : run_sendmmsg(fd, frames, w->seconds, w->batch, &w->failed);
    w->ok = 1;
    free(frames);
    close(fd);
    return NULL;
}

int main(int argc, char **argv)
{
    if (argc < 4 || argc > 7) {
        fprintf(stderr, "usage: %s IFACE SECONDS DST_MAC [sendmmsg|txring] [BATCH] [THREADS]\n",
                argv[0]);
        return 2;
    }
    const char *ifname = argv[1];
    double seconds = atof(argv[2]);
    const char *mode = argc > 4 ? argv[4] : "sendmmsg";
    unsigned batch = argc > 5 ? (unsigned)atoi(argv[5]) : 256;
    unsigned threads = argc > 6 ? (unsigned)atoi(argv[6]) : 1;
    uint8_t dst_mac[6];
    if (seconds <= 0 || seconds > 600 || parse_mac(argv[3], dst_mac) < 0 || batch < 1 ||
        batch > MAX_BATCH || threads < 1 || threads > 64 ||
        (strcmp(mode, "sendmmsg") && strcmp(mode, "txring"))) {
        fprintf(stderr, "ceiling: bad arguments (SECONDS in (0,600], BATCH 1..%d, THREADS 1..64)\n",
                MAX_BATCH);
        return 2;
    }
    worker w[64];
    pthread_t tid[64];
    double t0 = now_s();
    for (unsigned t = 0; t < threads; t++) {
        w[t] = (worker){ifname, mode, seconds, batch, dst_mac, t, 0, 0, 0, 0};
        if (pthread_create(&tid[t], NULL, worker_main, &w[t]) != 0) {
            perror("pthread_create");
            return 1;
        }
    }
    uint64_t sent = 0, failed = 0;
    int bypass = 1, ok = 1;
    for (unsigned t = 0; t < threads; t++) {
        pthread_join(tid[t], NULL);
        sent += w[t].sent;
        failed += w[t].failed;
        bypass &= w[t].bypass;
        ok &= w[t].ok;
    }
    double elapsed = now_s() - t0;
    printf("ceiling mode=%s batch=%u threads=%u qdisc_bypass=%s frames=%llu seconds=%.3f "
           "busy_retries=%llu pps=%.0f\n",
           mode, batch, threads, bypass ? "on" : "off", (unsigned long long)sent, elapsed,
           (unsigned long long)failed, elapsed > 0 ? (double)sent / elapsed : 0.0);
    return ok && sent > 0 ? 0 : 1;
}
