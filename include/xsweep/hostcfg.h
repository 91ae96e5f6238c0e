/* Host configuration checks (seed: "Host Configuration Rules validation"): data-driven rules over
 * what one HTTP GET to an endpoint showed (status, headers, title, body, TLS and certificate facts,
 * port). No extra request is ever sent: a rule sees only the xs_http_result it is given.
 *
 * Rules are data: data/hostcfg/rules.txt (format documented at the top of that file). A db is loaded
 * once, is read-only afterwards and can be shared between threads; xs_hostcfg_eval keeps no state.
 * Evaluate before xs_findings_redact (redaction can star parts of header values).
 */
#ifndef XSWEEP_HOSTCFG_H
#define XSWEEP_HOSTCFG_H
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include "xsweep/http.h"
#include "xsweep/probe.h"
#include "xsweep/severity.h"

#define XS_HOSTCFG_ID_MAX 48u

typedef struct {
    char id[XS_HOSTCFG_ID_MAX]; /* "tls-legacy-version" */
    const char *title;          /* owned by the db: valid while the db lives */
    xs_severity severity;
    int cwe;         /* CWE number, 0 = none */
    const char *fix; /* remediation (owned by the db), or NULL */
} xs_hostcfg_issue;

typedef struct {
    xs_hostcfg_issue *v; /* in rule-file order */
    size_t n, cap;
} xs_hostcfg_list;

typedef struct xs_hostcfg_db xs_hostcfg_db;

/* path NULL = $XSWEEP_DATADIR/hostcfg/rules.txt, or XS_DATADIR's when the variable is unset.
 * NULL on error with a one-line message ("FILE:LINE: ...") in err. */
xs_hostcfg_db *xs_hostcfg_load(const char *path, char *err, size_t errlen);
/* Same from text in memory; `label` names it in error messages. */
xs_hostcfg_db *xs_hostcfg_load_buffer(const char *text, size_t len, const char *label, char *err,
                                      size_t errlen);
void xs_hostcfg_free(xs_hostcfg_db *db);
size_t xs_hostcfg_rule_count(const xs_hostcfg_db *db);

/* Appends one issue per matching rule to out (zeroed, or holding earlier issues). port is the
 * scanned port (r->port is not consulted); now_realtime_ns (CLOCK_REALTIME) dates the certificate
 * checks. Returns the number of issues added, or -1 when out of memory. */
int xs_hostcfg_eval(const xs_hostcfg_db *db, const xs_http_result *r, uint16_t port,
                    uint64_t now_realtime_ns, xs_hostcfg_list *out);

/* Services rules (data/hostcfg/services.txt): the same, over what a protocol probe learned (info,
 * may be NULL) and, when the HTTP stage spoke to the endpoint, its result (r, may be NULL: TLS
 * certificate facts of a non-HTTP TLS service come from there). */
int xs_hostcfg_eval_service(const xs_hostcfg_db *db, const struct xs_probe_info_s *info,
                            const xs_http_result *r, uint16_t port, uint64_t now_realtime_ns,
                            xs_hostcfg_list *out);
/* path NULL = <datadir>/hostcfg/services.txt. */
xs_hostcfg_db *xs_hostcfg_load_services(const char *path, char *err, size_t errlen);
/* --list-checks: one line per rule (id, severity, CWE, title), under a heading. */
void xs_hostcfg_print(FILE *out, const xs_hostcfg_db *db, const char *heading);

void xs_hostcfg_list_free(xs_hostcfg_list *l);

#endif
