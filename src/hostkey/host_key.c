/* Loading (or creating) the scanner host's key; see include/xsweep/hostkey.h. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>
#include <openssl/hmac.h>
#include <openssl/evp.h>
#include "xsweep/hostkey.h"

static int read_key(int fd, xs_host_key *key, const char *path, char *err, size_t errlen)
{
    struct stat st;
    if (fstat(fd, &st) != 0) {
        snprintf(err, errlen, "cannot read key file %s: %s", path, strerror(errno));
        return -1;
    }
    if (!S_ISREG(st.st_mode) || (st.st_mode & 077) || st.st_uid != geteuid()) {
        snprintf(err, errlen, "key file %s must be a regular file of uid %u with mode 0600", path,
                 (unsigned)geteuid());
        return -1;
    }
    unsigned char extra;
    ssize_t n = read(fd, key->k, sizeof key->k);
    if (n != (ssize_t)sizeof key->k || read(fd, &extra, 1) != 0) {
        snprintf(err, errlen, "key file %s must hold exactly %u bytes", path, XS_HOST_KEY_LEN);
        return -1;
    }
    return 0;
}

static int create_key(const char *path, xs_host_key *key, char *err, size_t errlen)
{
    if (getrandom(key->k, sizeof key->k, 0) != (ssize_t)sizeof key->k) {
        snprintf(err, errlen, "cannot draw a random key: %s", strerror(errno));
        return -1;
    }
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd < 0)
        return errno == EEXIST
                   ? 1
                   : (snprintf(err, errlen, "cannot create key file %s: %s", path, strerror(errno)),
                      -1);
    int ok = write(fd, key->k, sizeof key->k) == (ssize_t)sizeof key->k && fsync(fd) == 0;
    close(fd);
    if (!ok) {
        unlink(path);
        snprintf(err, errlen, "cannot write key file %s", path);
        return -1;
    }
    return 0;
}

/* Root: /var/lib/xsweep/host.key. Others: $XDG_STATE_HOME (or ~/.local/state)/xsweep/host.key.
 * Missing directories are made 0700; when they cannot be, the open below says why. */
static const char *default_path(char *buf, size_t cap)
{
    if (geteuid() == 0) {
        mkdir("/var/lib/xsweep", 0700);
        return XS_HOST_KEY_DEFAULT;
    }
    const char *state = getenv("XDG_STATE_HOME"), *home = getenv("HOME");
    if (state && *state)
        snprintf(buf, cap, "%s/xsweep", state);
    else if (home && *home) {
        snprintf(buf, cap, "%s/.local", home);
        mkdir(buf, 0700);
        snprintf(buf, cap, "%s/.local/state", home);
        mkdir(buf, 0700);
        snprintf(buf, cap, "%s/.local/state/xsweep", home);
    } else
        return NULL;
    mkdir(buf, 0700);
    size_t n = strlen(buf);
    snprintf(buf + n, cap - n, "/host.key");
    return buf;
}

int xs_host_key_load(xs_host_key *key, const char *path, char *err, size_t errlen)
{
    char buf[4096];
    if (!path && !(path = default_path(buf, sizeof buf))) {
        snprintf(err, errlen, "no place for the host key: give --key-file");
        return -1;
    }
    for (int attempt = 0; attempt < 2; attempt++) {
        int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
        if (fd >= 0) {
            int rc = read_key(fd, key, path, err, errlen);
            close(fd);
            return rc;
        }
        if (errno == ELOOP) {
            snprintf(err, errlen, "key file %s is a symbolic link: refused", path);
            return -1;
        }
        if (errno != ENOENT) {
            snprintf(err, errlen, "cannot read key file %s: %s", path, strerror(errno));
            return -1;
        }
        int rc = create_key(path, key, err, errlen);
        if (rc <= 0)
            return rc;
        /* another xsweep created it first: read theirs */
    }
    snprintf(err, errlen, "cannot read key file %s", path);
    return -1;
}

void xs_host_key_hmac_hex(const xs_host_key *key, const void *data, size_t len, char out[65])
{
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int mdlen = 0;
    out[0] = '\0';
    if (!HMAC(EVP_sha256(), key->k, (int)sizeof key->k, data, len, md, &mdlen) || mdlen != 32)
        return;
    static const char hex[] = "0123456789abcdef";
    for (unsigned i = 0; i < 32; i++) {
        out[2 * i] = hex[md[i] >> 4];
        out[2 * i + 1] = hex[md[i] & 15];
    }
    out[64] = '\0';
}
