/* libFuzzer target: the check template loader (libyaml + the nuclei-subset walker) on arbitrary
 * text; a template that loads is matched against a fixed response so every matcher kind runs.
 * The same bytes also go through the page parser (links and forms of hostile HTML). */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "../../src/checks/check_internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char err[256];
    check_tmpl t;
    if (check_tmpl_parse((const char *)data, size, &t, err, sizeof err) == 0) {
        char head[] = "Server: x\r\nLocation: //xsweep-redirect.invalid/\r\n";
        char body[] = "ref: refs/heads/main\n<html>root:x:0:0:</html>";
        check_response r = {.status = 200,
                            .head = head,
                            .head_len = sizeof head - 1,
                            .body = body,
                            .body_len = sizeof body - 1,
                            .seconds = 0.5};
        char out[64];
        for (size_t i = 0; i < t.nreq; i++) {
            check_match(&t.req[i], &r, "xsw00000000");
            check_extract(&t.req[i], &r, out, sizeof out);
        }
        check_tmpl_free(&t);
    }
    check_page p;
    check_page_parse((const char *)data, size, "/a/b", &p);
    check_page_free(&p);
    return 0;
}
