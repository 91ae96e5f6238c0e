/* The --screenshots directory: created when missing (0700, then handed to the dropped user through
 * the descriptor we opened, O_NOFOLLOW), never chowned when it exists, refused when it is a
 * symlink, not a directory, or a directory the dropped user cannot write or others can. */
#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "xsweep/screenshot.h"

static bool writable_by(const struct stat *st, const struct passwd *pw)
{
    mode_t wx = S_IWUSR | S_IXUSR;
    if (st->st_uid == pw->pw_uid)
        return (st->st_mode & wx) == wx;
    if (st->st_gid == pw->pw_gid)
        return (st->st_mode & (S_IWGRP | S_IXGRP)) == (S_IWGRP | S_IXGRP);
    return false;
}

int xs_shot_dir_prepare(const char *dir, const char *user, bool will_drop, char *err, size_t errlen)
{
    const char *name = user ? user : "nobody";
    bool handing_over = will_drop && geteuid() == 0;
    struct passwd *pw = handing_over ? getpwnam(name) : NULL;
    if (handing_over && !pw) {
        snprintf(err, errlen, "--screenshots: no user \"%s\"", name);
        return -1;
    }
    struct stat st;
    if (lstat(dir, &st) == 0) {
        if (S_ISLNK(st.st_mode)) {
            snprintf(err, errlen,
                     "--screenshots %s: is a symbolic link (refused: give the real directory)",
                     dir);
            return -1;
        }
        if (!S_ISDIR(st.st_mode)) {
            snprintf(err, errlen, "--screenshots %s: not a directory", dir);
            return -1;
        }
        if (st.st_mode & S_IWOTH) {
            snprintf(err, errlen, "--screenshots %s: writable by every user (refused)", dir);
            return -1;
        }
        if (handing_over && !writable_by(&st, pw)) {
            snprintf(err, errlen,
                     "--screenshots %s: exists and %s cannot write to it (an existing "
                     "directory is never chowned: give a new path, xsweep creates it)",
                     dir, name);
            return -1;
        }
        return 0;
    }
    if (errno != ENOENT || mkdir(dir, 0700) != 0) {
        snprintf(err, errlen, "--screenshots: cannot create %s: %s", dir, strerror(errno));
        return -1;
    }
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0 || fstat(fd, &st) != 0 || !S_ISDIR(st.st_mode) || st.st_uid != geteuid()) {
        snprintf(err, errlen, "--screenshots %s: changed while being created (refused)", dir);
        if (fd >= 0)
            close(fd);
        return -1;
    }
    int rc = 0;
    if (handing_over && fchown(fd, pw->pw_uid, pw->pw_gid) != 0) {
        snprintf(err, errlen, "--screenshots: cannot give %s to %s: %s", dir, name,
                 strerror(errno));
        rc = -1;
    }
    close(fd);
    return rc;
}
