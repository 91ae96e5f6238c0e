/* The scanner host's secret key: keys the finding fingerprints (HMAC-SHA256, so a fingerprint
 * cannot be brute-forced back to a card number) and authenticates the resume file.
 *
 * The key is 32 random bytes in a file, mode 0600, owned by the user that runs xsweep (root):
 * default XS_HOST_KEY_DEFAULT, or --key-file PATH (several scanner hosts that copy one key file
 * produce fingerprints that compare equal across hosts). Created on first use with
 * O_CREAT|O_EXCL|O_NOFOLLOW; an existing file that is a symlink, not a regular file, readable or
 * writable by group or others, owned by another user, or not exactly 32 bytes is refused. */
#ifndef XSWEEP_HOSTKEY_H
#define XSWEEP_HOSTKEY_H
#include <stddef.h>
#include <stdint.h>

#define XS_HOST_KEY_LEN     32u
#define XS_HOST_KEY_DEFAULT "/var/lib/xsweep/host.key"

typedef struct {
    unsigned char k[XS_HOST_KEY_LEN];
} xs_host_key;

/* path NULL = XS_HOST_KEY_DEFAULT for root, $XDG_STATE_HOME (or ~/.local/state)/xsweep/host.key
 * for other users (directories created 0700 when missing). 0, or -1 with a one-line err. */
int xs_host_key_load(xs_host_key *key, const char *path, char *err, size_t errlen);
/* HMAC-SHA256(key, data) as 64 lower-case hex digits plus NUL. */
void xs_host_key_hmac_hex(const xs_host_key *key, const void *data, size_t len, char out[65]);

#endif
