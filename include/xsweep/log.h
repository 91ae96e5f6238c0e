/* Diagnostics on standard error, by level: -v shows info, -vv debug; errors and warnings always. */
#ifndef XSWEEP_LOG_H
#define XSWEEP_LOG_H
#include <stdbool.h>
#include <stdio.h>

typedef enum { XS_LOG_ERROR = 0, XS_LOG_WARN = 1, XS_LOG_INFO = 2, XS_LOG_DEBUG = 3 } xs_log_level;

/* verbose = how many -v were given. */
void xs_log_set_verbosity(unsigned verbose);
/* Where messages go (default stderr; tests pass a memory stream). */
void xs_log_set_stream(FILE *f);
bool xs_log_enabled(xs_log_level level);
/* One line "xsweep: LEVEL: message"; thread-safe (one write per line). */
void xs_log(xs_log_level level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
