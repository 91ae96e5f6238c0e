/* What the screenshot shows, as text: the visible text of the DOM chromium serialized after
 * rendering. The input is chromium's own serialization (well-formed, entities only &amp; &lt; &gt;
 * &nbsp; &quot;), but nothing here relies on that: any byte string is handled within its bounds. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "xsweep/http.h"
#include "xsweep/screenshot.h"
#include "xsweep/text_search.h"

typedef struct {
    char *out;
    size_t cap; /* bytes of out, NUL included */
    size_t len;
    bool full;
    bool pending_space;
    bool pending_newline;
} text_sink;

static void sink_byte(text_sink *s, char c)
{
    if (s->len + 1 >= s->cap) {
        s->full = true;
        return;
    }
    s->out[s->len++] = c;
}

/* Emits the separator owed before the next visible character. */
static void sink_flush_separator(text_sink *s)
{
    char last = s->len ? s->out[s->len - 1] : '\n';
    if (s->pending_newline && s->len > 0 && last != '\n') {
        if (last == ' ')
            s->len--; /* no trailing blank before a line break */
        sink_byte(s, '\n');
    } else if (s->pending_space && last != '\n' && last != ' ')
        sink_byte(s, ' ');
    s->pending_space = s->pending_newline = false;
}

static bool is_html_space(unsigned char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
}

/* Decoded text: collapsed to single spaces, or kept as is (pre, textarea). */
static void sink_text(text_sink *s, const char *t, size_t n, bool preserve)
{
    for (size_t i = 0; i < n && !s->full; i++) {
        unsigned char c = (unsigned char)t[i];
        if (c == '\0' || c == '\r')
            continue;
        if (c == 0xC2 && i + 1 < n && (unsigned char)t[i + 1] == 0xA0) {
            i++; /* U+00A0: a space to readers and to pattern matchers */
            c = ' ';
        }
        if (preserve && (c == '\n' || c == '\t' || c == ' ')) {
            if (c == '\n')
                s->pending_space = s->pending_newline = false; /* this newline is the separator */
            else
                sink_flush_separator(s);
            sink_byte(s, (char)c);
            continue;
        }
        if (is_html_space(c)) {
            s->pending_space = true;
            continue;
        }
        sink_flush_separator(s);
        sink_byte(s, (char)c);
    }
}

/* Start of the UTF-8 character that would be cut at len, so the text ends on a boundary. */
static size_t utf8_safe_end(const char *s, size_t len)
{
    size_t j = len, back = 0;
    while (j > 0 && back < 4 && ((unsigned char)s[j - 1] & 0xC0) == 0x80) {
        j--;
        back++;
    }
    if (j == 0)
        return len;
    unsigned char lead = (unsigned char)s[j - 1];
    size_t need = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1;
    return back + 1 < need ? j - 1 : len;
}

static bool name_in(const char *name, const char *const *list)
{
    for (; *list; list++)
        if (strcmp(name, *list) == 0)
            return true;
    return false;
}

/* Elements whose content is never rendered: skipped up to their end tag. */
static const char *const hidden_elements[] = {"head",  "script", "style",  "noscript", "template",
                                              "title", "iframe", "object", NULL};
/* Elements that start and end a line. */
static const char *const block_elements[] = {
    "address", "article",  "aside",  "blockquote", "body",   "br",      "caption",  "center",
    "dd",      "details",  "dialog", "div",        "dl",     "dt",      "fieldset", "figcaption",
    "figure",  "footer",   "form",   "h1",         "h2",     "h3",      "h4",       "h5",
    "h6",      "header",   "hr",     "html",       "legend", "li",      "listing",  "main",
    "nav",     "ol",       "option", "p",          "pre",    "section", "summary",  "table",
    "tbody",   "textarea", "tfoot",  "thead",      "tr",     "ul",      "xmp",      NULL};
static const char *const preserving_elements[] = {"pre", "textarea", "listing", "xmp", NULL};
static const char *const cell_elements[] = {"td", "th", "label", "button", NULL};
/* <input type=...> whose value is not shown as text. */
static const char *const valueless_inputs[] = {"hidden", "password", "checkbox", "radio", "file",
                                               "image",  "range",    "color",    NULL};

static const char *find_byte(const char *h, const char *end, char c)
{
    const char *p = memchr(h, c, (size_t)(end - h));
    return p ? p : end;
}

typedef struct {
    char name[16];            /* lower case; longer names are cut (and so match nothing) */
    const char *type, *value; /* raw attribute values (not decoded), or NULL */
    size_t type_len, value_len;
} tag_info;

/* Parses a tag from p (just past '<' or "</") to after its '>'. Returns the position after it. */
static const char *parse_tag(const char *p, const char *end, tag_info *t)
{
    memset(t, 0, sizeof *t);
    size_t n = 0;
    while (p < end && (isalnum((unsigned char)*p) || *p == '-' || *p == ':')) {
        if (n + 1 < sizeof t->name)
            t->name[n++] = (char)tolower((unsigned char)*p);
        p++;
    }
    t->name[n] = '\0';
    for (;;) {
        while (p < end && (is_html_space((unsigned char)*p) || *p == '/'))
            p++;
        if (p >= end)
            return end;
        if (*p == '>')
            return p + 1;
        const char *an = p;
        while (p < end && !is_html_space((unsigned char)*p) && *p != '=' && *p != '>' && *p != '/')
            p++;
        size_t an_len = (size_t)(p - an);
        while (p < end && is_html_space((unsigned char)*p))
            p++;
        const char *v = NULL;
        size_t v_len = 0;
        if (p < end && *p == '=') {
            p++;
            while (p < end && is_html_space((unsigned char)*p))
                p++;
            if (p < end && (*p == '"' || *p == '\'')) {
                char q = *p++;
                v = p;
                p = find_byte(p, end, q);
                v_len = (size_t)(p - v);
                if (p < end)
                    p++;
            } else {
                v = p;
                while (p < end && !is_html_space((unsigned char)*p) && *p != '>')
                    p++;
                v_len = (size_t)(p - v);
            }
        }
        if (an_len == 4 && strncasecmp(an, "type", 4) == 0 && v) {
            t->type = v;
            t->type_len = v_len;
        } else if (an_len == 5 && strncasecmp(an, "value", 5) == 0 && v) {
            t->value = v;
            t->value_len = v_len;
        }
    }
}

static bool input_shows_value(const tag_info *t)
{
    if (!t->value || t->value_len == 0)
        return false;
    char type[16] = "text";
    if (t->type) {
        size_t n = t->type_len < sizeof type - 1 ? t->type_len : sizeof type - 1;
        for (size_t i = 0; i < n; i++)
            type[i] = (char)tolower((unsigned char)t->type[i]);
        type[n] = '\0';
    }
    return !name_in(type, valueless_inputs);
}

/* Decodes entities of raw[0..n) into scratch and sends the result to the sink. */
static void sink_raw(text_sink *s, const char *raw, size_t n, char *scratch, bool preserve)
{
    size_t dl = xs_html_decode_entities(raw, n, scratch, n + 1);
    sink_text(s, scratch, dl, preserve);
}

size_t xs_dom_visible_text(const char *html, size_t len, char *out, size_t cap, bool *truncated)
{
    if (truncated)
        *truncated = false;
    if (cap == 0)
        return 0;
    text_sink s = {.out = out, .cap = cap};
    char *scratch = malloc(len + 1); /* decoded text is never longer than its source */
    if (!scratch) {
        out[0] = '\0';
        return 0;
    }
    const char *p = html, *end = html + len;
    unsigned preserve_depth = 0;
    while (p < end && !s.full) {
        if (*p != '<') {
            const char *lt = find_byte(p, end, '<');
            sink_raw(&s, p, (size_t)(lt - p), scratch, preserve_depth > 0);
            p = lt;
            continue;
        }
        const char *q = p + 1;
        if (end - p >= 4 && memcmp(p, "<!--", 4) == 0) {
            const char *close = xs_find_ci(p + 4, (size_t)(end - p - 4), "-->");
            p = close ? close + 3 : end;
        } else if (q < end && (*q == '!' || *q == '?')) {
            p = find_byte(q, end, '>');
            p = p < end ? p + 1 : end;
        } else if (q + 1 < end && *q == '/' && isalpha((unsigned char)q[1])) {
            tag_info t;
            p = parse_tag(q + 1, end, &t);
            if (name_in(t.name, preserving_elements) && preserve_depth > 0)
                preserve_depth--;
            if (name_in(t.name, block_elements))
                s.pending_newline = true;
            else if (name_in(t.name, cell_elements))
                s.pending_space = true;
        } else if (q < end && isalpha((unsigned char)*q)) {
            tag_info t;
            p = parse_tag(q, end, &t);
            if (name_in(t.name, hidden_elements)) {
                char close[20] = "</";
                strcat(close, t.name);
                const char *c = xs_find_ci(p, (size_t)(end - p), close);
                if (!c) {
                    p = end;
                } else {
                    p = find_byte(c, end, '>');
                    p = p < end ? p + 1 : end;
                }
                continue;
            }
            if (name_in(t.name, preserving_elements))
                preserve_depth++;
            if (name_in(t.name, block_elements))
                s.pending_newline = true;
            else if (name_in(t.name, cell_elements))
                s.pending_space = true;
            if (strcmp(t.name, "input") == 0 && input_shows_value(&t)) {
                s.pending_space = true;
                sink_raw(&s, t.value, t.value_len, scratch, false);
                s.pending_space = true;
            }
        } else {
            sink_raw(&s, p, 1, scratch, preserve_depth > 0); /* a lone '<' is text */
            p++;
        }
    }
    free(scratch);
    size_t n = s.full ? utf8_safe_end(out, s.len) : s.len;
    while (n > 0 && is_html_space((unsigned char)out[n - 1]))
        n--;
    out[n] = '\0';
    if (truncated)
        *truncated = s.full;
    return n;
}
