/* chromium's command line for one shot: load one URL, write the PNG, dump the DOM, and reach
 * nothing but the URL's own host:port. */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "xsweep/screenshot.h"

#define URL_MAX_BYTES 8192u

/* Host characters we accept: enough for names and IPv4/IPv6 literals, and none of the separators
 * of chromium's rule lists (',' ';' ' '), so a host can never inject a rule. */
static bool host_char_ok(unsigned char c, bool ipv6)
{
    return isalnum(c) || c == '-' || c == '.' || c == '_' || (ipv6 && c == ':');
}

int xs_shot_url_host_port(const char *url, char *host, size_t hostcap, unsigned *port)
{
    size_t ulen = strnlen(url, URL_MAX_BYTES + 1);
    if (ulen > URL_MAX_BYTES)
        return -1;
    for (size_t i = 0; i < ulen; i++)
        if ((unsigned char)url[i] <= 0x20 || url[i] == 0x7f)
            return -1;
    unsigned default_port;
    const char *a;
    if (strncasecmp(url, "http://", 7) == 0) {
        a = url + 7;
        default_port = 80;
    } else if (strncasecmp(url, "https://", 8) == 0) {
        a = url + 8;
        default_port = 443;
    } else
        return -1;
    size_t alen = strcspn(a, "/?#");
    const char *at = NULL; /* userinfo ends at the last '@' of the authority */
    for (size_t i = 0; i < alen; i++)
        if (a[i] == '@')
            at = a + i;
    if (at) {
        alen -= (size_t)(at + 1 - a);
        a = at + 1;
    }
    const char *h = a, *hend;
    bool ipv6 = alen > 0 && a[0] == '[';
    if (ipv6) {
        h = a + 1;
        hend = memchr(h, ']', alen - 1);
        if (!hend)
            return -1;
    } else {
        hend = memchr(a, ':', alen);
        if (!hend)
            hend = a + alen;
    }
    size_t hlen = (size_t)(hend - h);
    if (hlen == 0 || hlen >= hostcap)
        return -1;
    for (size_t i = 0; i < hlen; i++)
        if (!host_char_ok((unsigned char)h[i], ipv6))
            return -1;
    const char *rest = hend + (ipv6 ? 1 : 0), *aend = a + alen;
    unsigned p = default_port;
    if (rest < aend) {
        if (*rest != ':')
            return -1;
        rest++;
        if (rest < aend) { /* "host:" alone means the default port */
            unsigned long v = 0;
            for (; rest < aend; rest++) {
                if (!isdigit((unsigned char)*rest))
                    return -1;
                v = v * 10 + (unsigned long)(*rest - '0');
                if (v > 65535)
                    return -1;
            }
            if (v == 0)
                return -1;
            p = (unsigned)v;
        }
    }
    memcpy(host, h, hlen);
    host[hlen] = '\0';
    *port = p;
    return 0;
}

typedef struct {
    char **v;
    size_t n, cap;
    bool failed;
} argv_builder;

static void add(argv_builder *b, const char *fmt, ...)
{
    if (b->failed)
        return;
    if (b->n + 2 > b->cap) {
        size_t nc = b->cap ? b->cap * 2 : 48;
        char **nv = realloc(b->v, nc * sizeof *nv);
        if (!nv) {
            b->failed = true;
            return;
        }
        b->v = nv;
        b->cap = nc;
    }
    va_list ap;
    va_start(ap, fmt);
    int r = vasprintf(&b->v[b->n], fmt, ap);
    va_end(ap);
    if (r < 0) {
        b->v[b->n] = NULL; /* the list stays NULL-terminated for freeing */
        b->failed = true;
        return;
    }
    b->v[++b->n] = NULL;
}

char **xs_shot_build_argv(const xs_shot_argv_spec *sp)
{
    char host[256];
    unsigned port;
    if (!sp->chromium_path || !sp->png_path || !sp->profile_dir || !sp->url ||
        xs_shot_url_host_port(sp->url, host, sizeof host, &port) != 0)
        return NULL;
    if (sp->resolve_to) { /* must be a plain IP literal */
        char tmp[256];
        unsigned dummy;
        char u[300];
        snprintf(u, sizeof u, strchr(sp->resolve_to, ':') ? "http://[%s]/" : "http://%s/",
                 sp->resolve_to);
        if (xs_shot_url_host_port(u, tmp, sizeof tmp, &dummy) != 0)
            return NULL;
    }
    bool ipv6 = strchr(host, ':') != NULL;
    const char *lb = ipv6 ? "[" : "", *rb = ipv6 ? "]" : "";

    argv_builder b = {0};
    add(&b, "%s", sp->chromium_path);
    add(&b, "--headless");
    if (!sp->sandbox)
        add(&b, "--no-sandbox");
    add(&b, "--disable-gpu");
    add(&b, "--disable-dev-shm-usage");
    add(&b, "--disable-quic");
    add(&b, "--no-first-run");
    add(&b, "--no-default-browser-check");
    add(&b, "--disable-background-networking");
    add(&b, "--disable-component-update");
    add(&b, "--disable-sync");
    add(&b, "--disable-extensions");
    add(&b, "--disable-default-apps");
    add(&b, "--disable-breakpad");
    add(&b, "--mute-audio");
    add(&b, "--deny-permission-prompts");
    /* no https:// retry of http URLs (another port), no background fetches */
    add(&b, "--disable-features=HttpsUpgrades,HttpsFirstBalancedModeAutoEnable,Translate,"
            "MediaRouter,OptimizationHints,InterestFeedContentSuggestions");
    add(&b, "--force-webrtc-ip-handling-policy=disable_non_proxied_udp");
    add(&b, "--user-data-dir=%s", sp->profile_dir);
    add(&b, "--ignore-certificate-errors");
    add(&b, "--hide-scrollbars");
    add(&b, "--window-size=%u,%u", sp->width ? sp->width : XS_SHOT_DEFAULT_WIDTH,
        sp->height ? sp->height : XS_SHOT_DEFAULT_HEIGHT);
    if (sp->load_timeout_ms)
        add(&b, "--timeout=%u", sp->load_timeout_ms);
    /* Everything but the endpoint goes to a proxy that refuses: "<-loopback>" removes chromium's
     * implicit loopback bypass, so other local ports are refused too. */
    add(&b, "--proxy-server=http://127.0.0.1:%u", sp->deny_proxy_port);
    if (sp->document_url) { /* the document is already here: nothing is exempt */
        add(&b, "--proxy-bypass-list=<-loopback>");
        add(&b, "--host-resolver-rules=MAP * ~NOTFOUND");
        add(&b, "--screenshot=%s", sp->png_path);
        add(&b, "--dump-dom");
        add(&b, "%s", sp->document_url);
        if (b.failed) {
            xs_shot_argv_free(b.v);
            return NULL;
        }
        return b.v;
    }
    add(&b, "--proxy-bypass-list=<-loopback>;%s%s%s:%u", lb, host, rb, port);
    if (sp->resolve_to)
        add(&b, "--host-resolver-rules=MAP %s %s, MAP * ~NOTFOUND", host, sp->resolve_to);
    else
        add(&b, "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE %s%s%s", lb, host, rb);
    add(&b, "--screenshot=%s", sp->png_path);
    add(&b, "--dump-dom");
    add(&b, "%s", sp->url);
    if (b.failed) {
        xs_shot_argv_free(b.v);
        return NULL;
    }
    return b.v;
}

void xs_shot_argv_free(char **argv)
{
    if (!argv)
        return;
    for (char **a = argv; *a; a++)
        free(*a);
    free(argv);
}
