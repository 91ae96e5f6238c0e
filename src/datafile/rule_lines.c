/* Line walking shared by the rule loaders (findings, host-config checks, severity policies). */
#include <ctype.h>
#include <string.h>
#include "xsweep/datafile.h"

void xs_rule_lines_init(xs_rule_lines *r, const char *text, size_t len)
{
    r->text = text;
    r->len = len;
    r->pos = 0;
    r->lineno = 0;
    r->line[0] = '\0';
}

char *xs_rule_lines_next(xs_rule_lines *r, const char *label, bool *failed, char *err,
                         size_t errlen)
{
    *failed = false;
    while (r->pos < r->len) {
        const char *start = r->text + r->pos;
        const char *nl = memchr(start, '\n', r->len - r->pos);
        size_t n = nl ? (size_t)(nl - start) : r->len - r->pos;
        r->pos += n + (nl != NULL);
        r->lineno++;
        /* Refused, not cut: a truncated or NUL-split rule would silently mean something else. */
        if (n > XS_RULE_LINE_MAX) {
            xs_set_error(err, errlen, "%s:%d: line longer than %u bytes", label, r->lineno,
                         XS_RULE_LINE_MAX);
            *failed = true;
            return NULL;
        }
        if (memchr(start, '\0', n)) {
            xs_set_error(err, errlen, "%s:%d: NUL byte in line", label, r->lineno);
            *failed = true;
            return NULL;
        }
        memcpy(r->line, start, n);
        r->line[n] = '\0';
        while (n && isspace((unsigned char)r->line[n - 1]))
            r->line[--n] = '\0';
        char *s = r->line;
        while (isspace((unsigned char)*s))
            s++;
        if (*s && *s != '#')
            return s;
    }
    return NULL;
}
