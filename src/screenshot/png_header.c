/* PNG size from the signature and IHDR chunk: the only part of the file we need to read. */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "xsweep/screenshot.h"

static const unsigned char png_signature[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};

static uint32_t be32(const unsigned char *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

int xs_png_dimensions(const unsigned char *buf, size_t len, uint32_t *width, uint32_t *height)
{
    /* signature(8) | IHDR length(4) = 13 | "IHDR" | width(4) | height(4) */
    if (len < 24 || memcmp(buf, png_signature, 8) != 0 || be32(buf + 8) != 13 ||
        memcmp(buf + 12, "IHDR", 4) != 0)
        return -1;
    uint32_t w = be32(buf + 16), h = be32(buf + 20);
    if (w == 0 || h == 0 || w > 0x7fffffffu || h > 0x7fffffffu) /* the PNG spec's limits */
        return -1;
    *width = w;
    *height = h;
    return 0;
}

int xs_png_file_dimensions(const char *path, uint32_t *width, uint32_t *height, size_t *bytes)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0)
        return -1;
    struct stat st;
    unsigned char head[24];
    ssize_t n = -1;
    if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode))
        n = pread(fd, head, sizeof head, 0);
    int saved = errno;
    close(fd);
    errno = saved;
    if (n != (ssize_t)sizeof head || xs_png_dimensions(head, sizeof head, width, height) != 0)
        return -1;
    if (bytes)
        *bytes = (size_t)st.st_size;
    return 0;
}
