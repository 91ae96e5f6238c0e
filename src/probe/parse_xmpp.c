/* XMPP client streams (RFC 6120 4 and 5): the server's stream header and its stream features,
 * read as text (no XML parser: only the markers below are looked for, in bounded bytes). */
#include <stdio.h>
#include <string.h>

#include "probe_internal.h"

#define STREAMS_NS "http://etherx.jabber.org/streams"
#define TLS_NS     "urn:ietf:params:xml:ns:xmpp-tls"

/* Offset just past the first occurrence of needle in b[0..n), or SIZE_MAX. */
static size_t after(const unsigned char *b, size_t n, const char *needle)
{
    size_t at = probe_find_ci(b, n, needle);
    return at == SIZE_MAX ? SIZE_MAX : at + strlen(needle);
}

/* The value of attribute name='...' or name="..." in b[from..to). */
static void attr(const unsigned char *b, size_t from, size_t to, const char *name, char *dst,
                 size_t cap)
{
    size_t at = after(b + from, to - from, name);
    if (at == SIZE_MAX || from + at + 1 >= to || b[from + at] != '=')
        return;
    size_t v = from + at + 1;
    unsigned char q = b[v];
    if (q != '\'' && q != '"')
        return;
    size_t e = v + 1;
    while (e < to && b[e] != q)
        e++;
    if (e < to)
        probe_copy_text(dst, cap, (const char *)b + v + 1, e - v - 1);
}

size_t xs_probe_xmpp_features_end(const unsigned char *b, size_t n)
{
    size_t e = after(b, n, "</stream:features>");
    if (e == SIZE_MAX)
        e = after(b, n, "<stream:features/>");
    if (e == SIZE_MAX)
        e = after(b, n, "</stream:error>");
    return e;
}

xs_probe_parse xs_probe_parse_xmpp(const unsigned char *b, size_t n, bool final, xs_probe_info *out)
{
    size_t i = 0;
    while (i < n && (b[i] == ' ' || b[i] == '\r' || b[i] == '\n' || b[i] == '\t'))
        i++;
    if (i < n && b[i] != '<')
        return XS_PROBE_PARSE_BAD;
    size_t head = probe_find_ci(b, n, "<stream:stream");
    size_t ns = after(b, n, STREAMS_NS);
    if (head == SIZE_MAX || ns == SIZE_MAX)
        return !final && n < 1024 ? XS_PROBE_PARSE_MORE : XS_PROBE_PARSE_BAD;
    size_t head_end = head;
    while (head_end < n && b[head_end] != '>')
        head_end++;
    size_t end = xs_probe_xmpp_features_end(b, n);
    if ((head_end == n || end == SIZE_MAX) && !final)
        return XS_PROBE_PARSE_MORE; /* the header, then the features (or an error) */
    PROBE_SET(out->protocol, "xmpp");
    probe_set_banner(out, b + head, n - head);
    char from[64] = "", version[16] = "";
    attr(b, head, head_end, "from", from, sizeof from);
    attr(b, head, head_end, "version", version, sizeof version);
    if (from[0])
        probe_detail_add(out->detail, sizeof out->detail, "from=%s", from);
    if (version[0])
        probe_detail_add(out->detail, sizeof out->detail, "stream_version=%s", version);
    size_t err = probe_find_ci(b, n, "<stream:error");
    if (err != SIZE_MAX) { /* host-unknown, ... : the first child names the condition */
        size_t c = err + 13;
        while (c < n && b[c] != '<')
            c++;
        size_t ce = c + 1;
        while (ce < n && b[ce] != ' ' && b[ce] != '/' && b[ce] != '>')
            ce++;
        char cond[40] = "";
        if (c < n)
            probe_copy_text(cond, sizeof cond, (const char *)b + c + 1, ce - c - 1);
        if (cond[0])
            probe_detail_add(out->detail, sizeof out->detail, "error=%s", cond);
        return XS_PROBE_PARSE_OK;
    }
    if (end != SIZE_MAX)
        out->tls = probe_find_ci(b, end, TLS_NS) != SIZE_MAX ? XS_PROBE_TLS_YES : XS_PROBE_TLS_NO;
    return XS_PROBE_PARSE_OK;
}
