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
        [XS_PROBE_AUTO] = "auto", [XS_PROBE_BANNER] = "banner", [XS_PROBE_SSH] = "ssh",
        [XS_PROBE_FTP] = "ftp", [XS_PROBE_SMTP] = "smtp", [XS_PROBE_REDIS] = "redis",
        [XS_PROBE_MEMCACHED] = "memcached", [XS_PROBE_MYSQL] = "mysql",
        [XS_PROBE_POSTGRES] = "postgresql", [XS_PROBE_MONGODB] = "mongodb",
        [XS_PROBE_ELASTICSEARCH] = "elasticsearch", [XS_PROBE_MSSQL] = "mssql",
        [XS_PROBE_RDP] = "rdp", [XS_PROBE_SMB] = "smb", [XS_PROBE_CASSANDRA] = "cassandra",
        [XS_PROBE_HTTP_STAGE] = "http", [XS_PROBE_TLS] = "tls", [XS_PROBE_SMB1] = "smb1",
    };
    return (unsigned)k < XS_PROBE_KIND_COUNT ? names[k] : "?";
}

const char *xs_probe_auth_name(xs_probe_auth a)
{
    switch (a) {
    case XS_PROBE_AUTH_NONE: return "none";
    case XS_PROBE_AUTH_REQUIRED: return "required";
    default: return "unknown";
    }
}

const char *xs_probe_error_name(xs_probe_error e)
{
    switch (e) {
    case XS_PROBE_ERR_NONE: return "none";
    case XS_PROBE_ERR_CONNECT_REFUSED: return "connect_refused";
    case XS_PROBE_ERR_CONNECT_TIMEOUT: return "connect_timeout";
    case XS_PROBE_ERR_NO_RESPONSE: return "no_response";
    case XS_PROBE_ERR_RESET: return "reset";
    case XS_PROBE_ERR_UNRECOGNIZED: return "unrecognized";
    case XS_PROBE_ERR_NETWORK: return "network";
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

/* ---------------------------------------------------------------- requests */
/* OP_MSG { isMaster: 1, $db: "admin" } (isMaster rather than hello: every server since 3.6). */
static const unsigned char mongo_ismaster[] = {
    55, 0, 0, 0,  0x78, 0x73, 0x70, 0x62,  0, 0, 0, 0,  0xdd, 0x07, 0, 0, /* header, OP_MSG */
    0, 0, 0, 0,                                                         /* flagBits */
    0,                                                                  /* section kind 0 */
    34, 0, 0, 0,
    0x10, 'i', 's', 'M', 'a', 's', 't', 'e', 'r', 0, 1, 0, 0, 0,
    0x02, '$', 'd', 'b', 0, 6, 0, 0, 0, 'a', 'd', 'm', 'i', 'n', 0,
    0,
};

/* TDS PRELOGIN: VERSION, ENCRYPTION (off), INSTOPT (""), THREADID, MARS, terminator, data. */
static const unsigned char mssql_prelogin[] = {
    0x12, 0x01, 0x00, 0x2f, 0x00, 0x00, 0x01, 0x00,
    0x00, 0x00, 0x1a, 0x00, 0x06,  0x01, 0x00, 0x20, 0x00, 0x01,  0x02, 0x00, 0x21, 0x00, 0x01,
    0x03, 0x00, 0x22, 0x00, 0x04,  0x04, 0x00, 0x26, 0x00, 0x01,  0xff,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00,  0x00,  0x00,  0x00, 0x00, 0x00, 0x00,  0x00,
};

/* TPKT + X.224 Connection Request + RDP_NEG_REQ asking for SSL | HYBRID (what mstsc asks). */
static const unsigned char rdp_x224[] = {
    0x03, 0x00, 0x00, 0x13,  0x0e, 0xe0, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x01, 0x00, 0x08, 0x00, 0x03, 0x00, 0x00, 0x00,
};

/* NetBIOS + SMB2 header + NEGOTIATE for 2.0.2, 2.1, 3.0, 3.0.2 (3.1.1 needs negotiate contexts). */
static const unsigned char smb2_negotiate[] = {
    0x00, 0x00, 0x00, 0x6c,
    0xfe, 'S', 'M', 'B', 0x40, 0x00, 0x00, 0x00,  0x00, 0x00, 0x00, 0x00,  0x00, 0x00, 0x01, 0x00,
    0x00, 0x00, 0x00, 0x00,  0x00, 0x00, 0x00, 0x00,  0, 0, 0, 0, 0, 0, 0, 0,  0, 0, 0, 0,
    0, 0, 0, 0,  0, 0, 0, 0, 0, 0, 0, 0,  0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0x24, 0x00, 0x04, 0x00, 0x01, 0x00, 0x00, 0x00,  0x00, 0x00, 0x00, 0x00,
    'x', 's', 'w', 'e', 'e', 'p', '-', 'p', 'r', 'o', 'b', 'e', 0, 0, 0, 1,
    0, 0, 0, 0, 0, 0, 0, 0,
    0x02, 0x02, 0x10, 0x02, 0x00, 0x03, 0x02, 0x03,
};

/* CQL v4 OPTIONS (stream 0) and STARTUP {CQL_VERSION: 3.0.0} (stream 1), no credentials. */
static const unsigned char cql_options[] = {0x04, 0x00, 0x00, 0x00, 0x05, 0x00, 0x00, 0x00, 0x00};
static const unsigned char cql_startup[] = {
    0x04, 0x00, 0x00, 0x01, 0x01, 0x00, 0x00, 0x00, 0x16,
    0x00, 0x01, 0x00, 0x0b, 'C', 'Q', 'L', '_', 'V', 'E', 'R', 'S', 'I', 'O', 'N',
    0x00, 0x05, '3', '.', '0', '.', '0',
};

/* PostgreSQL SSLRequest: length 8, code 80877103. */
static const unsigned char pg_sslrequest[] = {0x00, 0x00, 0x00, 0x08, 0x04, 0xd2, 0x16, 0x2f};

static size_t put(unsigned char *out, size_t cap, const void *src, size_t len)
{
    if (len > cap)
        return 0;
    memcpy(out, src, len);
    return len;
}

size_t xs_probe_first_request(xs_probe_kind kind, uint32_t ip, uint16_t port, unsigned char *out,
                              size_t cap)
{
    switch (kind) {
    case XS_PROBE_REDIS: return put(out, cap, "PING\r\n", 6);
    case XS_PROBE_MEMCACHED: return put(out, cap, "version\r\n", 9);
    case XS_PROBE_POSTGRES: return put(out, cap, pg_sslrequest, sizeof pg_sslrequest);
    case XS_PROBE_MONGODB: return put(out, cap, mongo_ismaster, sizeof mongo_ismaster);
    case XS_PROBE_MSSQL: return put(out, cap, mssql_prelogin, sizeof mssql_prelogin);
    case XS_PROBE_RDP: return put(out, cap, rdp_x224, sizeof rdp_x224);
    case XS_PROBE_SMB: return put(out, cap, smb2_negotiate, sizeof smb2_negotiate);
    case XS_PROBE_CASSANDRA: return put(out, cap, cql_options, sizeof cql_options);
    case XS_PROBE_SMB1: return probe_smb1_request(out, cap);
    case XS_PROBE_ELASTICSEARCH: {
        int w = snprintf((char *)out, cap,
                         "GET / HTTP/1.1\r\nHost: %u.%u.%u.%u:%u\r\nUser-Agent: xsweep/0.1\r\n"
                         "Accept: application/json\r\nConnection: close\r\n\r\n",
                         ip >> 24, (ip >> 16) & 0xff, (ip >> 8) & 0xff, ip & 0xff, port);
        return (w > 0 && (size_t)w < cap) ? (size_t)w : 0;
    }
    default: return 0;             /* SSH, FTP, SMTP, MySQL, banner: the server speaks first */
    }
}

/* ---------------------------------------------------------------- the exchange */
typedef xs_probe_parse (*parser_fn)(const unsigned char *, size_t, bool, xs_probe_info *);

/* The expected protocol did not answer: name whatever did. */
static xs_probe_step fallback(const unsigned char *in, size_t len, bool final, xs_probe_info *info)
{
    xs_probe_parse r = xs_probe_identify(in, len, final, info);
    return (r == XS_PROBE_PARSE_MORE && !final) ? XS_PROBE_STEP_MORE : XS_PROBE_STEP_DONE;
}

static xs_probe_step single(parser_fn fn, const unsigned char *in, size_t len, bool final,
                            xs_probe_info *info)
{
    xs_probe_parse r = fn(in, len, final, info);
    if (r == XS_PROBE_PARSE_MORE)
        return final ? XS_PROBE_STEP_DONE : XS_PROBE_STEP_MORE;
    if (r == XS_PROBE_PARSE_OK)
        return XS_PROBE_STEP_DONE;
    return fallback(in, len, final, info);
}

xs_probe_step xs_probe_feed(xs_probe_kind kind, unsigned *step, const unsigned char *in, size_t len,
                            bool final, xs_probe_info *info, unsigned char *out, size_t cap,
                            size_t *out_len)
{
    *out_len = 0;
    xs_probe_parse r;
    switch (kind) {
    case XS_PROBE_SSH:
        if (*step > 0)
            return probe_ssh_kexinit(step, in, len, final, info, out, cap, out_len);
        r = xs_probe_parse_ssh(in, len, final, info);
        if (r != XS_PROBE_PARSE_OK)
            return single(xs_probe_parse_ssh, in, len, final, info);
        if (final || strncmp((const char *)info->banner, "SSH-2.0", 7) != 0)
            return XS_PROBE_STEP_DONE;
        *out_len = put(out, cap, "SSH-2.0-xsweep_0.1\r\n", 20);   /* then the server's KEXINIT */
        (*step)++;
        return *out_len ? XS_PROBE_STEP_SEND : XS_PROBE_STEP_DONE;
    case XS_PROBE_FTP:
        if (*step > 0)
            return probe_ftp_login(step, in, len, final, info, out, cap, out_len);
        r = xs_probe_parse_ftp(in, len, final, info);
        if (r != XS_PROBE_PARSE_OK)
            return single(xs_probe_parse_ftp, in, len, final, info);
        if (final || probe_reply_code(in, len, final) != 220)
            return XS_PROBE_STEP_DONE;
        *out_len = put(out, cap, "USER anonymous\r\n", 16);
        (*step)++;
        return *out_len ? XS_PROBE_STEP_SEND : XS_PROBE_STEP_DONE;
    case XS_PROBE_SMB1:
        return probe_smb1_negotiate(step, in, len, final, info, out, cap, out_len);
    case XS_PROBE_MEMCACHED: return single(xs_probe_parse_memcached, in, len, final, info);
    case XS_PROBE_MYSQL: return single(xs_probe_parse_mysql, in, len, final, info);
    case XS_PROBE_POSTGRES: return single(xs_probe_parse_postgres, in, len, final, info);
    case XS_PROBE_MONGODB: return single(xs_probe_parse_mongodb, in, len, final, info);
    case XS_PROBE_ELASTICSEARCH: return single(xs_probe_parse_elasticsearch, in, len, final, info);
    case XS_PROBE_MSSQL: return single(xs_probe_parse_mssql, in, len, final, info);
    case XS_PROBE_RDP: return single(xs_probe_parse_rdp, in, len, final, info);
    case XS_PROBE_SMB: return single(xs_probe_parse_smb, in, len, final, info);

    case XS_PROBE_SMTP:
        if (*step > 0)
            return probe_smtp_ehlo(step, in, len, final, info, out, cap, out_len);
        r = xs_probe_parse_smtp(in, len, final, info);
        if (r == XS_PROBE_PARSE_MORE)
            return final ? XS_PROBE_STEP_DONE : XS_PROBE_STEP_MORE;
        if (r == XS_PROBE_PARSE_BAD)
            return fallback(in, len, final, info);
        if (final || probe_reply_code(in, len, final) != 220) {
            *out_len = put(out, cap, "QUIT\r\n", 6);     /* leave politely */
            return *out_len ? XS_PROBE_STEP_SEND_CLOSE : XS_PROBE_STEP_DONE;
        }
        *out_len = put(out, cap, "EHLO xsweep.invalid\r\n", 21);   /* STARTTLS offered? */
        (*step)++;
        return *out_len ? XS_PROBE_STEP_SEND : XS_PROBE_STEP_DONE;

    case XS_PROBE_REDIS:
        if (*step == 0) {
            r = xs_probe_parse_redis_ping(in, len, final, info);
            if (r == XS_PROBE_PARSE_MORE)
                return final ? XS_PROBE_STEP_DONE : XS_PROBE_STEP_MORE;
            if (r == XS_PROBE_PARSE_BAD)
                return fallback(in, len, final, info);
            if (info->auth != XS_PROBE_AUTH_NONE)
                return XS_PROBE_STEP_DONE;
            *out_len = put(out, cap, "INFO server\r\n", 13);
            (*step)++;
            return *out_len ? XS_PROBE_STEP_SEND : XS_PROBE_STEP_DONE;
        }
        r = xs_probe_parse_redis_info(in, len, final, info);
        return (r == XS_PROBE_PARSE_MORE && !final) ? XS_PROBE_STEP_MORE : XS_PROBE_STEP_DONE;

    case XS_PROBE_CASSANDRA:
        if (*step == 0) {
            r = xs_probe_parse_cassandra_options(in, len, final, info);
            if (r == XS_PROBE_PARSE_MORE)
                return final ? XS_PROBE_STEP_DONE : XS_PROBE_STEP_MORE;
            if (r == XS_PROBE_PARSE_BAD)
                return fallback(in, len, final, info);
            if (len > 0 && in[4] == 0x00)    /* ERROR to OPTIONS: STARTUP would fail the same way */
                return XS_PROBE_STEP_DONE;
            *out_len = put(out, cap, cql_startup, sizeof cql_startup);
            (*step)++;
            return *out_len ? XS_PROBE_STEP_SEND : XS_PROBE_STEP_DONE;
        }
        r = xs_probe_parse_cassandra_startup(in, len, final, info);
        return (r == XS_PROBE_PARSE_MORE && !final) ? XS_PROBE_STEP_MORE : XS_PROBE_STEP_DONE;

    case XS_PROBE_AUTO:
    case XS_PROBE_BANNER:
    case XS_PROBE_HTTP_STAGE:
    case XS_PROBE_TLS:
    case XS_PROBE_KIND_COUNT:
    default:
        return fallback(in, len, final, info);
    }
}
