/* Parsers for the database handshakes: MySQL greeting, PostgreSQL SSLRequest reply, MongoDB OP_MSG
 * reply (with a bounded BSON walker), Cassandra native protocol frames. */
#include <stdio.h>
#include <string.h>

#include "probe_internal.h"

/* ---------------------------------------------------------------- MySQL / MariaDB
 * Protocol::Handshake (v10): 3-byte length, sequence 0, then 0x0a, NUL-terminated server version,
 * thread id, salt, capability flags (CLIENT_SSL = 0x800), ..., auth plugin name. Or an ERR packet. */
#define MYSQL_CLIENT_SSL         0x0800u
#define MYSQL_CLIENT_PLUGIN_AUTH 0x00080000u

static void mysql_product(const char *ver, xs_probe_info *out)
{
    const char *v = ver;
    if (strncmp(v, "5.5.5-", 6) == 0)
        v += 6; /* MariaDB's prefix for clients that parse "5.5.5" */
    bool maria = strstr(ver, "MariaDB") != NULL;
    PROBE_SET(out->product, maria ? "MariaDB" : "MySQL");
    size_t k = 0;
    while (v[k] && ((v[k] >= '0' && v[k] <= '9') || v[k] == '.'))
        k++;
    probe_copy_text(out->version, sizeof out->version, v, k);
}

xs_probe_parse xs_probe_parse_mysql(const unsigned char *b, size_t n, bool final,
                                    xs_probe_info *out)
{
    if (n < 5)
        return final ? XS_PROBE_PARSE_BAD : XS_PROBE_PARSE_MORE;
    size_t plen = (size_t)b[0] | (size_t)b[1] << 8 | (size_t)b[2] << 16;
    if (b[3] != 0 || plen < 3 || plen > 4096 || (b[4] != 0x0a && b[4] != 0x09 && b[4] != 0xff))
        return XS_PROBE_PARSE_BAD;
    if (n < 4 + plen && !final)
        return XS_PROBE_PARSE_MORE;
    const unsigned char *p = b + 4;
    size_t len = n - 4 < plen ? n - 4 : plen;

    if (p[0] == 0xff) { /* ERR_Packet before the handshake: host blocked, too busy */
        if (len < 3)
            return XS_PROBE_PARSE_BAD;
        unsigned code = rd_le16(p + 1);
        size_t ms = 3;
        if (ms < len && p[ms] == '#')
            ms += 6; /* '#' + SQLSTATE */
        if (ms > len)
            ms = len;
        for (size_t i = ms; i < len; i++)
            if (p[i] < 0x20 && p[i] != '\t')
                return XS_PROBE_PARSE_BAD;
        PROBE_SET(out->protocol, "mysql");
        probe_set_banner(out, p + ms, len - ms);
        bool maria = probe_find_ci(p + ms, len - ms, "MariaDB") != SIZE_MAX;
        bool mysql = probe_find_ci(p + ms, len - ms, "MySQL") != SIZE_MAX;
        if (maria || mysql)
            PROBE_SET(out->product, maria ? "MariaDB" : "MySQL");
        probe_detail_add(out->detail, sizeof out->detail, "error=%u", code);
        if (code == 1130 || code == 1129) /* host not allowed / blocked */
            out->auth = XS_PROBE_AUTH_REQUIRED;
        return XS_PROBE_PARSE_OK;
    }

    /* server version: printable, NUL-terminated, short */
    size_t v = 1;
    while (v < len && p[v] != 0) {
        if (p[v] < 0x20 || p[v] >= 0x7f || v > 80)
            return XS_PROBE_PARSE_BAD;
        v++;
    }
    if (v >= len || v == 1)
        return XS_PROBE_PARSE_BAD;
    char ver[96];
    probe_copy_text(ver, sizeof ver, (const char *)p + 1, v - 1);
    PROBE_SET(out->protocol, "mysql");
    probe_set_banner(out, p + 1, v - 1);
    mysql_product(ver, out);
    probe_detail_add(out->detail, sizeof out->detail, "protocol=%u", p[0]);

    size_t q = v + 1 + 4 + 8 + 1; /* thread id, salt part 1, filler */
    if (q + 2 > len)
        return XS_PROBE_PARSE_OK;
    uint32_t caps = rd_le16(p + q);
    q += 2;
    if (q + 1 + 2 + 2 + 1 + 10 <= len) {
        caps |= (uint32_t)rd_le16(p + q + 3) << 16;
        unsigned salt_len = p[q + 5];
        q += 1 + 2 + 2 + 1 + 10;
        if (caps & MYSQL_CLIENT_PLUGIN_AUTH) {
            size_t salt2 = salt_len > 8 ? salt_len - 8 : 13;
            if (salt2 < 13)
                salt2 = 13;
            q += salt2;
            if (q < len) {
                size_t e = q;
                while (e < len && p[e] != 0 && e - q < 64)
                    e++;
                char plugin[64];
                probe_copy_text(plugin, sizeof plugin, (const char *)p + q, e - q);
                if (plugin[0])
                    probe_detail_add(out->detail, sizeof out->detail, "auth_plugin=%s", plugin);
            }
        }
    }
    out->tls = (caps & MYSQL_CLIENT_SSL) ? XS_PROBE_TLS_YES : XS_PROBE_TLS_NO;
    return XS_PROBE_PARSE_OK;
}

/* ---------------------------------------------------------------- PostgreSQL
 * Reply to SSLRequest: one byte 'S' (will do TLS) or 'N' (will not); 'E' + ErrorResponse from
 * servers too old to know SSLRequest. A real server sends nothing else before our next message. */
xs_probe_parse xs_probe_parse_postgres(const unsigned char *b, size_t n, bool final,
                                       xs_probe_info *out)
{
    if (n == 0)
        return final ? XS_PROBE_PARSE_BAD : XS_PROBE_PARSE_MORE;
    if ((b[0] == 'S' || b[0] == 'N') && n == 1) {
        PROBE_SET(out->protocol, "postgresql");
        PROBE_SET(out->product, "PostgreSQL");
        out->tls = b[0] == 'S' ? XS_PROBE_TLS_YES : XS_PROBE_TLS_NO;
        probe_detail_add(out->detail, sizeof out->detail, "sslrequest=%c", b[0]);
        return XS_PROBE_PARSE_OK;
    }
    if (b[0] == 'E') {
        if (n < 5)
            return final ? XS_PROBE_PARSE_BAD : XS_PROBE_PARSE_MORE;
        uint32_t len = rd_be32(b + 1);
        if (len < 4 || len > 4096)
            return XS_PROBE_PARSE_BAD;
        if (n < 1 + (size_t)len && !final)
            return XS_PROBE_PARSE_MORE;
        size_t end = n < 1 + (size_t)len ? n : 1 + (size_t)len;
        /* fields: type byte, NUL-terminated string; 'M' is the message */
        for (size_t i = 5; i < end && b[i] != 0;) {
            unsigned char type = b[i++];
            size_t s = i;
            while (i < end && b[i] != 0)
                i++;
            if (type == 'M')
                probe_set_banner(out, b + s, i - s);
            i++;
        }
        PROBE_SET(out->protocol, "postgresql");
        PROBE_SET(out->product, "PostgreSQL");
        probe_detail_add(out->detail, sizeof out->detail, "sslrequest=error");
        return XS_PROBE_PARSE_OK;
    }
    return XS_PROBE_PARSE_BAD;
}

/* ---------------------------------------------------------------- MongoDB
 * OP_MSG reply: header (length, requestID, responseTo, opCode 2013), flagBits, section kind 0 with
 * one BSON document. We read maxWireVersion (which names the release), msg, setName, ok. */
#define MONGO_OP_MSG   2013
#define MONGO_OP_REPLY 1

const char *xs_probe_mongodb_release(int64_t w)
{
    static const struct {
        int w;
        const char *rel;
    } t[] = {
        {2, "2.6"},  {3, "3.0"},  {4, "3.2"},  {5, "3.4"},  {6, "3.6"},  {7, "4.0"},  {8, "4.2"},
        {9, "4.4"},  {13, "5.0"}, {14, "5.1"}, {15, "5.2"}, {16, "5.3"}, {17, "6.0"}, {18, "6.1"},
        {19, "6.2"}, {20, "6.3"}, {21, "7.0"}, {22, "7.1"}, {23, "7.2"}, {24, "7.3"}, {25, "8.0"},
    };
    for (size_t i = 0; i < sizeof t / sizeof t[0]; i++)
        if (t[i].w == w)
            return t[i].rel;
    return NULL;
}

typedef struct {
    bool have_wire;
    int64_t max_wire;
    double ok;
    bool have_ok;
    char msg[32];
    char set_name[64];
    char errmsg[96];
} mongo_fields;

/* Length of the value of BSON type t at p[0..avail), or SIZE_MAX when malformed. */
static size_t bson_value_len(unsigned char t, const unsigned char *p, size_t avail)
{
    size_t l;
    switch (t) {
    case 0x01:
    case 0x09:
    case 0x11:
    case 0x12:
        return 8;
    case 0x10:
        return 4;
    case 0x08:
        return 1;
    case 0x07:
        return 12;
    case 0x13:
        return 16;
    case 0x06:
    case 0x0A:
    case 0x7F:
    case 0xFF:
        return 0;
    case 0x02:
    case 0x0D:
    case 0x0E:
        if (avail < 4)
            return SIZE_MAX;
        l = rd_le32(p);
        return (l < 1 || l > avail - 4) ? SIZE_MAX : 4 + l;
    case 0x0C:
        if (avail < 4)
            return SIZE_MAX;
        l = rd_le32(p);
        return (l < 1 || l > avail - 4 || avail - 4 - l < 12) ? SIZE_MAX : 4 + l + 12;
    case 0x03:
    case 0x04:
    case 0x0F:
        if (avail < 4)
            return SIZE_MAX;
        l = rd_le32(p);
        return (l < 5 || l > avail) ? SIZE_MAX : l;
    case 0x05:
        if (avail < 5)
            return SIZE_MAX;
        l = rd_le32(p);
        return l > avail - 5 ? SIZE_MAX : 5 + l;
    case 0x0B: { /* two cstrings */
        const unsigned char *z1 = memchr(p, 0, avail);
        if (!z1)
            return SIZE_MAX;
        size_t a = (size_t)(z1 - p) + 1;
        const unsigned char *z2 = memchr(p + a, 0, avail - a);
        return z2 ? (size_t)(z2 - p) + 1 : SIZE_MAX;
    }
    default:
        return SIZE_MAX;
    }
}

static void bson_string(const unsigned char *v, size_t vlen, char *dst, size_t cap)
{
    if (vlen > 4)
        probe_copy_text(dst, cap, (const char *)v + 4, vlen - 5);
}

/* Walks the top-level elements of one document (possibly cut off by the buffer end). */
static bool bson_walk(const unsigned char *d, size_t avail, mongo_fields *f)
{
    if (avail < 5)
        return false;
    size_t dlen = rd_le32(d);
    if (dlen < 5)
        return false;
    size_t end = dlen < avail ? dlen : avail;
    size_t i = 4;
    unsigned guard = 0;
    while (i < end && d[i] != 0 && guard++ < 512) {
        unsigned char t = d[i++];
        const unsigned char *name = d + i;
        const unsigned char *z = memchr(name, 0, end - i);
        if (!z)
            return true; /* cut off inside a name */
        size_t nl = (size_t)(z - name);
        i += nl + 1;
        size_t vl = bson_value_len(t, d + i, end - i);
        if (vl == SIZE_MAX || vl > end - i)
            return true; /* malformed or cut off: keep what we have */
        const unsigned char *v = d + i;
        if (nl == 14 && memcmp(name, "maxWireVersion", 14) == 0) {
            if (t == 0x10) {
                f->max_wire = (int32_t)rd_le32(v);
                f->have_wire = true;
            } else if (t == 0x12) {
                f->max_wire = (int64_t)((uint64_t)rd_le32(v) | (uint64_t)rd_le32(v + 4) << 32);
                f->have_wire = true;
            } else if (t == 0x01) {
                double x;
                memcpy(&x, v, 8);
                if (x >= 0 && x < 1000) {
                    f->max_wire = (int64_t)x;
                    f->have_wire = true;
                }
            }
        } else if (nl == 2 && memcmp(name, "ok", 2) == 0) {
            f->have_ok = true;
            if (t == 0x01)
                memcpy(&f->ok, v, 8);
            else if (t == 0x10)
                f->ok = (int32_t)rd_le32(v);
            else if (t == 0x08)
                f->ok = v[0];
        } else if (t == 0x02 && nl == 3 && memcmp(name, "msg", 3) == 0) {
            bson_string(v, vl, f->msg, sizeof f->msg);
        } else if (t == 0x02 && nl == 7 && memcmp(name, "setName", 7) == 0) {
            bson_string(v, vl, f->set_name, sizeof f->set_name);
        } else if (t == 0x02 && nl == 6 && memcmp(name, "errmsg", 6) == 0) {
            bson_string(v, vl, f->errmsg, sizeof f->errmsg);
        }
        i += vl;
    }
    return true;
}

xs_probe_parse xs_probe_parse_mongodb(const unsigned char *b, size_t n, bool final,
                                      xs_probe_info *out)
{
    if (n < 16)
        return final ? XS_PROBE_PARSE_BAD : XS_PROBE_PARSE_MORE;
    uint32_t mlen = rd_le32(b), op = rd_le32(b + 12);
    if (mlen < 21 || mlen > 48u * 1024 * 1024 || (op != MONGO_OP_MSG && op != MONGO_OP_REPLY))
        return XS_PROBE_PARSE_BAD;
    if (n < mlen && !final && n < XS_PROBE_MAX_BYTES)
        return XS_PROBE_PARSE_MORE;
    size_t end = n < mlen ? n : mlen;
    mongo_fields f = {0};
    bool parsed = false;
    if (op == MONGO_OP_MSG) {
        size_t i = 20; /* after flagBits */
        while (i < end && !parsed) {
            unsigned char kind = b[i++];
            if (kind == 0) {
                parsed = bson_walk(b + i, end - i, &f);
                break;
            }
            if (kind != 1 || end - i < 4)
                break;
            size_t sl = rd_le32(b + i); /* kind 1: size-prefixed document sequence: skip */
            if (sl < 4 || sl > end - i)
                break;
            i += sl;
        }
    } else if (end >= 36) { /* OP_REPLY: flags, cursorID, startingFrom, numberReturned */
        parsed = bson_walk(b + 36, end - 36, &f);
    }
    if (!parsed)
        return XS_PROBE_PARSE_BAD;
    PROBE_SET(out->protocol, "mongodb");
    PROBE_SET(out->product, strcmp(f.msg, "isdbgrid") == 0 ? "MongoDB (mongos)" : "MongoDB");
    if (f.have_wire) {
        const char *rel = xs_probe_mongodb_release(f.max_wire);
        if (rel)
            PROBE_SET(out->version, rel);
        probe_detail_add(out->detail, sizeof out->detail, "maxWireVersion=%lld",
                         (long long)f.max_wire);
    }
    if (f.set_name[0])
        probe_detail_add(out->detail, sizeof out->detail, "replicaSet=%s", f.set_name);
    if (f.errmsg[0])
        probe_detail_add(out->detail, sizeof out->detail, "errmsg=%s", f.errmsg);
    char summary[160];
    snprintf(summary, sizeof summary, "mongodb ok=%g maxWireVersion=%lld%s%s",
             f.have_ok ? f.ok : 0.0, f.have_wire ? (long long)f.max_wire : -1LL,
             f.msg[0] ? " msg=" : "", f.msg);
    probe_set_banner(out, (const unsigned char *)summary, strlen(summary));
    return XS_PROBE_PARSE_OK;
}

/* ---------------------------------------------------------------- Cassandra (CQL native protocol)
 * Frame header (v3-v4): version|0x80, flags, stream (2), opcode, length (4, big-endian). */
#define CQL_ERROR        0x00
#define CQL_READY        0x02
#define CQL_AUTHENTICATE 0x03
#define CQL_SUPPORTED    0x06

/* One response frame: its opcode and what arrived of its body. */
typedef struct {
    unsigned op;
    const unsigned char *body;
    size_t blen;
} cql_msg;

/* Validates a response frame header and points m at its body. */
static xs_probe_parse cql_frame(const unsigned char *b, size_t n, bool final, cql_msg *m)
{
    if (n < 9)
        return final ? XS_PROBE_PARSE_BAD : XS_PROBE_PARSE_MORE;
    if (b[0] < 0x81 || b[0] > 0x86 || (b[1] & 0xe0) != 0)
        return XS_PROBE_PARSE_BAD;
    uint32_t len = rd_be32(b + 5);
    if (len > 256u * 1024 * 1024 || b[4] > 0x10)
        return XS_PROBE_PARSE_BAD;
    if (n - 9 < len && !final && n < XS_PROBE_MAX_BYTES)
        return XS_PROBE_PARSE_MORE;
    m->op = b[4];
    m->body = b + 9;
    m->blen = n - 9 < len ? n - 9 : len;
    return XS_PROBE_PARSE_OK;
}

/* [string]: short length + bytes. Returns bytes consumed or 0. */
static size_t cql_string(const unsigned char *p, size_t avail, char *dst, size_t cap)
{
    if (avail < 2)
        return 0;
    size_t l = rd_be16(p);
    if (l > avail - 2)
        return 0;
    if (dst)
        probe_copy_text(dst, cap, (const char *)p + 2, l);
    return 2 + l;
}

static void cql_error_detail(const unsigned char *body, size_t blen, xs_probe_info *out)
{
    char msg[96] = "";
    if (blen >= 4) {
        unsigned code = rd_be32(body);
        cql_string(body + 4, blen - 4, msg, sizeof msg);
        probe_detail_add(out->detail, sizeof out->detail, "error=0x%04x %s", code, msg);
    }
}

xs_probe_parse xs_probe_parse_cassandra_options(const unsigned char *b, size_t n, bool final,
                                                xs_probe_info *out)
{
    cql_msg m;
    xs_probe_parse st = cql_frame(b, n, final, &m);
    if (st != XS_PROBE_PARSE_OK)
        return st;
    if (m.op != CQL_SUPPORTED && m.op != CQL_ERROR)
        return XS_PROBE_PARSE_BAD;
    PROBE_SET(out->protocol, "cassandra");
    PROBE_SET(out->product, "Cassandra");
    probe_detail_add(out->detail, sizeof out->detail, "native_protocol=v%u", b[0] & 0x7f);
    if (m.op == CQL_ERROR) {
        cql_error_detail(m.body, m.blen, out);
        return XS_PROBE_PARSE_OK;
    }
    /* [string multimap]: short n, then n x ([string] key, [string list] values) */
    if (m.blen < 2)
        return XS_PROBE_PARSE_OK;
    unsigned pairs = rd_be16(m.body);
    size_t i = 2;
    char cql[32] = "", protos[64] = "";
    for (unsigned k = 0; k < pairs && k < 64 && i < m.blen; k++) {
        char key[48];
        size_t used = cql_string(m.body + i, m.blen - i, key, sizeof key);
        if (!used || m.blen - i - used < 2)
            break;
        i += used;
        unsigned nv = rd_be16(m.body + i);
        i += 2;
        if (strncmp(key, "SCYLLA", 6) == 0)
            PROBE_SET(out->product, "ScyllaDB");
        for (unsigned v = 0; v < nv && v < 64; v++) {
            char val[32];
            used = cql_string(m.body + i, m.blen - i, val, sizeof val);
            if (!used)
                break;
            i += used;
            if (strcmp(key, "CQL_VERSION") == 0 && !cql[0])
                PROBE_SET(cql, val);
            else if (strcmp(key, "PROTOCOL_VERSIONS") == 0 &&
                     strlen(protos) + strlen(val) + 2 < sizeof protos) {
                if (protos[0])
                    strcat(protos, " ");
                strcat(protos, val);
            }
        }
    }
    if (cql[0])
        probe_detail_add(out->detail, sizeof out->detail, "cql=%s", cql);
    if (protos[0])
        probe_detail_add(out->detail, sizeof out->detail, "protocols=%s", protos);
    char summary[128];
    snprintf(summary, sizeof summary, "cassandra SUPPORTED cql=%s", cql);
    probe_set_banner(out, (const unsigned char *)summary, strlen(summary));
    return XS_PROBE_PARSE_OK;
}

xs_probe_parse xs_probe_parse_cassandra_startup(const unsigned char *b, size_t n, bool final,
                                                xs_probe_info *out)
{
    cql_msg m;
    xs_probe_parse st = cql_frame(b, n, final, &m);
    if (st != XS_PROBE_PARSE_OK)
        return st;
    if (m.op == CQL_READY) {
        out->auth = XS_PROBE_AUTH_NONE;
    } else if (m.op == CQL_AUTHENTICATE) {
        char who[96] = "";
        cql_string(m.body, m.blen, who, sizeof who);
        out->auth = XS_PROBE_AUTH_REQUIRED;
        if (who[0])
            probe_detail_add(out->detail, sizeof out->detail, "authenticator=%s", who);
    } else if (m.op == CQL_ERROR) {
        cql_error_detail(m.body, m.blen, out);
    } else {
        return XS_PROBE_PARSE_BAD;
    }
    if (!out->protocol[0]) {
        PROBE_SET(out->protocol, "cassandra");
        PROBE_SET(out->product, "Cassandra");
    }
    return XS_PROBE_PARSE_OK;
}
