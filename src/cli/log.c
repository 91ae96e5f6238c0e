/* The logging helper: one level threshold, one line per message, written in one call. */
#include <stdarg.h>
#include <stdatomic.h>
#include "xsweep/log.h"

static atomic_int threshold = XS_LOG_WARN;
static FILE *_Atomic stream;

void xs_log_set_verbosity(unsigned verbose)
{
    atomic_store(&threshold, verbose >= 2   ? XS_LOG_DEBUG
                             : verbose == 1 ? XS_LOG_INFO
                                            : XS_LOG_WARN);
}

void xs_log_set_stream(FILE *f)
{
    atomic_store(&stream, f);
}

bool xs_log_enabled(xs_log_level level)
{
    return (int)level <= atomic_load(&threshold);
}

void xs_log(xs_log_level level, const char *fmt, ...)
{
    static const char *names[] = {"error", "warning", "info", "debug"};
    if (!xs_log_enabled(level))
        return;
    char line[1024];
    int n = snprintf(line, sizeof line, "xsweep: %s: ", names[level]);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line + n, sizeof line - (size_t)n - 1, fmt, ap);
    va_end(ap);
    FILE *f = atomic_load(&stream);
    if (!f)
        f = stderr;
    fprintf(f, "%s\n", line); /* one stdio call: lines of two threads never interleave */
    fflush(f);
}
