/* See include/xsweep/safe_open.h. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "xsweep/safe_open.h"

int xs_open_private_file(const char *path, char *err, size_t errlen)
{
    int fd = open(path, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK, 0600);
    if (fd < 0) {
        if (errno == ELOOP)
            snprintf(err, errlen, "%s is a symbolic link: refused (remove it)", path);
        else
            snprintf(err, errlen, "cannot write %s: %s", path, strerror(errno));
        return -1;
    }
    struct stat st;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_nlink != 1 || st.st_uid != geteuid()) {
        snprintf(err, errlen, "%s is not a regular file of ours with one link: refused", path);
        close(fd);
        return -1;
    }
    /* O_NONBLOCK only kept a planted FIFO from blocking the open. */
    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
    return fd;
}

FILE *xs_open_output_file(const char *path, bool append)
{
    struct stat st;
    if (lstat(path, &st) == 0 && S_ISLNK(st.st_mode) && st.st_uid != geteuid() && st.st_uid != 0) {
        errno = ELOOP;
        return NULL;
    }
    return fopen(path, append ? "ae" : "we");
}
