/* Test driver for tests/http/run.sh: runs the HTTP engine over the endpoints given on stdin, one
 * per line: "ip port [path=/x] [host=name] [tls=auto|on|off] [delay_ms=N]", and prints one JSON
 * object per result (with the auth verdict). Options: -c concurrency, -t total_timeout_ms,
 * -b max_body, -q (print only a count and the rate: for the throughput measurement). */
#include <arpa/inet.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "xsweep/auth.h"
#include "xsweep/clock.h"
#include "xsweep/http.h"

static int quiet;
static size_t ok_count, total_count;

/* JSON wants UTF-8: an invalid byte becomes the code point of the same value (as Latin-1). */
static json_t *json_bytes(const char *s, size_t n)
{
    char *out = malloc(2 * n + 1);
    size_t o = 0;
    for (size_t i = 0; i < n;) {
        const unsigned char *u = (const unsigned char *)s + i;
        size_t l = xs_utf8_prefix_bytes(u, n - i, 1);
        if (l == 1 && u[0] >= 0x80) {
            out[o++] = (char)(0xC0 | (u[0] >> 6));
            out[o++] = (char)(0x80 | (u[0] & 0x3F));
        } else {
            memcpy(out + o, u, l);
            o += l;
        }
        i += l;
    }
    json_t *j = json_stringn(out, o);
    free(out);
    return j ? j : json_string("");
}

static void on_done(xs_http_result *r, void *arg)
{
    (void)arg;
    total_count++;
    ok_count += r->status_code != 0;
    if (quiet) {
        xs_http_result_free(r);
        return;
    }
    xs_auth_info a = xs_auth_detect(r);
    char ip[XS_ADDR_STRLEN];
    xs_addr_format(&r->addr, ip);
    json_t *o = json_object();
    json_object_set_new(o, "ip", json_string(ip));
    json_object_set_new(o, "port", json_integer(r->port));
    json_object_set_new(o, "path", json_string(r->path));
    json_object_set_new(o, "status", json_bytes(r->status_text, strlen(r->status_text)));
    json_object_set_new(o, "code", json_integer(r->status_code));
    json_object_set_new(o, "title",
                        r->title ? json_bytes(r->title, strlen(r->title)) : json_null());
    json_object_set_new(o, "server", r->server ? json_string(r->server) : json_null());
    json_object_set_new(o, "location", r->location ? json_string(r->location) : json_null());
    size_t ul = 0;
    char *utf8 = xs_http_preview_utf8(r, &ul); /* what the writer prints */
    json_object_set_new(
        o, "preview",
        utf8 ? json_bytes(utf8, ul)
             : json_bytes(r->body_preview ? r->body_preview : "", r->body_preview_len));
    free(utf8);
    json_object_set_new(o, "body_len", json_integer((json_int_t)r->body_len));
    json_object_set_new(o, "truncated", json_boolean(r->body_truncated));
    json_object_set_new(o, "error", json_string(xs_http_error_name(r->error)));
    json_object_set_new(o, "error_text", json_string(r->error_text));
    json_object_set_new(o, "attempts", json_integer(r->attempts));
    json_object_set_new(o, "tls", json_boolean(r->tls.used));
    if (r->tls.used) {
        json_object_set_new(o, "tls_version", json_string(r->tls.version));
        json_object_set_new(o, "cipher", json_string(r->tls.cipher));
        json_object_set_new(o, "cert_cn", json_string(r->tls.cert.subject_cn));
        json_object_set_new(o, "cert_issuer", json_string(r->tls.cert.issuer));
        json_object_set_new(o, "cert_not_after", json_string(r->tls.cert.not_after));
        json_object_set_new(o, "self_signed", json_boolean(r->tls.cert.self_signed));
        json_t *sans = json_array();
        for (size_t i = 0; i < r->tls.cert.n_sans; i++)
            json_array_append_new(sans, json_string(r->tls.cert.sans[i]));
        json_object_set_new(o, "sans", sans);
    }
    json_t *cookies = json_array();
    for (size_t i = 0; i < r->n_set_cookies; i++)
        json_array_append_new(cookies, json_string(r->set_cookies[i]));
    json_object_set_new(o, "cookies", cookies);
    json_object_set_new(o, "auth", json_string(xs_auth_method_name(a.method)));
    json_object_set_new(o, "provider", json_string(xs_sso_provider_name(a.provider)));
    json_object_set_new(o, "queued_ms", json_real((double)r->queued_ns / 1e6));
    char *s = json_dumps(o, JSON_COMPACT | JSON_ENSURE_ASCII);
    puts(s);
    free(s);
    json_decref(o);
    xs_http_result_free(r);
}

int main(int argc, char **argv)
{
    xs_http_config cfg;
    xs_http_config_defaults(&cfg);
    cfg.total_timeout_ms = 5000;
    int opt;
    while ((opt = getopt(argc, argv, "c:t:b:q")) != -1) {
        if (opt == 'c')
            cfg.concurrency = (unsigned)atoi(optarg);
        else if (opt == 't')
            cfg.total_timeout_ms = cfg.connect_timeout_ms = cfg.tls_timeout_ms =
                (unsigned)atoi(optarg);
        else if (opt == 'b')
            cfg.max_body = (size_t)atol(optarg);
        else if (opt == 'q')
            quiet = 1;
        else
            return 2;
    }
    xs_http_engine *e = xs_http_engine_new(&cfg);
    if (!e) {
        perror("engine");
        return 1;
    }
    char line[16384];
    uint64_t start = xs_now_ns();
    while (fgets(line, sizeof line, stdin)) {
        char ipbuf[64];
        unsigned port;
        int used = 0;
        if (sscanf(line, "%63s %u%n", ipbuf, &port, &used) < 2)
            continue;
        xs_http_request req = {.port = (uint16_t)port, .tls = XS_TLS_AUTO};
        if (!xs_addr_parse(ipbuf, &req.addr)) /* either family: 127.0.0.1 or ::1 */
            continue;
        static char path[8192], host[256];
        for (char *tok = strtok(line + used, " \t\n"); tok; tok = strtok(NULL, " \t\n")) {
            if (!strncmp(tok, "path=", 5)) {
                snprintf(path, sizeof path, "%s", tok + 5);
                /* %XX escapes let the tests put spaces and controls into a path */
                char *w = path;
                for (char *p = path; *p; p++) {
                    unsigned v;
                    if (p[0] == '%' && p[1] == '%' && sscanf(p + 2, "%2x", &v) == 1) {
                        *w++ = (char)v;
                        p += 3;
                    } else
                        *w++ = *p;
                }
                *w = '\0';
                req.path = path;
            } else if (!strncmp(tok, "host=", 5)) {
                snprintf(host, sizeof host, "%s", tok + 5);
                req.host = host;
            } else if (!strcmp(tok, "tls=on"))
                req.tls = XS_TLS_ON;
            else if (!strcmp(tok, "tls=off"))
                req.tls = XS_TLS_OFF;
            else if (!strncmp(tok, "delay_ms=", 9))
                req.not_before_ns = xs_now_ns() + (uint64_t)atol(tok + 9) * 1000000ULL;
        }
        if (xs_http_engine_submit(e, &req) != 0)
            perror("submit");
    }
    while (xs_http_engine_pending(e) > 0)
        if (xs_http_engine_poll(e, 1000, on_done, NULL) < 0) {
            perror("poll");
            break;
        }
    double secs = (double)(xs_now_ns() - start) / 1e9;
    if (quiet)
        printf("results=%zu with_status=%zu seconds=%.3f per_second=%.0f\n", total_count, ok_count,
               secs, (double)total_count / secs);
    xs_http_engine_free(e);
    return 0;
}
