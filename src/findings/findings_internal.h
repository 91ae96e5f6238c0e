/* Private structures of the findings scanner, shared by its loader, validators, scanner and redactor. */
#ifndef XSWEEP_FINDINGS_INTERNAL_H
#define XSWEEP_FINDINGS_INTERNAL_H
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <stdbool.h>
#include <stddef.h>
#include "xsweep/findings.h"
#include "xsweep/hostkey.h"

/* Value checks a rule can name with check=NAME; they cut false positives the regex cannot. */
typedef enum {
    FV_NONE = 0,
    FV_LUHN,       /* card number: 13-19 digits, brand length, Luhn checksum, one separator style */
    FV_IBAN,       /* country length table + ISO 13616 mod-97 == 1 */
    FV_SSN,        /* SSA format rules: area not 000/666/9xx, group not 00, serial not 0000 */
    FV_JWT,        /* first segment decodes (base64url) to a JSON object with "alg" */
    FV_AWS_SECRET, /* 40 base64 chars mixing upper, lower and digits (not a hex SHA-1) */
    FV_NOT_EXAMPLE, /* not a documented placeholder (AWS's ...EXAMPLE keys) */
    FV_PASSWORD,    /* not a placeholder ($VAR, {{x}}, <x>, ****, null, changeme-like words) */
} fv_kind;

#define FR_MAX_LITERALS 8

typedef struct {
    char *id;
    xs_finding_category category;
    xs_severity severity;
    fv_kind check;
    unsigned group;                  /* capture group holding the value; 0 = the whole match */
    bool redact;                     /* secrets always; data rules with the `redact` option */
    bool count_only;                 /* one finding per field with a count, no fingerprint */
    bool icase;                      /* regex and literals compared without case */
    char *literals[FR_MAX_LITERALS]; /* prefilter: the regex runs only if one occurs */
    size_t literal_len[FR_MAX_LITERALS];
    size_t nliterals;
    pcre2_code *re;
} fr_rule;

struct xs_findings_db {
    fr_rule *rules;
    size_t nrules;
    bool any_icase_literal; /* the scanner needs a lower-cased copy of each field */
    bool keyed;             /* fingerprints are HMACs under key; without one they stay "" */
    xs_host_key key;
};

/* findings_check.c */
int fv_parse(const char *name); /* fv_kind, or -1 */
bool fv_accept(fv_kind k, const char *v, size_t n);

#endif
