/* Privilege separation of the HTTP stage (issue 13): everything that parses bytes a hostile
 * network sent (HTTP, TLS, probe replies, Chromium's page text) runs in a child process with its
 * own uid, chrooted to an empty directory, no capabilities (bounding set emptied), no_new_privs
 * and a seccomp filter (libseccomp) that refuses raw and packet sockets, file opens and exec. The
 * parent keeps the raw socket, the capture handle and every file; the SYN path never leaves it.
 *
 * The two talk over a socketpair. Parent -> child: jobs (trusted direction). Child -> parent:
 * results, each a fixed header plus the record's stage fields as one JSON object, which the
 * parent checks (xs_privsep_decode: bounded lengths, known job id, values in range, the JSON an
 * object whose keys are the stage's own) before a byte of it reaches the output.
 *
 * The proxy mirrors xs_http_stage's push/pop API; the output loop uses it instead. */
#ifndef XSWEEP_PRIVSEP_H
#define XSWEEP_PRIVSEP_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "xsweep/stage.h"

/* ---- the wire format (child -> parent), exposed for the decoder's unit test and fuzz target ---- */
#define XS_PS_MAGIC    0x58535053u /* "XSPS" */
#define XS_PS_JSON_MAX (4u << 20)  /* stage fields of one record, bytes */
enum { XS_PS_RESULT = 1, XS_PS_DONE = 2 };
enum { XS_PS_F_INTERRUPTED = 1u, XS_PS_F_PROBE = 2u };

typedef struct {
    uint32_t magic, type;
    uint64_t id;          /* the job's id as the parent sent it */
    int32_t status_code;  /* 0..999: what severity grading reads */
    uint32_t auth_method; /* xs_auth_method */
    uint32_t flags;       /* XS_PS_F_* */
    uint32_t json_len;    /* bytes that follow, <= XS_PS_JSON_MAX */
} xs_ps_header;

typedef struct {
    uint32_t type;
    uint64_t id;
    int status_code;
    unsigned auth_method;
    bool interrupted, probe;
    char *json; /* malloc'd, NUL-terminated "{...}" on one line; NULL for DONE */
    size_t json_len;
} xs_ps_message;

/* Decodes one message from buf[0..len). Returns the bytes it used (> 0) with *m filled, 0 when
 * more bytes are needed, or -1 when the bytes are not a valid message (the parent then stops
 * trusting the child: it is killed and its jobs are reported as interrupted). */
long xs_privsep_decode(const unsigned char *buf, size_t len, xs_ps_message *m);
void xs_ps_message_free(xs_ps_message *m);

/* The fields the parent's writers read directly (CSV, grepable, grading) from e->stage_json. */
void xs_privsep_fill_fields(xs_enriched *e);

/* ---- the proxy ---- */
typedef struct xs_stage_proxy xs_stage_proxy;

typedef struct {
    xs_http_stage_config stage; /* what the child's stage runs with */
    const char *user;           /* --user: the child's uid when screenshots need files */
    bool sandbox;               /* false only for --no-privsep debugging */
} xs_stage_proxy_config;

/* Forks the child (call before any thread is started). NULL with err. */
xs_stage_proxy *xs_stage_proxy_start(const xs_stage_proxy_config *cfg, char *err, size_t errlen);
void xs_stage_proxy_push(xs_stage_proxy *p, const xs_http_job *job);
xs_enriched *xs_stage_proxy_pop(xs_stage_proxy *p);
void xs_stage_proxy_close_input(xs_stage_proxy *p);
void xs_stage_proxy_abort(xs_stage_proxy *p);
bool xs_stage_proxy_finished(xs_stage_proxy *p);
size_t xs_stage_proxy_in_flight(const xs_stage_proxy *p);
void xs_stage_proxy_free(xs_stage_proxy *p);

/* ---- the child's lockdown (sandbox.c) ---- */
/* Keeps only fd `keep` (moved to 3) and /dev/null on 0 and 1; chroots to empty_dir and becomes
 * uid/gid `uid` when root; empties the capability sets and bounding set; no_new_privs; loads the
 * seccomp filter (allow_files: screenshots need Chromium and their directory). 0 or -1 + err. */
int xs_privsep_lockdown(int keep, const char *empty_dir, unsigned uid, unsigned gid,
                        bool allow_files, char *err, size_t errlen);
/* XSWEEP_PRIVSEP_SELFTEST=1: the child, once locked down, tries to open a file and to make raw and
 * packet sockets, and writes what happened on one stderr line (the integration test reads it). */
void xs_privsep_selftest(void);

#endif
