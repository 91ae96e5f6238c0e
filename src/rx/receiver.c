/* The receiver thread: captures replies with libpcap, validates each against its SYN cookie and
 * hands open/closed endpoints to the output stage through the results ring.
 *
 * Speed matters more than anywhere else here: a reply lost is an exposure missed. So the capture
 * buffer is large, the kernel filters out everything that cannot be a reply, pcap_dispatch works
 * through the mmap ring in large batches, the per-packet path does no allocation and no syscall
 * (the timestamp comes from pcap), and shared counters are updated once per batch. */
#include <errno.h>
#include <pcap/pcap.h>
#include <poll.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "xsweep/frame.h"
#include "xsweep/clock.h"
#include "xsweep/record.h"
#include "xsweep/scan.h"

#define RX_SNAPLEN      192        /* link + IPv4/IPv6 (+ a few extension headers) + TCP */
#define RX_BUFFER_BYTES (64 << 20) /* ~170 ms of 2 M replies/s (the ring is mapped: this is RSS) */
#define RX_TIMEOUT_MS   50
#define RX_POLL_MS      50   /* stop_rx is seen within this */
#define RX_BATCH        8192 /* packets per pcap_dispatch */
#define RX_DRAIN_ROUNDS 16   /* non-blocking dispatches after stop_rx */
#define RX_COALESCE_NS                                                                             \
    200000L                              /* after a partial batch: let replies gather, not one
                                          wakeup per packet (the buffer holds ~0.5 s) */
#define RX_STALL_GIVEUP_NS 2000000000ull /* after stop_rx, nobody drains a full ring: give up */

typedef struct {
    pcap_t *pcap;
    int dlt;
    int fd; /* selectable fd, -1 if pcap has none */
    xs_scan *scan;
    /* counted per packet, published once per dispatch */
    uint64_t replies, invalid, stalls;
    uint64_t lost; /* results abandoned because nobody drained the ring after stop */
} rx_state;

static void set_error(xs_scan *s, const char *fmt, const char *a, const char *b)
{
    if (!s->error[0])
        snprintf(s->error, sizeof s->error, fmt, a, b);
}

/* Only SYN-ACKs and RSTs sent to our address and source-port range reach user space. libpcap
 * cannot index the TCP header of IPv6 (tcp[] is IPv4 only), so IPv6 flags are checked here;
 * IPv6 packets whose next header is not TCP (extension headers) go to the parser too, except
 * ICMPv6, which is never a reply. */
static int install_filter(pcap_t *p, const xs_scan *s)
{
    char ip[XS_ADDR_STRLEN], ip6[XS_ADDR_STRLEN], expr[1024];
    unsigned last = (unsigned)s->sport_first + (s->sport_count ? s->sport_count : 1) - 1;
    if (last > 65535)
        last = 65535;
    xs_addr a4 = xs_addr_from_v4(s->net.src_ip);
    xs_addr_format(&a4, ip);
    xs_addr_format(&s->net.src_ip6, ip6);
    char v4[256] = "", v6[256] = "";
    if (s->net.has_v4)
        snprintf(v4, sizeof v4,
                 "(ip and tcp and dst host %s and dst portrange %u-%u and tcp[tcpflags] & "
                 "(tcp-syn|tcp-rst) != 0)",
                 ip, (unsigned)s->sport_first, last);
    if (s->net.has_v6)
        snprintf(v6, sizeof v6,
                 "(ip6 and dst host %s and ((ip6[6] == 6 and dst portrange %u-%u) or (ip6[6] != 6 "
                 "and ip6[6] != 58)))",
                 ip6, (unsigned)s->sport_first, last);
    snprintf(expr, sizeof expr, "%s%s%s", v4, v4[0] && v6[0] ? " or " : "", v6);
    struct bpf_program prog;
    if (pcap_compile(p, &prog, expr, 1, PCAP_NETMASK_UNKNOWN) < 0)
        return -1;
    int rc = pcap_setfilter(p, &prog);
    pcap_freecode(&prog);
    return rc;
}

int xs_receiver_open(xs_scan *s)
{
    char errbuf[PCAP_ERRBUF_SIZE] = "";
    const char *ifn = s->net.ifname;
    rx_state *st = calloc(1, sizeof *st);
    if (!st) {
        set_error(s, "cannot capture on %s: %s", ifn, "out of memory");
        return -1;
    }
    st->scan = s;
    st->fd = -1;
    pcap_t *p = pcap_create(ifn, errbuf);
    if (!p) {
        set_error(s, "cannot capture on %s: %s", ifn, errbuf);
        free(st);
        return -1;
    }
    st->pcap = p;
    /* These only fail on an already-activated handle; pcap_activate reports real problems. */
    pcap_set_snaplen(p, RX_SNAPLEN);
    pcap_set_promisc(p, 0);
    pcap_set_immediate_mode(p, 1);
    pcap_set_buffer_size(p, RX_BUFFER_BYTES);
    pcap_set_timeout(p, RX_TIMEOUT_MS);
    /* Microseconds, the default: asking for nanoseconds makes libpcap set SO_TIMESTAMPNS, which
     * turns on the kernel's global receive timestamping and costs every sent frame a clock read on
     * veth (perf: 2.6 % of the transmit path). Records carry whole seconds anyway. */

    int rc = pcap_activate(p);
    if (rc < 0) {
        /* pcap_geterr is empty for some codes (e.g. PCAP_ERROR_NO_SUCH_DEVICE without detail). */
        const char *why = pcap_geterr(p);
        set_error(s, "cannot capture on %s: %s", ifn, why && *why ? why : pcap_statustostr(rc));
        goto fail;
    }
    /* Our own probes leave through this interface; only what comes in can be a reply. Not every
     * link type supports a direction; the filter (dst host) covers for it. */
    (void)pcap_setdirection(p, PCAP_D_IN);
    if (install_filter(p, s) < 0) {
        set_error(s, "cannot set the capture filter on %s: %s", ifn, pcap_geterr(p));
        goto fail;
    }
    if (pcap_setnonblock(p, 1, errbuf) < 0) {
        set_error(s, "cannot capture on %s: %s", ifn, errbuf);
        goto fail;
    }
    st->dlt = pcap_datalink(p);
    st->fd = pcap_get_selectable_fd(p);
    s->rx_handle = st;
    atomic_store(&s->rx_ready, true);
    return 0;
fail:
    pcap_close(p);
    free(st);
    return -1;
}

/* Never drop a result: wait for the output stage. Only when the scan is over (stop_rx) and the
 * ring has stayed full for a long time is nobody left to drain it. */
static void push_result(rx_state *st, const xs_result *r)
{
    xs_ring *ring = &st->scan->results;
    if (xs_ring_push(ring, r))
        return;
    st->stalls++;
    uint64_t since = 0;
    while (!xs_ring_push(ring, r)) {
        if (atomic_load_explicit(&st->scan->stop_rx, memory_order_relaxed)) {
            uint64_t now = xs_now_ns();
            if (!since)
                since = now;
            else if (now - since > RX_STALL_GIVEUP_NS) {
                st->lost++;
                return;
            }
        }
        sched_yield();
    }
}

/* Is rep addressed to us, and does it carry the cookie of the probe it answers? The endpoint's
 * address is written to addr. */
static bool reply_is_ours(const xs_scan *s, const xs_tcp_reply *rep, xs_addr *addr)
{
    if (rep->family == 4) {
        if (!s->net.has_v4 || rep->dst_ip != s->net.src_ip)
            return false;
        uint32_t expected =
            xs_cookie(&s->key, s->net.src_ip, rep->dst_port, rep->src_ip, rep->src_port);
        *addr = xs_addr_from_v4(rep->src_ip);
        return rep->ack == expected + 1;
    }
    if (!s->net.has_v6 || memcmp(rep->dst_ip6, s->net.src_ip6.b, 16) != 0)
        return false;
    uint32_t expected =
        xs_cookie6(&s->key, s->net.src_ip6.b, rep->dst_port, rep->src_ip6, rep->src_port);
    *addr = xs_addr_from_v6(rep->src_ip6);
    /* A "reply" from an IPv4-mapped source is no IPv6 endpoint we probed. */
    return rep->ack == expected + 1 && !xs_addr_is_v4(addr);
}

static void on_packet(u_char *user, const struct pcap_pkthdr *h, const u_char *bytes)
{
    rx_state *st = (rx_state *)(void *)user;
    xs_scan *s = st->scan;
    xs_tcp_reply rep;
    if (xs_frame_parse(bytes, h->caplen, st->dlt, &rep) < 0) {
        st->invalid++;
        return;
    }
    uint8_t f = rep.flags & (XS_TCP_SYN | XS_TCP_ACK | XS_TCP_RST);
    xs_status status;
    if (f == (XS_TCP_SYN | XS_TCP_ACK))
        status = XS_STATUS_OPEN;
    else if (f & XS_TCP_RST)
        status = XS_STATUS_CLOSED;
    else {
        st->invalid++;
        return;
    }
    xs_addr addr;
    if (!reply_is_ours(s, &rep, &addr)) {
        st->invalid++;
        return;
    }
    st->replies++;
    /* Only retries consult `answered`; the add is a cache miss into a large table, the most
     * expensive step here, so skip it when there will be no retry. */
    if (s->retries) {
        if (rep.family == 4) /* the one-word key, without building the wide one */
            xs_keyset_add_v4(&s->answered, (uint64_t)rep.src_ip << 16 | rep.src_port);
        else
            xs_keyset_add(&s->answered, xs_endpoint_key(&addr, rep.src_port));
    }
    xs_result r = {
        .addr = addr,
        .port = rep.src_port,
        .status = (uint8_t)status,
        .ttl = rep.ttl,
        .ts_ns = (uint64_t)h->ts.tv_sec * 1000000000ull + (uint64_t)h->ts.tv_usec * 1000ull,
    };
    push_result(st, &r);
}

static void publish_counters(rx_state *st)
{
    xs_scan *s = st->scan;
    if (st->replies)
        atomic_fetch_add_explicit(&s->replies, st->replies, memory_order_relaxed);
    if (st->invalid)
        atomic_fetch_add_explicit(&s->rx_invalid, st->invalid, memory_order_relaxed);
    if (st->stalls)
        atomic_fetch_add_explicit(&s->ring_stalls, st->stalls, memory_order_relaxed);
    st->replies = st->invalid = st->stalls = 0;
}

/* One batch; returns the packet count or -1 after recording the error. */
static int dispatch(rx_state *st)
{
    int n = pcap_dispatch(st->pcap, RX_BATCH, on_packet, (u_char *)st);
    publish_counters(st);
    if (n == PCAP_ERROR) {
        set_error(st->scan, "capture on %s failed: %s", st->scan->net.ifname,
                  pcap_geterr(st->pcap));
        return -1;
    }
    return n < 0 ? 0 : n; /* PCAP_ERROR_BREAK: nothing more this round */
}

static void wait_readable(const rx_state *st)
{
    if (st->fd < 0) {
        struct timespec ts = {0, 1000000L}; /* no selectable fd: short sleep */
        nanosleep(&ts, NULL);
        return;
    }
    struct pollfd pfd = {.fd = st->fd, .events = POLLIN};
    (void)poll(&pfd, 1, RX_POLL_MS);
}

void *xs_receiver_main(void *arg)
{
    xs_scan *s = arg;
    rx_state *st = s->rx_handle;
    if (!st)
        return NULL;
    while (!atomic_load_explicit(&s->stop_rx, memory_order_acquire)) {
        int n = dispatch(st);
        if (n < 0)
            return NULL;
        if (n == 0)
            wait_readable(st);
        else if (n < RX_BATCH) {
            struct timespec ts = {0, RX_COALESCE_NS};
            nanosleep(&ts, NULL);
        }
    }
    /* The wait is over: take what the kernel still holds, then stop. */
    for (int round = 0; round < RX_DRAIN_ROUNDS; round++)
        if (dispatch(st) <= 0)
            break;
    struct pcap_stat ps;
    if (pcap_stats(st->pcap, &ps) == 0)
        atomic_store(&s->pcap_drops, (uint64_t)ps.ps_drop + ps.ps_ifdrop);
    if (st->lost)
        atomic_fetch_add(&s->pcap_drops, st->lost); /* lost all the same: make it visible */
    return NULL;
}

void xs_receiver_close(xs_scan *s)
{
    rx_state *st = s->rx_handle;
    if (!st)
        return;
    pcap_close(st->pcap);
    free(st);
    s->rx_handle = NULL;
}
