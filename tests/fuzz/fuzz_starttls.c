/* libFuzzer target: the STARTTLS upgrade readers (src/tlscheck/tls_starttls.c) against whatever a
 * hostile server sends. The first byte picks the protocol; the rest is what the "server" wrote
 * into a socket pair before closing its end, so every read ends (EOF) and none blocks. */
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>
#include <unistd.h>
#include "../../src/tlscheck/tls_internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1 || size > 60000)
        return 0;
    int sv[2];
    if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) < 0)
        return 0;
    int big = 1 << 20;
    setsockopt(sv[0], SOL_SOCKET, SO_RCVBUF, &big, sizeof big);
    setsockopt(sv[1], SOL_SOCKET, SO_SNDBUF, &big, sizeof big);
    ssize_t w = send(sv[1], data + 1, size - 1, MSG_NOSIGNAL | MSG_DONTWAIT);
    (void)w;
    shutdown(sv[1], SHUT_WR); /* our requests still go in; their answer is only the input */
    xs_starttls kind = (xs_starttls)(1 + data[0] % (XS_STARTTLS_COUNT - 1));
    tls_starttls(sv[0], kind);
    close(sv[0]);
    close(sv[1]);
    return 0;
}
