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
    xs_agent_config c = {.max_rate = 1000, .nallow = 1};
    c.allow[0].net = (198u << 24) | (18u << 16);
    c.allow[0].mask = 0xfffe0000u;
    xs_agent_job job;
    char err[256];
    if (xs_agent_job_parse(&c, s, &job, err, sizeof err) == 0)
        xs_agent_job_free(&job);
    json_t *out = json_array();
    xs_agent_findings("fuzz", s, out);
    json_decref(out);
    free(s);
    return 0;
}
