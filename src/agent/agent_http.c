/* HTTPS to the platform with libcurl: https only, no redirects, the peer and host name verified
 * (against ca-file when given), the token in an Authorization header and nowhere else. */
#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "agent_internal.h"

#define MAX_BODY (1u << 20)

struct xs_agent_http {
    CURL *curl;
    const xs_agent_config *cfg;
    struct curl_slist *headers;
    char errbuf[CURL_ERROR_SIZE];
};

typedef struct {
    char *buf;
    size_t len;
    bool too_big;
} sink;

static size_t collect(char *data, size_t size, size_t n, void *arg)
{
    sink *s = arg;
    size_t add = size * n;
    if (s->len + add > MAX_BODY) {
        s->too_big = true;
        return 0;
    }
    char *g = realloc(s->buf, s->len + add + 1);
    if (!g)
        return 0;
    memcpy(g + s->len, data, add);
    s->buf = g;
    s->len += add;
    s->buf[s->len] = '\0';
    return add;
}

xs_agent_http *xs_agent_http_new(const xs_agent_config *c)
{
    xs_agent_http *h = calloc(1, sizeof *h);
    if (!h || !(h->curl = curl_easy_init())) {
        free(h);
        return NULL;
    }
    h->cfg = c;
    char auth[600];
    snprintf(auth, sizeof auth, "Authorization: Bearer %s", c->token);
    h->headers = curl_slist_append(NULL, auth);
    memset(auth, 0, sizeof auth);
    h->headers = curl_slist_append(h->headers, "Content-Type: application/json");
    h->headers = curl_slist_append(h->headers, "Accept: application/json");
    h->headers = curl_slist_append(h->headers, "Expect:");
    return h;
}

void xs_agent_http_free(xs_agent_http *h)
{
    if (!h)
        return;
    curl_slist_free_all(h->headers);
    curl_easy_cleanup(h->curl);
    free(h);
}

static long perform(xs_agent_http *h, const char *path, const char *post, char **body, char *err,
                    size_t errlen)
{
    CURL *c = h->curl;
    curl_easy_reset(c);
    char url[512];
    snprintf(url, sizeof url, "%s%s", h->cfg->platform, path);
    sink s = {0};
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "https");
    curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 1L);
    curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 2L);
    curl_easy_setopt(c, CURLOPT_SSLVERSION, (long)CURL_SSLVERSION_TLSv1_2);
    if (h->cfg->ca_file)
        curl_easy_setopt(c, CURLOPT_CAINFO, h->cfg->ca_file);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, 5L);
    curl_easy_setopt(c, CURLOPT_TIMEOUT, 20L);
    curl_easy_setopt(c, CURLOPT_NOPROXY, "*"); /* the platform is reached directly, or not */
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, h->headers);
    curl_easy_setopt(c, CURLOPT_USERAGENT, "xsweep-agent/1");
    curl_easy_setopt(c, CURLOPT_ERRORBUFFER, h->errbuf);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, collect);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &s);
    if (post) {
        curl_easy_setopt(c, CURLOPT_POST, 1L);
        curl_easy_setopt(c, CURLOPT_POSTFIELDS, post);
        curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, (long)strlen(post));
    }
    h->errbuf[0] = '\0';
    CURLcode rc = curl_easy_perform(c);
    long status = -1;
    if (rc == CURLE_OK) {
        curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
    } else {
        snprintf(err, errlen, "%s: %s", h->cfg->platform,
                 s.too_big      ? "response too large"
                 : h->errbuf[0] ? h->errbuf
                                : curl_easy_strerror(rc));
    }
    if (body && status >= 0)
        *body = s.buf ? s.buf : strdup("");
    else
        free(s.buf);
    return status;
}

long xs_agent_get(xs_agent_http *h, const char *path, char **body, char *err, size_t errlen)
{
    *body = NULL;
    return perform(h, path, NULL, body, err, errlen);
}

long xs_agent_post(xs_agent_http *h, const char *path, const char *json, char *err, size_t errlen)
{
    return perform(h, path, json, NULL, err, errlen);
}
