/* libFuzzer: SSO hand-off evidence in hostile HTML (gumbo parse, meta refresh, script location,
 * forms, SAML inputs) and the URL matcher on the same bytes. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "xsweep/auth.h"
#include "../../src/auth/sso_markers.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    bool found = false;
    const char *marker = NULL;
    bool login = false;
    xs_sso_provider p = xs_sso_page_evidence(data, size, &found, &marker, &login);
    if (!found && p != XS_SSO_NONE)
        abort();
    char *s = malloc(size + 1);
    if (s) {
        memcpy(s, data, size);
        s[size] = '\0';
        xs_sso_provider q;
        (void)xs_auth_sso_url(s, &q, NULL);
        (void)xs_auth_provider_for_host(s);
        size_t n = 0;
        const char *u = xs_auth_refresh_url(s, &n);
        if (u && (u < s || u + n > s + size))
            abort();
        free(s);
    }
    return 0;
}
