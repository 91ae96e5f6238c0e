/* Pause and resume: a checkpoint file that is a config file (every option, the seed, and where
 * each pass got to), and reading back what an interrupted run already wrote. */
#ifndef XSWEEP_RESUME_H
#define XSWEEP_RESUME_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "xsweep/hostkey.h"
#include "xsweep/options.h"
#include "xsweep/output.h"

typedef struct {
    int fd; /* kept open: checkpoints still work after privileges are dropped */
    char *path;
    xs_host_key key; /* the MAC key of the last line */
    bool created;    /* this run created the file (an early failure removes it again) */
} xs_resume;

/* Creates (or takes over) path, mode 0600, never through a symbolic link (safe_open.h). 0 or -1
 * with err. */
int xs_resume_open(xs_resume *r, const char *path, const xs_host_key *key, char *err,
                   size_t errlen);
/* Rewrites the file in place: options (with the seed made explicit), positions per pass, and a
 * checksum line so that a torn write is detected instead of trusted. 0 or -1. */
int xs_resume_save(xs_resume *r, const xs_options *o, uint64_t seed, int64_t db_sweep,
                   const uint64_t *pos, unsigned npasses);
/* The scan completed: remove the file (or, where the directory forbids it, mark it complete). */
void xs_resume_finish(xs_resume *r);
void xs_resume_close(xs_resume *r);
/* Reads a resume file and checks its last line, the MAC of everything before it. Returns the
 * verified text without the MAC line (NUL-terminated, *len bytes; the caller frees it), or NULL
 * with err (damaged, changed, not ours, or already complete). */
char *xs_resume_verify(const char *path, const xs_host_key *key, size_t *len, char *err,
                       size_t errlen);

/* Reads back, through the format's module, the records an earlier run wrote to an output file,
 * and cuts the file back to the end of the last one (a torn line and the footer go; a file with
 * none is emptied). Calls add for each record; *start_s gets the header's start time when the
 * format has one. Returns records read (0 when the file does not exist), or -1 with err. */
struct xs_read_record;
long xs_output_replay(const char *path, xs_format fmt,
                      void (*add)(const struct xs_read_record *rec, void *arg), void *arg,
                      uint64_t *start_s, char *err, size_t errlen);

#endif
