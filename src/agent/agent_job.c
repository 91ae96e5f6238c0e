/* A scan job from the platform: parsed strictly, and refused unless every target lies inside the
 * operator's allow list and the rate under max-rate. The platform never chooses the interface,
 * the exclusions or any other scanner flag. */
#define _XOPEN_SOURCE 700
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "xsweep/agent.h"
#include "xsweep/targets.h"

static int refuse(char *err, size_t errlen, const char *why)
{
    snprintf(err, errlen, "job refused: %s", why);
    return -1;
}

/* "A.B.C.D[/N]" or "2001:2::5[/N]" (either family) wholly inside one block of the allow list. */
static bool target_ok(const xs_agent_config *c, const char *t)
{
    size_t n = strlen(t);
    xs_agent_range r;
    if (n == 0 || n > XS_ADDR_STRLEN + 4 || strspn(t, "0123456789abcdefABCDEF.:/") != n ||
        !xs_agent_range_parse(t, &r))
        return false;
    for (size_t i = 0; i < c->nallow; i++)
        if (xs_agent_range_contains(&c->allow[i], &r))
            return true;
    return false;
}

int xs_agent_job_parse(const xs_agent_config *c, const char *json, xs_agent_job *job, char *err,
                       size_t errlen)
{
    memset(job, 0, sizeof *job);
    json_error_t je;
    json_t *o = json_loads(json, JSON_REJECT_DUPLICATES, &je);
    if (!o || !json_is_object(o)) {
        json_decref(o);
        return refuse(err, errlen, "not a JSON object");
    }
    int rc = -1;
    const char *id = json_string_value(json_object_get(o, "id"));
    json_t *targets = json_object_get(o, "targets");
    const char *ports = json_string_value(json_object_get(o, "ports"));
    const char *policy = json_string_value(json_object_get(o, "policy"));
    json_t *rate = json_object_get(o, "rate");
    json_t *schedule = json_object_get(o, "schedule");
    json_t *checks = json_object_get(o, "checks");
    size_t idn = id ? strlen(id) : 0;
    if (!id || idn < 1 || idn > 64 ||
        strspn(id, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._-") != idn) {
        refuse(err, errlen, "id: 1-64 of [A-Za-z0-9._-]");
        goto out;
    }
    snprintf(job->id, sizeof job->id, "%s", id);
    if (!json_is_array(targets) || json_array_size(targets) == 0 ||
        json_array_size(targets) > 1024) {
        refuse(err, errlen, "targets: an array of 1-1024 addresses or CIDR blocks");
        goto out;
    }
    if (!(job->targets = calloc(json_array_size(targets), sizeof *job->targets)))
        goto out;
    for (size_t i = 0; i < json_array_size(targets); i++) {
        const char *t = json_string_value(json_array_get(targets, i));
        if (!t || !target_ok(c, t)) {
            refuse(err, errlen,
                   "a target is not an address/CIDR (IPv4 or IPv6) inside the agent's allow list");
            goto out;
        }
        job->targets[job->ntargets++] = strdup(t);
    }
    if (!ports || !*ports || strlen(ports) >= sizeof job->ports ||
        (strcmp(ports, "supported") && strspn(ports, "0123456789,-") != strlen(ports))) {
        refuse(err, errlen, "ports: a list like \"22,80,8000-8100\" or \"supported\"");
        goto out;
    }
    snprintf(job->ports, sizeof job->ports, "%s", ports);
    if (!policy)
        policy = "moderate";
    if (strcmp(policy, "strict") && strcmp(policy, "moderate") && strcmp(policy, "permissive")) {
        refuse(err, errlen, "policy: strict, moderate or permissive");
        goto out;
    }
    snprintf(job->policy, sizeof job->policy, "%s", policy);
    job->rate = rate ? json_number_value(rate) : 100;
    if (!(rate == NULL || json_is_number(rate)) || job->rate < 1 || job->rate > c->max_rate) {
        refuse(err, errlen, "rate: a number from 1 to the agent's max-rate");
        goto out;
    }
    /* Active checks only as far as the operator allows (max-checks): none, safe, all. */
    if (checks && !json_is_null(checks)) {
        const char *ck = json_string_value(checks);
        int level = !ck                   ? -1
                    : !strcmp(ck, "none") ? 0
                    : !strcmp(ck, "safe") ? 1
                    : !strcmp(ck, "all")  ? 2
                                          : -1;
        if (level < 0) {
            refuse(err, errlen, "checks: \"none\", \"safe\" or \"all\"");
            goto out;
        }
        if (level > c->max_checks) {
            refuse(err, errlen, "checks: above the agent's max-checks");
            goto out;
        }
        if (level)
            snprintf(job->checks, sizeof job->checks, "%s", ck);
    }
    if (schedule && !json_is_null(schedule)) {
        const char *nb = json_string_value(json_object_get(schedule, "not_before"));
        struct tm tm = {0};
        const char *end = nb ? strptime(nb, "%Y-%m-%dT%H:%M:%SZ", &tm) : NULL;
        if (!json_is_object(schedule) ||
            (json_object_get(schedule, "not_before") && (!end || *end))) {
            refuse(err, errlen, "schedule: {\"not_before\": \"YYYY-MM-DDTHH:MM:SSZ\"}");
            goto out;
        }
        if (nb)
            job->not_before = (int64_t)timegm(&tm);
    }
    rc = 0;
out:
    json_decref(o);
    if (rc < 0)
        xs_agent_job_free(job);
    return rc;
}

void xs_agent_job_free(xs_agent_job *job)
{
    for (size_t i = 0; i < job->ntargets; i++)
        free(job->targets[i]);
    free(job->targets);
    job->targets = NULL;
    job->ntargets = 0;
}
