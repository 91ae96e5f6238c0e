/* The child -> parent message decoder: the one place where the privileged side reads bytes that
 * a compromised parser could have chosen. Every field is bounded and checked; see privsep.h. */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include "xsweep/auth.h"
#include "xsweep/privsep.h"

/* Keys the parent writes itself: stage fields may not shadow them. */
static const char *const parent_keys[] = {
    "ip", "port", "proto", "status", "ttl", "ts", "protocol", "severity", "severity_reason",
};

static bool json_ok(const char *s, size_t n)
{
    if (n < 2 || s[0] != '{' || s[n - 1] != '}' || memchr(s, '\n', n) || memchr(s, '\r', n) ||
        memchr(s, '\0', n))
        return false;
    json_error_t e;
    /* Trailing bytes are rejected; \u0000 is allowed (a body preview may hold NUL bytes). */
    json_t *v = json_loadb(s, n, JSON_REJECT_DUPLICATES | JSON_ALLOW_NUL, &e);
    bool ok = v && json_is_object(v);
    for (size_t i = 0; ok && i < sizeof parent_keys / sizeof parent_keys[0]; i++)
        ok = json_object_get(v, parent_keys[i]) == NULL;
    json_decref(v);
    return ok;
}

long xs_privsep_decode(const unsigned char *buf, size_t len, xs_ps_message *m)
{
    memset(m, 0, sizeof *m);
    xs_ps_header h;
    if (len < sizeof h)
        return 0;
    memcpy(&h, buf, sizeof h);
    if (h.magic != XS_PS_MAGIC || (h.type != XS_PS_RESULT && h.type != XS_PS_DONE) ||
        h.json_len > XS_PS_JSON_MAX || h.status_code < 0 || h.status_code > 999 ||
        h.auth_method > XS_AUTH_SSO || (h.flags & ~(uint32_t)(XS_PS_F_INTERRUPTED | XS_PS_F_PROBE)))
        return -1;
    if (h.type == XS_PS_DONE && (h.json_len || h.id || h.flags || h.status_code || h.auth_method))
        return -1;
    if (len - sizeof h < h.json_len)
        return 0;
    const char *json = (const char *)buf + sizeof h;
    if (h.type == XS_PS_RESULT && !json_ok(json, h.json_len))
        return -1;
    m->type = h.type;
    m->id = h.id;
    m->status_code = h.status_code;
    m->auth_method = h.auth_method;
    m->interrupted = h.flags & XS_PS_F_INTERRUPTED;
    m->probe = h.flags & XS_PS_F_PROBE;
    if (h.type == XS_PS_RESULT) {
        if (!(m->json = malloc(h.json_len + 1)))
            return -1;
        memcpy(m->json, json, h.json_len);
        m->json[h.json_len] = '\0';
        m->json_len = h.json_len;
    }
    return (long)(sizeof h + h.json_len);
}

void xs_ps_message_free(xs_ps_message *m)
{
    free(m->json);
    m->json = NULL;
}
