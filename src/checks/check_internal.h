/* The check engine's parts: templates (check_load.c), the HTTP client (check_client.c),
 * matching (check_match.c), the page's parameters (check_page.c), running one endpoint
 * (check_run.c) and the worker pool with its clock gate (check_pool.c). */
#ifndef XSWEEP_CHECK_INTERNAL_H
#define XSWEEP_CHECK_INTERNAL_H
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include "xsweep/checks.h"

/* nuclei's parts: body, header (all_headers: status line and headers), all (body + headers),
 * response/raw (the whole response), or one header by its nuclei name (content_type). */
enum { PART_BODY = 0, PART_HEADER, PART_ALL, PART_STATUS, PART_RAW, PART_NAMED };
enum { M_WORD = 0, M_REGEX, M_STATUS, M_DURATION, M_SIZE, M_BINARY };
enum { X_REGEX = 0, X_KVAL };
enum { FZ_REPLACE = 0, FZ_POSTFIX, FZ_PREFIX };
enum { FZ_QUERY = 0, FZ_BODY };

typedef struct {
    int type, part;
    char part_name[48]; /* PART_NAMED: "content_type" */
    bool negative, cond_and, nocase;
    char **words;
    size_t nwords; /* word, binary (hex-decoded) */
    size_t *wlen;  /* each word's length (binary ones may hold NUL) */
    pcre2_code **re;
    size_t nre; /* regex */
    int *status;
    size_t nstatus; /* status; size (in bytes of the part) */
    double min_s;   /* duration: dsl "duration>=N" */
} check_matcher;

typedef struct {
    int type, part, group;
    char part_name[48];
    pcre2_code **re;
    size_t nre; /* regex */
    char **keys;
    size_t nkeys; /* kval: header names, nuclei style (content_type) */
} check_extractor;

typedef struct {
    char *name, *value;
} check_header;

typedef struct {
    int part, type;
    char **values;
    size_t nvalues;
} check_fuzz;

typedef struct {
    char method[16];
    char **paths;
    size_t npaths; /* "{{BaseURL}}/.git/HEAD" */
    check_header *headers;
    size_t nheaders;
    char *body;
    check_matcher *m;
    size_t nm;
    bool m_and; /* matchers-condition: and */
    check_extractor *x;
    size_t nx;
    check_fuzz *fz;
    size_t nfz; /* fuzzing rules: payload tests */
} check_request;

typedef struct {
    char id[XS_CHECK_ID_MAX];
    char name[128];
    char description[256];
    char remediation[256];
    char cwe[16];
    xs_severity severity;
    xs_check_kind kind;   /* payload when it fuzzes or metadata xsweep-set: payload */
    bool https_only;      /* metadata xsweep-scheme: https */
    bool needs_canary;    /* uses {{interactsh-url}} / {{canary}} */
    bool compare_boolean; /* metadata xsweep-compare: boolean (fuzz values in true/false pairs) */
    check_request *req;
    size_t nreq;
} check_tmpl;

struct xs_check_db {
    check_tmpl *t;
    size_t n;
    bool tls; /* the built-in TLS audit is selected */
};

void check_tmpl_free(check_tmpl *t);
/* One YAML document into *t: 0, or -1 with err ("file: why"). */
int check_tmpl_parse(const char *text, size_t len, check_tmpl *t, char *err, size_t errlen);

/* ---- one HTTP exchange ---- */
typedef struct {
    int status;
    char *head;
    size_t head_len; /* status line and header block, as received */
    char *body;
    size_t body_len; /* de-chunked, capped */
    double seconds;  /* request sent to last byte */
    char location[512];
} check_response;

typedef struct {
    xs_addr addr;
    uint16_t port;
    bool tls;
    const char *host; /* Host header and SNI */
    unsigned timeout_ms;
} check_conn;

/* 0 with *r filled, -1 when no response came. */
int check_http(const check_conn *c, const char *method, const char *target, const check_header *h,
               size_t nh, const char *body, size_t body_len, check_response *r);
void check_response_free(check_response *r);

/* ---- matching ---- */
/* The request's matchers by matchers-condition; with no matchers, whether an extractor hits. */
bool check_match(const check_request *q, const check_response *r, const char *marker);
/* The smallest duration matcher's seconds, 0 when the request has none. */
double check_duration_of(const check_request *q);
/* First extractor hit into out (cut), or "" */
void check_extract(const check_request *q, const check_response *r, char *out, size_t outlen);

/* ---- the page's parameters ---- */
typedef struct {
    char *path; /* request path of the link or form action, no query */
    bool post;
    char **names;
    char **values;
    size_t n;
} check_form;

typedef struct {
    check_form *v;
    size_t n;
    char **dirs;
    size_t ndirs; /* same-origin directories linked from the page */
} check_page;

void check_page_parse(const char *html, size_t len, const char *page_path, check_page *p);
void check_page_free(check_page *p);

/* ---- one endpoint ---- */
typedef struct check_gate check_gate;
/* Blocks until the clock lets this worker connect; false when the pool is stopping. */
bool check_gate_wait(check_gate *g);

typedef struct {
    const xs_check_db *db;
    check_gate *gate;
    unsigned max_requests, timeout_ms;
    const char *canary;
    const char *marker; /* per-scan harmless marker, "xsw5f3a9c1e" */
} check_env;

void check_run_endpoint(const check_env *env, const xs_check_target *t, xs_check_report *rep);

/* The TLS audit (src/tlscheck): findings into rep, connections through the gate. */
void xs_tls_audit(const check_env *env, const xs_check_target *t, xs_check_report *rep);

#endif
