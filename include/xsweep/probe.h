/* The protocol probe stage: for an open non-HTTP port, which protocol answers, which software and
 * version, and whether it is open without authentication. A single-threaded, epoll-driven engine of
 * non-blocking kernel TCP sockets, plus the pure parsers it is built from (exposed for unit tests and
 * fuzzing).
 *
 * Harmless by design: per endpoint at most one small protocol request (Redis: PING, then INFO server
 * only when PING showed no auth; Cassandra: OPTIONS, then STARTUP without credentials; SMTP: QUIT
 * after the greeting). Never a guessed credential, never a write: the only logins are anonymous FTP
 * and SMB "guest" with a blank password (closed at once, no share connected).
 *
 * Threading: an engine belongs to one thread (the one that runs its event loop); every call comes
 * from it.
 *
 *     xs_probe_engine *e = xs_probe_engine_new(&cfg);               // NULL cfg = defaults
 *     xs_probe_engine_submit(e, ip, port, not_before_ns, user);     // cheap, never blocks
 *     while (xs_probe_engine_pending(e) > 0)
 *         xs_probe_engine_poll(e, 100, on_done, ctx);               // on_done reads each result
 *     xs_probe_engine_free(e);
 *
 * Memory: `concurrency` connection slots allocated once (each with max_bytes of receive buffer); a
 * request waiting for its not_before time or for a slot costs one small allocation. No allocation on
 * the I/O path.
 */
#ifndef XSWEEP_PROBE_H
#define XSWEEP_PROBE_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "xsweep/addr.h"
#include "xsweep/jsonw.h"

#define XS_PROBE_MAX_BYTES  4096u /* bytes read from a peer at most (the buffer size) */
#define XS_PROBE_BANNER_MAX 256u  /* banner bytes kept (first line, raw) */

/* Which conversation to hold. XS_PROBE_AUTO picks by port (xs_probe_kind_for_port). */
typedef enum {
    XS_PROBE_AUTO = 0,
    XS_PROBE_BANNER, /* passive: connect, read what the server says first (banner_timeout) */
    XS_PROBE_SSH,
    XS_PROBE_FTP,
    XS_PROBE_SMTP,
    XS_PROBE_REDIS,
    XS_PROBE_MEMCACHED,
    XS_PROBE_MYSQL,
    XS_PROBE_POSTGRES,
    XS_PROBE_MONGODB,
    XS_PROBE_ELASTICSEARCH,
    XS_PROBE_MSSQL,
    XS_PROBE_RDP,
    XS_PROBE_SMB,
    XS_PROBE_CASSANDRA,
    XS_PROBE_HTTP_STAGE, /* "http": not ours, the HTTP stage GETs it (plain first) */
    XS_PROBE_TLS,        /* "tls": the HTTP stage over TLS; the bytes inside are identified */
    XS_PROBE_SMB1,       /* "smb1": follow-up of "smb", NEGOTIATE offering only NT LM 0.12 */
    XS_PROBE_LDAP,       /* "ldap": an anonymous rootDSE search, no bind */
    XS_PROBE_XMPP,       /* "xmpp": a client stream header, the server's stream features */
    XS_PROBE_KIND_COUNT
} xs_probe_kind;

/* Kind for a port: the service table's first probe (src/targets/supported_ports.c); ports outside
 * the table get XS_PROBE_BANNER. */
xs_probe_kind xs_probe_kind_for_port(uint16_t port);
const char *xs_probe_kind_name(xs_probe_kind k); /* "banner", "ssh", ... "http", "tls" */
/* The kind named name[0..len) ("redis"), or XS_PROBE_KIND_COUNT. */
xs_probe_kind xs_probe_kind_by_name(const char *name, size_t len);
/* The fallback order of a port (the table's, or the default), at most XS_PROBE_MAX_FALLBACKS
 * kinds; returns how many. */
#define XS_PROBE_MAX_FALLBACKS 2u
size_t xs_probe_fallbacks_for_port(uint16_t port, xs_probe_kind out[XS_PROBE_MAX_FALLBACKS]);

/* --list-probes: the modules, then the service table (port, name, nmap name, flags, probes). */
void xs_probe_list(FILE *out);

typedef enum {
    XS_PROBE_AUTH_UNKNOWN = 0,
    XS_PROBE_AUTH_NONE,     /* the service answered a data/command request without credentials */
    XS_PROBE_AUTH_REQUIRED, /* the service said so (NOAUTH, 401, NLA required, host not allowed...) */
} xs_probe_auth;
const char *xs_probe_auth_name(xs_probe_auth a); /* "unknown" | "none" | "required" */

typedef enum {
    XS_PROBE_TLS_UNKNOWN = 0, /* not asked or not applicable (JSON null) */
    XS_PROBE_TLS_NO,          /* the service said it does not offer TLS */
    XS_PROBE_TLS_YES,         /* the service offers (or requires) TLS */
} xs_probe_tls;

struct xs_probe_info_s;
struct xs_throttle;

/* Yes/no facts a conversation learns (host configuration rules read them: `fact NAME yes|no`). */
typedef enum {
    XS_PROBE_FACT_FTP_ANONYMOUS = 0, /* "ftp.anonymous": USER anonymous / PASS got 230 */
    XS_PROBE_FACT_SMB1,              /* "smb.v1": the server accepted the NT LM 0.12 dialect */
    XS_PROBE_FACT_SMB_SIGNING,       /* "smb.signing_required": SecurityMode has SIGNING_REQUIRED */
    XS_PROBE_FACT_SMTP_STARTTLS,     /* "smtp.starttls": EHLO lists STARTTLS */
    XS_PROBE_FACT_RDP_NLA,           /* "rdp.nla": the server chose CredSSP (HYBRID) */
    XS_PROBE_FACT_TLS,               /* "tls": the service offers TLS (SSLRequest, CLIENT_SSL...) */
    XS_PROBE_FACT_AUTH,              /* "auth": yes = required, no = answered without credentials */
    XS_PROBE_FACT_SMB_GUEST,         /* "smb.guest": SESSION_SETUP as "guest", blank password, got a
                                      * session (SMB2 SessionFlags IS_GUEST, or a user session) */
    XS_PROBE_FACT_COUNT
} xs_probe_fact;
const char *xs_probe_fact_name(xs_probe_fact f);
int xs_probe_fact_by_name(const char *name); /* -1 when unknown */
/* The fact's value: 1, -1 or 0; "tls" and "auth" read the tls/auth fields. */
int xs_probe_fact_get(const struct xs_probe_info_s *info, xs_probe_fact f);

/* What an SMB server says of itself: the NTLMSSP CHALLENGE (version field, target info) of the
 * SMB2 SESSION_SETUP, and SMB1's Session Setup AndX strings when SMB1 is on. "" = not said. */
typedef struct {
    char ntlm_version[24]; /* CHALLENGE Version: "6.1.0" (Samba always says so), "10.0.19041" */
    char netbios_computer[32];
    char netbios_domain[32];
    char dns_computer[64];
    char dns_domain[64];
    char native_os[48];     /* SMB1: "Windows 6.1" (Samba), "Windows Server 2016 Standard 14393" */
    char native_lanman[48]; /* SMB1: "Samba 4.17.12-Debian" */
    char workgroup[32];     /* SMB1: PrimaryDomain ("WORKGROUP") */
    char session[16];       /* the guest SESSION_SETUP: "guest", "user", "anonymous", "refused" */
} xs_probe_smb;

/* What the bytes said. Fixed size, NUL-terminated strings ("" = unknown). */
typedef struct xs_probe_info_s {
    char protocol[24]; /* "ssh", "ftp", "smtp", "redis", "mysql", ... "" = unidentified */
    char product[48];  /* "OpenSSH", "vsFTPd", "redis", "MariaDB", ... */
    char version[64];  /* "9.2p1", "7.0.15", ... */
    unsigned char banner[XS_PROBE_BANNER_MAX]; /* first line (or printable summary), raw bytes */
    size_t banner_len;
    xs_probe_auth auth;
    xs_probe_tls tls;
    char detail[160];  /* protocol specifics: "auth_plugin=...", "signing=required", ... */
    char dialects[48]; /* SMB dialects: the one chosen first, then "smb1" when offered */
    signed char facts[XS_PROBE_FACT_COUNT]; /* 1 yes, -1 no, 0 not learned */
    char ssh_kex[512];                      /* server KEXINIT name-lists (RFC 4253 7.1), as sent */
    char ssh_hostkeys[256];
    char ssh_ciphers[384];
    char ssh_macs[384];
    char inner[16];   /* "tls": the bytes came through TLS (FTPS, ...) */
    xs_probe_smb smb; /* what an SMB server says of itself (NTLMSSP, SMB1 session) */
} xs_probe_info;

typedef enum {
    XS_PROBE_ERR_NONE = 0,
    XS_PROBE_ERR_CONNECT_REFUSED, /* RST to our SYN */
    XS_PROBE_ERR_CONNECT_TIMEOUT, /* no handshake within connect_timeout */
    XS_PROBE_ERR_NO_RESPONSE,     /* connected, but nothing came back (timeout or close) */
    XS_PROBE_ERR_RESET,           /* reset before anything useful arrived */
    XS_PROBE_ERR_UNRECOGNIZED,    /* bytes came back, but not of any protocol we know */
    XS_PROBE_ERR_NETWORK,         /* unreachable, out of sockets/fds, other local error */
} xs_probe_error;
const char *xs_probe_error_name(xs_probe_error e); /* "none", "connect_refused", ... */

typedef struct {
    unsigned concurrency;        /* connections at once; default 256 */
    unsigned connect_timeout_ms; /* TCP handshake; default 3000 */
    unsigned total_timeout_ms;   /* established -> done; default 5000 */
    unsigned banner_timeout_ms;  /* passive banner read on unknown ports; default 2000 */
    size_t max_bytes;            /* bytes read at most, <= XS_PROBE_MAX_BYTES; default 4096 */
    struct xs_throttle *clock;   /* the per-endpoint clock: every connect() first gets
                                  * xs_throttle_acquire(clock, key, now) == 0; NULL = none */
    bool no_fallbacks;           /* one probe per endpoint (tests): no fallback order */
} xs_probe_config;

void xs_probe_config_defaults(xs_probe_config *cfg);

typedef struct {
    xs_addr addr; /* either family */
    uint16_t port;
    xs_probe_kind kind; /* the conversation held (never AUTO) */
    void *user;
    /* The HTTP stage should take over: XS_PROBE_HTTP_STAGE (an HTTP answer, or the fallback order
     * reached "http"), XS_PROBE_TLS (a TLS record answered, or "tls" is next); AUTO = no. */
    xs_probe_kind handoff;
    unsigned attempts; /* connections made (first probe + fallbacks) */
    char tried[64];    /* kinds held, in order: "ssh,redis" */
    xs_probe_info info;
    xs_probe_error error;
    char error_text[96];
    size_t bytes_received;
    uint64_t queued_ns;  /* submit -> connect() */
    uint64_t connect_ns; /* connect() -> established (0 = never) */
    uint64_t total_ns;   /* connect() -> done */
    uint64_t finished_realtime_ns;
} xs_probe_result;

/* "probe": {"kind","protocol","product","version","banner","auth","tls","detail","error"}:
 * writes the object (the caller writes the key). Empty strings become null; tls is true/false/null;
 * error is null or xs_probe_error_name(), with "error_text" beside it. */
void xs_probe_result_write_json(const xs_probe_result *r, xs_jsonw *w);

/* ---------------------------------------------------------------- engine */
typedef struct xs_probe_engine xs_probe_engine;
/* res is valid only during the call (copy what you keep). done may call xs_probe_engine_submit. */
typedef void (*xs_probe_done_fn)(const xs_probe_result *res, void *arg);

/* NULL cfg = defaults. Raises RLIMIT_NOFILE's soft limit if concurrency needs it. NULL on error. */
xs_probe_engine *xs_probe_engine_new(const xs_probe_config *cfg);
/* Same, on the caller's event loop (the stage's one loop): whoever runs the loop runs the engine,
 * and done(res, arg) gets each result (as in poll). The loop outlives the engine. */
struct xs_loop;
xs_probe_engine *xs_probe_engine_new_on(struct xs_loop *loop, const xs_probe_config *cfg,
                                        xs_probe_done_fn done, void *arg);
/* Queues one probe, kind chosen by port. not_before_ns: CLOCK_MONOTONIC (xs_now_ns), 0 = now.
 * 0, or -1 with errno (ENOMEM). A port of kind XS_PROBE_HTTP_STAGE is still probed passively. */
int xs_probe_engine_submit(xs_probe_engine *e, const xs_addr *addr, uint16_t port,
                           uint64_t not_before_ns, void *user);
/* Same with an explicit kind (tests, services on unusual ports). AUTO = by port. */
int xs_probe_engine_submit_kind(xs_probe_engine *e, const xs_addr *addr, uint16_t port,
                                xs_probe_kind kind, uint64_t not_before_ns, void *user);
/* Runs one turn of the engine's loop for up to timeout_ms (-1 = until something completes or a
 * timer fires; 0 = no wait) and calls done(res, arg) for each finished probe. Returns results
 * delivered, or -1 (epoll failure). On a shared loop it runs the whole loop's turn. */
int xs_probe_engine_poll(xs_probe_engine *e, int timeout_ms, xs_probe_done_fn done, void *arg);
size_t xs_probe_engine_pending(const xs_probe_engine *e); /* submitted, not yet delivered */
size_t xs_probe_engine_active(const xs_probe_engine *e);  /* connections open now */
/* Closes every connection; probes not yet delivered are dropped without a callback. */
void xs_probe_engine_free(xs_probe_engine *e);

/* ---------------------------------------------------------------- the conversation (pure) */
typedef enum {
    XS_PROBE_STEP_MORE = 0,   /* wants more bytes */
    XS_PROBE_STEP_SEND,       /* send out[0..*out_len), clear the input, keep reading */
    XS_PROBE_STEP_SEND_CLOSE, /* send out[0..*out_len) best-effort, then done */
    XS_PROBE_STEP_DONE,       /* info is final */
} xs_probe_step;

/* The opening request for kind (0 = the server speaks first). addr/port fill an HTTP Host header
 * (an IPv6 address in brackets). */
size_t xs_probe_first_request(xs_probe_kind kind, const xs_addr *addr, uint16_t port,
                              unsigned char *out, size_t cap);
/* Feeds everything received since the last SEND (in[0..len)); `final` = no more bytes will come
 * (peer closed, buffer full or timeout): then the answer is never MORE. *step counts exchanges (starts
 * at 0). Fills info; when the bytes are not what kind expects, falls back to xs_probe_identify(). */
xs_probe_step xs_probe_feed(xs_probe_kind kind, unsigned *step, const unsigned char *in, size_t len,
                            bool final, xs_probe_info *info, unsigned char *out, size_t cap,
                            size_t *out_len);

/* ---------------------------------------------------------------- parsers (pure, defensive) */
typedef enum {
    XS_PROBE_PARSE_MORE = 0, /* incomplete: more bytes could change the answer (never when final) */
    XS_PROBE_PARSE_OK,       /* recognised; info filled */
    XS_PROBE_PARSE_BAD,      /* not this protocol; info untouched except banner */
} xs_probe_parse;

xs_probe_parse xs_probe_parse_ssh(const unsigned char *b, size_t n, bool final, xs_probe_info *out);
xs_probe_parse xs_probe_parse_ftp(const unsigned char *b, size_t n, bool final, xs_probe_info *out);
xs_probe_parse xs_probe_parse_smtp(const unsigned char *b, size_t n, bool final,
                                   xs_probe_info *out);
/* Reply to PING: +PONG (auth none), -NOAUTH / -DENIED (auth required), other -ERR (unknown). */
xs_probe_parse xs_probe_parse_redis_ping(const unsigned char *b, size_t n, bool final,
                                         xs_probe_info *out);
/* Reply to INFO server: bulk string with redis_version (and server_name for Valkey). */
xs_probe_parse xs_probe_parse_redis_info(const unsigned char *b, size_t n, bool final,
                                         xs_probe_info *out);
xs_probe_parse xs_probe_parse_memcached(const unsigned char *b, size_t n, bool final,
                                        xs_probe_info *out);
xs_probe_parse xs_probe_parse_mysql(const unsigned char *b, size_t n, bool final,
                                    xs_probe_info *out);
xs_probe_parse xs_probe_parse_postgres(const unsigned char *b, size_t n, bool final,
                                       xs_probe_info *out);
xs_probe_parse xs_probe_parse_mongodb(const unsigned char *b, size_t n, bool final,
                                      xs_probe_info *out);
xs_probe_parse xs_probe_parse_elasticsearch(const unsigned char *b, size_t n, bool final,
                                            xs_probe_info *out);
xs_probe_parse xs_probe_parse_mssql(const unsigned char *b, size_t n, bool final,
                                    xs_probe_info *out);
xs_probe_parse xs_probe_parse_rdp(const unsigned char *b, size_t n, bool final, xs_probe_info *out);
xs_probe_parse xs_probe_parse_smb(const unsigned char *b, size_t n, bool final, xs_probe_info *out);
/* NTLMSSP CHALLENGE message (found anywhere in b, e.g. inside SPNEGO): version, target info names. */
xs_probe_parse xs_probe_parse_ntlmssp_challenge(const unsigned char *b, size_t n, bool final,
                                                xs_probe_info *out);
/* SMB2 SESSION_SETUP response (NetBIOS framed): the CHALLENGE leg (MORE_PROCESSING_REQUIRED) or the
 * final one (SessionFlags: guest / anonymous session, or refused). */
xs_probe_parse xs_probe_parse_smb2_session(const unsigned char *b, size_t n, bool final,
                                           xs_probe_info *out);
/* SMB1 Session Setup AndX response: NativeOS, NativeLanMan ("Samba 4.17.12-Debian": the version). */
xs_probe_parse xs_probe_parse_smb1_session(const unsigned char *b, size_t n, bool final,
                                           xs_probe_info *out);
/* Reply to OPTIONS (SUPPORTED: CQL and protocol versions) ... */
xs_probe_parse xs_probe_parse_cassandra_options(const unsigned char *b, size_t n, bool final,
                                                xs_probe_info *out);
/* ... and to STARTUP: READY (auth none) or AUTHENTICATE <authenticator> (auth required). */
xs_probe_parse xs_probe_parse_cassandra_startup(const unsigned char *b, size_t n, bool final,
                                                xs_probe_info *out);
/* The answer to the anonymous rootDSE search (RFC 4511 4.5, RFC 4512 5.1): SearchResultEntry
 * (vendorName, vendorVersion, supportedLDAPVersion, supportedExtension: StartTLS = tls yes), then
 * SearchResultDone; a Notice of Disconnection or any LDAP result names the protocol too. */
xs_probe_parse xs_probe_parse_ldap(const unsigned char *b, size_t n, bool final,
                                   xs_probe_info *out);
/* One LDAPMessage (RFC 4511 4.1.1, BER definite lengths) at the start of b[0..n): MORE while it
 * is incomplete, BAD when the bytes are not one; OK fills m (the op's content points into b). */
typedef struct {
    uint32_t id; /* messageID */
    unsigned op; /* protocolOp: the APPLICATION tag number (24 = ExtendedResponse) */
    const unsigned char *op_body;
    size_t op_len;
    size_t size; /* bytes of the whole message */
} xs_ldap_message;
xs_probe_parse xs_ldap_message_read(const unsigned char *b, size_t n, xs_ldap_message *m);
/* The resultCode of an LDAPResult op (its first element, ENUMERATED), or -1. */
long xs_ldap_result_code(const xs_ldap_message *m);
/* The StartTLS ExtendedRequest (RFC 4511 4.14.1, messageID 1). */
extern const unsigned char xs_ldap_starttls_request[31];

/* The answer to our client stream header (RFC 6120 4.2): the server's <stream:stream> (its
 * from and version in detail), then <stream:features>: STARTTLS offered = tls yes, else no; a
 * <stream:error> (host-unknown ...) names the protocol too. */
xs_probe_parse xs_probe_parse_xmpp(const unsigned char *b, size_t n, bool final,
                                   xs_probe_info *out);
/* Offset just past the end of the stream features (or of a stream error) in b[0..n), or
 * SIZE_MAX while it has not come. */
size_t xs_probe_xmpp_features_end(const unsigned char *b, size_t n);

/* Whatever a server said first: SSH, FTP/SMTP (220), MySQL greeting, POP3, IMAP, VNC, HTTP/2
 * SETTINGS, an HTTP response, a TLS record. Always records the banner; OK when a protocol was named. */
xs_probe_parse xs_probe_identify(const unsigned char *b, size_t n, bool final, xs_probe_info *out);

/* MongoDB maxWireVersion -> first server release with it ("7.0"), or NULL when unknown. */
const char *xs_probe_mongodb_release(int64_t max_wire_version);

/* ---------------------------------------------------------------- probe modules */
/* A probe module (in the way of zmap's probe modules): one file per protocol, src/probe/mod_*.c,
 * holding what to send first, the conversation over the replies, and the parser that recognises
 * the protocol in a server's first bytes. xs_probe_first_request and xs_probe_feed dispatch
 * through the table of modules (src/probe/modules.c); --list-probes prints it. Adding a protocol:
 * one mod_*.c, one line in that table, one kind, and a row in the service table. */
typedef struct {
    int kind;           /* xs_probe_kind */
    const char *name;   /* "redis": what the service table and --list-probes call it */
    const char *sends;  /* what reaches the wire, for --list-probes */
    const char *learns; /* facts recorded */
    /* The opening request (NULL or 0 bytes: the server speaks first). */
    size_t (*request)(const xs_addr *addr, uint16_t port, unsigned char *out, size_t cap);
    /* Everything received since the last send; same contract as xs_probe_feed. NULL: the module
     * reads one answer through identify (foreign bytes go to xs_probe_identify). */
    xs_probe_step (*reply)(unsigned *step, const unsigned char *in, size_t len, bool final,
                           xs_probe_info *info, unsigned char *out, size_t cap, size_t *out_len);
    /* The protocol's signature/parser of a first answer (also used by the fuzz target). */
    xs_probe_parse (*identify)(const unsigned char *b, size_t n, bool final, xs_probe_info *info);
} xs_probe_module;
/* The module of a kind, or NULL (AUTO). */
const xs_probe_module *xs_probe_module_get(int kind);
extern const xs_probe_module *const xs_probe_modules[];
extern const size_t xs_probe_module_count;

#endif
