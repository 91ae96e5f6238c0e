/* Validation screenshots (seed: "Validation screenshot"): after a successful GET, one headless
 * chromium per shot loads the endpoint URL once, writes a PNG and dumps the DOM, from which we
 * extract the visible text (for the secrets scanner, which decides whether the PNG may be kept).
 *
 * Network containment: chromium only ever reaches the endpoint's own host:port. Every other
 * request goes to a "proxy" that is a bound, never-listening loopback socket of ours (so it is
 * refused at once, including loopback and link-local addresses such as cloud metadata), host
 * names other than the endpoint's resolve to NOTFOUND, QUIC and non-proxied WebRTC UDP are off.
 *
 * Threading: a pool belongs to one thread; every call must come from it. Typical loop:
 *     xs_shot_pool *p = xs_shot_pool_new(&cfg, err, sizeof err);   // NULL cfg = defaults
 *     xs_shot_pool_submit(p, "http://192.0.2.7:8080/", "192.0.2.7_8080.png", rec);
 *     while (xs_shot_pool_pending(p) > 0)
 *         xs_shot_pool_poll(p, 100, on_shot, ctx);   // result valid only during on_shot
 *     xs_shot_pool_free(p);
 *
 * Processes: posix_spawn'd in a process group of their own, reaped without blocking (a pidfd
 * watched by the event loop; waitid(WNOHANG) on a 50 ms timer where pidfd_open is missing). Only our own children are
 * waited for (by PID) and killed (by their process group). */
#ifndef XSWEEP_SCREENSHOT_H
#define XSWEEP_SCREENSHOT_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define XS_SHOT_TEXT_MAX            (64u * 1024u)        /* extracted text bytes kept at most */
#define XS_SHOT_DOM_MAX             (4u * 1024u * 1024u) /* DOM bytes read from chromium at most */
#define XS_SHOT_DEFAULT_CONCURRENCY 2u
#define XS_SHOT_DEFAULT_TIMEOUT_MS  15000u
#define XS_SHOT_DEFAULT_WIDTH       1280u
#define XS_SHOT_DEFAULT_HEIGHT      800u

typedef struct {
    const char *dir;      /* where relative out_png_path names go; NULL = current directory */
    const char *tmp_dir;  /* parent of the per-shot chromium profiles; NULL = $TMPDIR or /tmp */
    unsigned concurrency; /* chromium processes at once; 0 = 2 */
    unsigned timeout_ms;  /* hard limit per shot (SIGKILL of its process group); 0 = 15000.
                                * chromium itself is told to stop loading at half of it, so a page
                                * with a hanging subresource still yields a (partial) shot */
    const char *chromium_path; /* NULL = /usr/lib/chromium/chromium (Debian's binary, without the
                                * /usr/bin/chromium wrapper's extra flags), else /usr/bin/chromium */
    unsigned width, height;    /* window and PNG size; 0 = 1280 x 800 */
    bool sandbox;              /* false = --no-sandbox (required as root) */
} xs_shot_config;

typedef struct {
    const char *url;
    const char *png_path;   /* NULL when the shot failed (no file is left behind then) */
    unsigned width, height; /* from the PNG's IHDR; 0 when failed */
    size_t bytes;           /* PNG file size */
    const char *text;       /* visible text of the DOM chromium rendered: no tags, entities
                                * decoded, whitespace collapsed, at most XS_SHOT_TEXT_MAX bytes
                                * (cut on a UTF-8 boundary); "" when none, never NULL */
    size_t text_len;
    bool text_truncated;
    bool partial;        /* chromium's own load timeout fired: the shot shows what loaded */
    const char *error;   /* NULL on success; "timeout", "load failed: net::ERR_...",
                                * "no screenshot", "chromium exited with status N", "spawn: ..." */
    uint64_t elapsed_ns; /* spawn -> reaped */
    void *user;
} xs_shot_result;

typedef void (*xs_shot_done_fn)(const xs_shot_result *r, void *arg);
typedef struct xs_shot_pool xs_shot_pool;

/* NULL cfg = defaults. Checks that chromium is executable. NULL on error, with a message in err. */
xs_shot_pool *xs_shot_pool_new(const xs_shot_config *cfg, char *err, size_t errlen);
/* Same, on the caller's event loop (the stage's one loop): whoever runs the loop runs the pool,
 * and done(r, arg) gets each finished shot (as in poll). The loop outlives the pool. */
struct xs_loop;
xs_shot_pool *xs_shot_pool_new_on(struct xs_loop *loop, const xs_shot_config *cfg,
                                  xs_shot_done_fn done, void *arg, char *err, size_t errlen);
/* Queues one shot; url must be http:// or https:// (anything else, e.g. file:, is refused).
 * Strings are copied. 0, or -1 with errno (EINVAL bad url/path, ENOMEM). */
int xs_shot_pool_submit(xs_shot_pool *p, const char *url, const char *out_png_path, void *user);
/* Same, but the URL's host name resolves to resolve_to (an IP literal, e.g. the scanned address)
 * inside chromium, so Host and SNI carry the name while no DNS query is made. NULL = as above. */
int xs_shot_pool_submit_pinned(xs_shot_pool *p, const char *url, const char *resolve_to,
                               const char *out_png_path, void *user);
/* Same, but chromium never contacts the endpoint: it renders the document xsweep already fetched
 * (doc, len bytes of content_type, e.g. "text/html; charset=iso-8859-1") from a data: URL, and
 * every request the page makes (images, styles, scripts, favicon, redirects) is refused. url is
 * the endpoint's URL (for the record). The document is cut at XS_SHOT_DOC_MAX bytes. */
#define XS_SHOT_DOC_MAX (90u * 1024u) /* its base64 must fit one argv string (128 KiB) */
int xs_shot_pool_submit_document(xs_shot_pool *p, const char *url, const unsigned char *doc,
                                 size_t len, const char *content_type, const char *out_png_path,
                                 void *user);
/* Prepares --screenshots DIR before privileges are dropped: a missing DIR is created 0700 and, when
 * root will drop to user (NULL = nobody), handed over by fchown on an O_NOFOLLOW descriptor. An
 * existing DIR is never chowned; a symlink, a non-directory, a world-writable directory, or one
 * the user cannot write is refused. 0, or -1 with one line in err. */
int xs_shot_dir_prepare(const char *dir, const char *user, bool will_drop, char *err,
                        size_t errlen);
/* Starts queued shots, reads output, reaps and times out children for up to timeout_ms
 * (-1 = until one completes; 0 = no wait), calling done(r, arg) for each finished shot; r is valid
 * only during the call. done may submit. Returns the number completed, or -1 (poll failure). */
int xs_shot_pool_poll(xs_shot_pool *p, int timeout_ms, xs_shot_done_fn done, void *arg);
/* Shots submitted and not yet delivered (queued + running). */
size_t xs_shot_pool_pending(const xs_shot_pool *p);
/* SIGKILLs the process group of each running child, reaps it, removes its profile and partial
 * PNG; queued shots are dropped without a callback. */
void xs_shot_pool_free(xs_shot_pool *p);

/* ---------------------------------------------------------------- pure helpers (tested alone) */
/* Width and height from a PNG's signature + IHDR (the first 24 bytes). 0, or -1 when not a PNG. */
int xs_png_dimensions(const unsigned char *buf, size_t len, uint32_t *width, uint32_t *height);
/* Same for a file; *bytes gets its size. */
int xs_png_file_dimensions(const char *path, uint32_t *width, uint32_t *height, size_t *bytes);

/* Visible text of serialized HTML: drops tags, comments, head, script, style, noscript, template;
 * decodes entities; collapses whitespace (kept inside pre/textarea); block elements and <br> end
 * lines; values of visible <input>s are included. Writes at most cap-1 bytes + NUL into out (cut on
 * a UTF-8 boundary); returns the length; *truncated set when text was cut. */
size_t xs_dom_visible_text(const char *html, size_t len, char *out, size_t cap, bool *truncated);

/* Splits an http(s) URL's authority: host (IPv6 without brackets) and port (default 80 / 443).
 * 0, or -1 when the URL is not http(s), has no host, or holds spaces or control characters. */
int xs_shot_url_host_port(const char *url, char *host, size_t hostcap, unsigned *port);

typedef struct {
    const char *chromium_path;
    const char *url;
    const char *png_path;
    const char *profile_dir;
    const char *resolve_to;   /* NULL = resolve nothing but the URL's own host (see above) */
    unsigned load_timeout_ms; /* chromium's --timeout */
    unsigned deny_proxy_port; /* loopback port that refuses connections */
    unsigned width, height;
    bool sandbox;
    const char *document_url; /* a data: URL holding the document xsweep fetched: chromium loads it
                                * with every network request refused (no host is exempt) */
} xs_shot_argv_spec;

/* chromium's argv (NULL-terminated, each string malloc'd), or NULL (bad url, ENOMEM). */
char **xs_shot_build_argv(const xs_shot_argv_spec *spec);
void xs_shot_argv_free(char **argv);

#endif
