/* The result record: names, lookup and release. */
#include <stdlib.h>
#include <strings.h>

#include "xsweep/http.h"

const char *xs_http_error_name(xs_http_error e)
{
    switch (e) {
    case XS_HTTP_ERR_NONE:
        return "none";
    case XS_HTTP_ERR_CONNECT_REFUSED:
        return "connect_refused";
    case XS_HTTP_ERR_TIMEOUT:
        return "timeout";
    case XS_HTTP_ERR_RESET:
        return "reset";
    case XS_HTTP_ERR_TLS_FAILED:
        return "tls_failed";
    case XS_HTTP_ERR_NOT_HTTP:
        return "not_http";
    case XS_HTTP_ERR_INVALID_PATH:
        return "invalid_path";
    case XS_HTTP_ERR_NETWORK:
        return "network";
    }
    return "unknown";
}

const char *xs_http_result_header(const xs_http_result *r, const char *name)
{
    for (size_t i = 0; i < r->n_headers; i++)
        if (strcasecmp(r->headers[i].name, name) == 0)
            return r->headers[i].value;
    return NULL;
}

void xs_http_result_free(xs_http_result *r)
{
    if (!r)
        return;
    free(r->host);
    free(r->path);
    free(r->status_line);
    free(r->title);
    free(r->body_preview);
    free(r->headers); /* the pair array and its string arena are one block */
    free(r->set_cookies);
    free(r->raw_headers);
    free(r->body);
    xs_cert_info_clear(&r->tls.cert);
    free(r);
}
