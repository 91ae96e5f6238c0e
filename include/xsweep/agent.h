/* `xsweep agent`: a scanner inside a private network that connects out to a platform over HTTPS
 * only, takes scan jobs from it, scans locally (the scanner itself, with every one of its safety
 * rules), and sends back normalized findings and progress, nothing else.
 *
 *   xsweep agent -c AGENT.conf [--max-jobs N] [--exit-when-idle]
 *
 * Wire format: see man xsweep(1), AGENT. Every report is written to the spool (fsync'd, renamed
 * into place) before it is sent, and deleted only after the platform answered 2xx, so neither a
 * platform outage nor a crash of the agent loses one. */
#ifndef XSWEEP_AGENT_H
#define XSWEEP_AGENT_H
#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "xsweep/addr.h"

#define XS_AGENT_MAX_ALLOW 64

/* An address block of either family: the first `bits` bits of net (IPv4 /N is ::ffff:0:0/96+N). */
typedef struct {
    xs_addr net;
    unsigned bits;
} xs_agent_range;

/* "198.19.0.0/16", "198.19.0.7", "2001:2::/48", "2001:2::5": false for anything else (host bits
 * are cleared). */
bool xs_agent_range_parse(const char *s, xs_agent_range *r);
/* Does outer hold every address of inner? */
bool xs_agent_range_contains(const xs_agent_range *outer, const xs_agent_range *inner);

typedef struct {
    char *platform;       /* https://host[:port] (no path) */
    char *token_file;     /* the bearer token, one line */
    char *ca_file;        /* CA bundle that signs the platform (default: the system's) */
    char *spool;          /* directory for jobs in progress and unsent reports */
    char *agent_id;       /* [A-Za-z0-9._-]{1,64}; default: the host name */
    char *scan_args;      /* the operator's fixed scanner arguments (interface, source ...) */
    char *xsweep;         /* the scanner binary (default: this one) */
    double poll_s;        /* between polls for a job */
    double max_rate;      /* the highest rate a job may ask for */
    double backoff_max_s; /* retry delay cap for reports */
    int max_checks;       /* the most a job may ask for: 0 none (default), 1 safe, 2 all */
    xs_agent_range allow[XS_AGENT_MAX_ALLOW]; /* a job's targets must lie inside these */
    size_t nallow;
    char token[512];
} xs_agent_config;

/* Reads "key = value" lines. -1 with one line in err. */
int xs_agent_config_load(xs_agent_config *c, const char *path, char *err, size_t errlen);
void xs_agent_config_free(xs_agent_config *c);

/* A scan job as the platform sends it, validated. */
typedef struct {
    char id[65];    /* [A-Za-z0-9._-]{1,64} */
    char **targets; /* addresses or CIDR blocks (either family), each inside the allow list */
    size_t ntargets;
    char ports[256];    /* [0-9,-]+ or "supported" */
    char policy[16];    /* strict | moderate | permissive */
    double rate;        /* packets/s, 1..max_rate */
    int64_t not_before; /* schedule.not_before as Unix seconds, 0 = now */
    char checks[8];     /* "" (none), "safe" or "all": --checks, at most the config's max-checks */
} xs_agent_job;

/* Parses and checks a job; -1 with the reason in err (the job is refused, not run). */
int xs_agent_job_parse(const xs_agent_config *c, const char *json, xs_agent_job *job, char *err,
                       size_t errlen);
void xs_agent_job_free(xs_agent_job *job);

/* The normalized findings of one scan record (a JSON line of -oJ) appended to out (an array):
 * only ids, types, severities, numbers, the endpoint, a sanitised URL path, CWE/CVE,
 * remediation and product/version tokens; never a value taken from a response beyond those.
 * Returns the number appended. */
int xs_agent_findings(const char *agent_id, const char *record_line, json_t *out);
/* The stable id: the same finding on the same endpoint keeps it across sweeps. */
void xs_agent_finding_id(const char *agent_id, const char *ip, unsigned port, const char *path,
                         const char *type, char out[33]);

/* Spool: reports are files NAME.json in DIR/outbox, written atomically. */
int xs_agent_spool_put(const char *dir, const char *name, const char *body, char *err,
                       size_t errlen);

int xs_agent_main(int argc, char **argv);

#endif
