/* Incremental HTTP/1.x response parser: status line, header block, Content-Length / chunked /
 * close-delimited bodies. Bytes may arrive split anywhere. Nothing grows past the limits:
 * XS_HTTP_MAX_HEADER_BYTES of header block, XS_HTTP_MAX_HEADERS pairs, max_body of body. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "xsweep/http.h"

#define MAX_LEADING_NEWLINES 16 /* tolerated blank lines before the status line */
#define MAX_INTERIM          8  /* 100/102/103 responses skipped before the final one */
#define MAX_STATUS_LINE      512
#define MAX_CHUNK_HEX        15 /* size digits: keeps the size below 2^60 */

typedef enum {
    ST_STATUS,      /* first line not complete yet ("HTTP/" prefix checked byte by byte) */
    ST_HEADERS,     /* status line done, collecting the header block */
    ST_BODY_LENGTH, /* Content-Length body */
    ST_BODY_CLOSE,  /* body delimited by the connection close */
    ST_CHUNK_SIZE,
    ST_CHUNK_EXT,
    ST_CHUNK_DATA,
    ST_CHUNK_DATA_END,
    ST_CHUNK_TRAILER,
    ST_DONE,
    ST_NOT_HTTP,
} parser_state;

struct xs_http_parser {
    parser_state state;
    size_t max_body;

    /* header block, status line included */
    unsigned char *hdr;
    size_t hdr_len, hdr_cap;
    size_t line_len; /* non-CR bytes in the current line */
    unsigned leading_skipped;
    bool headers_truncated;

    /* parsed status and headers (built once the block is complete) */
    bool has_status;
    int code;
    char *status_line;
    xs_http_header *headers; /* one allocation: array, then the string arena */
    size_t n_headers;

    /* interim (1xx) response kept in case no final one follows */
    char *interim_line;
    int interim_code;
    unsigned n_interim;

    /* framing */
    bool chunked;
    bool have_length;
    unsigned long long remaining; /* Content-Length bytes or chunk bytes still to come */
    unsigned chunk_digits;
    bool saw_tls;

    /* body */
    unsigned char *body;
    size_t body_len, body_cap;
    bool body_truncated;
};

xs_http_parser *xs_http_parser_new(size_t max_body)
{
    xs_http_parser *p = calloc(1, sizeof *p);
    if (p)
        p->max_body = max_body;
    return p;
}

void xs_http_parser_free(xs_http_parser *p)
{
    if (!p)
        return;
    free(p->hdr);
    free(p->status_line);
    free(p->interim_line);
    free(p->headers);
    free(p->body);
    free(p);
}

bool xs_http_parser_has_status(const xs_http_parser *p)
{
    return p->has_status;
}
bool xs_http_parser_saw_tls_record(const xs_http_parser *p)
{
    return p->saw_tls;
}

/* ---------------------------------------------------------------- buffers */
static bool hdr_push(xs_http_parser *p, unsigned char c)
{
    if (p->hdr_len + 1 >= p->hdr_cap) { /* +1: room for the final NUL */
        size_t cap = p->hdr_cap ? p->hdr_cap * 2 : 1024;
        if (cap > XS_HTTP_MAX_HEADER_BYTES + 1)
            cap = XS_HTTP_MAX_HEADER_BYTES + 1;
        if (cap <= p->hdr_cap)
            return false;
        unsigned char *n = realloc(p->hdr, cap);
        if (!n)
            return false;
        p->hdr = n;
        p->hdr_cap = cap;
    }
    p->hdr[p->hdr_len++] = c;
    return true;
}

/* Stores up to the body limit; returns false once the limit is reached (stop reading). */
static bool body_take(xs_http_parser *p, const unsigned char *d, size_t n)
{
    size_t room = p->max_body - p->body_len;
    size_t take = n < room ? n : room;
    if (take > 0) {
        if (p->body_len + take + 1 > p->body_cap) {
            size_t cap = p->body_cap ? p->body_cap : 4096;
            while (cap < p->body_len + take + 1)
                cap *= 2;
            if (cap > p->max_body + 1)
                cap = p->max_body + 1;
            unsigned char *nb = realloc(p->body, cap);
            if (!nb) {
                p->body_truncated = true;
                return false;
            }
            p->body = nb;
            p->body_cap = cap;
        }
        memcpy(p->body + p->body_len, d, take);
        p->body_len += take;
    }
    if (take < n) {
        p->body_truncated = true;
        return false;
    }
    return p->body_len < p->max_body;
}

/* The body bytes a length (Content-Length, or a chunk's size) still counts: takes at most
 * p->remaining of d[0..avail), counts them off, and says through *more what body_take said. */
static size_t body_take_remaining(xs_http_parser *p, const unsigned char *d, size_t avail,
                                  bool *more)
{
    size_t take = p->remaining < avail ? (size_t)p->remaining : avail;
    *more = body_take(p, d, take);
    p->remaining -= take;
    return take;
}

/* ---------------------------------------------------------------- status line and headers */
/* "HTTP/" version SP 3DIGIT [SP reason]. Lenient about the version digits and extra spaces. */
static bool parse_status_line(const unsigned char *s, size_t n, int *code)
{
    if (n < 5 || strncasecmp((const char *)s, "HTTP/", 5) != 0)
        return false;
    size_t i = 5, vstart = 5;
    while (i < n && (isdigit(s[i]) || s[i] == '.') && i - vstart < 5)
        i++;
    if (i == vstart || i >= n || (s[i] != ' ' && s[i] != '\t'))
        return false;
    while (i < n && (s[i] == ' ' || s[i] == '\t'))
        i++;
    if (n - i < 3 || !isdigit(s[i]) || !isdigit(s[i + 1]) || !isdigit(s[i + 2]))
        return false;
    if (n - i > 3 && s[i + 3] != ' ' && s[i + 3] != '\t')
        return false;
    int c = (s[i] - '0') * 100 + (s[i + 1] - '0') * 10 + (s[i + 2] - '0');
    if (c < 100)
        return false;
    *code = c;
    return true;
}

static size_t trim_right(const unsigned char *s, size_t n)
{
    while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r'))
        n--;
    return n;
}

static bool token_list_has(const char *v, const char *word)
{
    size_t wl = strlen(word);
    for (const char *q = v; (q = strcasestr(q, word)) != NULL; q += wl) {
        bool start = q == v || q[-1] == ',' || q[-1] == ' ' || q[-1] == '\t';
        char e = q[wl];
        if (start && (e == '\0' || e == ',' || e == ' ' || e == '\t' || e == ';'))
            return true;
    }
    return false;
}

static void note_framing(xs_http_parser *p, const char *name, const char *value)
{
    if (strcasecmp(name, "Transfer-Encoding") == 0) {
        if (token_list_has(value, "chunked"))
            p->chunked = true;
    } else if (strcasecmp(name, "Content-Length") == 0 && !p->have_length) {
        unsigned long long v = 0;
        const char *q = value;
        if (!isdigit((unsigned char)*q))
            return;
        for (; isdigit((unsigned char)*q); q++) {
            if (v > (1ULL << 60))
                return; /* absurd: treat as absent (close-delimited) */
            v = v * 10 + (unsigned)(*q - '0');
        }
        if (*q != '\0' && *q != ',' && *q != ' ')
            return;
        p->have_length = true;
        p->remaining = v;
    }
}

/* Splits hdr[0..hdr_len) into the status line and (name, value) pairs. */
static void parse_header_block(xs_http_parser *p)
{
    const unsigned char *b = p->hdr;
    size_t n = p->hdr_len;
    size_t eol = 0;
    while (eol < n && b[eol] != '\n')
        eol++;
    size_t sl = trim_right(b, eol);
    if (sl > MAX_STATUS_LINE)
        sl = MAX_STATUS_LINE;
    free(p->status_line);
    p->status_line = malloc(sl + 1);
    if (p->status_line) {
        memcpy(p->status_line, b, sl);
        p->status_line[sl] = '\0';
        for (size_t i = 0; i < sl; i++) /* keep it a C string */
            if (p->status_line[i] == '\0')
                p->status_line[i] = ' ';
    }

    size_t lines = 0;
    for (size_t i = eol; i < n; i++)
        lines += b[i] == '\n';
    if (lines > XS_HTTP_MAX_HEADERS)
        lines = XS_HTTP_MAX_HEADERS;
    free(p->headers);
    p->headers = NULL;
    p->n_headers = 0;
    size_t arena_cap = n + 2;
    p->headers = malloc(lines * sizeof(xs_http_header) + arena_cap);
    if (!p->headers)
        return;
    char *arena = (char *)(p->headers + lines);
    size_t used = 0;
    bool last_stored = false; /* the previous line went into the arena (for folding) */

    size_t pos = eol < n ? eol + 1 : n;
    while (pos < n) {
        size_t e = pos;
        while (e < n && b[e] != '\n')
            e++;
        const unsigned char *line = b + pos;
        size_t ll = trim_right(line, e - pos);
        pos = e + 1;
        if (ll == 0)
            break;                               /* end of the block */
        if (line[0] == ' ' || line[0] == '\t') { /* obs-fold: continue the last value */
            if (!last_stored)
                continue;
            size_t k = 0;
            while (k < ll && (line[k] == ' ' || line[k] == '\t'))
                k++;
            used--; /* overwrite the value's NUL */
            arena[used++] = ' ';
            for (; k < ll; k++)
                arena[used++] = line[k] ? (char)line[k] : ' ';
            arena[used++] = '\0';
            continue;
        }
        const unsigned char *colon = memchr(line, ':', ll);
        last_stored = false;
        if (!colon || colon == line)
            continue; /* not a header: ignore */
        size_t nl = trim_right(line, (size_t)(colon - line));
        size_t vs = (size_t)(colon - line) + 1;
        while (vs < ll && (line[vs] == ' ' || line[vs] == '\t'))
            vs++;
        char *name = arena + used;
        for (size_t k = 0; k < nl; k++)
            arena[used++] = line[k] ? (char)line[k] : ' ';
        arena[used++] = '\0';
        char *value = arena + used;
        for (size_t k = vs; k < ll; k++)
            arena[used++] = line[k] ? (char)line[k] : ' ';
        arena[used++] = '\0';
        note_framing(p, name, value);
        if (p->n_headers < lines) {
            p->headers[p->n_headers].name = name;
            p->headers[p->n_headers].value = value;
            p->n_headers++;
            last_stored = true;
        } else {
            used = (size_t)(name - arena); /* framing noted; pair not kept */
        }
    }
}

static void reset_for_next_response(xs_http_parser *p)
{
    p->hdr_len = 0;
    p->line_len = 0;
    p->leading_skipped = 0;
    p->has_status = false;
    p->chunked = false;
    p->have_length = false;
    p->remaining = 0;
    free(p->headers);
    p->headers = NULL;
    p->n_headers = 0;
}

/* The header block is complete: pick the body framing. */
static void headers_done(xs_http_parser *p)
{
    parse_header_block(p);
    p->has_status = true;
    int c = p->code;
    if ((c == 100 || c == 102 || c == 103) && p->n_interim < MAX_INTERIM && !p->headers_truncated) {
        free(p->interim_line);
        p->interim_line = p->status_line;
        p->status_line = NULL;
        p->interim_code = c;
        p->n_interim++;
        reset_for_next_response(p);
        p->state = ST_STATUS;
        return;
    }
    if (p->headers_truncated || (c >= 100 && c < 200) || c == 204 || c == 304)
        p->state = ST_DONE;
    else if (p->chunked)
        p->state = ST_CHUNK_SIZE, p->remaining = 0, p->chunk_digits = 0; /* chunked beats length */
    else if (p->have_length)
        p->state = p->remaining == 0 ? ST_DONE : ST_BODY_LENGTH;
    else
        p->state = ST_BODY_CLOSE;
    if (p->state != ST_DONE && p->max_body == 0)
        p->body_truncated = true, p->state = ST_DONE;
}

static void not_http(xs_http_parser *p, const unsigned char *rest, size_t n)
{
    /* Handshake (0x16) or alert (0x15) record with a 3.x version: a TLS server. */
    if (p->hdr_len >= 1 && (p->hdr[0] == 0x15 || p->hdr[0] == 0x16) &&
        (p->hdr_len < 2 || p->hdr[1] == 0x03))
        p->saw_tls = true;
    /* Keep the banner as the body: it is what the port said. */
    body_take(p, p->hdr, p->hdr_len);
    body_take(p, rest, n);
    p->hdr_len = 0;
    p->state = ST_NOT_HTTP;
}

/* ---------------------------------------------------------------- feeding */
static size_t feed_head(xs_http_parser *p, const unsigned char *d, size_t n)
{
    static const char prefix[] = "HTTP/";
    size_t i = 0;
    for (; i < n && (p->state == ST_STATUS || p->state == ST_HEADERS); i++) {
        unsigned char c = d[i];
        if (p->state == ST_STATUS && p->hdr_len == 0 && (c == '\r' || c == '\n') &&
            p->leading_skipped < MAX_LEADING_NEWLINES) {
            p->leading_skipped++;
            continue;
        }
        if (p->hdr_len >= XS_HTTP_MAX_HEADER_BYTES || !hdr_push(p, c)) {
            p->headers_truncated = true;
            if (p->state == ST_STATUS) { /* no line end in 64 KiB: not HTTP */
                not_http(p, d + i, 0);
                return i;
            }
            headers_done(p);
            p->state = ST_DONE;
            return i;
        }
        if (p->state == ST_STATUS && p->hdr_len <= 5 &&
            toupper(c) != (unsigned char)prefix[p->hdr_len - 1]) {
            not_http(p, d + i + 1, n - i - 1);
            return n;
        }
        if (c == '\n') {
            if (p->state == ST_STATUS) {
                size_t sl = trim_right(p->hdr, p->hdr_len - 1);
                if (!parse_status_line(p->hdr, sl, &p->code)) {
                    not_http(p, d + i + 1, n - i - 1);
                    return n;
                }
                p->state = ST_HEADERS;
            } else if (p->line_len == 0) {
                headers_done(p);
            }
            p->line_len = 0;
        } else if (c != '\r') {
            p->line_len++;
        }
    }
    return i;
}

static size_t feed_chunked(xs_http_parser *p, const unsigned char *d, size_t n)
{
    size_t i = 0;
    while (i < n && p->state != ST_DONE) {
        unsigned char c = d[i];
        switch (p->state) {
        case ST_CHUNK_SIZE:
        case ST_CHUNK_EXT:
            i++;
            if (c == '\n') {
                if (p->chunk_digits == 0 && p->state == ST_CHUNK_SIZE)
                    break; /* tolerate a stray blank line */
                p->chunk_digits = 0;
                p->state = p->remaining == 0 ? ST_CHUNK_TRAILER : ST_CHUNK_DATA;
                p->line_len = 0;
            } else if (p->state == ST_CHUNK_EXT || c == '\r') {
                /* skip extensions and CR */
            } else if (isxdigit(c) && p->chunk_digits < MAX_CHUNK_HEX) {
                p->remaining =
                    p->remaining * 16 + (unsigned)(isdigit(c) ? c - '0' : (tolower(c) - 'a' + 10));
                p->chunk_digits++;
            } else if ((c == ';' || c == ' ' || c == '\t') && p->chunk_digits > 0) {
                p->state = ST_CHUNK_EXT;
            } else {
                p->body_truncated = true; /* broken framing: keep what we have */
                p->state = ST_DONE;
            }
            break;
        case ST_CHUNK_DATA: {
            bool more;
            i += body_take_remaining(p, d + i, n - i, &more);
            if (!more && (p->remaining > 0 || p->body_len >= p->max_body)) {
                if (p->remaining > 0 || i < n)
                    p->body_truncated = true;
                p->state = ST_DONE;
            } else if (p->remaining == 0) {
                p->state = ST_CHUNK_DATA_END;
            }
            break;
        }
        case ST_CHUNK_DATA_END:
            i++;
            if (c == '\n')
                p->state = ST_CHUNK_SIZE;
            else if (c != '\r')
                p->body_truncated = true, p->state = ST_DONE;
            break;
        case ST_CHUNK_TRAILER:
            i++;
            if (c == '\n') {
                if (p->line_len == 0)
                    p->state = ST_DONE;
                p->line_len = 0;
            } else if (c != '\r') {
                p->line_len++;
            }
            break;
        default:
            return n;
        }
    }
    return i;
}

xs_http_parse_state xs_http_parser_feed(xs_http_parser *p, const unsigned char *d, size_t n)
{
    size_t i = 0;
    while (i < n) {
        switch (p->state) {
        case ST_STATUS:
        case ST_HEADERS:
            i += feed_head(p, d + i, n - i);
            break;
        case ST_BODY_LENGTH: {
            bool more;
            i += body_take_remaining(p, d + i, n - i, &more);
            if (p->remaining == 0)
                p->state = ST_DONE;
            else if (!more)
                p->body_truncated = true, p->state = ST_DONE;
            break;
        }
        case ST_BODY_CLOSE:
            if (!body_take(p, d + i, n - i))
                p->state = ST_DONE;
            i = n;
            break;
        case ST_CHUNK_SIZE:
        case ST_CHUNK_EXT:
        case ST_CHUNK_DATA:
        case ST_CHUNK_DATA_END:
        case ST_CHUNK_TRAILER:
            i += feed_chunked(p, d + i, n - i);
            break;
        case ST_DONE:
            return XS_HTTP_PARSE_DONE;
        case ST_NOT_HTTP:
            return XS_HTTP_PARSE_NOT_HTTP;
        }
    }
    if (p->state == ST_DONE)
        return XS_HTTP_PARSE_DONE;
    if (p->state == ST_NOT_HTTP)
        return XS_HTTP_PARSE_NOT_HTTP;
    return XS_HTTP_PARSE_MORE;
}

static xs_http_parse_state headers_cut_short(xs_http_parser *p)
{
    p->headers_truncated = true;
    parse_header_block(p);
    p->has_status = true;
    p->state = ST_DONE;
    return XS_HTTP_PARSE_DONE;
}

xs_http_parse_state xs_http_parser_eof(xs_http_parser *p)
{
    switch (p->state) {
    case ST_STATUS:
        if (p->hdr_len == 0) {
            if (p->interim_line) { /* only a 1xx came: report it */
                p->status_line = p->interim_line;
                p->interim_line = NULL;
                p->code = p->interim_code;
                p->has_status = true;
            }
            p->state = ST_DONE;
            return XS_HTTP_PARSE_DONE;
        }
        if (!parse_status_line(p->hdr, trim_right(p->hdr, p->hdr_len), &p->code)) {
            not_http(p, NULL, 0);
            return XS_HTTP_PARSE_NOT_HTTP;
        }
        return headers_cut_short(p); /* a status line cut by the close still counts */
    case ST_HEADERS:
        return headers_cut_short(p);
    case ST_BODY_CLOSE:
        p->state = ST_DONE;
        return XS_HTTP_PARSE_DONE;
    case ST_NOT_HTTP:
        return XS_HTTP_PARSE_NOT_HTTP;
    case ST_DONE:
        return XS_HTTP_PARSE_DONE;
    default: /* Content-Length or chunked body cut short */
        p->body_truncated = true;
        p->state = ST_DONE;
        return XS_HTTP_PARSE_DONE;
    }
}

/* ---------------------------------------------------------------- hand-over */
void xs_http_parser_fill_result(xs_http_parser *p, xs_http_result *r)
{
    r->status_code = p->has_status ? p->code : 0;
    free(r->status_line);
    r->status_line = p->has_status ? p->status_line : NULL;
    if (p->has_status)
        p->status_line = NULL;
    r->status_text = r->status_line ? r->status_line : "";

    free(r->headers);
    r->headers = p->headers;
    r->n_headers = p->n_headers;
    p->headers = NULL;
    p->n_headers = 0;

    free(r->raw_headers);
    r->raw_headers = NULL;
    r->raw_headers_len = 0;
    if (p->has_status && p->hdr) {
        p->hdr[p->hdr_len] = '\0'; /* hdr_push always leaves room */
        r->raw_headers = (char *)p->hdr;
        r->raw_headers_len = p->hdr_len;
        p->hdr = NULL;
        p->hdr_len = p->hdr_cap = 0;
    }
    r->headers_truncated = p->headers_truncated;

    free(r->body);
    r->body = p->body;
    r->body_len = p->body_len;
    if (r->body)
        r->body[r->body_len] = '\0'; /* body_take always leaves room */
    r->body_truncated = p->body_truncated;
    p->body = NULL;
    p->body_len = p->body_cap = 0;

    /* Derived fields: server, location, cookies, preview, title. */
    r->server = xs_http_result_header(r, "Server");
    r->location = xs_http_result_header(r, "Location");
    free(r->set_cookies);
    r->set_cookies = NULL;
    r->n_set_cookies = 0;
    size_t nc = 0;
    for (size_t i = 0; i < r->n_headers; i++)
        nc += strcasecmp(r->headers[i].name, "Set-Cookie") == 0;
    if (nc > 0 && (r->set_cookies = malloc(nc * sizeof *r->set_cookies)) != NULL)
        for (size_t i = 0; i < r->n_headers; i++)
            if (strcasecmp(r->headers[i].name, "Set-Cookie") == 0)
                r->set_cookies[r->n_set_cookies++] = r->headers[i].value;

    free(r->body_preview);
    r->body_preview = NULL;
    r->body_preview_len = 0;
    if (r->body_len > 0) {
        size_t pb = xs_utf8_prefix_bytes(r->body, r->body_len, XS_HTTP_PREVIEW_CHARS);
        if ((r->body_preview = malloc(pb + 1)) != NULL) {
            memcpy(r->body_preview, r->body, pb);
            r->body_preview[pb] = '\0';
            r->body_preview_len = pb;
        }
    }
    free(r->title);
    r->title = NULL;
    r->charset[0] = '\0';
    if (p->has_status && r->body_len > 0) {
        char cs_buf[sizeof r->charset];
        const char *cs = xs_http_charset(r, cs_buf, sizeof cs_buf);
        size_t ul = 0;
        char *utf8 = cs ? xs_to_utf8(cs, r->body, r->body_len, &ul) : NULL;
        if (utf8) { /* the title from the page as the browser reads it */
            snprintf(r->charset, sizeof r->charset, "%s", cs);
            r->title = xs_html_title((const unsigned char *)utf8, ul, XS_HTTP_TITLE_MAX_CHARS);
            free(utf8);
        } else {
            r->title = xs_html_title(r->body, r->body_len, XS_HTTP_TITLE_MAX_CHARS);
        }
    }
}
