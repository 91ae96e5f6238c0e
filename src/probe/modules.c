/* The probe modules as --list-probes shows them, and the facts they learn. The conversations
 * themselves are in dialog.c (dispatch) and conversations.c; the parsers in parse_*.c. */
#include <stdio.h>
#include <string.h>

#include "probe_internal.h"
#include "xsweep/targets.h"

const xs_probe_module_doc xs_probe_module_docs[] = {
    {XS_PROBE_BANNER, "banner", "nothing: reads what the server says first", "protocol by signature"},
    {XS_PROBE_SSH, "ssh", "its identification line after the server's", "product, version, KEXINIT algorithms"},
    {XS_PROBE_FTP, "ftp", "USER anonymous, PASS anonymous@, QUIT", "product, version, ftp.anonymous"},
    {XS_PROBE_SMTP, "smtp", "EHLO xsweep.invalid, QUIT", "product, smtp.starttls"},
    {XS_PROBE_REDIS, "redis", "PING; INFO server only when PING needs no auth", "version, auth"},
    {XS_PROBE_MEMCACHED, "memcached", "version", "version, auth"},
    {XS_PROBE_MYSQL, "mysql", "nothing: reads the greeting", "product, version, tls (CLIENT_SSL)"},
    {XS_PROBE_POSTGRES, "postgresql", "SSLRequest", "tls"},
    {XS_PROBE_MONGODB, "mongodb", "OP_MSG isMaster", "version, auth"},
    {XS_PROBE_ELASTICSEARCH, "elasticsearch", "GET / (Accept: application/json)", "version, auth"},
    {XS_PROBE_MSSQL, "mssql", "TDS PRELOGIN", "version, encryption"},
    {XS_PROBE_RDP, "rdp", "X.224 Connection Request (SSL|HYBRID)", "rdp.nla, tls"},
    {XS_PROBE_SMB, "smb", "SMB2 NEGOTIATE 2.0.2-3.0.2", "dialect, smb.signing_required, Samba"},
    {XS_PROBE_SMB1, "smb1", "SMB1 NEGOTIATE offering only NT LM 0.12 (after smb)", "smb.v1"},
    {XS_PROBE_CASSANDRA, "cassandra", "CQL OPTIONS, STARTUP without credentials", "versions, auth"},
    {XS_PROBE_HTTP_STAGE, "http", "the HTTP stage's GET, plain first", "status, title, headers, tech"},
    {XS_PROBE_TLS, "tls", "the HTTP stage over TLS; bytes inside identified", "certificate, inner protocol"},
};
const size_t xs_probe_module_doc_count = sizeof xs_probe_module_docs / sizeof xs_probe_module_docs[0];

static const char *const fact_names[XS_PROBE_FACT_COUNT] = {
    [XS_PROBE_FACT_FTP_ANONYMOUS] = "ftp.anonymous", [XS_PROBE_FACT_SMB1] = "smb.v1",
    [XS_PROBE_FACT_SMB_SIGNING] = "smb.signing_required", [XS_PROBE_FACT_SMTP_STARTTLS] = "smtp.starttls",
    [XS_PROBE_FACT_RDP_NLA] = "rdp.nla", [XS_PROBE_FACT_TLS] = "tls", [XS_PROBE_FACT_AUTH] = "auth",
};

const char *xs_probe_fact_name(xs_probe_fact f)
{
    return (unsigned)f < XS_PROBE_FACT_COUNT ? fact_names[f] : "?";
}

int xs_probe_fact_by_name(const char *name)
{
    for (int f = 0; f < XS_PROBE_FACT_COUNT; f++)
        if (strcmp(fact_names[f], name) == 0)
            return f;
    return -1;
}

int xs_probe_fact_get(const xs_probe_info *info, xs_probe_fact f)
{
    switch (f) {
    case XS_PROBE_FACT_TLS:
        return info->tls == XS_PROBE_TLS_YES ? 1 : info->tls == XS_PROBE_TLS_NO ? -1 : 0;
    case XS_PROBE_FACT_AUTH:
        return info->auth == XS_PROBE_AUTH_REQUIRED ? 1 : info->auth == XS_PROBE_AUTH_NONE ? -1 : 0;
    case XS_PROBE_FACT_RDP_NLA:
        if (info->facts[f] == 0 && strcmp(info->protocol, "rdp") == 0 && info->auth != XS_PROBE_AUTH_UNKNOWN)
            return info->auth == XS_PROBE_AUTH_REQUIRED ? 1 : -1;
        return info->facts[f];
    default:
        return (unsigned)f < XS_PROBE_FACT_COUNT ? info->facts[f] : 0;
    }
}

void xs_probe_list(FILE *out)
{
    fprintf(out, "Probe modules (first probe per port below; then the fallbacks, one connection each,\n"
                 "at least a second apart on the same IP:port):\n");
    fprintf(out, "  %-14s %-55s %s\n", "NAME", "SENDS", "LEARNS");
    for (size_t i = 0; i < xs_probe_module_doc_count; i++)
        fprintf(out, "  %-14s %-55s %s\n", xs_probe_module_docs[i].name, xs_probe_module_docs[i].sends,
                xs_probe_module_docs[i].learns);
    fprintf(out, "\nService table (-p supported; any other port: first probe banner, fallbacks %s):\n",
            xs_service_default_fallbacks);
    fprintf(out, "  %-6s %-20s %-14s %-5s %-5s %-13s %s\n", "PORT", "NAME", "NMAP", "HTTP", "TLS",
            "FIRST", "FALLBACKS");
    for (size_t i = 0; i < xs_supported_ports_count; i++) {
        const xs_supported_port *s = &xs_supported_ports[i];
        char fb[64] = "";
        xs_probe_kind k[XS_PROBE_MAX_FALLBACKS];
        size_t n = s->tls_first || s->http ? 0 : xs_probe_fallbacks_for_port(s->port, k);
        for (size_t j = 0; j < n; j++)
            snprintf(fb + strlen(fb), sizeof fb - strlen(fb), "%s%s", j ? "," : "", xs_probe_kind_name(k[j]));
        fprintf(out, "  %-6u %-20s %-14s %-5s %-5s %-13s %s\n", s->port, s->protocol, s->nmap,
                s->http ? "yes" : "no", s->tls_first ? "first" : "no", s->probe,
                s->http || s->tls_first ? "-" : n ? fb : "none");
    }
}
