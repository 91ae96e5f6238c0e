/* Data and secret scanning of one HTTP response (seed: "External data scanning"), and redaction of
 * what was found so nothing the output writes holds the secret (seed: "If sensitive data or secrets
 * are detected ... removed"; Detectify: tokens and secrets never leave the network).
 *
 * Rules are data: data/findings/rules.txt (format documented at the top of that file). A db is
 * loaded once, is read-only afterwards and can be shared between threads; xs_findings_scan and
 * xs_findings_redact keep no state between calls.
 *
 * A finding never carries the matched value: only where it is, and a fingerprint (first 16 hex
 * digits of HMAC-SHA256(host key, value), see hostkey.h) so operators can correlate the same
 * secret across endpoints and sweeps of hosts sharing the key, while nobody without the key can
 * test guesses against it. No partial digits of any value are ever kept.
 *
 * Typical use in the HTTP stage, per result:
 *     xs_finding_list f = {0};
 *     xs_findings_scan(db, res, &f);       // before anything reads the result for output
 *     ... xs_hostcfg_eval(...) ...         // may look at cookies/headers, before redaction
 *     xs_findings_redact(res, &f);         // overwrites every redactable value in place
 *     ... write the record (findings: id, category, severity, where, fingerprint[, count]) ...
 *     xs_finding_list_free(&f);
 */
#ifndef XSWEEP_FINDINGS_H
#define XSWEEP_FINDINGS_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "xsweep/hostkey.h"
#include "xsweep/http.h"
#include "xsweep/severity.h"

#define XS_FINDING_ID_MAX    48u   /* rule ids are at most 47 characters */
#define XS_FINDING_WHERE_MAX 80u   /* "header:<Name>" is cut to fit */
#define XS_FINDINGS_LIST_MAX 8192u /* findings kept per result; past it `overflow` is set */
#define XS_FINDING_SCRUBBED  (-2)

typedef enum {
    XS_FINDING_SECRET = 0, /* credentials, tokens, keys: a secret instance */
    XS_FINDING_DATA,       /* sensitive data: e-mail addresses, card numbers, IBANs, SSNs */
} xs_finding_category;

/* "secret" / "data". */
const char *xs_finding_category_name(xs_finding_category c);

typedef struct {
    char id[XS_FINDING_ID_MAX]; /* rule id, "aws-access-key-id" */
    xs_finding_category category;
    xs_severity severity;
    char where[XS_FINDING_WHERE_MAX]; /* "body", "title", "status_line", "raw_headers",
                                                 "header:<Name as received>" (Location too) */
    int header_index;                 /* index into r->headers for "header:", else -1;
                                                 XS_FINDING_SCRUBBED: found (and already cleared)
                                                 by xs_findings_scrub_fields */
    size_t offset;                    /* of the value in that field, bytes */
    size_t length;                    /* of the value, bytes */
    unsigned count;                   /* 1; count-only rules: matches in this field */
    bool redact;                      /* xs_findings_redact overwrites this value */
    char fingerprint[17];             /* 16 hex of HMAC-SHA256(key, value); "" for count-only
                                                 rules, and when no key was set */
} xs_finding;

typedef struct {
    xs_finding *v;
    size_t n, cap;
    bool overflow;         /* more than XS_FINDINGS_LIST_MAX: redaction then blanks every field */
    unsigned regex_errors; /* matches abandoned (match limit): those regions were not checked */
} xs_finding_list;

typedef struct xs_findings_db xs_findings_db;

/* path NULL = $XSWEEP_DATADIR/findings/rules.txt, or XS_DATADIR's when the variable is unset.
 * NULL on error with a one-line message ("FILE:LINE: ...") in err. */
xs_findings_db *xs_findings_load(const char *path, char *err, size_t errlen);
/* Same from text in memory; `label` names it in error messages. */
xs_findings_db *xs_findings_load_buffer(const char *text, size_t len, const char *label, char *err,
                                        size_t errlen);
void xs_findings_free(xs_findings_db *db);
/* The key of the fingerprints; call once after loading, before any scan. */
void xs_findings_set_key(xs_findings_db *db, const xs_host_key *key);
size_t xs_findings_rule_count(const xs_findings_db *db);

/* Scans r's body (body_preview when body is NULL), title, status line, every header value and the
 * raw header block (only what the header values did not already show), appending to out (which
 * must be zeroed or hold earlier findings). Returns the number of findings added, or -1 when out of
 * memory (out keeps what was added; redact then blanks every field, as for overflow). */
int xs_findings_scan(const xs_findings_db *db, const xs_http_result *r, xs_finding_list *out);

/* Text the HTTP result's scan does not cover but the output writes: header names, certificate
 * subject/issuer/SANs, probe banners. Scans each field, appends findings (where = the field's
 * `where`), and overwrites every redactable value with '*' in its field and wherever it recurs in
 * the others (lengths stay). When something cannot be scanned (no memory, too many findings) every
 * field is starred. Returns findings added, or -1 after starring everything. */
typedef struct {
    const char *where;
    char *data;
    size_t len;
} xs_text_field;
int xs_findings_scrub_fields(const xs_findings_db *db, xs_text_field *fields, size_t n,
                             xs_finding_list *out);

/* Overwrites, with same-length runs of '*', every value of a finding with redact set: at its offset
 * in its field, at the same offset in body_preview for body findings (the preview is a prefix of
 * the body), and wherever else the same bytes occur in body, body_preview, title, status_line,
 * header values (so location, server and set_cookies too) and raw_headers. Lengths stay valid.
 * Must be given the list xs_findings_scan produced for this very result, before it changed. */
void xs_findings_redact(xs_http_result *r, const xs_finding_list *f);
/* Same, and the values are also cleared wherever they occur in the extra fields (header names,
 * certificate names: what xs_findings_scrub_fields covered); findings marked
 * XS_FINDING_SCRUBBED are skipped. */
void xs_findings_redact_with(xs_http_result *r, const xs_finding_list *f, xs_text_field *extra,
                             size_t nextra);

void xs_finding_list_free(xs_finding_list *f);

#endif
