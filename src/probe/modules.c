/* The table of probe modules (one file each, mod_*.c), --list-probes, and the facts they learn. */
#include <stdio.h>
#include <string.h>

#include "probe_internal.h"
#include "xsweep/targets.h"

/* Every module, in --list-probes order. */
const xs_probe_module *const xs_probe_modules[] = {
    &xs_probe_mod_banner,        &xs_probe_mod_ssh,        &xs_probe_mod_ftp,
    &xs_probe_mod_smtp,          &xs_probe_mod_redis,      &xs_probe_mod_memcached,
    &xs_probe_mod_mysql,         &xs_probe_mod_postgresql, &xs_probe_mod_mongodb,
    &xs_probe_mod_elasticsearch, &xs_probe_mod_mssql,      &xs_probe_mod_rdp,
    &xs_probe_mod_smb,           &xs_probe_mod_smb1,       &xs_probe_mod_cassandra,
    &xs_probe_mod_ldap,          &xs_probe_mod_xmpp,       &xs_probe_mod_http,
    &xs_probe_mod_tls,
};
const size_t xs_probe_module_count = sizeof xs_probe_modules / sizeof xs_probe_modules[0];

const xs_probe_module *xs_probe_module_get(int kind)
{
    for (size_t i = 0; i < xs_probe_module_count; i++)
        if (xs_probe_modules[i]->kind == kind)
            return xs_probe_modules[i];
    return NULL;
}

static const char *const fact_names[XS_PROBE_FACT_COUNT] = {
    [XS_PROBE_FACT_FTP_ANONYMOUS] = "ftp.anonymous",
    [XS_PROBE_FACT_SMB1] = "smb.v1",
    [XS_PROBE_FACT_SMB_SIGNING] = "smb.signing_required",
    [XS_PROBE_FACT_SMTP_STARTTLS] = "smtp.starttls",
    [XS_PROBE_FACT_RDP_NLA] = "rdp.nla",
    [XS_PROBE_FACT_TLS] = "tls",
    [XS_PROBE_FACT_AUTH] = "auth",
    [XS_PROBE_FACT_SMB_GUEST] = "smb.guest",
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
        if (info->facts[f] == 0 && strcmp(info->protocol, "rdp") == 0 &&
            info->auth != XS_PROBE_AUTH_UNKNOWN)
            return info->auth == XS_PROBE_AUTH_REQUIRED ? 1 : -1;
        return info->facts[f];
    default:
        return (unsigned)f < XS_PROBE_FACT_COUNT ? info->facts[f] : 0;
    }
}

void xs_probe_list(FILE *out)
{
    fprintf(out,
            "Probe modules (first probe per port below; then the fallbacks, one connection each,\n"
            "at least a second apart on the same IP:port):\n");
    fprintf(out, "  %-14s %-55s %s\n", "NAME", "SENDS", "LEARNS");
    for (size_t i = 0; i < xs_probe_module_count; i++)
        fprintf(out, "  %-14s %-55s %s\n", xs_probe_modules[i]->name, xs_probe_modules[i]->sends,
                xs_probe_modules[i]->learns);
    fprintf(out, "\nPorts outside the service table with a first probe of their own (not in -p "
                 "supported):\n");
    for (size_t i = 0; i < xs_known_ports_count; i++)
        fprintf(out, "  %-6u %-20s first %s, fallbacks %s\n", xs_known_ports[i].port,
                xs_known_ports[i].protocol, xs_known_ports[i].probe,
                xs_service_fallbacks(&xs_known_ports[i]));
    fprintf(out,
            "\nService table (-p supported; any other port: first probe banner, fallbacks %s):\n",
            xs_service_default_fallbacks);
    fprintf(out, "  %-6s %-20s %-14s %-5s %-5s %-13s %s\n", "PORT", "NAME", "NMAP", "HTTP", "TLS",
            "FIRST", "FALLBACKS");
    for (size_t i = 0; i < xs_supported_ports_count; i++) {
        const xs_supported_port *s = &xs_supported_ports[i];
        char fb[64] = "";
        xs_probe_kind k[XS_PROBE_MAX_FALLBACKS];
        size_t n = s->tls_first || s->http ? 0 : xs_probe_fallbacks_for_port(s->port, k);
        for (size_t j = 0; j < n; j++)
            snprintf(fb + strlen(fb), sizeof fb - strlen(fb), "%s%s", j ? "," : "",
                     xs_probe_kind_name(k[j]));
        fprintf(out, "  %-6u %-20s %-14s %-5s %-5s %-13s %s\n", s->port, s->protocol, s->nmap,
                s->http ? "yes" : "no", s->tls_first ? "first" : "no", s->probe,
                s->http || s->tls_first ? "-"
                : n                     ? fb
                                        : "none");
    }
}
