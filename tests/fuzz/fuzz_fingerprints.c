/* libFuzzer target: the Wappalyzer data loader from memory, then one match.
 * Input: categories JSON, a NUL byte, technologies JSON (no NUL: technologies only). The input is
 * also used as the response body, so the compiled patterns run on related text. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include "xsweep/fingerprint.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *text = (const char *)data;
    const char *nul = memchr(text, '\0', size);
    const char *cats = nul ? text : NULL;
    size_t cats_len = nul ? (size_t)(nul - text) : 0;
    const char *techs = nul ? nul + 1 : text;
    size_t techs_len = nul ? size - cats_len - 1 : size;
    char err[256];
    xs_fp_db *db = xs_fp_db_load_buffers(cats, cats_len, techs, techs_len, err, sizeof err);
    if (!db)
        return 0;
    xs_fp_matcher *m = xs_fp_matcher_new(db);
    if (m) {
        xs_fp_pair h[] = {
            {"Server", "nginx/1.2"}, {"Set-Cookie", "a=b; path=/"}, {"X-Powered-By", "PHP"}};
        xs_fp_input in = {.url = "http://x.test/admin/",
                          .headers = h,
                          .nheaders = 3,
                          .body = text,
                          .body_len = size};
        xs_fp_result r = {0};
        xs_fp_match(m, &in, &r);
        xs_fp_result_free(&r);
        xs_fp_matcher_free(m);
    }
    xs_fp_db_free(db);
    return 0;
}
