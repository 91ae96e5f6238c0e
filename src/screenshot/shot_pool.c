/* A bounded pool of headless chromium processes, one per shot, on the event loop of the thread
 * that owns it (the stage's one loop): each child's stdout (the DOM), stderr (load errors) and
 * pidfd (its exit) are watched by the loop, and its deadline is a timer in the loop's heap; a
 * child past its deadline has its whole process group SIGKILLed. Exits are detected with
 * waitid(WNOWAIT) first, so the group is killed (stragglers) while its leader, a zombie, still
 * holds the group id: a kill can never reach a process that is not ours. */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <signal.h>
#include <spawn.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <sys/epoll.h>
#include <time.h>
#include <unistd.h>

#include "xsweep/event_loop.h"
#include "xsweep/screenshot.h"
#include "xsweep/clock.h"

#define EXIT_TICK_MS    50  /* exit check period when pidfd_open is not available */
#define STDERR_LINE_MAX 512 /* longer chromium log lines are cut (we look for short messages) */

typedef struct shot_job {
    struct shot_job *next;
    struct xs_shot_pool *pool;
    char *url, *resolve_to, *png_path;
    char *doc_url; /* data: URL of the fetched document, or NULL (chromium fetches) */
    void *user;
    /* while running */
    pid_t pid;
    int pidfd, out_fd, err_fd;
    xs_io out_io, err_io, pid_io; /* their registrations with the loop */
    xs_timer deadline;
    char *profile_dir;
    char *dom;
    size_t dom_len, dom_cap;
    char line[STDERR_LINE_MAX];
    size_t line_len;
    char load_error[96]; /* "net::ERR_..." from "Page load failed: ..." */
    bool load_timed_out; /* chromium's own --timeout fired */
    bool killed;         /* our hard timeout fired */
    uint64_t start_ns, deadline_ns;
} shot_job;

struct xs_shot_pool {
    char *dir, *tmp_dir, *chromium;
    unsigned concurrency, timeout_ms, width, height;
    bool sandbox;
    char *next_doc_url; /* handed from submit_document to the job it creates */
    int deny_fd;        /* bound, never listening: the proxy that refuses everything */
    unsigned deny_port;
    shot_job *queue_head, *queue_tail;
    size_t queued;
    shot_job **running; /* concurrency slots, NULL when free */
    size_t n_running;
    xs_loop *loop;
    bool own_loop, hooked; /* own_loop: made by xs_shot_pool_new, freed with the pool */
    xs_timer tick;         /* exit checks of children without a pidfd */
    xs_shot_done_fn done;
    void *done_arg;
    int delivered;
    char *text; /* XS_SHOT_TEXT_MAX + 1, reused for every result */
    char *env[4];
    char **graves; /* profile dirs a dying process wrote into while we removed them */
    size_t n_graves;
};

static int rm_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
    (void)sb;
    (void)flag;
    (void)ftw;
    remove(path);
    return 0;
}

/* Removes a profile directory we created (never follows links, never leaves the filesystem).
 * true when it is gone. */
static bool remove_tree(const char *dir)
{
    if (!dir)
        return true;
    nftw(dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS | FTW_MOUNT);
    return access(dir, F_OK) != 0;
}

/* A killed group dies asynchronously: what its last writes left is removed on later polls. */
static void bury(xs_shot_pool *p, const char *dir)
{
    if (remove_tree(dir))
        return;
    char **ng = realloc(p->graves, (p->n_graves + 1) * sizeof *ng);
    char *copy = strdup(dir);
    if (!ng || !copy) {
        free(copy);
        if (ng)
            p->graves = ng;
        return;
    }
    p->graves = ng;
    p->graves[p->n_graves++] = copy;
}

static void sweep_graves(xs_shot_pool *p)
{
    size_t keep = 0;
    for (size_t i = 0; i < p->n_graves; i++) {
        if (remove_tree(p->graves[i]))
            free(p->graves[i]);
        else
            p->graves[keep++] = p->graves[i];
    }
    p->n_graves = keep;
}

static void job_free(shot_job *j)
{
    if (!j)
        return;
    free(j->url);
    free(j->resolve_to);
    free(j->png_path);
    free(j->doc_url);
    free(j->profile_dir);
    free(j->dom);
    free(j);
}

static void close_fd(int *fd)
{
    if (*fd >= 0)
        close(*fd);
    *fd = -1;
}

/* Closes one of a running job's fds, through the loop when it is registered there. */
static void close_watched(shot_job *j, xs_io *io, int *fd)
{
    if (io->events) {
        xs_loop_io_close(j->pool->loop, io);
        *fd = -1;
    } else {
        close_fd(fd);
    }
    io->fd = -1;
}

/* ------------------------------------------------------------------ setup */

static int open_deny_proxy(unsigned *port)
{
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return -1;
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t sl = sizeof sa;
    if (bind(fd, (struct sockaddr *)&sa, sizeof sa) != 0 ||
        getsockname(fd, (struct sockaddr *)&sa, &sl) != 0) {
        close(fd);
        return -1;
    }
    *port = ntohs(sa.sin_port); /* no listen(): connections to it are refused at once */
    return fd;
}

static const char *default_chromium(void)
{
    if (access("/usr/lib/chromium/chromium", X_OK) == 0)
        return "/usr/lib/chromium/chromium";
    return "/usr/bin/chromium";
}

static bool pool_hook(void *arg);
static void on_tick(xs_timer *t, void *arg);

xs_shot_pool *xs_shot_pool_new(const xs_shot_config *cfg, char *err, size_t errlen)
{
    xs_loop *loop = xs_loop_new();
    if (!loop) {
        snprintf(err, errlen, "screenshots: event loop: %s", strerror(errno));
        return NULL;
    }
    xs_shot_pool *p = xs_shot_pool_new_on(loop, cfg, NULL, NULL, err, errlen);
    if (!p) {
        xs_loop_free(loop);
        return NULL;
    }
    p->own_loop = true;
    return p;
}

xs_shot_pool *xs_shot_pool_new_on(xs_loop *loop, const xs_shot_config *cfg, xs_shot_done_fn done,
                                  void *arg, char *err, size_t errlen)
{
    xs_shot_config c = cfg ? *cfg : (xs_shot_config){0};
    const char *chromium = c.chromium_path ? c.chromium_path : default_chromium();
    if (access(chromium, X_OK) != 0) {
        snprintf(err, errlen, "screenshots: %s: %s (apt-get install chromium)", chromium,
                 strerror(errno));
        return NULL;
    }
    const char *tmp = c.tmp_dir ? c.tmp_dir : getenv("TMPDIR");
    if (!tmp || !*tmp)
        tmp = "/tmp";
    xs_shot_pool *p = calloc(1, sizeof *p);
    if (!p)
        goto nomem;
    p->deny_fd = -1;
    p->loop = loop;
    p->done = done;
    p->done_arg = arg;
    xs_timer_init(&p->tick, on_tick, p);
    p->concurrency = c.concurrency ? c.concurrency : XS_SHOT_DEFAULT_CONCURRENCY;
    p->timeout_ms = c.timeout_ms ? c.timeout_ms : XS_SHOT_DEFAULT_TIMEOUT_MS;
    p->width = c.width ? c.width : XS_SHOT_DEFAULT_WIDTH;
    p->height = c.height ? c.height : XS_SHOT_DEFAULT_HEIGHT;
    p->sandbox = c.sandbox;
    p->chromium = strdup(chromium);
    p->tmp_dir = strdup(tmp);
    p->dir = c.dir ? strdup(c.dir) : NULL;
    p->running = calloc(p->concurrency, sizeof *p->running);
    p->text = malloc(XS_SHOT_TEXT_MAX + 1);
    /* chromium gets a minimal environment: no proxy variables, no session bus, and HOME and
     * TMPDIR set per shot to its profile directory, so everything it writes goes away with it */
    p->env[0] = strdup("PATH=/usr/bin:/bin");
    p->env[1] = strdup("LANG=C.UTF-8");
    if (!p->chromium || !p->tmp_dir || (c.dir && !p->dir) || !p->running || !p->text ||
        !p->env[0] || !p->env[1] || xs_loop_hook_add(loop, pool_hook, p) != 0)
        goto nomem;
    p->hooked = true;
    p->deny_fd = open_deny_proxy(&p->deny_port);
    if (p->deny_fd < 0) {
        snprintf(err, errlen, "screenshots: loopback socket: %s", strerror(errno));
        xs_shot_pool_free(p);
        return NULL;
    }
    return p;
nomem:
    snprintf(err, errlen, "screenshots: out of memory");
    xs_shot_pool_free(p);
    return NULL;
}

/* ------------------------------------------------------------------ submit */

int xs_shot_pool_submit_pinned(xs_shot_pool *p, const char *url, const char *resolve_to,
                               const char *out_png_path, void *user)
{
    char host[256];
    unsigned port;
    if (!url || !out_png_path || !*out_png_path ||
        xs_shot_url_host_port(url, host, sizeof host, &port) != 0) {
        errno = EINVAL;
        return -1;
    }
    shot_job *j = calloc(1, sizeof *j);
    if (!j)
        return -1;
    j->pidfd = j->out_fd = j->err_fd = -1;
    j->pool = p;
    j->user = user;
    j->url = strdup(url);
    j->resolve_to = resolve_to ? strdup(resolve_to) : NULL;
    if (out_png_path[0] != '/' && p->dir) {
        if (asprintf(&j->png_path, "%s/%s", p->dir, out_png_path) < 0)
            j->png_path = NULL;
    } else
        j->png_path = strdup(out_png_path);
    if (!j->url || !j->png_path || (resolve_to && !j->resolve_to)) {
        job_free(j);
        errno = ENOMEM;
        return -1;
    }
    /* the argv builder is the authority on what is acceptable (e.g. resolve_to must be an IP) */
    xs_shot_argv_spec spec = {.chromium_path = p->chromium,
                              .url = url,
                              .png_path = j->png_path,
                              .profile_dir = "/",
                              .resolve_to = resolve_to,
                              .document_url = p->next_doc_url};
    j->doc_url = p->next_doc_url;
    p->next_doc_url = NULL;
    char **probe = xs_shot_build_argv(&spec);
    if (!probe) {
        job_free(j);
        errno = EINVAL;
        return -1;
    }
    xs_shot_argv_free(probe);
    if (p->queue_tail)
        p->queue_tail->next = j;
    else
        p->queue_head = j;
    p->queue_tail = j;
    p->queued++;
    return 0;
}

int xs_shot_pool_submit(xs_shot_pool *p, const char *url, const char *out_png_path, void *user)
{
    return xs_shot_pool_submit_pinned(p, url, NULL, out_png_path, user);
}

/* The charset parameter of a Content-Type, kept only when it is a plain token. */
static void charset_of(const char *ct, char *out, size_t cap)
{
    snprintf(out, cap, "utf-8");
    const char *c = ct ? strcasestr(ct, "charset=") : NULL;
    if (!c)
        return;
    c += 8;
    if (*c == '"')
        c++;
    size_t n = 0;
    while (c[n] && n + 1 < cap && (isalnum((unsigned char)c[n]) || strchr("-_.:", c[n])))
        n++;
    if (n > 0) {
        memcpy(out, c, n);
        out[n] = '\0';
    }
}

int xs_shot_pool_submit_document(xs_shot_pool *p, const char *url, const unsigned char *doc,
                                 size_t len, const char *content_type, const char *out_png_path,
                                 void *user)
{
    static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    if (len > XS_SHOT_DOC_MAX)
        len = XS_SHOT_DOC_MAX;
    char cs[48];
    charset_of(content_type, cs, sizeof cs);
    size_t head = 64 + strlen(cs), cap = head + (len + 2) / 3 * 4 + 1;
    char *d = malloc(cap);
    if (!d) {
        errno = ENOMEM;
        return -1;
    }
    size_t o = (size_t)snprintf(d, head, "data:text/html;charset=%s;base64,", cs);
    for (size_t i = 0; i < len; i += 3) {
        uint32_t v = (uint32_t)doc[i] << 16;
        if (i + 1 < len)
            v |= (uint32_t)doc[i + 1] << 8;
        if (i + 2 < len)
            v |= doc[i + 2];
        d[o++] = b64[(v >> 18) & 63];
        d[o++] = b64[(v >> 12) & 63];
        d[o++] = i + 1 < len ? b64[(v >> 6) & 63] : '=';
        d[o++] = i + 2 < len ? b64[v & 63] : '=';
    }
    d[o] = '\0';
    p->next_doc_url = d;
    int rc = xs_shot_pool_submit_pinned(p, url, NULL, out_png_path, user);
    free(p->next_doc_url); /* NULL when the job took it */
    p->next_doc_url = NULL;
    return rc;
}

size_t xs_shot_pool_pending(const xs_shot_pool *p)
{
    return p->queued + p->n_running;
}

/* ------------------------------------------------------------------ spawn */

/* Starts chromium for j. 0, or an errno value (j is then not running). */
static int spawn_job(xs_shot_pool *p, shot_job *j)
{
    int out[2] = {-1, -1}, errp[2] = {-1, -1}, rc;
    char *home = NULL, *tmpdir = NULL;
    char **argv = NULL;
    if (asprintf(&j->profile_dir, "%s/xs-shot-XXXXXX", p->tmp_dir) < 0) {
        j->profile_dir = NULL;
        return ENOMEM;
    }
    if (!mkdtemp(j->profile_dir)) {
        rc = errno;
        free(j->profile_dir);
        j->profile_dir = NULL;
        return rc;
    }
    /* chromium stops loading at half the budget; the rest is for rendering, writing, exiting */
    unsigned load_ms = p->timeout_ms / 2 > 1000 ? p->timeout_ms / 2 : 1000;
    xs_shot_argv_spec spec = {.chromium_path = p->chromium,
                              .url = j->url,
                              .png_path = j->png_path,
                              .profile_dir = j->profile_dir,
                              .resolve_to = j->resolve_to,
                              .load_timeout_ms = load_ms,
                              .deny_proxy_port = p->deny_port,
                              .width = p->width,
                              .height = p->height,
                              .sandbox = p->sandbox,
                              .document_url = j->doc_url};
    argv = xs_shot_build_argv(&spec);
    if (!argv) {
        rc = EINVAL;
        goto fail;
    }
    if (asprintf(&home, "HOME=%s", j->profile_dir) < 0)
        home = NULL;
    if (asprintf(&tmpdir, "TMPDIR=%s", j->profile_dir) < 0)
        tmpdir = NULL;
    if (!home || !tmpdir) {
        rc = ENOMEM;
        goto fail;
    }
    if (pipe2(out, O_CLOEXEC) != 0 || pipe2(errp, O_CLOEXEC) != 0) {
        rc = errno;
        goto fail;
    }
    fcntl(out[0], F_SETFL, O_NONBLOCK);
    fcntl(errp[0], F_SETFL, O_NONBLOCK);

    posix_spawn_file_actions_t fa;
    posix_spawnattr_t attr;
    posix_spawn_file_actions_init(&fa);
    posix_spawnattr_init(&attr);
    posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_adddup2(&fa, out[1], 1);
    posix_spawn_file_actions_adddup2(&fa, errp[1], 2);
#if defined(__GLIBC__) && (__GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 34))
    posix_spawn_file_actions_addclosefrom_np(&fa, 3); /* sockets etc. without CLOEXEC stay here */
#endif
    sigset_t none, all;
    sigemptyset(&none);
    sigfillset(&all);
    posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK |
                                        POSIX_SPAWN_SETSIGDEF);
    posix_spawnattr_setpgroup(&attr, 0); /* its own group: the hard timeout kills all of it */
    posix_spawnattr_setsigmask(&attr, &none);
    posix_spawnattr_setsigdefault(&attr, &all);
    char *envp[] = {p->env[0], p->env[1], home, tmpdir, NULL};
    rc = posix_spawn(&j->pid, p->chromium, &fa, &attr, argv, envp);
    posix_spawn_file_actions_destroy(&fa);
    posix_spawnattr_destroy(&attr);
    if (rc != 0)
        goto fail;
    close(out[1]);
    close(errp[1]);
    j->out_fd = out[0];
    j->err_fd = errp[0];
    j->pidfd = (int)syscall(SYS_pidfd_open, j->pid, 0);
    j->start_ns = xs_now_ns();
    j->deadline_ns = j->start_ns + (uint64_t)p->timeout_ms * 1000000u;
    xs_shot_argv_free(argv);
    free(home);
    free(tmpdir);
    return 0;
fail:
    for (int k = 0; k < 2; k++) {
        if (out[k] >= 0)
            close(out[k]);
        if (errp[k] >= 0)
            close(errp[k]);
    }
    xs_shot_argv_free(argv);
    free(home);
    free(tmpdir);
    remove_tree(j->profile_dir);
    free(j->profile_dir);
    j->profile_dir = NULL;
    return rc;
}

/* ------------------------------------------------------------------ output */

static void read_dom(shot_job *j)
{
    char sink[16384];
    for (;;) {
        if (j->dom_len == j->dom_cap && j->dom_cap < XS_SHOT_DOM_MAX) {
            size_t nc = j->dom_cap ? j->dom_cap * 2 : 65536;
            if (nc > XS_SHOT_DOM_MAX)
                nc = XS_SHOT_DOM_MAX;
            char *nd = realloc(j->dom, nc);
            if (nd) {
                j->dom = nd;
                j->dom_cap = nc;
            }
        }
        bool keep = j->dom_len < j->dom_cap;
        ssize_t n = keep ? read(j->out_fd, j->dom + j->dom_len, j->dom_cap - j->dom_len)
                         : read(j->out_fd, sink, sizeof sink); /* past the bound: drain */
        if (n > 0) {
            if (keep)
                j->dom_len += (size_t)n;
            continue;
        }
        if (n < 0 && errno == EINTR)
            continue;
        if (n == 0)
            close_watched(j, &j->out_io, &j->out_fd);
        return; /* EAGAIN or EOF */
    }
}

static void stderr_line(shot_job *j)
{
    j->line[j->line_len] = '\0';
    const char *m;
    if ((m = strstr(j->line, "Page load failed: ")) != NULL) {
        m += strlen("Page load failed: ");
        snprintf(j->load_error, sizeof j->load_error, "%.*s", (int)strcspn(m, " \r\n"), m);
    } else if (strstr(j->line, "Page load timed out")) {
        j->load_timed_out = true;
    }
    j->line_len = 0;
}

static void read_stderr(shot_job *j)
{
    char buf[4096];
    for (;;) {
        ssize_t n = read(j->err_fd, buf, sizeof buf);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            if (n == 0) {
                if (j->line_len)
                    stderr_line(j);
                close_watched(j, &j->err_io, &j->err_fd);
            }
            return;
        }
        for (ssize_t i = 0; i < n; i++) {
            if (buf[i] == '\n')
                stderr_line(j);
            else if (j->line_len + 1 < sizeof j->line)
                j->line[j->line_len++] = buf[i];
        }
    }
}

/* ------------------------------------------------------------------ completion */

static bool job_exited(shot_job *j)
{
    siginfo_t si;
    memset(&si, 0, sizeof si);
    /* WNOWAIT: the zombie keeps the process group id reserved until we reap it */
    return waitid(P_PID, (id_t)j->pid, &si, WEXITED | WNOHANG | WNOWAIT) == 0 &&
           si.si_pid == j->pid;
}

static void deliver(xs_shot_pool *p, shot_job *j, const char *spawn_error, int status)
{
    char error[192];
    xs_shot_result r = {.url = j->url, .user = j->user, .text = ""};
    const char *err = NULL;
    if (spawn_error) {
        snprintf(error, sizeof error, "spawn: %s", spawn_error);
        err = error;
    } else {
        r.elapsed_ns = xs_now_ns() - j->start_ns;
        if (j->dom_len) {
            r.text_len = xs_dom_visible_text(j->dom, j->dom_len, p->text, XS_SHOT_TEXT_MAX + 1,
                                             &r.text_truncated);
            r.text = p->text;
        }
        uint32_t w = 0, h = 0;
        size_t bytes = 0;
        if (j->killed)
            err = "timeout";
        else if (WIFSIGNALED(status)) {
            snprintf(error, sizeof error, "chromium killed by signal %d", WTERMSIG(status));
            err = error;
        } else if (WEXITSTATUS(status) != 0) {
            snprintf(error, sizeof error, "chromium exited with status %d", WEXITSTATUS(status));
            err = error;
        } else if (j->load_error[0]) {
            snprintf(error, sizeof error, "load failed: %s", j->load_error);
            err = error;
        } else if (j->load_timed_out && r.text_len == 0)
            err = "timeout"; /* nothing came back before chromium gave up */
        else if (xs_png_file_dimensions(j->png_path, &w, &h, &bytes) != 0)
            err = "no screenshot";
        if (!err) {
            r.png_path = j->png_path;
            r.width = w;
            r.height = h;
            r.bytes = bytes;
            r.partial = j->load_timed_out;
        }
    }
    if (err) {
        unlink(j->png_path); /* no half-written or error-page PNG stays behind */
        r.error = err;
        r.text = "";
        r.text_len = 0;
        r.text_truncated = false;
    }
    bury(p, j->profile_dir);
    p->delivered++;
    if (p->done)
        p->done(&r, p->done_arg);
}

/* Reaps an exited child: kill the stragglers of its group, drain its pipes, collect its status. */
static int reap(shot_job *j)
{
    kill(-j->pid, SIGKILL);
    if (j->out_fd >= 0)
        read_dom(j);
    if (j->err_fd >= 0)
        read_stderr(j);
    int status = 0;
    while (waitpid(j->pid, &status, 0) < 0 && errno == EINTR) /* a zombie: does not block */
        ;
    close_watched(j, &j->out_io, &j->out_fd);
    close_watched(j, &j->err_io, &j->err_fd);
    close_watched(j, &j->pid_io, &j->pidfd);
    xs_loop_timer_cancel(j->pool->loop, &j->deadline);
    return status;
}

/* The child exited: reap it, free its slot, hand over its shot. */
static void check_exit(xs_shot_pool *p, shot_job *j)
{
    if (!job_exited(j))
        return;
    for (size_t s = 0; s < p->concurrency; s++)
        if (p->running[s] == j)
            p->running[s] = NULL;
    p->n_running--;
    int status = reap(j);
    deliver(p, j, NULL, status);
    job_free(j);
}

static void on_out(xs_io *io, uint32_t revents, void *arg)
{
    (void)io;
    (void)revents;
    read_dom(arg);
}

static void on_err(xs_io *io, uint32_t revents, void *arg)
{
    (void)io;
    (void)revents;
    read_stderr(arg);
}

static void on_pidfd(xs_io *io, uint32_t revents, void *arg)
{
    (void)io;
    (void)revents;
    shot_job *j = arg;
    check_exit(j->pool, j);
}

static void on_deadline(xs_timer *t, void *arg)
{
    (void)t;
    shot_job *j = arg;
    kill(-j->pid, SIGKILL); /* the whole group; reaped when its leader has exited */
    j->killed = true;
}

/* Children without a pidfd (old kernels): an exit check every EXIT_TICK_MS. */
static void on_tick(xs_timer *t, void *arg)
{
    (void)t;
    xs_shot_pool *p = arg;
    bool again = false;
    for (size_t s = 0; s < p->concurrency; s++) {
        shot_job *j = p->running[s];
        if (j && j->pidfd < 0) {
            check_exit(p, j);
            again |= p->running[s] != NULL;
        }
    }
    if (again)
        xs_loop_timer_set(p->loop, &p->tick, xs_now_ns() + EXIT_TICK_MS * 1000000ull);
}

/* A spawned child's pipes, pidfd and deadline go to the loop. 0, or -1 (nothing registered). */
static int watch(xs_shot_pool *p, shot_job *j)
{
    xs_io_init(&j->out_io, j->out_fd, on_out, j);
    xs_io_init(&j->err_io, j->err_fd, on_err, j);
    xs_io_init(&j->pid_io, j->pidfd, on_pidfd, j);
    xs_timer_init(&j->deadline, on_deadline, j);
    if (xs_loop_io_set(p->loop, &j->out_io, EPOLLIN) != 0 ||
        xs_loop_io_set(p->loop, &j->err_io, EPOLLIN) != 0 ||
        (j->pidfd >= 0 && xs_loop_io_set(p->loop, &j->pid_io, EPOLLIN) != 0) ||
        xs_loop_timer_set(p->loop, &j->deadline, j->deadline_ns) != 0)
        return -1;
    if (j->pidfd < 0 && !xs_timer_armed(&p->tick))
        xs_loop_timer_set(p->loop, &p->tick, xs_now_ns() + EXIT_TICK_MS * 1000000ull);
    return 0;
}

/* Kills and reaps a running child; its profile and partial PNG go. */
static void stop_job(xs_shot_pool *p, shot_job *j)
{
    kill(-j->pid, SIGKILL);
    while (waitpid(j->pid, NULL, 0) < 0 && errno == EINTR)
        ;
    close_watched(j, &j->out_io, &j->out_fd);
    close_watched(j, &j->err_io, &j->err_fd);
    close_watched(j, &j->pid_io, &j->pidfd);
    xs_loop_timer_cancel(p->loop, &j->deadline);
    bury(p, j->profile_dir);
    unlink(j->png_path);
}

/* Fills free slots from the queue; spawn failures are delivered at once. */
static void start_queued(xs_shot_pool *p)
{
    for (size_t s = 0; s < p->concurrency && p->queue_head; s++) {
        if (p->running[s])
            continue;
        shot_job *j = p->queue_head;
        p->queue_head = j->next;
        if (!p->queue_head)
            p->queue_tail = NULL;
        p->queued--;
        j->next = NULL;
        int rc = spawn_job(p, j);
        if (rc == 0 && watch(p, j) != 0) {
            stop_job(p, j);
            rc = ENOMEM;
        }
        if (rc != 0) {
            deliver(p, j, strerror(rc), 0);
            job_free(j);
            continue;
        }
        p->running[s] = j;
        p->n_running++;
    }
}

/* Before each wait: queued shots take free slots; the dead's leftovers are swept. */
static bool pool_hook(void *arg)
{
    xs_shot_pool *p = arg;
    int before = p->delivered;
    if (p->n_graves)
        sweep_graves(p);
    start_queued(p);
    return p->delivered != before;
}

int xs_shot_pool_poll(xs_shot_pool *p, int timeout_ms, xs_shot_done_fn done, void *arg)
{
    xs_shot_done_fn keep = p->done;
    void *keep_arg = p->done_arg;
    p->done = done;
    p->done_arg = arg;
    p->delivered = 0;
    uint64_t until = timeout_ms >= 0 ? xs_now_ns() + (uint64_t)timeout_ms * 1000000u : UINT64_MAX;
    int rc = 0;
    for (;;) {
        pool_hook(p);
        if (p->delivered || xs_shot_pool_pending(p) == 0)
            break;
        uint64_t now = xs_now_ns();
        int left = until == UINT64_MAX ? -1
                   : now >= until      ? 0
                                       : (int)((until - now + 999999u) / 1000000u);
        if ((rc = xs_loop_run_once(p->loop, left)) < 0 || p->delivered || xs_now_ns() >= until)
            break;
    }
    p->done = keep;
    p->done_arg = keep_arg;
    return rc < 0 ? -1 : p->delivered;
}

void xs_shot_pool_free(xs_shot_pool *p)
{
    if (!p)
        return;
    for (size_t s = 0; p->running && s < p->concurrency; s++) {
        shot_job *j = p->running[s];
        if (!j)
            continue;
        stop_job(p, j);
        job_free(j);
    }
    while (p->queue_head) {
        shot_job *j = p->queue_head;
        p->queue_head = j->next;
        job_free(j);
    }
    for (int tries = 0; tries < 50 && p->n_graves; tries++) { /* the last deaths take ms */
        sweep_graves(p);
        if (p->n_graves) {
            struct timespec ts = {0, 10 * 1000000};
            nanosleep(&ts, NULL);
        }
    }
    for (size_t i = 0; i < p->n_graves; i++)
        free(p->graves[i]);
    free(p->graves);
    if (p->deny_fd >= 0)
        close(p->deny_fd);
    for (size_t k = 0; k < sizeof p->env / sizeof p->env[0]; k++)
        free(p->env[k]);
    free(p->running);
    if (p->loop)
        xs_loop_timer_cancel(p->loop, &p->tick);
    if (p->hooked)
        xs_loop_hook_remove(p->loop, pool_hook, p);
    if (p->own_loop)
        xs_loop_free(p->loop);
    free(p->text);
    free(p->chromium);
    free(p->tmp_dir);
    free(p->dir);
    free(p);
}
