/* Opening files root writes where others may have planted a link (issue 13.3).
 *
 * The resume file is never followed through a symbolic link, and must be a regular file with one
 * link owned by us (O_NOFOLLOW, then fstat). The output file follows a symbolic link only when the
 * link is owned by us or by root, which is what fs.protected_symlinks=1 gives on every Debian
 * host and what a masscan/nmap operator expects of -o /dev/stdout or a link they made themselves;
 * a link someone else planted is refused whatever the sysctl says. */
#ifndef XSWEEP_SAFE_OPEN_H
#define XSWEEP_SAFE_OPEN_H
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/* The resume file: O_RDWR|O_CREAT, mode 0600, never through a link. fd, or -1 with err. */
int xs_open_private_file(const char *path, char *err, size_t errlen);
/* The output file, "w" or "a". NULL with errno set (ELOOP: a link planted by someone else). */
FILE *xs_open_output_file(const char *path, bool append);

#endif
