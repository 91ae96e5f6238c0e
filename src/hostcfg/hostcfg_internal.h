/* Private structures of the host configuration checks, shared by the loader and the evaluator. */
#ifndef XSWEEP_HOSTCFG_INTERNAL_H
#define XSWEEP_HOSTCFG_INTERNAL_H
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <stdbool.h>
#include <stddef.h>
#include "xsweep/hostcfg.h"

typedef enum {
    HC_STATUS, /* status LIST          codes/classes/ranges: 200,3xx,500-504; "any" = has one */
    HC_PORT,   /* port LIST            numbers/ranges */
    HC_TLS,    /* tls                  the final attempt ran over TLS */
    HC_TLS_VERSION,         /* tls.version LIST     exact names: TLSv1,TLSv1.1,SSLv3 */
    HC_CERT_SELF_SIGNED,    /* cert.self_signed */
    HC_CERT_EXPIRED,        /* cert.expired         not_after < now */
    HC_CERT_EXPIRES_WITHIN, /* cert.expires_within DAYS   not expired, not_after < now + DAYS */
    HC_HEADER_PRESENT,      /* header NAME present | absent (= not present) */
    HC_HEADER_MATCHES,      /* header NAME matches REGEX   some header NAME's value matches */
    HC_SERVER_MATCHES,      /* server matches REGEX        (the Server header) */
    HC_LOCATION_MATCHES,    /* location matches REGEX */
    HC_TITLE_MATCHES,       /* title matches REGEX */
    HC_BODY_MATCHES,        /* body matches REGEX */
    /* what a protocol probe learned (services rules; false when there was no probe) */
    HC_SERVICE,       /* service LIST         identified protocol: ssh,ftp,redis */
    HC_FACT,          /* fact NAME yes|no     a yes/no fact the probe learned (unknown = false) */
    HC_PROBE_MATCHES, /* product|version|banner|dialects|ssh.kex|ssh.hostkeys|ssh.ciphers|
                             * ssh.macs matches REGEX */
} hc_kind;

typedef struct {
    long lo, hi;
} hc_range;

typedef struct {
    hc_kind kind;
    bool negate;
    unsigned group; /* conditions of one group are ORed; groups are ANDed */
    char *name;     /* header name */
    pcre2_code *re;
    hc_range *ranges; /* status, port */
    size_t nranges;
    char **names; /* tls.version */
    size_t nnames;
    long days;
    int fact; /* xs_probe_fact; field index for HC_PROBE_MATCHES */
    int want; /* fact: 1 yes, -1 no */
} hc_cond;

typedef struct {
    char *id;
    char *title;
    xs_severity severity;
    int cwe;   /* 0 = none given */
    char *fix; /* remediation, or NULL */
    hc_cond *conds;
    size_t nconds;
    unsigned ngroups;
} hc_rule;

extern const char *const hc_probe_fields[]; /* HC_PROBE_MATCHES field names, NULL-ended */

struct xs_hostcfg_db {
    hc_rule *rules;
    size_t nrules;
};

#endif
