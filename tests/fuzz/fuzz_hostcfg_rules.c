/* libFuzzer target: the host configuration rule loader on arbitrary text; a loaded db is then
 * evaluated on a small fixed HTTPS response so every condition kind runs. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include "xsweep/hostcfg.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char err[256];
    xs_hostcfg_db *db =
        xs_hostcfg_load_buffer((const char *)data, size, "fuzz.rules", err, sizeof err);
    if (!db)
        return 0;
    char body[] = "<title>Index of /</title><a href=\".git/\">", title[] = "Index of /";
    char n0[] = "Server", v0[] = "nginx/1.24.0", n1[] = "Set-Cookie", v1[] = "a=b; Secure";
    xs_http_header h[2] = {{n0, v0}, {n1, v1}};
    xs_http_result r = {
        .status_text = "HTTP/1.1 200 OK",
        .status_code = 200,
        .title = title,
        .body = (unsigned char *)body,
        .body_len = sizeof body - 1,
        .headers = h,
        .n_headers = 2,
        .server = v0,
    };
    r.tls.used = true;
    r.tls.have_cert = true;
    strcpy(r.tls.version, "TLSv1.1");
    strcpy(r.tls.cert.not_after, "2025-07-01T00:00:00Z");
    xs_hostcfg_list l = {0};
    xs_hostcfg_eval(db, &r, 443, 1750000000ull * 1000000000ull, &l);
    xs_hostcfg_list_free(&l);
    xs_hostcfg_free(db);
    return 0;
}
