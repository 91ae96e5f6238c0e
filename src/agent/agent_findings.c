/* What leaves the network: each scan record becomes normalized findings built from our own
 * vocabulary (rule ids, severities, CWE ids, remediation texts from the table below) and the
 * endpoint (ip, port, a sanitised path). Nothing a server sent is copied out except a product
 * name and a version, and those only when they are short tokens of a safe alphabet. Bodies,
 * titles, header values, cookies, banners, certificate fields, finding fingerprints: never. */
#include <openssl/sha.h>
#include <stdio.h>
#include <string.h>
#include "xsweep/agent.h"

typedef struct {
    const char *prefix; /* rule id, or the start of one */
    const char *cwe;
    const char *remediation;
} remedy;

/* Host configuration rules (data/hostcfg/rules.txt), by id prefix. */
static const remedy CONFIG[] = {
    {"server-version-disclosed", "CWE-200",
     "Hide the server version (nginx: server_tokens off; Apache: ServerTokens Prod)."},
    {"directory-listing", "CWE-548",
     "Turn directory listing off (nginx: autoindex off; Apache: Options -Indexes)."},
    {"git-directory-listed", "CWE-527",
     "Remove the .git directory from the web root and rotate anything it held."},
    {"secret-file-listed", "CWE-538",
     "Remove environment and credential files from the web root; rotate the credentials."},
    {"backup-file-listed", "CWE-530", "Remove backups and dumps from the web root."},
    {"default-page", "CWE-1188", "Replace the default page, or stop the unused server."},
    {"tls-legacy-version", "CWE-326", "Allow TLS 1.2 and 1.3 only."},
    {"tls-cert-self-signed", "CWE-295", "Install a certificate from a trusted CA."},
    {"tls-cert-expired", "CWE-298", "Renew the certificate."},
    {"tls-cert-expiring-soon", "CWE-298", "Renew the certificate before it expires."},
    {"hsts-missing", "CWE-319", "Send Strict-Transport-Security on HTTPS responses."},
    {"cookie-without-secure", "CWE-614", "Set the Secure attribute on cookies."},
    {"cookie-without-httponly", "CWE-1004", "Set the HttpOnly attribute on session cookies."},
    {"login-form-over-http", "CWE-319", "Serve the login page over HTTPS only."},
    {"basic-auth-over-http", "CWE-319", "Require HTTPS before asking for Basic credentials."},
    {"cors-", "CWE-942", "Allow credentialed CORS only from an explicit list of origins."},
    {"spring-whitelabel-error", "CWE-209", "Replace the default error page."},
    /* management interfaces that answer without authentication */
    {"", "CWE-306",
     "Require authentication, and reach the interface from a management network only."},
};

static const char *const SEVERITIES[] = {"critical", "high", "medium", "low", "info"};

static const char *severity_of(const char *s)
{
    for (size_t i = 0; i < sizeof SEVERITIES / sizeof *SEVERITIES; i++)
        if (s && !strcmp(s, SEVERITIES[i]))
            return SEVERITIES[i];
    return "info";
}

/* A rule id from our data files: [a-z0-9._-]{1,47}; anything else is dropped. */
static bool rule_id_ok(const char *s)
{
    size_t n = s ? strlen(s) : 0;
    return n >= 1 && n <= 47 && strspn(s, "abcdefghijklmnopqrstuvwxyz0123456789._-") == n;
}

/* A product or version token: short, and of an alphabet that cannot carry a sentence. */
static const char *token_or_null(const char *s, size_t max, const char *alphabet)
{
    size_t n = s ? strlen(s) : 0;
    return n >= 1 && n <= max && strspn(s, alphabet) == n ? s : NULL;
}

#define PRODUCT_CHARS "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789 ._+-"
#define VERSION_CHARS "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._+~-"

/* The request path: the operator's endpoint list named it; still only a safe alphabet. */
static const char *path_of(json_t *http)
{
    const char *p = json_string_value(json_object_get(http, "path"));
    size_t n = p ? strlen(p) : 0;
    if (n >= 1 && n <= 200 && p[0] == '/' &&
        strspn(p, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789/._~-") == n)
        return p;
    return "/";
}

void xs_agent_finding_id(const char *agent_id, const char *ip, unsigned port, const char *path,
                         const char *type, char out[33])
{
    char key[512];
    int n = snprintf(key, sizeof key, "%s|%s|%u|%s|%s", agent_id, ip, port, path, type);
    unsigned char md[SHA256_DIGEST_LENGTH];
    SHA256((const unsigned char *)key, (size_t)(n < 0 ? 0 : n), md);
    for (int i = 0; i < 16; i++)
        snprintf(out + 2 * i, 3, "%02x", md[i]);
}

typedef struct {
    const char *agent, *ip, *protocol, *path, *product, *version;
    unsigned port;
    json_t *out;
    int n;
} ctx;

static void add(ctx *c, const char *type, const char *category, const char *severity,
                const char *cwe, const char *remediation, json_t *extra)
{
    /* the same rule in another place of the response is another finding */
    char id[33], idtype[96];
    const char *loc = extra ? json_string_value(json_object_get(extra, "location")) : NULL;
    snprintf(idtype, sizeof idtype, "%s%s%s", type, loc ? "@" : "", loc ? loc : "");
    xs_agent_finding_id(c->agent, c->ip, c->port, c->path, idtype, id);
    json_t *f = json_pack("{s:s, s:s, s:s, s:s, s:s, s:i, s:s, s:[], s:[], s:s}", "id", id, "type",
                          type, "category", category, "severity", severity, "ip", c->ip, "port",
                          (int)c->port, "path", c->path, "cwe", "cve", "remediation", remediation);
    if (!f) {
        json_decref(extra);
        return;
    }
    if (cwe)
        json_array_append_new(json_object_get(f, "cwe"), json_string(cwe));
    if (c->protocol)
        json_object_set_new(f, "protocol", json_string(c->protocol));
    if (c->product) {
        json_object_set_new(f, "product", json_string(c->product));
        json_object_set_new(f, "version", c->version ? json_string(c->version) : json_null());
    }
    if (extra)
        json_object_update(f, extra);
    json_decref(extra);
    json_array_append_new(c->out, f);
    c->n++;
}

/* "CWE-N" with 1-6 digits, else NULL. */
static const char *cwe_or_null(const char *s)
{
    size_t n = s ? strlen(s) : 0;
    return n >= 5 && n <= 10 && !strncmp(s, "CWE-", 4) && strspn(s + 4, "0123456789") == n - 4
               ? s
               : NULL;
}

/* A template's remediation: printable ASCII, at most 255 characters (the templates are the
 * operator's files, never the server's); else the fallback. */
static const char *text_or(const char *s, const char *fallback)
{
    size_t n = s ? strlen(s) : 0;
    if (n == 0 || n > 255)
        return fallback;
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)s[i] < 0x20 || (unsigned char)s[i] > 0x7e)
            return fallback;
    return s;
}

static const remedy *config_remedy(const char *id)
{
    for (size_t i = 0; i < sizeof CONFIG / sizeof *CONFIG; i++)
        if (!strncmp(id, CONFIG[i].prefix, strlen(CONFIG[i].prefix)))
            return &CONFIG[i];
    return &CONFIG[sizeof CONFIG / sizeof *CONFIG - 1];
}

/* body, title, status_line, raw_headers, or header (never the header's name: it came from the
 * server). */
static const char *location_of(const char *where)
{
    static const char *const known[] = {"body", "title", "status_line", "raw_headers"};
    for (size_t i = 0; i < sizeof known / sizeof *known; i++)
        if (where && !strcmp(where, known[i]))
            return known[i];
    return where && !strncmp(where, "header:", 7) ? "header" : "response";
}

int xs_agent_findings(const char *agent_id, const char *record_line, json_t *out)
{
    json_t *r = json_loads(record_line, 0, NULL);
    if (!json_is_object(r) ||
        strcmp(json_string_value(json_object_get(r, "status")) ?: "", "open")) {
        json_decref(r);
        return 0;
    }
    json_t *http = json_object_get(r, "http"), *probe = json_object_get(r, "probe");
    ctx c = {
        .agent = agent_id,
        .ip = json_string_value(json_object_get(r, "ip")),
        .port = (unsigned)json_integer_value(json_object_get(r, "port")),
        .protocol =
            token_or_null(json_string_value(json_object_get(r, "protocol")), 24, PRODUCT_CHARS "/"),
        .path = path_of(http),
        .out = out,
    };
    xs_addr addr; /* either family; sent in its canonical text form */
    char ipbuf[XS_ADDR_STRLEN];
    if (!c.ip || strlen(c.ip) >= sizeof ipbuf ||
        strspn(c.ip, "0123456789abcdefABCDEF.:") != strlen(c.ip) || !xs_addr_parse(c.ip, &addr) ||
        !c.port) {
        json_decref(r);
        return 0;
    }
    xs_addr_format(&addr, ipbuf);
    c.ip = ipbuf;
    /* product/version: the protocol probe's, else the first technology with a version */
    c.product =
        token_or_null(json_string_value(json_object_get(probe, "product")), 40, PRODUCT_CHARS);
    c.version = c.product ? token_or_null(json_string_value(json_object_get(probe, "version")), 32,
                                          VERSION_CHARS)
                          : NULL;
    size_t i;
    json_t *t;
    json_array_foreach(json_object_get(r, "tech"), i, t)
    {
        if (c.product)
            break;
        const char *name =
            token_or_null(json_string_value(json_object_get(t, "name")), 40, PRODUCT_CHARS);
        const char *ver =
            token_or_null(json_string_value(json_object_get(t, "version")), 32, VERSION_CHARS);
        if (name && ver) {
            c.product = name;
            c.version = ver;
        }
    }
    add(&c, "exposed-service", "exposure",
        severity_of(json_string_value(json_object_get(r, "severity"))), "CWE-668",
        "Check that this service is meant to be reachable from this network; close or filter it "
        "otherwise.",
        NULL);
    /* the rest is about the response: one product per endpoint is enough */
    json_array_foreach(json_object_get(r, "config_issues"), i, t)
    {
        const char *id = json_string_value(json_object_get(t, "id"));
        if (!rule_id_ok(id))
            continue;
        char type[64];
        snprintf(type, sizeof type, "config:%s", id);
        const remedy *m = config_remedy(id);
        add(&c, type, "configuration",
            severity_of(json_string_value(json_object_get(t, "severity"))), m->cwe, m->remediation,
            NULL);
    }
    json_array_foreach(json_object_get(r, "findings"), i, t)
    {
        const char *id = json_string_value(json_object_get(t, "id"));
        const char *cat = json_string_value(json_object_get(t, "category"));
        if (!rule_id_ok(id))
            continue;
        bool secret = cat && !strcmp(cat, "secret");
        char type[64];
        snprintf(type, sizeof type, "%s:%s", secret ? "secret" : "data", id);
        json_int_t count = json_integer_value(json_object_get(t, "count"));
        add(&c, type, secret ? "secret" : "sensitive-data",
            severity_of(json_string_value(json_object_get(t, "severity"))),
            secret ? "CWE-798" : "CWE-359",
            secret ? "Remove the credential from the response and revoke it; issue a new one."
                   : "Stop serving this data, or require authentication for it.",
            json_pack("{s:s, s:I}", "location",
                      location_of(json_string_value(json_object_get(t, "where"))), "count",
                      count > 0 ? count : 1));
    }
    /* --checks: the active checks' findings. Only our own vocabulary goes out: the check id, its
     * type, severity, CWE and the template's remediation. Never the detail (a value extracted from
     * the response, a parameter name) and never the check's path, which may come from the page
     * (linked directories, form actions): the finding keeps the endpoint's path. */
    json_array_foreach(json_object_get(json_object_get(r, "checks"), "findings"), i, t)
    {
        const char *id = json_string_value(json_object_get(t, "id"));
        const char *kind = json_string_value(json_object_get(t, "type"));
        if (!rule_id_ok(id))
            continue;
        static const char *const kinds[][2] = {
            {"http", "exposure"}, {"payload", "vulnerability"}, {"tls", "configuration"}};
        const char *cat = NULL;
        for (size_t k = 0; k < sizeof kinds / sizeof *kinds; k++)
            if (kind && !strcmp(kind, kinds[k][0]))
                cat = kinds[k][1];
        if (!cat)
            continue;
        char type[64];
        snprintf(type, sizeof type, "check:%s", id);
        add(&c, type, cat, severity_of(json_string_value(json_object_get(t, "severity"))),
            cwe_or_null(json_string_value(json_object_get(t, "cwe"))),
            text_or(json_string_value(json_object_get(t, "remediation")),
                    "See the check's documentation (xsweep --list-checks)."),
            NULL);
    }
    json_decref(r);
    return c.n;
}
