/* libFuzzer: hostile HTML against the real Wappalyzer data's dom selectors (the 3-gram prefilter,
 * the flat start-tag scan, gumbo's tree walk with descendant combinators and text conditions). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "xsweep/fingerprint.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static xs_fp_db *db;
    static xs_fp_matcher *m;
    if (!db) {
        char err[256];
        if (!(db = xs_fp_db_load(XS_DATADIR "/fingerprints", err, sizeof err))) {
            fprintf(stderr, "fuzz_dom: %s\n", err);
            abort();
        }
        m = xs_fp_matcher_new(db);
    }
    xs_fp_input in = {.url = "http://192.0.2.1/", .body = (const char *)data, .body_len = size};
    xs_fp_result r = {0};
    xs_fp_match(m, &in, &r);
    xs_fp_result_free(&r);
    return 0;
}
