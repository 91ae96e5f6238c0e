/* What we send: which ports get TLS first, which paths and hosts are acceptable, the GET itself. */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "xsweep/http.h"
#include "xsweep/targets.h"

/* TLS first or plain first: the service table's answer (src/targets/supported_ports.c). */
bool xs_http_port_prefers_tls(uint16_t port)
{
    return xs_port_is_tls_first(port);
}

bool xs_http_path_valid(const char *path)
{
    if (!path || path[0] != '/')
        return false;
    size_t n = 0;
    for (const unsigned char *p = (const unsigned char *)path; *p; p++, n++) {
        unsigned char c = *p;
        if (c <= 0x20 || c == 0x7F || c == '*' || c == '{' || c == '}')
            return false;
        if (n >= XS_HTTP_MAX_PATH_BYTES)
            return false;
    }
    return true;
}

bool xs_http_host_valid(const char *host)
{
    if (!host || !host[0])
        return false;
    size_t n = 0;
    for (const unsigned char *p = (const unsigned char *)host; *p; p++, n++) {
        unsigned char c = *p;
        if (n >= 255)
            return false;
        bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                  c == '-' || c == '.' || c == '_' || c == ':' || c == '[' || c == ']';
        if (!ok)
            return false;
    }
    return true;
}

/* A Host value that already names its port: "name:8080", "1.2.3.4:8080", "[2001:2::5]:8443". */
static bool host_has_port(const char *host)
{
    const char *colon = strrchr(host, ':');
    if (!colon)
        return false;
    if (host[0] == '[')
        return colon > host && colon[-1] == ']';
    return strchr(host, ':') == colon; /* more than one ':' unbracketed: an IPv6 literal */
}

size_t xs_http_format_request(char *buf, size_t cap, const xs_addr *addr, uint16_t port,
                              const char *host, const char *path, bool tls, const char *user_agent)
{
    char hostbuf[300], lit[260]; /* a Host is at most 255 bytes (xs_http_host_valid) */
    uint16_t default_port = tls ? 443 : 80;
    if (host && host[0] != '[' && strchr(host, ':') && !host_has_port(host)) {
        snprintf(lit, sizeof lit, "[%s]", host); /* a bare IPv6 literal */
        host = lit;
    } else if (!host) {
        xs_addr_format_host(addr, lit);
        host = lit;
    }
    /* Add the port unless it is the scheme's default or the caller already gave one. */
    if (port == default_port || host_has_port(host))
        snprintf(hostbuf, sizeof hostbuf, "%s", host);
    else
        snprintf(hostbuf, sizeof hostbuf, "%s:%u", host, port);
    int n = snprintf(buf, cap,
                     "GET %s HTTP/1.1\r\n"
                     "Host: %s\r\n"
                     "User-Agent: %s\r\n"
                     "Accept: */*\r\n"
                     "Connection: close\r\n"
                     "\r\n",
                     path ? path : "/", hostbuf, user_agent ? user_agent : "xsweep/0.1");
    if (n < 0 || (size_t)n >= cap)
        return 0;
    return (size_t)n;
}

bool xs_http_sni_name(const char *host, char *out, size_t cap)
{
    if (!host || !host[0] || host[0] == '[' || cap == 0)
        return false; /* [v6] or [v6]:port: a literal */
    const char *colon = strchr(host, ':');
    if (colon && strchr(colon + 1, ':'))
        return false; /* a bare IPv6 literal */
    size_t n = colon ? (size_t)(colon - host) : strlen(host);
    if (n == 0 || n >= cap)
        return false;
    memcpy(out, host, n);
    out[n] = '\0';
    struct in_addr a;
    return inet_pton(AF_INET, out, &a) != 1;
}
