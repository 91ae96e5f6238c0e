/* What the agent's files share. */
#ifndef XSWEEP_AGENT_INTERNAL_H
#define XSWEEP_AGENT_INTERNAL_H
#include <stddef.h>
#include "xsweep/agent.h"

/* Writes DIR/NAME atomically and durably. */
int xs_agent_write_atomic(const char *dir, const char *name, const char *body, char *err,
                          size_t errlen);
/* The names in dir ending in suffix, sorted. */
size_t xs_agent_list(const char *dir, const char *suffix, char ***names);
void xs_agent_list_free(char **names, size_t n);
/* The whole file (at most max bytes, NUL-terminated), or NULL. */
char *xs_agent_read_file(const char *path, size_t max);

/* HTTPS to the platform: GET (*body malloc'd) or POST. Returns the HTTP status, or -1 with the
 * reason in err (connection, TLS verification, timeout). */
typedef struct xs_agent_http xs_agent_http;
xs_agent_http *xs_agent_http_new(const xs_agent_config *c);
void xs_agent_http_free(xs_agent_http *h);
long xs_agent_get(xs_agent_http *h, const char *path, char **body, char *err, size_t errlen);
long xs_agent_post(xs_agent_http *h, const char *path, const char *json, char *err, size_t errlen);

#endif
