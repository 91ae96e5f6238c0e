/* The resume file. It is written in place through an fd opened before privileges are dropped
 * (a rename would need write access to the directory), and it ends with a MAC line: HMAC-SHA256
 * under the host key of every byte before it, and nothing may follow it. A torn write, a line
 * appended or a file forged without the key is refused. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <openssl/crypto.h>
#include "xsweep/resume.h"
#include "xsweep/safe_open.h"

#define SUM_PREFIX    "# mac = "
#define COMPLETE_MARK "# complete: this scan finished, there is nothing to resume\n"
#define RESUME_MAX    (16u << 20) /* a resume file is options and positions: kilobytes */

int xs_resume_open(xs_resume *r, const char *path, const xs_host_key *key, char *err, size_t errlen)
{
    char why[512];
    r->created = access(path, F_OK) != 0 && errno == ENOENT;
    r->fd = xs_open_private_file(path, why, sizeof why);
    if (r->fd < 0) {
        snprintf(err, errlen, "resume file: %s", why);
        return -1;
    }
    r->path = strdup(path);
    r->key = *key;
    return 0;
}

static int write_all(int fd, const char *buf, size_t len)
{
    size_t off = 0;
    while (off < len) {
        ssize_t n = pwrite(fd, buf + off, len - off, (off_t)off);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return -1;
        off += (size_t)n;
    }
    return ftruncate(fd, (off_t)len) == 0 ? 0 : -1;
}

int xs_resume_save(xs_resume *r, const xs_options *o, uint64_t seed, int64_t db_sweep,
                   const uint64_t *pos, unsigned npasses)
{
    if (r->fd < 0)
        return -1;
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    if (!f)
        return -1;
    xs_options eff = *o; /* the seed must be explicit for the order to repeat */
    eff.seed = seed;
    eff.seed_given = true;
    eff.db_sweep = db_sweep;
    fputs("# xsweep resume file: continue with  xsweep --resume THIS-FILE\n", f);
    xs_options_echo(f, &eff);
    fputs("resume-position = ", f);
    for (unsigned k = 0; k < npasses; k++)
        fprintf(f, "%s%llu", k ? "," : "", (unsigned long long)pos[k]);
    fputc('\n', f);
    fclose(f);
    char mac[65], sum[96];
    xs_host_key_hmac_hex(&r->key, buf, len, mac);
    int n = snprintf(sum, sizeof sum, SUM_PREFIX "%s\n", mac);
    char *all = realloc(buf, len + (size_t)n + 1);
    if (!all) {
        free(buf);
        return -1;
    }
    memcpy(all + len, sum, (size_t)n + 1);
    int rc = write_all(r->fd, all, len + (size_t)n);
    if (rc == 0)
        fdatasync(r->fd);
    free(all);
    return rc;
}

void xs_resume_finish(xs_resume *r)
{
    if (r->fd < 0)
        return;
    if (unlink(r->path) != 0)
        write_all(r->fd, COMPLETE_MARK, strlen(COMPLETE_MARK));
}

void xs_resume_close(xs_resume *r)
{
    if (r->fd >= 0)
        close(r->fd);
    r->fd = -1;
    free(r->path);
    r->path = NULL;
}

/* The whole file, at most RESUME_MAX bytes; NULL with err. */
static char *read_whole(const char *path, size_t *lenp, char *err, size_t errlen)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
    if (fd < 0) {
        snprintf(err, errlen, "cannot read %s: %s", path,
                 errno == ELOOP ? "a symbolic link: refused" : strerror(errno));
        return NULL;
    }
    char *buf = malloc(RESUME_MAX + 1);
    size_t len = 0;
    ssize_t n = 0;
    while (buf && len <= RESUME_MAX && (n = read(fd, buf + len, RESUME_MAX + 1 - len)) != 0) {
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            break;
        len += (size_t)n;
    }
    close(fd);
    if (!buf || n < 0 || len > RESUME_MAX) {
        snprintf(err, errlen, "cannot read %s: %s", path,
                 !buf    ? "out of memory"
                 : n < 0 ? strerror(errno)
                         : "too big for a resume file");
        free(buf);
        return NULL;
    }
    buf[len] = '\0';
    *lenp = len;
    return buf;
}

char *xs_resume_verify(const char *path, const xs_host_key *key, size_t *lenp, char *err,
                       size_t errlen)
{
    size_t len = 0;
    char *buf = read_whole(path, &len, err, errlen);
    if (!buf)
        return NULL;
    /* The MAC line is the last line, and it ends the file. */
    char *last = NULL;
    if (len > 0 && buf[len - 1] == '\n') {
        last = buf + len - 1;
        while (last > buf && last[-1] != '\n')
            last--;
    }
    size_t plen = strlen(SUM_PREFIX);
    int rc = -1;
    if (len >= strlen(COMPLETE_MARK) && !memcmp(buf, COMPLETE_MARK, strlen(COMPLETE_MARK))) {
        snprintf(err, errlen, "%s: that scan completed, there is nothing to resume", path);
    } else if (!last || strncmp(last, SUM_PREFIX, plen) ||
               (size_t)(buf + len - last) != plen + 65) {
        snprintf(err, errlen,
                 "%s is not a resume file, or was changed (its last line must be its MAC)", path);
    } else if (memchr(buf, '\0', len)) {
        snprintf(err, errlen, "%s is damaged (NUL byte): it cannot be trusted", path);
    } else {
        char mac[65];
        xs_host_key_hmac_hex(key, buf, (size_t)(last - buf), mac);
        if (CRYPTO_memcmp(mac, last + plen, 64) != 0)
            snprintf(err, errlen,
                     "%s is damaged or was not written with this host key (MAC mismatch): "
                     "it cannot be trusted",
                     path);
        else
            rc = 0;
    }
    if (rc < 0) {
        free(buf);
        return NULL;
    }
    *lenp = (size_t)(last - buf); /* the options only: the MAC line is not a config line */
    buf[*lenp] = '\0';
    return buf;
}
