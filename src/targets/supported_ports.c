/* The service table: one row per port, the single answer to "what runs here, is it HTTP, is it
 * TLS first, which probe goes first and which come next". The scheduler (HTTP GET or protocol
 * probe), the HTTP stage's plain/TLS choice, the outputs (-oX service names) and the man page all
 * read it. Rows follow the seed's "Supported protocol-specific and HTTP/S ports" table, in its
 * order: a port listed twice (6443, 10250) resolves to its first row. */
#include <string.h>
#include "xsweep/targets.h"

/* name, nmap-services name, first probe, fallbacks (NULL = the default order); laid out as the
 * seed's table, so clang-format leaves it alone */
/* clang-format off */
#define ROW(port, proto, nmap, probe, fb) { port, proto, false, false, nmap, probe, fb }
#define TLSROW(port, proto, nmap)         { port, proto, false, true, nmap, "tls", NULL }
#define HTTP(port)                        { port, "HTTP/S", true, false, "http", "http", NULL }
#define HTTPS(port)                       { port, "HTTP/S", true, true, "https", "tls", NULL }
#define WEB(port, proto, nmap, tls)       { port, proto, true, tls, nmap, (tls) ? "tls" : "http", NULL }

const xs_supported_port xs_supported_ports[] = {
    ROW(21, "FTP", "ftp", "ftp", NULL),
    ROW(22, "SSH", "ssh", "ssh", NULL), ROW(2222, "SSH", "ssh", "ssh", NULL),
    ROW(25, "SMTP", "smtp", "smtp", NULL),
    HTTP(80), HTTPS(443), HTTP(591), HTTPS(1443), HTTPS(2443), HTTPS(3443), HTTPS(4443), HTTPS(5443),
    HTTPS(6443), HTTPS(7443), HTTP(7990), HTTP(8000), HTTP(8001), HTTP(8008), HTTP(8080), HTTP(8081),
    HTTP(8082), HTTP(8088), HTTPS(8443), HTTP(8800), HTTP(8808), HTTP(8880), HTTP(8881), HTTP(8882),
    HTTP(8888), HTTP(9000), HTTP(9090), HTTP(10000),
    ROW(445, "SMB", "microsoft-ds", "smb", NULL),
    /* IKE runs over UDP: over TCP nothing is expected, a passive read says so quietly. */
    ROW(500, "IPSec Key Exchange", "isakmp", "banner", ""),
    /* Implicit FTPS (RFC 4217 section 2, "ftps" in nmap-services); SFTP runs inside SSH on 22. */
    TLSROW(990, "FTPS", "ftps"),
    ROW(1433, "MSSQL", "ms-sql-s", "mssql", NULL),
    WEB(3000, "Grafana", "http", false),
    ROW(3306, "MySQL", "mysql", "mysql", NULL),
    ROW(3342, "Public managed SQL", "webtie", "banner", NULL),
    ROW(3389, "RDP", "ms-wbt-server", "rdp", NULL),
    WEB(5000, "UPnP", "upnp", false),
    ROW(5432, "PostgreSQL", "postgresql", "postgresql", NULL),
    WEB(5985, "WINRM HTTP", "wsman", false),
    WEB(5986, "WINRM HTTPS", "wsmans", true),
    ROW(6379, "Redis", "redis", "redis", NULL),
    WEB(6443, "Kubernetes API", "https", true), WEB(10250, "Kubernetes API", "https", true),
    ROW(7000, "Cassandra", "cassandra", "cassandra", NULL),
    TLSROW(7001, "Cassandra SSL", "ssl/cassandra"),
    ROW(9200, "Elasticsearch", "http", "elasticsearch", NULL),
    WEB(10250, "Kubernetes", "https", true),
    ROW(11211, "Memcached", "memcached", "memcached", NULL),
    ROW(15006, "Istio", "unknown", "banner", NULL), ROW(15010, "Istio", "unknown", "banner", NULL),
    WEB(15012, "Istio", "https", true), WEB(15021, "Istio", "http", false),
    ROW(27017, "MongoDB", "mongodb", "mongodb", NULL),
};

/* Ports outside the seed's table whose service is well known get a first probe of their own (so
 * `-p 389` finds LDAP, `-p 5222` XMPP: neither speaks first, so the passive read names nothing), but the
 * seed's table stays what it is: these are no part of -p supported, the man page's SERVICE TABLE
 * or -oX's service names. */
const xs_supported_port xs_known_ports[] = {
    ROW(389, "LDAP", "ldap", "ldap", NULL),
    ROW(5222, "XMPP client", "xmpp-client", "xmpp", NULL),
};
/* clang-format on */

const size_t xs_supported_ports_count = sizeof xs_supported_ports / sizeof xs_supported_ports[0];
const size_t xs_known_ports_count = sizeof xs_known_ports / sizeof xs_known_ports[0];

/* What a port outside both tables gets: a passive read (most services speak first), then the
 * default fallback order. */
static const xs_supported_port unlisted = {0, NULL, false, false, NULL, "banner", NULL};

const char *const xs_service_default_fallbacks = "redis,http";

const xs_supported_port *xs_service_for_port(uint16_t port)
{
    for (size_t i = 0; i < xs_supported_ports_count; i++)
        if (xs_supported_ports[i].port == port)
            return &xs_supported_ports[i];
    return NULL;
}

const xs_supported_port *xs_service_or_default(uint16_t port)
{
    const xs_supported_port *s = xs_service_for_port(port);
    for (size_t i = 0; !s && i < xs_known_ports_count; i++)
        if (xs_known_ports[i].port == port)
            s = &xs_known_ports[i];
    return s ? s : &unlisted;
}

const char *xs_service_fallbacks(const xs_supported_port *s)
{
    return s->fallbacks ? s->fallbacks : xs_service_default_fallbacks;
}

const char *xs_supported_protocol(uint16_t port)
{
    const xs_supported_port *s = xs_service_for_port(port);
    return s ? s->protocol : NULL;
}

bool xs_port_is_http(uint16_t port)
{
    const xs_supported_port *s = xs_service_for_port(port);
    return s && s->http;
}

bool xs_port_is_tls_first(uint16_t port)
{
    const xs_supported_port *s = xs_service_for_port(port);
    return s && s->tls_first;
}
