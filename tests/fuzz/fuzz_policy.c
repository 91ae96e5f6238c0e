/* libFuzzer target: the severity policy loader on arbitrary text, then an evaluation sweep. */
#include <stddef.h>
#include <stdint.h>
#include "xsweep/severity.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char err[256];
    xs_policy *p = xs_policy_load_buffer((const char *)data, size, "fuzz.policy", err, sizeof err);
    if (!p)
        return 0;
    for (int code = 0; code < 700; code += 7) {
        for (int st = XS_STATUS_OPEN; st <= XS_STATUS_FAILED; st++) {
            const char *reason;
            xs_severity_input in = {.status = (xs_status)st,
                                    .is_http = code % 2,
                                    .http_code = code,
                                    .auth = (xs_auth_class)(code % 4),
                                    .is_bucket = code % 3 == 0};
            xs_policy_evaluate(p, &in, &reason);
            (void)xs_severity_name(xs_policy_evaluate(p, &in, NULL));
        }
    }
    xs_policy_free(p);
    return 0;
}
