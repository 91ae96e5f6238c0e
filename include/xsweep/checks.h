/* Active checks (--checks): data-driven HTTP checks in a subset of the nuclei template format
 * (data/checks/NAME.yaml, documented in xsweep(1)), payload tests on the page's parameters, and the
 * TLS configuration audit. Every connection a check opens first gets the stage's per-endpoint
 * clock (xs_throttle_acquire == 0), so no IP:port sees two connections within the gap.
 *
 * Threading: a db is read-only after loading and shared by the workers. A pool belongs to the
 * stage thread and is registered with its event loop: submit comes from that thread, and the
 * loop's callbacks are where the clock is asked (the clock is single-threaded); the workers only
 * wait for that grant before they connect. */
#ifndef XSWEEP_CHECKS_H
#define XSWEEP_CHECKS_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include "xsweep/addr.h"
#include "xsweep/severity.h"
#include "xsweep/throttle.h"

#define XS_CHECK_ID_MAX                64u
#define XS_CHECKS_DEFAULT_MAX_REQUESTS 60u /* connections per endpoint, all checks together */

typedef struct xs_check_db xs_check_db;

/* LIST: comma-separated "safe", "all", check ids, or paths of template files / directories
 * (a word with a '/' or ending in .yaml/.yml). NULL dir = the installed data/checks. */
xs_check_db *xs_check_db_load(const char *list, const char *dir, char *err, size_t errlen);
void xs_check_db_free(xs_check_db *db);
size_t xs_check_db_count(const xs_check_db *db);
bool xs_check_db_wants_tls(const xs_check_db *db); /* the tls-config check is selected */
/* --list-checks: every shipped check (and the TLS audit) as a table; returns 0 or -1 (err). */
int xs_check_list_print(FILE *out, const char *dir, char *err, size_t errlen);
/* Parses one template document (for tests and fuzzing): 0, or -1 with err. */
int xs_check_parse_text(const char *text, size_t len, char *err, size_t errlen);

typedef enum { XS_CHECK_KIND_HTTP = 0, XS_CHECK_KIND_PAYLOAD, XS_CHECK_KIND_TLS } xs_check_kind;
const char *xs_check_kind_name(xs_check_kind k); /* "http", "payload", "tls" */

/* How a TLS audit reaches the handshake: directly, or after the protocol's own upgrade request
 * (as testssl.sh --starttls: SMTP STARTTLS, IMAP STARTTLS, POP3 STLS, FTP AUTH TLS, PostgreSQL
 * SSLRequest, MySQL/MariaDB's SSL request packet, the LDAP StartTLS extended operation, XMPP's
 * <starttls/>). */
typedef enum {
    XS_STARTTLS_NONE = 0,
    XS_STARTTLS_SMTP,
    XS_STARTTLS_IMAP,
    XS_STARTTLS_POP3,
    XS_STARTTLS_FTP,
    XS_STARTTLS_POSTGRES,
    XS_STARTTLS_MYSQL,
    XS_STARTTLS_LDAP,
    XS_STARTTLS_XMPP,
    XS_STARTTLS_COUNT
} xs_starttls;
/* The upgrade of a probe's protocol name ("smtp", "imap", "pop3", "ftp", "postgresql", "mysql",
 * "ldap", "xmpp"),
 * or NONE. */
xs_starttls xs_starttls_for_protocol(const char *protocol);
const char *xs_starttls_name(xs_starttls s); /* "smtp", ... "postgres"; "" for NONE */

/* One finding: what the record and the agent's findings report carry. Never a response body. */
typedef struct {
    char id[XS_CHECK_ID_MAX]; /* check id, "git-head-exposed"; TLS: "tls-weak-cipher" ... */
    char name[128];
    xs_check_kind kind;
    xs_severity severity;
    char cwe[16];     /* "CWE-538", "" when the check names none */
    char path[256];   /* request target of the request that matched ("/.git/HEAD") */
    char detail[160]; /* extracted value or TLS detail ("TLSv1.0", "RC4-SHA"), cut */
    char remediation[256];
} xs_check_finding;

typedef struct {
    xs_check_finding *v;
    size_t n, cap;
    unsigned requests;     /* connections the checks opened to this endpoint */
    bool capped;           /* the per-endpoint cap stopped further requests */
    bool tls_audited;      /* the TLS audit ran: tls_proto holds its protocol answers */
    xs_starttls starttls;  /* ... through this upgrade ("starttls" in the record) */
    char tls_proto[5][16]; /* SSLv3, TLSv1.0 .. TLSv1.3: "accepted", "rejected", "not testable" */
} xs_check_report;

extern const char *const xs_tls_proto_names[5]; /* "SSLv3", "TLSv1.0", ... "TLSv1.3" */
/* Loads the trust store now (OpenSSL default paths, SSL_CERT_FILE/DIR): the privilege-separated
 * stage calls it before its chroot. */
void xs_tls_trust_preload(void);

void xs_check_report_free(xs_check_report *r);
int xs_check_report_add(xs_check_report *r, const xs_check_finding *f);
/* "checks": {"requests","capped","tls_protocols"?,"findings":[...]} into an xs_jsonw. */
void xs_check_report_write_json(const xs_check_report *r, void *jsonw);

/* The endpoint to check, as the HTTP stage saw it. */
typedef struct {
    xs_addr addr; /* either family */
    uint16_t port;
    bool tls;             /* the GET ran over TLS (or the service speaks TLS first) */
    bool tls_only;        /* not HTTP: only the TLS audit runs (FTPS, STARTTLS services) */
    xs_starttls starttls; /* the audit's connections upgrade first (tls_only) */
    const char *host;     /* Host header / SNI, or NULL (ip) */
    const char *page;     /* the GET's body (links and forms for payload tests), may be NULL */
    size_t page_len;
    const char *page_path; /* where that page was ("/") */
} xs_check_target;

typedef struct {
    const xs_check_db *db;
    xs_throttle *clock;     /* the stage's per-endpoint clock; required */
    unsigned max_requests;  /* per endpoint; 0 = XS_CHECKS_DEFAULT_MAX_REQUESTS */
    unsigned workers;       /* endpoints checked at once; 0 = 64 */
    unsigned timeout_ms;    /* one request, connect to last byte; 0 = 10000 */
    const char *canary_url; /* --checks-canary URL for SSRF tests, or NULL (those skipped) */
} xs_checks_config;

typedef struct xs_checks_pool xs_checks_pool;
typedef void (*xs_checks_done_fn)(xs_check_report *rep, void *user, void *arg); /* rep is owned */

/* On the stage's event loop: whoever runs the loop grants the waiting connections their clock
 * slot and gets each finished endpoint through done(rep, user, arg). */
struct xs_loop;
xs_checks_pool *xs_checks_pool_new(const xs_checks_config *cfg, struct xs_loop *loop,
                                   xs_checks_done_fn done, void *arg, char *err, size_t errlen);
int xs_checks_pool_submit(xs_checks_pool *p, const xs_check_target *t, void *user);
size_t xs_checks_pool_pending(const xs_checks_pool *p);
/* Stops the workers; endpoints not finished come back through done (partial reports). */
void xs_checks_pool_free(xs_checks_pool *p, xs_checks_done_fn done, void *arg);

#endif
