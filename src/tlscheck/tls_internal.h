/* The TLS audit's parts: hand-built hellos (tls_hello.c) and the audit itself (tls_audit.c). */
#ifndef XSWEEP_TLS_INTERNAL_H
#define XSWEEP_TLS_INTERNAL_H
#include <stddef.h>
#include <stdint.h>
#include "xsweep/addr.h"
#include "xsweep/checks.h"

/* A ClientHello record offering suites (plus the renegotiation SCSV) at version (0x0300 SSLv3:
 * no extensions). Returns its length, 0 when cap is too small. */
size_t tls_build_hello(unsigned char *b, size_t cap, unsigned version, const uint16_t *suites,
                       size_t nsuites, const char *sni);
/* 1 with the ServerHello's version and suite, 0 when the server refused (alert, other reply),
 * -1 when nothing came back. */
int tls_read_server_hello(int fd, unsigned *version, unsigned *suite);

/* The protocol's upgrade on a fresh connection (tls_starttls.c): 0 when the server is ready for
 * the ClientHello, -1 when it refused or did not answer. NONE: 0 at once. */
int tls_starttls(int fd, xs_starttls kind);

int check_connect(const xs_addr *addr, uint16_t port, unsigned timeout_ms);
extern _Thread_local uint64_t check_last_connect_ns;

#endif
