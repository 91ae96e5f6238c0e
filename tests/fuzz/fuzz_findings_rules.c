/* libFuzzer target: the findings rule loader on arbitrary text; a loaded db then scans and redacts
 * a small fixed response so rule options (group, check, count, redact) run on real matches. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "xsweep/findings.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char err[256];
    xs_findings_db *db =
        xs_findings_load_buffer((const char *)data, size, "fuzz.rules", err, sizeof err);
    if (!db)
        return 0;
    static const char page[] =
        "<title>t AKIAQWERTYUIOPASDFGH</title> password=s3cr3t! a@b.example 4111 1111 1111 1111";
    char body[sizeof page], title[] = "t AKIAQWERTYUIOPASDFGH",
                            raw[] = "HTTP/1.1 200 OK\r\nX-K: tok3n-123\r\n";
    char hval[] = "tok3n-123";
    memcpy(body, page, sizeof page);
    char preview[sizeof page];
    memcpy(preview, page, sizeof page);
    xs_http_header h = {"X-K", hval};
    xs_http_result r = {
        .status_text = "HTTP/1.1 200 OK",
        .status_code = 200,
        .title = title,
        .body = (unsigned char *)body,
        .body_len = sizeof page - 1,
        .body_preview = preview,
        .body_preview_len = sizeof page - 1,
        .headers = &h,
        .n_headers = 1,
        .raw_headers = raw,
        .raw_headers_len = sizeof raw - 1,
    };
    xs_finding_list l = {0};
    xs_findings_scan(db, &r, &l);
    xs_findings_redact(&r, &l);
    xs_finding_list_free(&l);
    xs_findings_free(db);
    return 0;
}
