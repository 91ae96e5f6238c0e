/* Fuzz the certificate summariser with DER bytes. */
#include <stddef.h>
#include <stdint.h>

#include "xsweep/http.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    xs_cert_info ci;
    if (xs_cert_summarize_der(data, size, &ci) == 0)
        xs_cert_info_clear(&ci);
    return 0;
}
