/* xsweep's data files (policies, rules, fingerprints): where they live, and reading one whole. */
#ifndef XSWEEP_DATAFILE_H
#define XSWEEP_DATAFILE_H
#include <stdbool.h>
#include <stddef.h>

#define XS_DATAFILE_MAX (1u << 20) /* rule and policy files are small; a bigger one is a mistake */

/* $XSWEEP_DATADIR/relative, or the compiled-in data directory's. 0, or -1 with err. */
int xs_data_path(char *out, size_t cap, const char *relative, char *err, size_t errlen);
/* The whole file, NUL-terminated, at most max bytes. NULL with "PATH: reason" in err. */
char *xs_read_whole_file(const char *path, size_t max, size_t *len, char *err, size_t errlen);
/* Reads path (or, when path is NULL, default_rel in the data directory) and hands the text to
 * parse, which names it by its path in error messages. Returns what parse returns, or NULL. */
typedef void *(*xs_text_parser)(const char *text, size_t len, const char *label, char *err,
                                size_t errlen);
void *xs_load_data_file(const char *path, const char *default_rel, xs_text_parser parse, char *err,
                        size_t errlen);
/* A rule file's lines, one at a time: the loop every rule loader shares. */
#define XS_RULE_LINE_MAX 4096u
typedef struct {
    const char *text;
    size_t len, pos;
    int lineno; /* of the line last returned, 1-based */
    char line[XS_RULE_LINE_MAX + 1];
} xs_rule_lines;
void xs_rule_lines_init(xs_rule_lines *r, const char *text, size_t len);
/* The next line that is neither blank nor a '#' comment, with outer blanks cut (points into
 * r->line, which the caller may modify). NULL at the end; NULL with *failed set and
 * "LABEL:N: reason" in err for a line longer than XS_RULE_LINE_MAX or holding a NUL byte. */
char *xs_rule_lines_next(xs_rule_lines *r, const char *label, bool *failed, char *err,
                         size_t errlen);
/* Splits off the next blank-separated token of a rule line in place; NULL at the end. */
char *xs_next_token(char **cursor);
/* A rule id: [a-z0-9._-], starting with a letter or digit, shorter than max. */
bool xs_valid_rule_id(const char *s, size_t max);
/* printf into err when there is room for it (err may be NULL). */
void xs_set_error(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#endif
