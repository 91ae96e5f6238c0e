/* Dropping privileges once every privileged handle (capture, raw socket, files) is open. */
#include <errno.h>
#include <grp.h>
#include <linux/capability.h>
#include <pwd.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>
#include "xsweep/privileges.h"

static int clear_capabilities(void)
{
    struct __user_cap_header_struct hdr = {_LINUX_CAPABILITY_VERSION_3, 0};
    struct __user_cap_data_struct data[2];
    memset(data, 0, sizeof data);
    return (int)syscall(SYS_capset, &hdr, data);
}

int xs_drop_privileges(const char *user, char *err, size_t errlen)
{
    if (geteuid() == 0 || getuid() == 0) {
        const char *name = user ? user : "nobody";
        struct passwd *pw = getpwnam(name);
        if (!pw) {
            snprintf(err, errlen,
                     "cannot drop privileges: no user \"%s\" (give --user or --no-drop)", name);
            return -1;
        }
        if (setgroups(0, NULL) != 0 || setresgid(pw->pw_gid, pw->pw_gid, pw->pw_gid) != 0 ||
            setresuid(pw->pw_uid, pw->pw_uid, pw->pw_uid) != 0) {
            snprintf(err, errlen, "cannot drop privileges to %s: %s", name, strerror(errno));
            return -1;
        }
        if (pw->pw_uid != 0 && setuid(0) == 0) {
            snprintf(err, errlen, "dropping privileges to %s did not hold", name);
            return -1;
        }
    }
    /* Switching away from uid 0 already cleared the capabilities; an unprivileged start with
     * CAP_NET_RAW (setcap, or AmbientCapabilities= in a unit) gives them up here. */
    prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0);
    if (clear_capabilities() != 0) {
        snprintf(err, errlen, "cannot give up capabilities: %s", strerror(errno));
        return -1;
    }
    prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
    return 0;
}
