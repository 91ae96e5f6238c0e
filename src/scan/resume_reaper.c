/* Removing the resume file of a completed scan that root started. Once privileges are dropped
 * the scanner may not unlink in a root-owned directory, so before the drop a tiny root process is
 * forked that holds nothing but one pipe and the file's path. It reads one byte: 'C' (the scan
 * completed) makes it unlink the path, and only if the path is still the very file (same device
 * and inode, a regular file: no link planted meanwhile); anything else, or the scanner's end,
 * and it just exits. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include "run_internal.h"

int xs_run_start_reaper(xs_runctx *c)
{
    struct stat st;
    int p[2];
    if (geteuid() != 0 || c->resume.fd < 0 || fstat(c->resume.fd, &st) != 0 ||
        pipe2(p, O_CLOEXEC) != 0)
        return 0; /* nothing to do, or the file is marked complete as before */
    pid_t pid = fork();
    if (pid < 0) {
        close(p[0]);
        close(p[1]);
        return 0;
    }
    if (pid == 0) {
        signal(SIGINT, SIG_IGN);
        signal(SIGTERM, SIG_IGN);
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        if (p[0] != 3 && dup2(p[0], 3) < 0)
            _exit(1);
        syscall(SYS_close_range, 4u, ~0u, 0u);
        close(0);
        close(1);
        char b = 0;
        ssize_t n;
        while ((n = read(3, &b, 1)) < 0 && errno == EINTR)
            ;
        struct stat now;
        if (n == 1 && b == 'C' && lstat(c->resume.path, &now) == 0 && S_ISREG(now.st_mode) &&
            now.st_dev == st.st_dev && now.st_ino == st.st_ino)
            unlink(c->resume.path);
        _exit(0);
    }
    close(p[0]);
    c->reaper_fd = p[1];
    c->reaper_pid = pid;
    return 0;
}

/* complete: ask it to remove the file; either way it exits. True when the file is gone. */
bool xs_run_stop_reaper(xs_runctx *c, bool complete)
{
    if (c->reaper_fd < 0)
        return false;
    if (complete)
        (void)!write(c->reaper_fd, "C", 1);
    close(c->reaper_fd);
    c->reaper_fd = -1;
    while (waitpid(c->reaper_pid, NULL, 0) < 0 && errno == EINTR)
        ;
    c->reaper_pid = 0;
    return complete && c->resume.path && access(c->resume.path, F_OK) != 0 && errno == ENOENT;
}
