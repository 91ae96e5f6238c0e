/* Elasticsearch / OpenSearch: the reply to "GET /" on 9200. 200 with the root JSON (cluster_name,
 * version.number, distribution) = open without auth; 401 = auth required. Scanned textually so a
 * body cut off by the read limit still yields what arrived. */
#include <stdio.h>
#include <string.h>

#include "probe_internal.h"

/* Value of the first JSON string member "key" in b[0..n), unescaped naively (escapes kept). */
static bool json_str(const unsigned char *b, size_t n, const char *key, char *dst, size_t cap)
{
    char q[48];
    snprintf(q, sizeof q, "\"%s\"", key);
    size_t at = probe_find_ci(b, n, q);
    if (at == SIZE_MAX)
        return false;
    size_t i = at + strlen(q);
    while (i < n && (b[i] == ' ' || b[i] == '\t' || b[i] == '\r' || b[i] == '\n'))
        i++;
    if (i >= n || b[i] != ':')
        return false;
    i++;
    while (i < n && (b[i] == ' ' || b[i] == '\t' || b[i] == '\r' || b[i] == '\n'))
        i++;
    if (i >= n || b[i] != '"')
        return false;
    size_t s = ++i;
    while (i < n && b[i] != '"') {
        if (b[i] == '\\')
            i++;
        i++;
    }
    if (i > n)
        i = n;
    probe_copy_text(dst, cap, (const char *)b + s, i - s);
    return true;
}

xs_probe_parse xs_probe_parse_elasticsearch(const unsigned char *b, size_t n, bool final,
                                            xs_probe_info *out)
{
    static const char prefix[] = "HTTP/1.";
    size_t m = n < 7 ? n : 7;
    if (memcmp(b, prefix, m) != 0)
        return XS_PROBE_PARSE_BAD;
    if (n < 12)
        return final ? XS_PROBE_PARSE_BAD : XS_PROBE_PARSE_MORE;
    if (b[8] != ' ' || b[9] < '1' || b[9] > '5' || b[10] < '0' || b[10] > '9' || b[11] < '0' ||
        b[11] > '9')
        return XS_PROBE_PARSE_BAD;
    int status = (b[9] - '0') * 100 + (b[10] - '0') * 10 + (b[11] - '0');
    size_t hend = probe_find_ci(b, n, "\r\n\r\n");
    if (hend == SIZE_MAX && !final)
        return XS_PROBE_PARSE_MORE;
    size_t hlen = hend == SIZE_MAX ? n : hend + 2;
    const unsigned char *body = hend == SIZE_MAX ? b + n : b + hend + 4;
    size_t blen = (size_t)(b + n - body);
    char cl[24] = "";
    if (!final && probe_line_value(b, hlen, "Content-Length", cl, sizeof cl, NULL)) {
        unsigned long long want = 0;
        for (const char *c = cl; *c >= '0' && *c <= '9' && want < (1ull << 40); c++)
            want = want * 10 + (unsigned)(*c - '0');
        if (blen < want && n < XS_PROBE_MAX_BYTES)
            return XS_PROBE_PARSE_MORE;
    } else if (!final && status == 200 && n < XS_PROBE_MAX_BYTES) {
        /* no length (chunked or close-delimited): wait for the version, or for the end */
        char tmp[8];
        if (!json_str(body, blen, "lucene_version", tmp, sizeof tmp) &&
            !json_str(body, blen, "tagline", tmp, sizeof tmp))
            return XS_PROBE_PARSE_MORE;
    }

    probe_set_banner(out, b, hlen);
    char server[64] = "", product_hdr[64] = "", auth_hdr[96] = "";
    probe_line_value(b, hlen, "Server", server, sizeof server, NULL);
    probe_line_value(b, hlen, "X-elastic-product", product_hdr, sizeof product_hdr, NULL);
    probe_line_value(b, hlen, "WWW-Authenticate", auth_hdr, sizeof auth_hdr, NULL);

    char number[48] = "", dist[32] = "", cluster[96] = "", tagline[64] = "";
    json_str(body, blen, "number", number, sizeof number);
    json_str(body, blen, "distribution", dist, sizeof dist);
    json_str(body, blen, "cluster_name", cluster, sizeof cluster);
    json_str(body, blen, "tagline", tagline, sizeof tagline);
    bool es_body = cluster[0] || strstr(tagline, "for Search") != NULL;
    bool es_hdr = product_hdr[0] || strstr(auth_hdr, "realm=\"security\"") != NULL ||
                  strstr(auth_hdr, "ApiKey") != NULL;

    if (status == 200 && es_body) {
        PROBE_SET(out->protocol, "elasticsearch");
        PROBE_SET(out->product, strcmp(dist, "opensearch") == 0 ? "OpenSearch" : "Elasticsearch");
        PROBE_SET(out->version, number);
        out->auth = XS_PROBE_AUTH_NONE;
        if (cluster[0])
            probe_detail_add(out->detail, sizeof out->detail, "cluster_name=%s", cluster);
    } else if (status == 401 || status == 403) {
        PROBE_SET(out->protocol, es_hdr ? "elasticsearch" : "http");
        if (es_hdr)
            PROBE_SET(out->product, product_hdr[0] ? product_hdr : "Elasticsearch");
        else if (server[0])
            PROBE_SET(out->product, server);
        out->auth = XS_PROBE_AUTH_REQUIRED;
        probe_detail_add(out->detail, sizeof out->detail, "status=%d", status);
    } else {
        PROBE_SET(out->protocol, "http");
        if (server[0])
            PROBE_SET(out->product, server);
        probe_detail_add(out->detail, sizeof out->detail, "status=%d", status);
    }
    out->tls = XS_PROBE_TLS_UNKNOWN;
    return XS_PROBE_PARSE_OK;
}
