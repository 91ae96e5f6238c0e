/* The HTTP stage: a single-threaded, epoll-driven HTTP/HTTPS GET engine, plus the pure parsers it
 * is built from (exposed for unit tests and fuzzing).
 *
 * Threading: an engine belongs to one thread. Every call except xs_http_engine_wakeup() must come
 * from that thread (the scan pipeline runs the engine in a thread of its own and feeds it there).
 *
 * Typical loop of the owning thread:
 *     xs_http_engine *e = xs_http_engine_new(&cfg);          // NULL cfg = defaults
 *     for (each open port) xs_http_engine_submit(e, &req);   // cheap, never blocks
 *     while (xs_http_engine_pending(e) > 0)
 *         xs_http_engine_poll(e, 100, on_done, ctx);         // on_done owns each result
 *     xs_http_engine_free(e);
 *
 * Memory: at most `concurrency` connections hold buffers, each bounded by
 * XS_HTTP_MAX_HEADER_BYTES + max_body (+ one TLS object); a request waiting for a slot or for its
 * not_before time costs one small allocation (the request plus its host and path strings).
 */
#ifndef XSWEEP_HTTP_H
#define XSWEEP_HTTP_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "xsweep/addr.h"
#include "xsweep/throttle.h"
#include "xsweep/utf8.h"

#define XS_HTTP_MAX_HEADER_BYTES (64u * 1024u) /* raw header block kept at most */
#define XS_HTTP_MAX_HEADERS      100u          /* (name, value) pairs kept at most */
#define XS_HTTP_TITLE_MAX_CHARS  256u          /* title bound, in characters */
#define XS_HTTP_PREVIEW_CHARS    1000u         /* body preview, in characters (seed) */
#define XS_HTTP_MAX_PATH_BYTES   8000u         /* longer paths are "Unsupported HTTP Path" */
#define XS_HTTP_MAX_SANS         64u           /* subjectAltNames kept at most */

/* Status texts the seed defines besides the status line itself. */
#define XS_HTTP_STATUS_UNSUPPORTED_PATH "Unsupported HTTP Path"
#define XS_HTTP_STATUS_CLIENT_ERROR     "Client error"

typedef enum {
    XS_TLS_AUTO =
        0, /* TLS first on xs_http_port_prefers_tls() ports, plain first elsewhere; falls back once */
    XS_TLS_ON,  /* TLS only */
    XS_TLS_OFF, /* plain only */
} xs_tls_mode;

typedef enum {
    XS_HTTP_ERR_NONE = 0,
    XS_HTTP_ERR_CONNECT_REFUSED, /* RST to our SYN */
    XS_HTTP_ERR_TIMEOUT,         /* a connect, TLS or total deadline passed */
    XS_HTTP_ERR_RESET,           /* connection reset before a status line arrived */
    XS_HTTP_ERR_TLS_FAILED,      /* TLS handshake failed (and no plain fallback applied) */
    XS_HTTP_ERR_NOT_HTTP,        /* the port answered, but not in HTTP ("Client error") */
    XS_HTTP_ERR_INVALID_PATH,    /* request path rejected: never connected */
    XS_HTTP_ERR_NETWORK,         /* unreachable, no route, out of sockets/fds, other local error */
} xs_http_error;

const char *xs_http_error_name(xs_http_error e); /* "none", "connect_refused", "timeout", ... */

typedef struct {
    unsigned concurrency;        /* connections at once; default 500 */
    unsigned connect_timeout_ms; /* TCP handshake; default 3000 */
    unsigned tls_timeout_ms;     /* TLS handshake; default 5000 */
    unsigned total_timeout_ms;   /* one attempt, connect start to last byte; default 10000 */
    size_t max_body;             /* body bytes kept (and read) at most; default 64 KiB */
    const char *user_agent;      /* default "xsweep/0.1"; copied */
    xs_throttle *clock;          /* the per-endpoint clock: every connect (first attempt and the
                                * TLS/plain fallback) waits until xs_throttle_acquire() gives 0;
                                * NULL = none. Owned by the caller, used from the engine's thread */
} xs_http_config;

void xs_http_config_defaults(xs_http_config *cfg);

typedef struct {
    xs_addr addr; /* either family, as in xs_result */
    uint16_t port;
    const char *host; /* SNI and Host header; NULL = ip[:port] ("[2001:2::5]:8443"). Copied. */
    const char *path; /* NULL = "/". Copied. */
    xs_tls_mode tls;
    uint64_t
        not_before_ns; /* CLOCK_MONOTONIC (xs_now_ns); 0 = now. Waits in a timer heap, holding no slot. */
    void *user;        /* handed back in the result */
} xs_http_request;

typedef struct {
    const char *name;
    const char *value;
} xs_http_header;

/* What we record about the server's certificate (never verified). */
typedef struct {
    char subject[512]; /* RFC 2253 one-line form */
    char subject_cn[256];
    char issuer[512];
    char issuer_cn[256];
    char not_before[32]; /* ISO 8601 UTC, "2025-01-31T12:00:00Z" */
    char not_after[32];
    char serial[80];  /* hex */
    char sha256[65];  /* fingerprint of the DER, hex */
    bool self_signed; /* issuer == subject and the signature verifies with its own key */
    char **sans;      /* "DNS:name" / "IP:addr" / "URI:..." / "email:..." */
    size_t n_sans;
} xs_cert_info;

typedef struct {
    bool used;        /* the final attempt ran over TLS and the handshake completed */
    char version[16]; /* "TLSv1.3" */
    char cipher[64];
    char alpn[16];
    bool have_cert;
    xs_cert_info cert;
} xs_tls_info;

typedef struct xs_http_result {
    /* ---- the request ---- */
    xs_addr addr;
    uint16_t port;
    char *host; /* as submitted, or NULL */
    char *path; /* as submitted ("/" when NULL was given) */
    void *user;

    /* ---- the seed's three properties ---- */
    char *status_line; /* owned copy of the status line, or NULL; status_text may point here */
    const char
        *status_text; /* status line as returned ("HTTP/1.1 200 OK"), "Unsupported HTTP Path",
                                * "Client error" (TCP connected but no HTTP status line came back),
                                * or "" (never connected: refused, connect timeout, unreachable) */
    int status_code;  /* 0 when there is none */
    char *title;      /* <title> in UTF-8 (converted from the page's charset, every HTML5
                                * character reference decoded), whitespace collapsed; NULL when none */
    char charset[32]; /* iconv name of the page's charset when it is not UTF-8, else "";
                                * body and body_preview stay in it (redaction works on those
                                * bytes): the writer converts the preview */

    /* ---- the response ---- */
    char *body_preview; /* first XS_HTTP_PREVIEW_CHARS UTF-8 characters; NUL-terminated,
                                * but may hold NULs and invalid bytes: use body_preview_len */
    size_t body_preview_len;
    const char *server;      /* Server header value or NULL (points into headers) */
    const char *location;    /* Location header value or NULL (redirects are never followed) */
    xs_http_header *headers; /* at most XS_HTTP_MAX_HEADERS, in order received */
    size_t n_headers;
    const char **set_cookies; /* Set-Cookie values (point into headers) */
    size_t n_set_cookies;
    char *raw_headers; /* status line + header block as received (NUL-terminated, bounded) */
    size_t raw_headers_len;
    unsigned char *body; /* decoded body (chunked removed), at most max_body; NUL-terminated */
    size_t body_len;
    bool body_truncated; /* the body was longer than max_body (or framing broke off) */
    bool headers_truncated;

    /* ---- transport ---- */
    bool tls_attempted; /* the final attempt used TLS */
    xs_tls_info tls;
    unsigned attempts; /* 1, or 2 after a TLS<->plain fallback */
    xs_http_error error;
    char error_text[128];

    /* ---- timings, nanoseconds (0 = phase not reached) ---- */
    uint64_t queued_ns;            /* submit -> first connect() (throttle wait + slot wait) */
    uint64_t connect_ns;           /* final attempt: connect() -> established */
    uint64_t tls_ns;               /* final attempt: handshake */
    uint64_t first_byte_ns;        /* final attempt: request sent -> first response byte */
    uint64_t total_ns;             /* first connect() -> done, all attempts */
    uint64_t finished_realtime_ns; /* CLOCK_REALTIME at completion */
} xs_http_result;

void xs_http_result_free(xs_http_result *r);
/* First header named `name` (case-insensitive) or NULL. */
const char *xs_http_result_header(const xs_http_result *r, const char *name);

/* ---------------------------------------------------------------- engine */
typedef struct xs_http_engine xs_http_engine;
typedef void (*xs_http_done_fn)(xs_http_result *res, void *arg);

/* NULL cfg = defaults. Raises RLIMIT_NOFILE's soft limit if concurrency needs it. NULL on error.
 * The engine has an event loop of its own, driven by xs_http_engine_poll. */
xs_http_engine *xs_http_engine_new(const xs_http_config *cfg);
/* Same, on the caller's event loop (the stage's one loop): whoever runs the loop runs the engine,
 * and done(res, arg) gets each result (as in poll). The loop outlives the engine. */
struct xs_loop;
xs_http_engine *xs_http_engine_new_on(struct xs_loop *loop, const xs_http_config *cfg,
                                      xs_http_done_fn done, void *arg);
/* Queues one GET. Host and path are copied. 0, or -1 with errno (ENOMEM; EINVAL for a host with
 * characters that cannot go in a Host header). An invalid path is accepted and completes with
 * "Unsupported HTTP Path" on the next poll, without connecting. */
int xs_http_engine_submit(xs_http_engine *e, const xs_http_request *req);
/* Runs one turn of the engine's loop for up to timeout_ms (-1 = until something completes or a
 * timer fires; 0 = no wait) and calls done(res, arg) for each finished request; done owns res
 * (xs_http_result_free). done may call xs_http_engine_submit. Returns the number of results
 * delivered, or -1 (epoll failure). On a shared loop it runs the whole loop's turn. */
int xs_http_engine_poll(xs_http_engine *e, int timeout_ms, xs_http_done_fn done, void *arg);
/* Requests submitted and not yet delivered. */
size_t xs_http_engine_pending(const xs_http_engine *e);
/* Connections open right now (<= concurrency). */
size_t xs_http_engine_active(const xs_http_engine *e);
/* Thread-safe: makes a poll in progress on the owning thread return early (xs_loop_wakeup). */
void xs_http_engine_wakeup(xs_http_engine *e);
/* Closes every connection; requests not yet delivered are dropped without a callback. */
void xs_http_engine_free(xs_http_engine *e);

/* ---------------------------------------------------------------- pure helpers */
/* The seed's TLS-first ports: 443 1443 2443 3443 4443 5443 6443 7443 8443 10250 5986. */
bool xs_http_port_prefers_tls(uint16_t port);
/* false for paths the seed calls unsupported: not starting with '/', or holding '*', '{', '}',
 * whitespace or control characters, or longer than XS_HTTP_MAX_PATH_BYTES. */
bool xs_http_path_valid(const char *path);
/* false when host is empty, too long, or holds characters that cannot go in a Host header. */
bool xs_http_host_valid(const char *host);
/* Formats the GET into buf; returns its length, or 0 when it does not fit. host NULL = the
 * address, an IPv6 one in brackets (RFC 7230 5.4, RFC 3986 3.2.2: "Host: [2001:2::5]:8443"). */
size_t xs_http_format_request(char *buf, size_t cap, const xs_addr *addr, uint16_t port,
                              const char *host, const char *path, bool tls, const char *user_agent);
/* The TLS server name for a Host value (port and brackets dropped): true with out filled when it
 * is a DNS name; false for NULL, an IPv4 or IPv6 literal (RFC 6066 3: SNI never carries one). */
bool xs_http_sni_name(const char *host, char *out, size_t cap);

/* <title> of an HTML body: entity-decoded, NULs dropped, whitespace collapsed and trimmed, at most
 * max_chars characters. malloc'd string, or NULL when there is no title or it is empty. */
char *xs_html_title(const unsigned char *body, size_t len, size_t max_chars);
/* The page's charset (BOM, Content-Type, <meta> in the first 1024 bytes; undeclared and not
 * UTF-8 = WINDOWS-1252) as an iconv name, or NULL when the body is UTF-8 as it is. buf holds it. */
const char *xs_http_charset(const xs_http_result *r, char *buf, size_t cap);
/* in[0..len) converted from charset to UTF-8 (U+FFFD for bytes it lacks; a character cut at the
 * end is dropped). malloc'd, NUL-terminated; NULL when iconv does not know the charset. */
char *xs_to_utf8(const char *charset, const unsigned char *in, size_t len, size_t *out_len);

/* body_preview in UTF-8 when the page has another charset (cut to XS_HTTP_PREVIEW_CHARS
 * characters), malloc'd; NULL when the preview is to be written as it is. */
char *xs_http_preview_utf8(const xs_http_result *r, size_t *len);

/* Decodes the common HTML entities of s[0..len) into out (cap >= len + 1 is always enough, since
 * no entity decodes longer than itself). Returns the bytes written (NUL-terminated). */
size_t xs_html_decode_entities(const char *s, size_t len, char *out, size_t cap);

/* ---- incremental response parser (what the engine feeds; bytes may arrive split anywhere) ---- */
typedef struct xs_http_parser xs_http_parser;
typedef enum {
    XS_HTTP_PARSE_MORE = 0, /* wants more bytes */
    XS_HTTP_PARSE_DONE,     /* response complete (or limits reached): stop reading */
    XS_HTTP_PARSE_NOT_HTTP, /* the bytes are not an HTTP response */
} xs_http_parse_state;

xs_http_parser *xs_http_parser_new(size_t max_body);
void xs_http_parser_free(xs_http_parser *p);
xs_http_parse_state xs_http_parser_feed(xs_http_parser *p, const unsigned char *data, size_t len);
/* The peer closed the connection: close-delimited bodies and truncated responses end here. */
xs_http_parse_state xs_http_parser_eof(xs_http_parser *p);
/* True once a status line was parsed. */
bool xs_http_parser_has_status(const xs_http_parser *p);
/* The first bytes looked like a TLS record (handshake or alert): the port speaks TLS. */
bool xs_http_parser_saw_tls_record(const xs_http_parser *p);
/* Moves what was parsed into r (status, headers, raw block, body, preview, title...). Call once. */
void xs_http_parser_fill_result(xs_http_parser *p, xs_http_result *r);

/* ---- certificate summary ---- */
/* Summarises a DER certificate. 0, or -1 when it does not parse. Release with xs_cert_info_clear. */
int xs_cert_summarize_der(const unsigned char *der, size_t len, xs_cert_info *out);
void xs_cert_info_clear(xs_cert_info *ci);

#endif
