/* The conversation per protocol: which kind a port gets, what we send first, and what we do with
 * each answer. Pure: no sockets here, so the whole exchange is unit-testable and fuzzable. */
#include <stdio.h>
#include <string.h>

#include "probe_internal.h"
#include "xsweep/targets.h"

/* ---------------------------------------------------------------- names and ports */
const char *xs_probe_kind_name(xs_probe_kind k)
{
    static const char *const names[XS_PROBE_KIND_COUNT] = {
        [XS_PROBE_AUTO] = "auto",
        [XS_PROBE_BANNER] = "banner",
        [XS_PROBE_SSH] = "ssh",
        [XS_PROBE_FTP] = "ftp",
        [XS_PROBE_SMTP] = "smtp",
        [XS_PROBE_REDIS] = "redis",
        [XS_PROBE_MEMCACHED] = "memcached",
        [XS_PROBE_MYSQL] = "mysql",
        [XS_PROBE_POSTGRES] = "postgresql",
        [XS_PROBE_MONGODB] = "mongodb",
        [XS_PROBE_ELASTICSEARCH] = "elasticsearch",
        [XS_PROBE_MSSQL] = "mssql",
        [XS_PROBE_RDP] = "rdp",
        [XS_PROBE_SMB] = "smb",
        [XS_PROBE_CASSANDRA] = "cassandra",
        [XS_PROBE_HTTP_STAGE] = "http",
        [XS_PROBE_TLS] = "tls",
        [XS_PROBE_SMB1] = "smb1",
        [XS_PROBE_LDAP] = "ldap",
        [XS_PROBE_XMPP] = "xmpp",
    };
    return (unsigned)k < XS_PROBE_KIND_COUNT ? names[k] : "?";
}

const char *xs_probe_auth_name(xs_probe_auth a)
{
    switch (a) {
    case XS_PROBE_AUTH_NONE:
        return "none";
    case XS_PROBE_AUTH_REQUIRED:
        return "required";
    default:
        return "unknown";
    }
}

const char *xs_probe_error_name(xs_probe_error e)
{
    switch (e) {
    case XS_PROBE_ERR_NONE:
        return "none";
    case XS_PROBE_ERR_CONNECT_REFUSED:
        return "connect_refused";
    case XS_PROBE_ERR_CONNECT_TIMEOUT:
        return "connect_timeout";
    case XS_PROBE_ERR_NO_RESPONSE:
        return "no_response";
    case XS_PROBE_ERR_RESET:
        return "reset";
    case XS_PROBE_ERR_UNRECOGNIZED:
        return "unrecognized";
    case XS_PROBE_ERR_NETWORK:
        return "network";
    }
    return "?";
}

xs_probe_kind xs_probe_kind_by_name(const char *name, size_t len)
{
    for (int k = XS_PROBE_BANNER; k < XS_PROBE_KIND_COUNT; k++) {
        const char *n = xs_probe_kind_name((xs_probe_kind)k);
        if (strlen(n) == len && strncmp(n, name, len) == 0)
            return (xs_probe_kind)k;
    }
    return XS_PROBE_KIND_COUNT;
}

/* The service table's first probe for the port. */
xs_probe_kind xs_probe_kind_for_port(uint16_t port)
{
    const char *p = xs_service_or_default(port)->probe;
    xs_probe_kind k = xs_probe_kind_by_name(p, strlen(p));
    return k == XS_PROBE_KIND_COUNT ? XS_PROBE_BANNER : k;
}

size_t xs_probe_fallbacks_for_port(uint16_t port, xs_probe_kind out[XS_PROBE_MAX_FALLBACKS])
{
    const xs_supported_port *row = xs_service_or_default(port);
    xs_probe_kind first = xs_probe_kind_for_port(port);
    const char *p = xs_service_fallbacks(row);
    size_t n = 0;
    while (*p && n < XS_PROBE_MAX_FALLBACKS) {
        size_t len = strcspn(p, ",");
        xs_probe_kind k = xs_probe_kind_by_name(p, len);
        if (k != XS_PROBE_KIND_COUNT && k != first)
            out[n++] = k;
        p += len + (p[len] == ',');
    }
    return n;
}

/* ---------------------------------------------------------------- helpers for the modules */
size_t probe_put(unsigned char *out, size_t cap, const void *src, size_t len)
{
    if (len > cap)
        return 0;
    memcpy(out, src, len);
    return len;
}

xs_probe_step probe_fallback(const unsigned char *in, size_t len, bool final, xs_probe_info *info)
{
    xs_probe_parse r = xs_probe_identify(in, len, final, info);
    return (r == XS_PROBE_PARSE_MORE && !final) ? XS_PROBE_STEP_MORE : XS_PROBE_STEP_DONE;
}

bool probe_expect(xs_probe_parse (*fn)(const unsigned char *, size_t, bool, xs_probe_info *),
                  const unsigned char *in, size_t len, bool final, xs_probe_info *info,
                  xs_probe_step *st)
{
    xs_probe_parse r = fn(in, len, final, info);
    if (r == XS_PROBE_PARSE_OK)
        return true;
    if (r == XS_PROBE_PARSE_MORE)
        *st = final ? XS_PROBE_STEP_DONE : XS_PROBE_STEP_MORE;
    else
        *st = fn == xs_probe_identify ? XS_PROBE_STEP_DONE : probe_fallback(in, len, final, info);
    return false;
}

xs_probe_step probe_single(xs_probe_parse (*fn)(const unsigned char *, size_t, bool,
                                                xs_probe_info *),
                           const unsigned char *in, size_t len, bool final, xs_probe_info *info)
{
    xs_probe_step st = XS_PROBE_STEP_DONE;
    probe_expect(fn, in, len, final, info, &st);
    return st;
}

xs_probe_step probe_last(xs_probe_parse (*fn)(const unsigned char *, size_t, bool, xs_probe_info *),
                         const unsigned char *in, size_t len, bool final, xs_probe_info *info)
{
    xs_probe_parse r = fn(in, len, final, info);
    return (r == XS_PROBE_PARSE_MORE && !final) ? XS_PROBE_STEP_MORE : XS_PROBE_STEP_DONE;
}

xs_probe_step probe_send_close(const char *what, unsigned char *out, size_t cap, size_t *out_len)
{
    *out_len = probe_put(out, cap, what, strlen(what));
    return *out_len ? XS_PROBE_STEP_SEND_CLOSE : XS_PROBE_STEP_DONE;
}

xs_probe_step probe_send_bytes(unsigned *step, const void *what, size_t len, unsigned char *out,
                               size_t cap, size_t *out_len)
{
    *out_len = probe_put(out, cap, what, len);
    (*step)++;
    return *out_len ? XS_PROBE_STEP_SEND : XS_PROBE_STEP_DONE;
}

xs_probe_step probe_send_next(unsigned *step, const char *what, unsigned char *out, size_t cap,
                              size_t *out_len)
{
    return probe_send_bytes(step, what, strlen(what), out, cap, out_len);
}

/* ---------------------------------------------------------------- dispatch through the modules */
size_t xs_probe_first_request(xs_probe_kind kind, const xs_addr *addr, uint16_t port,
                              unsigned char *out, size_t cap)
{
    const xs_probe_module *m = xs_probe_module_get(kind);
    return m && m->request ? m->request(addr, port, out, cap) : 0; /* 0: the server speaks first */
}

xs_probe_step xs_probe_feed(xs_probe_kind kind, unsigned *step, const unsigned char *in, size_t len,
                            bool final, xs_probe_info *info, unsigned char *out, size_t cap,
                            size_t *out_len)
{
    *out_len = 0;
    const xs_probe_module *m = xs_probe_module_get(kind);
    if (!m)
        return probe_fallback(in, len, final, info);
    if (!m->reply) /* one answer, read through the module's parser */
        return probe_single(m->identify, in, len, final, info);
    return m->reply(step, in, len, final, info, out, cap, out_len);
}
