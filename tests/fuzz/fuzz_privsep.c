/* libFuzzer target: the parent's decoder of what the sandboxed HTTP stage sends
 * (xs_privsep_decode). The input is a byte stream from a child assumed compromised: messages are
 * decoded back to back as the proxy does; anything accepted must be within the documented bounds. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "xsweep/privsep.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    uint8_t *buf = malloc(size ? size : 1); /* exactly sized: any over-read is caught */
    if (!buf)
        return 0;
    memcpy(buf, data, size);
    size_t off = 0;
    while (off < size) {
        xs_ps_message m;
        long used = xs_privsep_decode(buf + off, size - off, &m);
        if (used <= 0)
            break;
        if ((size_t)used > size - off || m.status_code < 0 || m.status_code > 999 ||
            (m.type == XS_PS_RESULT &&
             (!m.json || m.json_len < 2 || m.json[0] != '{' || strlen(m.json) != m.json_len ||
              memchr(m.json, '\n', m.json_len))))
            abort();
        xs_ps_message_free(&m);
        off += (size_t)used;
    }
    free(buf);
    return 0;
}
