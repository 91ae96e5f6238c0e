/* The resume file. It is written in place through an fd opened before privileges are dropped
 * (a rename would need write access to the directory), and it ends with a checksum line. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "xsweep/resume.h"

#define SUM_PREFIX "# checksum = "
#define COMPLETE_MARK "# complete: this scan finished, there is nothing to resume\n"

static uint64_t fnv1a(const char *s, size_t n)
{
    uint64_t h = 1469598103934665603ULL;
    for (size_t i = 0; i < n; i++) {
        h ^= (unsigned char)s[i];
        h *= 1099511628211ULL;
    }
    return h;
}

int xs_resume_open(xs_resume *r, const char *path, char *err, size_t errlen)
{
    r->fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (r->fd < 0) {
        snprintf(err, errlen, "cannot write resume file %s: %s", path, strerror(errno));
        return -1;
    }
    r->path = strdup(path);
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
    xs_options eff = *o;              /* the seed must be explicit for the order to repeat */
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
    char sum[64];
    int n = snprintf(sum, sizeof sum, SUM_PREFIX "%016llx\n", (unsigned long long)fnv1a(buf, len));
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

int xs_resume_verify(const char *path, char *err, size_t errlen)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        snprintf(err, errlen, "cannot read %s: %s", path, strerror(errno));
        return -1;
    }
    char *buf = NULL;
    size_t cap = 0, len = 0;
    char chunk[4096];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) {
        char *nb = realloc(buf, len + n + 1);
        if (!nb) {
            free(buf);
            fclose(f);
            snprintf(err, errlen, "out of memory");
            return -1;
        }
        buf = nb;
        memcpy(buf + len, chunk, n);
        len += n;
        cap = len + 1;
    }
    fclose(f);
    (void)cap;
    int rc = -1;
    char *sum = buf ? (buf[len] = '\0', strstr(buf, SUM_PREFIX)) : NULL;
    if (buf && !strncmp(buf, COMPLETE_MARK, strlen(COMPLETE_MARK)))
        snprintf(err, errlen, "%s: that scan completed, there is nothing to resume", path);
    else if (!sum)
        snprintf(err, errlen, "%s is not a resume file (no checksum line)", path);
    else if (strtoull(sum + strlen(SUM_PREFIX), NULL, 16) != fnv1a(buf, (size_t)(sum - buf)))
        snprintf(err, errlen, "%s is damaged (checksum mismatch): it cannot be trusted", path);
    else
        rc = 0;
    free(buf);
    return rc;
}
