/* Endpoint lists: "ip:port [bucket] [path=/x] [host=name]" lines (IPv6 as "[2001:db8::1]:443"),
 * sorted and de-duplicated. */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "xsweep/record.h"
#include "xsweep/targets.h"

static void free_more(xs_endpoint *m)
{
    while (m) {
        xs_endpoint *next = m->more;
        free(m->path);
        free(m->host);
        free(m);
        m = next;
    }
}

void xs_endpointlist_free(xs_endpointlist *el)
{
    for (size_t i = 0; i < el->n; i++) {
        free(el->v[i].path);
        free(el->v[i].host);
        free_more(el->v[i].more);
    }
    free(el->v);
    memset(el, 0, sizeof *el);
}

static bool is_blank(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v';
}

static int fail(char *err, size_t errlen, const char *line, size_t len, const char *why)
{
    snprintf(err, errlen, "invalid endpoint \"%.*s\": %s", (int)len, line, why);
    xs_error_one_line(err, errlen);
    return -1;
}

/* "key=value" word (key is "path" or "host"): returns a copy of value, or NULL with *why set. */
static char *word_value(const char *w, size_t wlen, bool is_path, char *old, const char **why)
{
    const size_t keylen = 5; /* "path=" or "host=" */
    if (old) {
        *why = is_path ? "path= given twice" : "host= given twice";
        return old; /* kept so that it is freed */
    }
    if (wlen == keylen) {
        *why = is_path ? "path= needs a value" : "host= needs a value";
        return NULL;
    }
    char *v = strndup(w + keylen, wlen - keylen);
    if (!v)
        *why = "out of memory";
    return v;
}

/* The address at the start of line: a dotted quad, or an IPv6 address in brackets (the port
 * follows a ':' that would otherwise be part of it). NULL, or why not. */
static const char *scan_address(const char *line, size_t len, xs_addr *out, const char **end)
{
    if (line[0] != '[') {
        uint32_t ip;
        const char *why = xs_scan_ipv4(line, &ip, end);
        if (why)
            return strchr(line, ':') && !memchr(line, '.', strcspn(line, ":"))
                       ? "an IPv6 address needs brackets: [2001:db8::1]:443"
                       : why;
        *out = xs_addr_from_v4(ip);
        return NULL;
    }
    const char *close = memchr(line, ']', len);
    char text[XS_ADDR_STRLEN];
    size_t n = close ? (size_t)(close - line - 1) : 0;
    struct in6_addr in6;
    if (!close || n == 0 || n >= sizeof text)
        return "expected [ipv6]:port";
    memcpy(text, line + 1, n);
    text[n] = '\0';
    if (inet_pton(AF_INET6, text, &in6) != 1)
        return "expected an IPv6 address inside the brackets";
    *out = xs_addr_from_v6(in6.s6_addr); /* ::ffff:a.b.c.d is the IPv4 address */
    *end = close + 1;
    return NULL;
}

/* '#' starts a comment only at the start of a word, so a path may still contain it. */
int xs_endpointlist_add_line(xs_endpointlist *el, const char *line, char *err, size_t errlen)
{
    while (is_blank(*line))
        line++;
    size_t len = strlen(line);
    while (len > 0 && is_blank(line[len - 1]))
        len--;
    if (len == 0 || line[0] == '#')
        return 0;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)line[i];
        /* Path and host end up in a request line and a Host header: no control bytes. */
        if ((c < 0x20 && !is_blank((char)c)) || c == 0x7f)
            return fail(err, errlen, line, len, "contains a control character");
    }

    xs_endpoint e = {0};
    const char *p;
    const char *why = scan_address(line, len, &e.addr, &p);
    if (why)
        return fail(err, errlen, line, len, why);
    if (*p != ':')
        return fail(err, errlen, line, len,
                    line[0] == '[' ? "expected [ipv6]:port" : "expected ip:port");
    p++;
    unsigned long port = 0;
    int digits = 0;
    while (*p >= '0' && *p <= '9') {
        if (port <= 65535)
            port = port * 10 + (unsigned long)(*p - '0');
        p++;
        digits++;
    }
    if (digits == 0 || (*p && !is_blank(*p)))
        return fail(err, errlen, line, len, "port must be a number 1-65535");
    if (port == 0 || port > 65535)
        return fail(err, errlen, line, len, "port must be 1-65535");
    e.port = (uint16_t)port;

    const char *end = line + len;
    why = NULL;
    for (;;) {
        while (p < end && is_blank(*p))
            p++;
        if (p >= end || *p == '#')
            break;
        const char *w = p;
        while (p < end && !is_blank(*p))
            p++;
        size_t wlen = (size_t)(p - w);
        if (wlen == 6 && memcmp(w, "bucket", 6) == 0)
            e.bucket = true;
        else if (wlen >= 5 && memcmp(w, "path=", 5) == 0)
            e.path = word_value(w, wlen, true, e.path, &why);
        else if (wlen >= 5 && memcmp(w, "host=", 5) == 0)
            e.host = word_value(w, wlen, false, e.host, &why);
        else
            why = "unknown word (expected bucket, path=/x or host=name)";
        if (why) {
            free(e.path);
            free(e.host);
            return fail(err, errlen, line, len, why);
        }
    }

    if (el->n == el->cap) {
        size_t cap = el->cap ? el->cap * 2 : 64;
        xs_endpoint *v = realloc(el->v, cap * sizeof *v);
        if (!v) {
            free(e.path);
            free(e.host);
            snprintf(err, errlen, "out of memory");
            return -1;
        }
        el->v = v;
        el->cap = cap;
    }
    el->v[el->n++] = e;
    return 0;
}

static int add_file_line(void *ctx, const char *line, char *err, size_t errlen)
{
    return xs_endpointlist_add_line(ctx, line, err, errlen);
}

int xs_endpointlist_load_file(xs_endpointlist *el, const char *path, char *err, size_t errlen)
{
    return xs_read_lines(path, add_file_line, el, err, errlen);
}

/* Sort key with the input position as tie-break, so the first of duplicates survives. */
typedef struct {
    xs_epkey key;
    size_t pos;
} order;

static int cmp_order(const void *a, const void *b)
{
    const order *x = a, *y = b;
    int c = xs_epkey_cmp(&x->key, &y->key);
    if (c)
        return c;
    return (x->pos > y->pos) - (x->pos < y->pos);
}

static bool same_path(const char *a, const char *b)
{
    return strcmp(a ? a : "/", b ? b : "/") == 0;
}

/* A duplicate of `first`: kept on its `more` list when its path is new, else dropped. */
static void keep_other_path(xs_endpoint *first, xs_endpoint *dup)
{
    bool seen = same_path(first->path, dup->path);
    xs_endpoint **tail = &first->more;
    for (; *tail; tail = &(*tail)->more)
        seen |= same_path((*tail)->path, dup->path);
    xs_endpoint *copy = seen ? NULL : malloc(sizeof *copy);
    if (!copy) {
        if (!seen) {
            fprintf(stderr, "xsweep: out of memory\n");
            abort();
        }
        free(dup->path);
        free(dup->host);
        return;
    }
    *copy = *dup;
    if (!copy->host && first->host)
        copy->host = strdup(first->host);
    copy->more = NULL;
    *tail = copy;
}

void xs_endpointlist_normalize(xs_endpointlist *el)
{
    if (el->n < 2)
        return;
    order *o = malloc(el->n * sizeof *o);
    xs_endpoint *sorted = malloc(el->n * sizeof *sorted);
    if (!o || !sorted) {
        fprintf(stderr, "xsweep: out of memory\n");
        abort();
    }
    for (size_t i = 0; i < el->n; i++)
        o[i] = (order){xs_endpoint_key(&el->v[i].addr, el->v[i].port), i};
    qsort(o, el->n, sizeof *o, cmp_order);
    size_t n = 0;
    for (size_t i = 0; i < el->n; i++) {
        xs_endpoint *e = &el->v[o[i].pos];
        if (n > 0 && xs_epkey_eq(&o[i].key, &o[i - 1].key)) {
            keep_other_path(&sorted[n - 1], e);
            continue;
        }
        sorted[n++] = *e;
    }
    free(o);
    free(el->v);
    el->v = sorted;
    el->cap = el->n;
    el->n = n;
}

const xs_endpoint *xs_endpointlist_find(const xs_endpointlist *el, const xs_addr *addr,
                                        uint16_t port)
{
    xs_epkey key = xs_endpoint_key(addr, port);
    size_t lo = 0, hi = el->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        xs_epkey k = xs_endpoint_key(&el->v[mid].addr, el->v[mid].port);
        if (xs_epkey_cmp(&k, &key) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo < el->n && xs_addr_eq(&el->v[lo].addr, addr) && el->v[lo].port == port)
        return &el->v[lo];
    return NULL;
}
