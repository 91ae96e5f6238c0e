/* libFuzzer target: xs_frame_parse on every link type the receiver may see. The input is the
 * captured frame; ASan catches any read past it. Accepted frames must be self-consistent. */
#include <pcap/dlt.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "xsweep/frame.h"

#ifndef DLT_IPV6
#define DLT_IPV6 229
#endif
static const int linktypes[] = {DLT_EN10MB, DLT_LINUX_SLL, DLT_LINUX_SLL2, 12,
                                14,         101,           DLT_IPV4,       DLT_IPV6};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* An exactly-sized copy so even one byte of over-read is caught. */
    uint8_t *frame = malloc(size ? size : 1);
    if (!frame)
        return 0;
    memcpy(frame, data, size);
    for (size_t i = 0; i < sizeof linktypes / sizeof linktypes[0]; i++) {
        xs_tcp_reply r;
        if (xs_frame_parse(frame, size, linktypes[i], &r) != 0)
            continue;
        /* an IPv4 + TCP header needs at least 40 bytes, IPv6 + TCP 60 */
        if ((r.family != 4 && r.family != 6) || size < (r.family == 4 ? 40u : 60u))
            abort();
    }
    free(frame);
    return 0;
}
