/* The child's lockdown, in the order the kernel needs it: files and chroot while root, the
 * capability bounding set while CAP_SETPCAP is still held, then the uid, then no_new_privs and
 * the seccomp filter (which also stops the filter from being loosened). */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/capability.h>
#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <openssl/ssl.h>
#include "xsweep/checks.h"
#include "xsweep/event_loop.h"
#include "xsweep/clock.h"
#include "xsweep/privsep.h"

static int fail(char *err, size_t errlen, const char *what)
{
    snprintf(err, errlen, "stage sandbox: %s: %s", what, strerror(errno));
    return -1;
}

static int only_fd(int keep)
{
    int null = open("/dev/null", O_RDWR | O_CLOEXEC);
    if (null < 0 || dup2(null, 0) < 0 || dup2(null, 1) < 0)
        return -1;
    if (keep != 3 && dup2(keep, 3) < 0)
        return -1;
    /* Everything else goes: the raw socket, the capture, the output, the resume file, the db. */
    return (int)syscall(SYS_close_range, 4u, ~0u, 0u);
}

static int drop_bounding_set(void)
{
    for (int cap = 0; cap <= 63; cap++)
        if (prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) != 0 && errno != EINVAL)
            return -1;
    return 0;
}

static int clear_caps(void)
{
    struct __user_cap_header_struct hdr = {_LINUX_CAPABILITY_VERSION_3, 0};
    struct __user_cap_data_struct data[2];
    memset(data, 0, sizeof data);
    prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0);
    return (int)syscall(SYS_capset, &hdr, data);
}

/* Every field named: SCMP_A0() leaves datum_b out, which clang's -Wextra refuses. */
#define ARG(n, op, a, b)        ((struct scmp_arg_cmp){(n), (op), (scmp_datum_t)(a), (scmp_datum_t)(b)})
#define DENY(ctx, errno_, name) seccomp_rule_add(ctx, SCMP_ACT_ERRNO(errno_), SCMP_SYS(name), 0)

/* Default allow, with the dangerous calls refused: a parser taken over can still talk TCP to the
 * targets (its job) but cannot make a raw or packet socket, open or create a file, run a program,
 * trace or signal-free inspect another process, or reconfigure the kernel. */
static int load_filter(bool allow_files)
{
    scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ALLOW);
    if (!ctx)
        return -1;
    int rc = 0;
    rc |= seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(socket), 1,
                           ARG(0, SCMP_CMP_EQ, AF_PACKET, 0));
    rc |= seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(socket), 2,
                           ARG(0, SCMP_CMP_EQ, AF_INET, 0),
                           ARG(1, SCMP_CMP_MASKED_EQ, 0xf, SOCK_RAW));
    rc |= seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(socket), 2,
                           ARG(0, SCMP_CMP_EQ, AF_INET6, 0),
                           ARG(1, SCMP_CMP_MASKED_EQ, 0xf, SOCK_RAW));
    static const int kernel[] = {
        SCMP_SYS(init_module),  SCMP_SYS(finit_module),    SCMP_SYS(delete_module),
        SCMP_SYS(kexec_load),   SCMP_SYS(kexec_file_load), SCMP_SYS(reboot),
        SCMP_SYS(swapon),       SCMP_SYS(swapoff),         SCMP_SYS(acct),
        SCMP_SYS(settimeofday), SCMP_SYS(clock_settime),   SCMP_SYS(bpf),
        SCMP_SYS(quotactl),
    };
    for (size_t i = 0; i < sizeof kernel / sizeof kernel[0]; i++)
        rc |= seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), kernel[i], 0);
    if (allow_files) {
        /* Screenshots: Chromium needs files, exec, AF_UNIX and its own namespace sandbox, so only
         * the raw and packet sockets and the kernel's configuration stay refused. */
        if (rc == 0)
            rc = seccomp_load(ctx);
        seccomp_release(ctx);
        return rc == 0 ? 0 : -1;
    }
    /* socket(): only AF_INET/AF_INET6, only SOCK_STREAM. */
    rc |= seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(socket), 1,
                           ARG(0, SCMP_CMP_LT, AF_INET, 0));
    rc |= seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(socket), 1,
                           ARG(0, SCMP_CMP_GT, AF_INET6, 0));
    for (int dom = AF_INET + 1; dom < AF_INET6; dom++)
        rc |= seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(socket), 1,
                               ARG(0, SCMP_CMP_EQ, dom, 0));
    rc |= seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(socket), 1,
                           ARG(1, SCMP_CMP_MASKED_EQ, 0xf, SOCK_RAW));
    rc |= seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(socket), 1,
                           ARG(1, SCMP_CMP_MASKED_EQ, 0xf, SOCK_DGRAM));
    rc |= seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(socket), 1,
                           ARG(1, SCMP_CMP_MASKED_EQ, 0xf, SOCK_PACKET));
    rc |= DENY(ctx, EPERM, socketpair);
    {
        rc |= DENY(ctx, EACCES, open);
        rc |= DENY(ctx, EACCES, openat);
        rc |= DENY(ctx, EACCES, openat2);
        rc |= DENY(ctx, EACCES, creat);
        rc |= DENY(ctx, EACCES, open_by_handle_at);
        rc |= DENY(ctx, EPERM, execve);
        rc |= DENY(ctx, EPERM, execveat);
        rc |= DENY(ctx, EPERM, unlink);
        rc |= DENY(ctx, EPERM, unlinkat);
        rc |= DENY(ctx, EPERM, rename);
        rc |= DENY(ctx, EPERM, renameat);
        rc |= DENY(ctx, EPERM, renameat2);
        rc |= DENY(ctx, EPERM, mkdir);
        rc |= DENY(ctx, EPERM, mkdirat);
        rc |= DENY(ctx, EPERM, truncate);
    }
    static const int always[] = {
        SCMP_SYS(ptrace),
        SCMP_SYS(process_vm_readv),
        SCMP_SYS(process_vm_writev),
        SCMP_SYS(mount),
        SCMP_SYS(umount2),
        SCMP_SYS(pivot_root),
        SCMP_SYS(chroot),
        SCMP_SYS(unshare),
        SCMP_SYS(setns),
        SCMP_SYS(perf_event_open),
        SCMP_SYS(keyctl),
        SCMP_SYS(add_key),
        SCMP_SYS(request_key),
        SCMP_SYS(userfaultfd),
        SCMP_SYS(io_uring_setup),
        SCMP_SYS(mknod),
        SCMP_SYS(mknodat),
        SCMP_SYS(link),
        SCMP_SYS(linkat),
        SCMP_SYS(symlink),
        SCMP_SYS(symlinkat),
        SCMP_SYS(chmod),
        SCMP_SYS(fchmodat),
        SCMP_SYS(chown),
        SCMP_SYS(lchown),
        SCMP_SYS(fchownat),
        SCMP_SYS(setxattr),
        SCMP_SYS(lsetxattr),
        SCMP_SYS(fsetxattr),
        SCMP_SYS(personality),
        SCMP_SYS(name_to_handle_at),
        SCMP_SYS(fanotify_init),
        SCMP_SYS(open_tree),
        SCMP_SYS(move_mount),
        SCMP_SYS(fsopen),
        SCMP_SYS(fsmount),
    };
    for (size_t i = 0; i < sizeof always / sizeof always[0]; i++)
        rc |= seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), always[i], 0);
    if (rc == 0)
        rc = seccomp_load(ctx);
    seccomp_release(ctx);
    return rc == 0 ? 0 : -1;
}

int xs_privsep_lockdown(int keep, const char *empty_dir, unsigned uid, unsigned gid,
                        bool allow_files, char *err, size_t errlen)
{
    /* What OpenSSL would read from disk (its config) is read now, while there is a disk. */
    OPENSSL_init_ssl(OPENSSL_INIT_LOAD_CONFIG, NULL);
    xs_tls_trust_preload(); /* and the trust store the TLS audit verifies chains with */
    if (only_fd(keep) != 0)
        return fail(err, errlen, "closing inherited files");
    bool root = geteuid() == 0;
    if (root && !allow_files && (chroot(empty_dir) != 0 || chdir("/") != 0))
        return fail(err, errlen, "chroot");
    if (root && drop_bounding_set() != 0)
        return fail(err, errlen, "capability bounding set");
    if (root &&
        (setgroups(0, NULL) != 0 || setresgid(gid, gid, gid) != 0 || setresuid(uid, uid, uid) != 0))
        return fail(err, errlen, "uid");
    if (clear_caps() != 0)
        return fail(err, errlen, "capabilities");
    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0)
        return fail(err, errlen, "no_new_privs");
    if (load_filter(allow_files) != 0)
        return fail(err, errlen, "seccomp filter");
    return 0;
}

static void selftest_tick(xs_timer *t, void *arg)
{
    (void)t;
    *(bool *)arg = true;
}

/* The stage's event loop under the filter: epoll, its eventfd wake-up and a timer. */
static bool selftest_event_loop(void)
{
    xs_loop *l = xs_loop_new();
    if (!l)
        return false;
    bool fired = false;
    xs_timer t;
    xs_timer_init(&t, selftest_tick, &fired);
    xs_loop_timer_set(l, &t, xs_now_ns() + 1000000);
    xs_loop_wakeup(l);
    for (int i = 0; i < 100 && !fired; i++)
        if (xs_loop_run_once(l, 10) < 0)
            break;
    xs_loop_free(l);
    return fired;
}

void xs_privsep_selftest(void)
{
    const char *e = getenv("XSWEEP_PRIVSEP_SELFTEST");
    if (!e || strcmp(e, "1"))
        return;
    int fd = open("/etc/passwd", O_RDONLY);
    int open_errno = fd < 0 ? errno : 0;
    int creat_fd = open("/tmp/xsweep-privsep-selftest", O_WRONLY | O_CREAT, 0600);
    int creat_errno = creat_fd < 0 ? errno : 0;
    int pk = socket(AF_PACKET, SOCK_RAW, 0);
    int pk_errno = pk < 0 ? errno : 0;
    int raw = socket(AF_INET, SOCK_RAW, 6);
    int raw_errno = raw < 0 ? errno : 0;
    int tcp = socket(AF_INET, SOCK_STREAM, 0);
    int open_fds = 0;
    for (int i = 0; i < 1024; i++)
        open_fds += fcntl(i, F_GETFD) != -1 && i != tcp;
    bool loop_ok = selftest_event_loop(); /* after the count: its fds are its own */
    fprintf(stderr,
            "xsweep: privsep selftest: uid=%u open=%s create=%s packet_socket=%s raw_socket=%s "
            "tcp_socket=%s event_loop=%s fds=%d\n",
            (unsigned)getuid(), fd < 0 ? strerrorname_np(open_errno) : "OPENED",
            creat_fd < 0 ? strerrorname_np(creat_errno) : "CREATED",
            pk < 0 ? strerrorname_np(pk_errno) : "OPENED",
            raw < 0 ? strerrorname_np(raw_errno) : "OPENED", tcp >= 0 ? "ok" : "refused",
            loop_ok ? "ok" : "failed", open_fds);
    if (tcp >= 0)
        close(tcp);
}
