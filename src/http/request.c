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

size_t xs_http_format_request(char *buf, size_t cap, uint32_t ip, uint16_t port, const char *host,
                              const char *path, bool tls, const char *user_agent)
{
    char hostbuf[300];
    uint16_t default_port = tls ? 443 : 80;
    if (host) {
        /* Add the port unless it is the scheme's default or the caller already gave one. */
        if (port == default_port || strchr(host, ':'))
            snprintf(hostbuf, sizeof hostbuf, "%s", host);
        else
            snprintf(hostbuf, sizeof hostbuf, "%s:%u", host, port);
    } else {
        struct in_addr a = {.s_addr = htonl(ip)};
        char ipbuf[INET_ADDRSTRLEN];
        inet_ntop(AF_INET, &a, ipbuf, sizeof ipbuf);
        if (port == default_port)
            snprintf(hostbuf, sizeof hostbuf, "%s", ipbuf);
        else
            snprintf(hostbuf, sizeof hostbuf, "%s:%u", ipbuf, port);
    }
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
