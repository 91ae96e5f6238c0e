/* The agent's configuration file: "key = value" lines, '#' comments. The operator decides here
 * what the platform may ask for: the address ranges (allow), the highest rate, and the fixed
 * scanner arguments (interface, source address, exclude files). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "xsweep/agent.h"
#include "xsweep/targets.h"

static int fail(char *err, size_t errlen, const char *path, unsigned line, const char *msg,
                const char *arg)
{
    if (line)
        snprintf(err, errlen, "%s:%u: %s%s%s", path, line, msg, arg ? ": " : "", arg ? arg : "");
    else
        snprintf(err, errlen, "%s: %s%s%s", path, msg, arg ? ": " : "", arg ? arg : "");
    return -1;
}

static bool valid_id(const char *s)
{
    size_t n = strlen(s);
    return n >= 1 && n <= 64 &&
           strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                     "0123456789._-") == n;
}

/* Keeps the first bits bits of a. */
static void clear_host_bits(xs_addr *a, unsigned bits)
{
    for (unsigned i = 0; i < 16; i++) {
        unsigned keep = bits >= 8 * (i + 1) ? 8 : bits > 8 * i ? bits - 8 * i : 0;
        a->b[i] &= (uint8_t)(0xff00u >> keep);
    }
}

bool xs_agent_range_parse(const char *s, xs_agent_range *r)
{
    char ip[XS_ADDR_STRLEN];
    const char *slash = strchr(s, '/');
    size_t n = slash ? (size_t)(slash - s) : strlen(s);
    if (n == 0 || n >= sizeof ip || strspn(s, "0123456789abcdefABCDEF.:") != n)
        return false;
    memcpy(ip, s, n);
    ip[n] = '\0';
    xs_addr a;
    if (!xs_addr_parse(ip, &a))
        return false;
    unsigned width = xs_addr_is_v4(&a) ? 32 : 128, bits = width;
    if (slash) {
        char *end;
        unsigned long b = strtoul(slash + 1, &end, 10);
        if (end == slash + 1 || *end || slash[1] == '-' || slash[1] == '+' || b > width)
            return false;
        bits = (unsigned)b;
    }
    r->bits = bits + 128 - width; /* IPv4 lives in ::ffff:0:0/96 */
    clear_host_bits(&a, r->bits);
    r->net = a;
    return true;
}

bool xs_agent_range_contains(const xs_agent_range *outer, const xs_agent_range *inner)
{
    if (inner->bits < outer->bits)
        return false;
    xs_addr a = inner->net;
    clear_host_bits(&a, outer->bits);
    return xs_addr_eq(&a, &outer->net);
}

static int parse_range(const char *s, xs_agent_range *r)
{
    return xs_agent_range_parse(s, r) ? 0 : -1;
}

static int set(char **dst, const char *v)
{
    free(*dst);
    return (*dst = strdup(v)) ? 0 : -1;
}

static int read_token(xs_agent_config *c, char *err, size_t errlen)
{
    FILE *f = fopen(c->token_file, "r");
    if (!f)
        return fail(err, errlen, c->token_file, 0, "cannot read the token file", strerror(errno));
    bool ok = fgets(c->token, sizeof c->token, f) != NULL;
    fclose(f);
    c->token[strcspn(c->token, "\r\n")] = '\0';
    size_t n = strlen(c->token);
    if (!ok || n < 16 ||
        strspn(c->token, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                         "0123456789._~+/=-") != n)
        return fail(err, errlen, c->token_file, 0,
                    "the token must be one line of 16-511 token characters", NULL);
    return 0;
}

int xs_agent_config_load(xs_agent_config *c, const char *path, char *err, size_t errlen)
{
    memset(c, 0, sizeof *c);
    c->poll_s = 30;
    c->max_rate = 1000;
    c->backoff_max_s = 60;
    FILE *f = fopen(path, "r");
    if (!f)
        return fail(err, errlen, path, 0, "cannot read", strerror(errno));
    char buf[4096];
    unsigned line = 0;
    int rc = 0;
    while (rc == 0 && fgets(buf, sizeof buf, f)) {
        line++;
        if (!strchr(buf, '\n') && !feof(f)) {
            rc = fail(err, errlen, path, line, "line too long", NULL);
            break;
        }
        buf[strcspn(buf, "\r\n")] = '\0';
        char *p = buf + strspn(buf, " \t");
        if (!*p || *p == '#')
            continue;
        char *eq = strchr(p, '=');
        if (!eq) {
            rc = fail(err, errlen, path, line, "expected key = value", NULL);
            break;
        }
        char *k = p, *v = eq + 1;
        for (char *e = eq; e > k && (e[-1] == ' ' || e[-1] == '\t'); e--)
            e[-1] = '\0';
        *eq = '\0';
        v += strspn(v, " \t");
        for (char *e = v + strlen(v); e > v && (e[-1] == ' ' || e[-1] == '\t'); e--)
            e[-1] = '\0';
        char *end;
        if (!strcmp(k, "platform")) {
            if (strncmp(v, "https://", 8) || strlen(v) > 200 || strpbrk(v + 8, "/?# ")) {
                rc = fail(err, errlen, path, line, "platform must be https://HOST[:PORT]", v);
                break;
            }
            rc = set(&c->platform, v);
        } else if (!strcmp(k, "token-file")) {
            rc = set(&c->token_file, v);
        } else if (!strcmp(k, "ca-file")) {
            rc = set(&c->ca_file, v);
        } else if (!strcmp(k, "spool")) {
            rc = set(&c->spool, v);
        } else if (!strcmp(k, "agent-id")) {
            if (!valid_id(v)) {
                rc = fail(err, errlen, path, line, "agent-id: 1-64 of [A-Za-z0-9._-]", v);
                break;
            }
            rc = set(&c->agent_id, v);
        } else if (!strcmp(k, "scan-args")) {
            rc = set(&c->scan_args, v);
        } else if (!strcmp(k, "max-checks")) {
            c->max_checks = !strcmp(v, "none")   ? 0
                            : !strcmp(v, "safe") ? 1
                            : !strcmp(v, "all")  ? 2
                                                 : -1;
            if (c->max_checks < 0) {
                rc = fail(err, errlen, path, line, "max-checks: none, safe or all", v);
                break;
            }
        } else if (!strcmp(k, "xsweep")) {
            rc = set(&c->xsweep, v);
        } else if (!strcmp(k, "allow")) {
            if (c->nallow == XS_AGENT_MAX_ALLOW || parse_range(v, &c->allow[c->nallow]) < 0) {
                rc = fail(err, errlen, path, line,
                          "allow: give an address or CIDR block (IPv4 or IPv6)", v);
                break;
            }
            c->nallow++;
        } else if (!strcmp(k, "poll") || !strcmp(k, "max-rate") || !strcmp(k, "backoff-max")) {
            errno = 0;
            double d = strtod(v, &end);
            double lo = !strcmp(k, "max-rate") ? 1 : 0.1;
            if (errno || end == v || *end || d < lo || d > 1e7) {
                rc = fail(err, errlen, path, line, "not a number in range", v);
                break;
            }
            *(!strcmp(k, "poll")       ? &c->poll_s
              : !strcmp(k, "max-rate") ? &c->max_rate
                                       : &c->backoff_max_s) = d;
        } else {
            rc = fail(err, errlen, path, line, "unknown key", k);
        }
        if (rc > 0)
            rc = 0;
    }
    if (rc == 0 && ferror(f))
        rc = fail(err, errlen, path, 0, "read error", NULL);
    fclose(f);
    if (rc < 0)
        return -1;
    if (!c->platform || !c->token_file || !c->spool)
        return fail(err, errlen, path, 0, "platform, token-file and spool are required", NULL);
    if (!c->nallow)
        return fail(err, errlen, path, 0, "give at least one allow = RANGE (what jobs may scan)",
                    NULL);
    if (!c->agent_id) {
        char host[256] = "agent";
        gethostname(host, sizeof host);
        host[64] = '\0';
        for (char *h = host; *h; h++)
            if (!strchr("._-", *h) &&
                !((*h >= 'a' && *h <= 'z') || (*h >= 'A' && *h <= 'Z') || (*h >= '0' && *h <= '9')))
                *h = '-';
        if (set(&c->agent_id, host) < 0)
            return fail(err, errlen, path, 0, "out of memory", NULL);
    }
    return read_token(c, err, errlen);
}

void xs_agent_config_free(xs_agent_config *c)
{
    free(c->platform);
    free(c->token_file);
    free(c->ca_file);
    free(c->spool);
    free(c->agent_id);
    free(c->scan_args);
    free(c->xsweep);
    memset(c->token, 0, sizeof c->token);
}
