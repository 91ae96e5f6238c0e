/* Declarations shared by the files of src/http only. */
#ifndef XSWEEP_HTTP_INTERNAL_H
#define XSWEEP_HTTP_INTERNAL_H
#include <stddef.h>
#include <stdint.h>

#include <openssl/err.h>
#include <openssl/x509.h>

#include "xsweep/http.h"

/* Fills ci from a parsed certificate (xs_cert_info_clear releases it). */
void xs_cert_summarize(X509 *cert, xs_cert_info *ci);

#endif
