/* What a person sees of a response: UTF-8 aware previews and the page <title>. */
#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <gumbo.h>

#include "xsweep/http.h"
#include "xsweep/text_search.h"

#define TITLE_RAW_MAX (16u * 1024u) /* raw title bytes looked at (before decoding) */

static size_t utf8_put(uint32_t cp, char *out)
{
    if (cp == 0 || (cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF)
        cp = 0xFFFD;
    if (cp < 0x80) {
        out[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        out[0] = (char)(0xC0 | (cp >> 6));
        out[1] = (char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        out[0] = (char)(0xE0 | (cp >> 12));
        out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        out[2] = (char)(0x80 | (cp & 0x3F));
        return 3;
    }
    out[0] = (char)(0xF0 | (cp >> 18));
    out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
    out[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
    out[3] = (char)(0x80 | (cp & 0x3F));
    return 4;
}

/* The entities titles actually use. Every one decodes to no more bytes than "&name;". */
static const struct {
    const char *name;
    uint32_t cp;
} named_entities[] = {
    {"amp", '&'},      {"lt", '<'},        {"gt", '>'},       {"quot", '"'},     {"apos", '\''},
    {"nbsp", 0xA0},    {"copy", 0xA9},     {"reg", 0xAE},     {"trade", 0x2122}, {"ndash", 0x2013},
    {"mdash", 0x2014}, {"hellip", 0x2026}, {"laquo", 0xAB},   {"raquo", 0xBB},   {"middot", 0xB7},
    {"bull", 0x2022},  {"euro", 0x20AC},   {"lsquo", 0x2018}, {"rsquo", 0x2019}, {"ldquo", 0x201C},
    {"rdquo", 0x201D}, {"times", 0xD7},    {"pound", 0xA3},   {"yen", 0xA5},     {"sect", 0xA7},
    {"deg", 0xB0},
};

/* Decodes the entity at s (s[0] == '&'); returns the bytes consumed, 0 when it is not one. */
static size_t decode_entity(const char *s, size_t len, uint32_t *cp)
{
    size_t semi = 1;
    while (semi < len && semi < 12 && s[semi] != ';')
        semi++;
    if (semi >= len || s[semi] != ';' || semi < 2)
        return 0;
    if (s[1] == '#') {
        bool hex = semi > 2 && (s[2] == 'x' || s[2] == 'X');
        size_t k = hex ? 3 : 2;
        if (k >= semi)
            return 0;
        uint32_t v = 0;
        for (; k < semi; k++) {
            unsigned char c = (unsigned char)s[k];
            unsigned d;
            if (isdigit(c))
                d = c - '0';
            else if (hex && isxdigit(c))
                d = (unsigned)(tolower(c) - 'a' + 10);
            else
                return 0;
            v = v * (hex ? 16 : 10) + d;
            if (v > 0x10FFFF)
                v = 0x110000; /* clamp: invalid, becomes U+FFFD */
        }
        *cp = v;
        return semi + 1;
    }
    for (size_t i = 0; i < sizeof named_entities / sizeof named_entities[0]; i++) {
        size_t nl = strlen(named_entities[i].name);
        if (nl == semi - 1 && strncmp(s + 1, named_entities[i].name, nl) == 0) {
            *cp = named_entities[i].cp;
            return semi + 1;
        }
    }
    return 0;
}

size_t xs_html_decode_entities(const char *s, size_t len, char *out, size_t cap)
{
    if (cap == 0)
        return 0;
    size_t o = 0, i = 0;
    while (i < len && o + 1 < cap) {
        uint32_t cp;
        size_t used = s[i] == '&' ? decode_entity(s + i, len - i, &cp) : 0;
        if (used > 0) {
            char tmp[4];
            size_t n = utf8_put(cp, tmp);
            if (o + n + 1 > cap)
                break;
            memcpy(out + o, tmp, n);
            o += n;
            i += used;
        } else {
            out[o++] = s[i++];
        }
    }
    out[o] = '\0';
    return o;
}

/* xs_find_ci over the body's unsigned bytes. */
static const unsigned char *find_ci(const unsigned char *h, size_t n, const char *needle)
{
    return (const unsigned char *)xs_find_ci((const char *)h, n, needle);
}

/* The title's text as HTML5 reads it: every named and numeric character reference decoded (gumbo
 * holds the whole HTML5 table), invalid UTF-8 as U+FFFD. NULs are dropped first. malloc'd. */
static char *decode_html5_text(const char *raw, size_t n, size_t *out_len)
{
    static const char open_tag[] = "<title>", close_tag[] = "</title>";
    char *doc = malloc(sizeof open_tag + n + sizeof close_tag);
    if (!doc)
        return NULL;
    size_t dl = sizeof open_tag - 1;
    memcpy(doc, open_tag, dl);
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)raw[i];
        if (c != 0) /* other controls are whitespace to us (gumbo would make them U+FFFD) */
            doc[dl++] = (c < 0x20 || c == 0x7F) ? ' ' : (char)c;
    }
    memcpy(doc + dl, close_tag, sizeof close_tag - 1);
    dl += sizeof close_tag - 1;
    GumboOptions opt = kGumboDefaultOptions;
    opt.max_errors = 0;
    GumboOutput *g = gumbo_parse_with_options(&opt, doc, dl);
    char *out = NULL;
    size_t ol = 0;
    /* <title> lands in <head>: html > head > title > text */
    const GumboNode *html = g ? g->root : NULL, *head = NULL, *title = NULL;
    for (unsigned i = 0; html && i < html->v.element.children.length && !head; i++) {
        const GumboNode *c = html->v.element.children.data[i];
        if (c->type == GUMBO_NODE_ELEMENT && c->v.element.tag == GUMBO_TAG_HEAD)
            head = c;
    }
    for (unsigned i = 0; head && i < head->v.element.children.length && !title; i++) {
        const GumboNode *c = head->v.element.children.data[i];
        if (c->type == GUMBO_NODE_ELEMENT && c->v.element.tag == GUMBO_TAG_TITLE)
            title = c;
    }
    size_t cap = 0;
    for (unsigned i = 0; title && i < title->v.element.children.length; i++)
        if (((const GumboNode *)title->v.element.children.data[i])->type == GUMBO_NODE_TEXT)
            cap += strlen(((const GumboNode *)title->v.element.children.data[i])->v.text.text);
    out = malloc(cap + 1);
    for (unsigned i = 0; out && title && i < title->v.element.children.length; i++) {
        const GumboNode *c = title->v.element.children.data[i];
        if (c->type == GUMBO_NODE_TEXT) {
            size_t tl = strlen(c->v.text.text);
            memcpy(out + ol, c->v.text.text, tl);
            ol += tl;
        }
    }
    if (out)
        out[ol] = '\0';
    if (g)
        gumbo_destroy_output(&opt, g);
    free(doc);
    *out_len = ol;
    return out;
}

char *xs_html_title(const unsigned char *body, size_t len, size_t max_chars)
{
    const unsigned char *p = body, *end = body + len;
    const unsigned char *start = NULL;
    while ((p = find_ci(p, (size_t)(end - p), "<title")) != NULL) {
        const unsigned char *after = p + 6;
        if (after < end && (*after == '>' || isspace(*after) || *after == '/')) {
            const unsigned char *gt = memchr(after, '>', (size_t)(end - after));
            if (!gt)
                return NULL;
            start = gt + 1;
            break;
        }
        p = after;
    }
    if (!start)
        return NULL;
    size_t avail = (size_t)(end - start);
    if (avail > TITLE_RAW_MAX)
        avail = TITLE_RAW_MAX;
    const unsigned char *close = find_ci(start, avail, "</title");
    size_t raw_len = close ? (size_t)(close - start) : avail;

    size_t dl = 0;
    char *dec = decode_html5_text((const char *)start, raw_len, &dl);
    if (!dec)
        return NULL;

    /* Collapse whitespace (ASCII space and controls, U+00A0), drop NULs, trim both ends. */
    size_t o = 0;
    bool pending_space = false;
    for (size_t i = 0; i < dl; i++) {
        unsigned char c = (unsigned char)dec[i];
        bool ws = c == ' ' || (c < 0x20 && c != 0) || c == 0x7F;
        if (c == 0xC2 && i + 1 < dl && (unsigned char)dec[i + 1] == 0xA0) {
            ws = true;
            i++;
        }
        if (c == 0)
            continue;
        if (ws) {
            pending_space = o > 0;
            continue;
        }
        if (pending_space)
            dec[o++] = ' ';
        pending_space = false;
        dec[o++] = (char)c;
    }
    o = xs_utf8_prefix_bytes((const unsigned char *)dec, o, max_chars);
    while (o > 0 && dec[o - 1] == ' ')
        o--;
    if (o == 0) {
        free(dec);
        return NULL;
    }
    dec[o] = '\0';
    return dec;
}
