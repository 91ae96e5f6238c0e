/* The parent's side of the split HTTP stage, and the child's main loop. See privsep.h.
 *
 * Parent: never blocks. Jobs are framed into an output buffer and written as the socket takes
 * them; results are read into an input buffer and decoded one message per pop. A child that
 * sends anything invalid, or dies, is killed and every job it still had comes back as an
 * interrupted record (so --resume fetches it again): no open endpoint is ever lost. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "xsweep/jsonw.h"
#include "xsweep/output.h"
#include "xsweep/privsep.h"

#define SANDBOX_UID                                                                                \
    65533u /* the stage's own uid: not nobody's, so it cannot signal or trace the parent */
#define READ_CHUNK (256u << 10)

enum { JOB = 1, CLOSE = 2, ABORT = 3 };
typedef struct {
    uint32_t magic, type;
    uint64_t id;
    xs_result r;
    uint64_t ep; /* the parent's xs_endpoint pointer: the child is a fork, same addresses */
    uint32_t probe;
    uint32_t pad;
} job_msg;

typedef struct {
    bool used;
    xs_http_job job;
} pending;

struct xs_stage_proxy {
    int fd;
    int errfd; /* the child's stderr: a pipe, so it holds no handle to our file */
    pid_t pid;
    char empty_dir[64];
    unsigned char *out;
    size_t out_off, out_len, out_cap;
    unsigned char *in;
    size_t in_len, in_cap;
    pending *slots; /* id - base -> job */
    size_t nslots, cap;
    uint64_t base, next_id;
    size_t outstanding;
    bool closing, dead, done;
    bool eof; /* the child closed its end; judged once what it sent before is decoded */
};

/* ------------------------------------------------------------------ parent */

static int buf_append(unsigned char **b, size_t *len, size_t *cap, const void *p, size_t n)
{
    if (*len + n > *cap) {
        size_t nc = *cap ? *cap : 4096;
        while (nc < *len + n)
            nc *= 2;
        unsigned char *nb = realloc(*b, nc);
        if (!nb)
            return -1;
        *b = nb;
        *cap = nc;
    }
    memcpy(*b + *len, p, n);
    *len += n;
    return 0;
}

static void kill_child(xs_stage_proxy *p, const char *why);

static void flush_out(xs_stage_proxy *p)
{
    while (!p->dead && p->out_off < p->out_len) {
        ssize_t n =
            send(p->fd, p->out + p->out_off, p->out_len - p->out_off, MSG_DONTWAIT | MSG_NOSIGNAL);
        if (n > 0) {
            p->out_off += (size_t)n;
            continue;
        }
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
            break;
        kill_child(p, "ended early");
    }
    if (p->out_off == p->out_len)
        p->out_off = p->out_len = 0;
}

static void send_msg(xs_stage_proxy *p, uint32_t type, uint64_t id, const xs_http_job *job)
{
    job_msg m;
    memset(&m, 0, sizeof m); /* padding too: the bytes cross to the child */
    m.magic = XS_PS_MAGIC;
    m.type = type;
    m.id = id;
    if (job) {
        m.r = job->r;
        m.ep = (uint64_t)(uintptr_t)job->ep;
        m.probe = job->probe;
    }
    while (buf_append(&p->out, &p->out_len, &p->out_cap, &m, sizeof m) < 0) {
        struct timespec ts = {0, 1000000}; /* out of memory: let the socket drain, lose nothing */
        nanosleep(&ts, NULL);
        flush_out(p);
        if (p->dead)
            return;
    }
    flush_out(p);
}

static pending *slot_of(xs_stage_proxy *p, uint64_t id)
{
    if (id < p->base || id - p->base >= p->nslots)
        return NULL;
    pending *s = &p->slots[id - p->base];
    return s->used ? s : NULL;
}

static void child_main(int fd, const xs_stage_proxy_config *cfg, const char *empty_dir);

xs_stage_proxy *xs_stage_proxy_start(const xs_stage_proxy_config *cfg, char *err, size_t errlen)
{
    xs_stage_proxy *p = calloc(1, sizeof *p);
    int sv[2];
    if (!p) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    snprintf(p->empty_dir, sizeof p->empty_dir, "/tmp/xsweep-empty.XXXXXX");
    int ep[2] = {-1, -1};
    if (!mkdtemp(p->empty_dir) || socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0 ||
        pipe2(ep, O_CLOEXEC) != 0) {
        snprintf(err, errlen, "cannot set up the HTTP stage process: %s", strerror(errno));
        if (p->empty_dir[0] && !strstr(p->empty_dir, "XXXXXX"))
            rmdir(p->empty_dir);
        free(p);
        return NULL;
    }
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0) {
        snprintf(err, errlen, "cannot start the HTTP stage process: %s", strerror(errno));
        close(sv[0]);
        close(sv[1]);
        rmdir(p->empty_dir);
        free(p);
        return NULL;
    }
    if (pid == 0) {
        close(sv[0]);
        close(ep[0]);
        dup2(ep[1], 2);
        child_main(sv[1], cfg, p->empty_dir);
        _exit(0);
    }
    close(sv[1]);
    close(ep[1]);
    p->errfd = ep[0];
    fcntl(p->errfd, F_SETFL, fcntl(p->errfd, F_GETFL) | O_NONBLOCK);
    p->fd = sv[0];
    p->pid = pid;
    fcntl(p->fd, F_SETFL, fcntl(p->fd, F_GETFL) | O_NONBLOCK);
    return p;
}

void xs_stage_proxy_push(xs_stage_proxy *p, const xs_http_job *job)
{
    if (p->nslots == p->cap) {
        /* compact past the finished head first, then grow */
        size_t nc = p->cap ? p->cap * 2 : 4096;
        pending *ns = NULL;
        while (!(ns = realloc(p->slots, nc * sizeof *ns))) {
            struct timespec ts = {0, 1000000};
            nanosleep(&ts, NULL);
        }
        p->slots = ns;
        p->cap = nc;
    }
    uint64_t id = p->next_id++;
    p->slots[p->nslots++] = (pending){true, *job};
    p->outstanding++;
    if (!p->dead)
        send_msg(p, JOB, id, job);
}

/* Drops finished slots at the head. */
static void advance_base(xs_stage_proxy *p)
{
    size_t k = 0;
    while (k < p->nslots && !p->slots[k].used)
        k++;
    if (k == 0)
        return;
    memmove(p->slots, p->slots + k, (p->nslots - k) * sizeof *p->slots);
    p->nslots -= k;
    p->base += k;
}

static xs_enriched *make_record(xs_stage_proxy *p, pending *s, const xs_ps_message *m)
{
    xs_enriched *e = calloc(1, sizeof *e);
    if (!e)
        return NULL;
    e->r = s->job.r;
    e->ep = s->job.ep;
    e->seq = s->job.seq;
    e->probe_job = s->job.probe;
    if (m) {
        e->interrupted = m->interrupted;
        e->auth.method = (xs_auth_method)m->auth_method;
        if (m->status_code > 0 && (e->http = calloc(1, sizeof *e->http)))
            e->http->status_code = m->status_code; /* what grading reads; the fields are in json */
        e->stage_json = m->json;
        e->stage_json_len = m->json_len;
        xs_privsep_fill_fields(e);
    } else {
        e->interrupted = true; /* the stage process is gone: --resume fetches it again */
    }
    s->used = false;
    p->outstanding--;
    advance_base(p);
    return e;
}

static void kill_child(xs_stage_proxy *p, const char *why)
{
    if (!p->dead && p->outstanding > 0) /* with nothing outstanding, nothing was lost */
        fprintf(stderr,
                "xsweep: warning: the HTTP stage process %s: its endpoints are written as "
                "interrupted\n",
                why);
    p->dead = true;
    if (p->pid > 0)
        kill(p->pid, SIGKILL);
}

static void read_in(xs_stage_proxy *p)
{
    while (!p->dead && !p->eof && p->in_len < READ_CHUNK + sizeof(xs_ps_header) + XS_PS_JSON_MAX) {
        if (p->in_cap - p->in_len < READ_CHUNK) {
            size_t nc = p->in_cap ? p->in_cap * 2 : READ_CHUNK * 2;
            unsigned char *nb = realloc(p->in, nc);
            if (!nb)
                return;
            p->in = nb;
            p->in_cap = nc;
        }
        ssize_t n = recv(p->fd, p->in + p->in_len, p->in_cap - p->in_len, MSG_DONTWAIT);
        if (n > 0) {
            p->in_len += (size_t)n;
            continue;
        }
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
            return;
        if (n == 0) {
            /* Its last results and DONE may still be in p->in, unread when the parent was slow
             * (a loaded host): whether it ended early is decided after they are decoded. */
            p->eof = true;
            return;
        }
        kill_child(p, "failed");
    }
}

/* Everything it sent before closing is decoded: said DONE with nothing outstanding is a clean
 * end, anything else is a stage process that went before its work was done. */
static void judge_eof(xs_stage_proxy *p)
{
    if (!p->eof || p->dead)
        return;
    if (p->done && p->outstanding == 0)
        p->dead = true; /* it said it was done, and went */
    else
        kill_child(p, "ended early");
}

/* The child's messages go to our stderr as text: printable bytes only, a bounded amount per call. */
static void relay_stderr(xs_stage_proxy *p)
{
    char b[4096];
    ssize_t n = p->errfd >= 0 ? read(p->errfd, b, sizeof b) : -1;
    if (n <= 0)
        return;
    for (ssize_t i = 0; i < n; i++)
        if (b[i] != '\n' && (b[i] < 0x20 || b[i] > 0x7e))
            b[i] = '?';
    fwrite(b, 1, (size_t)n, stderr);
}

xs_enriched *xs_stage_proxy_pop(xs_stage_proxy *p)
{
    relay_stderr(p);
    flush_out(p);
    read_in(p);
    while (p->in_len > 0 && !p->dead) {
        xs_ps_message m;
        long used = xs_privsep_decode(p->in, p->in_len, &m);
        if (used == 0)
            break;
        pending *s = used > 0 && m.type == XS_PS_RESULT ? slot_of(p, m.id) : NULL;
        if (used < 0 || (m.type == XS_PS_RESULT && !s)) {
            xs_ps_message_free(&m);
            kill_child(p, "sent an invalid message");
            break;
        }
        memmove(p->in, p->in + used, p->in_len - (size_t)used);
        p->in_len -= (size_t)used;
        if (m.type == XS_PS_DONE) {
            p->done = true;
            continue;
        }
        xs_enriched *e = make_record(p, s, &m);
        if (!e)
            xs_ps_message_free(&m);
        return e;
    }
    judge_eof(p);
    if (p->dead) { /* hand back whatever it still had */
        for (size_t i = 0; i < p->nslots; i++)
            if (p->slots[i].used)
                return make_record(p, &p->slots[i], NULL);
    }
    return NULL;
}

void xs_stage_proxy_close_input(xs_stage_proxy *p)
{
    if (p->closing)
        return;
    p->closing = true;
    send_msg(p, CLOSE, 0, NULL);
}

void xs_stage_proxy_abort(xs_stage_proxy *p)
{
    xs_stage_proxy_close_input(p);
    send_msg(p, ABORT, 0, NULL);
}

bool xs_stage_proxy_finished(xs_stage_proxy *p)
{
    flush_out(p);
    return p->closing && p->outstanding == 0;
}

size_t xs_stage_proxy_in_flight(const xs_stage_proxy *p)
{
    return p->outstanding;
}

void xs_stage_proxy_free(xs_stage_proxy *p)
{
    if (!p)
        return;
    if (!p->dead && p->outstanding > 0)
        xs_stage_proxy_abort(p);
    close(p->fd);
    /* It has its jobs' connections to close: a moment, then it is made to go. */
    for (int i = 0; i < 200; i++) {
        if (waitpid(p->pid, NULL, WNOHANG) == p->pid) {
            p->pid = 0;
            break;
        }
        struct timespec ts = {0, 10000000};
        nanosleep(&ts, NULL);
    }
    if (p->pid > 0) {
        kill(p->pid, SIGKILL);
        waitpid(p->pid, NULL, 0);
    }
    for (int i = 0; i < 16; i++)
        relay_stderr(p);
    close(p->errfd);
    rmdir(p->empty_dir);
    free(p->out);
    free(p->in);
    free(p->slots);
    free(p);
}

/* ------------------------------------------------------------------ child */

static int write_all(int fd, const void *buf, size_t n)
{
    const unsigned char *b = buf;
    while (n > 0) {
        ssize_t w = send(fd, b, n, MSG_NOSIGNAL);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return -1;
        b += w;
        n -= (size_t)w;
    }
    return 0;
}

static int send_result(int fd, const xs_enriched *e)
{
    char *json = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&json, &len);
    if (!f)
        return -1;
    xs_jsonw w;
    xs_jsonw_init(&w, f);
    xs_report rep = {.r = e->r, .extra = e};
    xs_jsonw_begin_object(&w);
    xs_stage_fields_json(&rep, &w);
    xs_jsonw_end_object(&w);
    fclose(f);
    if (!json)
        return -1;
    if (len > XS_PS_JSON_MAX) {
        free(json);
        json = strdup("{\"http\":{\"error\":\"record too large\"}}");
        len = json ? strlen(json) : 0;
    }
    xs_ps_header h = {
        XS_PS_MAGIC,
        XS_PS_RESULT,
        e->seq,
        e->http && e->http->status_code > 0 && e->http->status_code <= 999 ? e->http->status_code
                                                                           : 0,
        (uint32_t)e->auth.method,
        (e->interrupted ? XS_PS_F_INTERRUPTED : 0u) | (e->probe_job ? XS_PS_F_PROBE : 0u),
        (uint32_t)len};
    int rc = json && write_all(fd, &h, sizeof h) == 0 && write_all(fd, json, len) == 0 ? 0 : -1;
    free(json);
    return rc;
}

static void child_main(int fd, const xs_stage_proxy_config *cfg, const char *empty_dir)
{
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() == 1)
        _exit(1);
    signal(SIGINT, SIG_IGN); /* the parent decides when to stop, and says so */
    signal(SIGTERM, SIG_IGN);
    signal(SIGPIPE, SIG_IGN);
    bool shots = cfg->stage.screenshot_dir != NULL;
    unsigned uid = SANDBOX_UID, gid = SANDBOX_UID;
    if (shots) { /* Chromium writes into the directory given to --user */
        struct passwd *pw = getpwnam(cfg->user ? cfg->user : "nobody");
        if (pw) {
            uid = pw->pw_uid;
            gid = pw->pw_gid;
        }
    }
    char err[256] = "";
    if (cfg->sandbox && xs_privsep_lockdown(fd, empty_dir, uid, gid, shots, err, sizeof err) < 0) {
        fprintf(stderr, "xsweep: %s\n", err);
        _exit(1);
    }
    fd = cfg->sandbox ? 3 : fd;
    xs_privsep_selftest();
    xs_http_stage *st = xs_http_stage_start(&cfg->stage, err, sizeof err);
    if (!st) {
        fprintf(stderr, "xsweep: %s\n", err);
        _exit(1);
    }
    unsigned char buf[sizeof(job_msg) * 256];
    size_t have = 0;
    bool closed = false, gone = false;
    for (;;) {
        /* Sleeps until the parent writes or the stage has a result (or room for a backlog). */
        struct pollfd pfd[2] = {{gone ? -1 : fd, POLLIN, 0}, {xs_http_stage_fd(st), POLLIN, 0}};
        int ready = poll(pfd, 2, -1);
        if (ready > 0 && pfd[1].revents)
            xs_http_stage_notified(st);
        if (!gone && ready > 0 && pfd[0].revents) {
            ssize_t n = recv(fd, buf + have, sizeof buf - have, MSG_DONTWAIT);
            if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) {
                gone = true; /* the parent went away: stop */
                xs_http_stage_abort(st);
                closed = true;
            } else if (n > 0) {
                have += (size_t)n;
            }
        }
        size_t off = 0;
        for (; have - off >= sizeof(job_msg); off += sizeof(job_msg)) {
            job_msg m;
            memcpy(&m, buf + off, sizeof m);
            if (m.type == JOB) {
                xs_http_job job = {m.r, (const xs_endpoint *)(uintptr_t)m.ep, m.id, m.probe != 0};
                xs_http_stage_push(st, &job);
            } else if (m.type == CLOSE) {
                xs_http_stage_close_input(st);
                closed = true;
            } else if (m.type == ABORT) {
                xs_http_stage_abort(st);
            }
        }
        memmove(buf, buf + off, have - off);
        have -= off;
        xs_enriched *e;
        while ((e = xs_http_stage_pop(st))) {
            if (!gone && send_result(fd, e) < 0)
                gone = true;
            xs_enriched_free(e);
        }
        if (gone && !closed)
            xs_http_stage_abort(st);
        if (closed && xs_http_stage_finished(st))
            break;
        if (gone && xs_http_stage_finished(st))
            break;
    }
    if (!gone) {
        xs_ps_header h = {XS_PS_MAGIC, XS_PS_DONE, 0, 0, 0, 0, 0};
        write_all(fd, &h, sizeof h);
    }
    _exit(0); /* no atexit handlers and no stdio flush of the parent's buffers */
}
