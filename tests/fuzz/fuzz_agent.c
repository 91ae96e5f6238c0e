/* The agent's inputs: a job from the platform (network input), and a scan record (holding what
 * scanned servers sent) on its way to becoming findings. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "xsweep/agent.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *s = malloc(size + 1);
    if (!s)
        return 0;
    memcpy(s, data, size);
    s[size] = '\0';
    xs_agent_config c = {.max_rate = 1000, .nallow = 2};
    if (!xs_agent_range_parse("198.18.0.0/15", &c.allow[0]) ||
        !xs_agent_range_parse("2001:2::/48", &c.allow[1]))
        abort();
    xs_agent_job job;
    char err[256];
    if (xs_agent_job_parse(&c, s, &job, err, sizeof err) == 0) {
        for (size_t i = 0; i < job.ntargets;
             i++) { /* accepted: inside the allow list, either family */
            xs_agent_range r;
            if (!xs_agent_range_parse(job.targets[i], &r) ||
                !(xs_agent_range_contains(&c.allow[0], &r) ||
                  xs_agent_range_contains(&c.allow[1], &r)))
                abort();
        }
        xs_agent_job_free(&job);
    }
    json_t *out = json_array();
    xs_agent_findings("fuzz", s, out);
    json_decref(out);
    free(s);
    return 0;
}
