/* -oX: nmap-compatible XML, written as records arrive (see xsweep/xml.h). */
#include <string.h>
#include <strings.h>
#include <time.h>
#include "xsweep/utf8.h"
#include "xsweep/xml.h"

void xs_xml_escape_to(FILE *out, const char *str, size_t len)
{
    const unsigned char *s = (const unsigned char *)str;
    size_t i = 0;
    while (i < len) {
        unsigned char c = s[i];
        if (c < 0x80) {
            switch (c) {
            case '&':
                fputs("&amp;", out);
                break;
            case '<':
                fputs("&lt;", out);
                break;
            case '>':
                fputs("&gt;", out);
                break;
            case '"':
                fputs("&quot;", out);
                break;
            case '\'':
                fputs("&apos;", out);
                break;
            /* As references so attribute-value normalization keeps them. */
            case '\t':
                fputs("&#9;", out);
                break;
            case '\n':
                fputs("&#10;", out);
                break;
            case '\r':
                fputs("&#13;", out);
                break;
            default:
                if (c >= 0x20) /* other C0 controls are not allowed in XML 1.0: dropped */
                    fputc(c, out);
            }
            i++;
            continue;
        }
        uint32_t cp;
        size_t n = xs_utf8_seq_len(s + i, len - i, &cp);
        if (!n) {
            fputs("\xef\xbf\xbd", out); /* U+FFFD for a malformed byte */
            i++;
            continue;
        }
        if (cp != 0xfffe && cp != 0xffff) /* the two non-characters XML 1.0 excludes */
            fwrite(s + i, 1, n, out);
        i += n;
    }
}

static void put_escaped(FILE *out, const char *s)
{
    if (s)
        xs_xml_escape_to(out, s, strlen(s));
}

/* The ports list as nmap writes it: "22,80,8000-8100". */
static void put_services(FILE *out, const xs_portlist *ports)
{
    for (size_t i = 0; ports && i < ports->n;) {
        size_t j = i;
        while (j + 1 < ports->n && ports->v[j + 1] == ports->v[j] + 1)
            j++;
        fprintf(out, i ? ",%u" : "%u", ports->v[i]);
        if (j > i)
            fprintf(out, "-%u", ports->v[j]);
        i = j + 1;
    }
}

/* nmap's human-readable time ("Mon Nov 23 10:00:00 2026"), in UTC here; returns the seconds. */
static long long nmap_time(uint64_t realtime_ns, char out[64])
{
    time_t t = (time_t)(realtime_ns / 1000000000ULL);
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(out, 64, "%a %b %e %H:%M:%S %Y UTC", &tm);
    return (long long)t;
}

void xs_xml_begin(FILE *out, const char *args, uint64_t start_realtime_ns, const xs_portlist *ports)
{
    char startstr[64];
    long long start = nmap_time(start_realtime_ns, startstr);
    fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
          "<!DOCTYPE nmaprun>\n"
          "<?xml-stylesheet href=\"file:///usr/share/nmap/nmap.xsl\" type=\"text/xsl\"?>\n"
          "<!-- xsweep " XSWEEP_VERSION " scan -->\n"
          "<nmaprun scanner=\"xsweep\" args=\"",
          out);
    put_escaped(out, args);
    fprintf(out, "\" start=\"%lld\" startstr=\"%s\" version=\"%s\" xmloutputversion=\"1.05\">\n",
            start, startstr, XSWEEP_VERSION);
    fprintf(out, "<scaninfo type=\"syn\" protocol=\"tcp\" numservices=\"%zu\" services=\"",
            ports ? ports->n : (size_t)0);
    put_services(out, ports);
    fputs("\"/>\n<verbose level=\"0\"/>\n<debugging level=\"0\"/>\n", out);
}

/* What nmap -sV calls the protocols the probes identify. */
static void put_probed_name(FILE *out, const char *protocol)
{
    static const struct {
        const char *probe, *nmap;
    } NAMES[] = {
        {"smb", "microsoft-ds"},   {"mssql", "ms-sql-s"}, {"rdp", "ms-wbt-server"},
        {"elasticsearch", "http"}, {"tls", "ssl"},        {"http2", "http"},
    };
    for (size_t i = 0; i < sizeof NAMES / sizeof NAMES[0]; i++) {
        if (!strcmp(protocol, NAMES[i].probe)) {
            fputs(NAMES[i].nmap, out);
            return;
        }
    }
    put_escaped(out, protocol);
}

/* The service table's nmap-services names (src/targets/supported_ports.c). */
static void put_service_name(FILE *out, const char *protocol, uint16_t port)
{
    (void)protocol;
    const xs_supported_port *s = xs_service_for_port(port);
    fputs(s && s->nmap ? s->nmap : "unknown", out);
}

bool xs_xml_host(FILE *out, const xs_report *rep)
{
    const xs_result *r = &rep->r;
    const char *state, *reason;
    if (r->status == XS_STATUS_OPEN) {
        state = "open";
        reason = "syn-ack";
    } else if (r->status == XS_STATUS_CLOSED) {
        state = r->ttl ? "closed" : "filtered";
        reason = r->ttl ? "reset" : "no-response";
    } else {
        return false;
    }
    char ip[XS_ADDR_STRLEN];
    xs_addr_format(&r->addr, ip);
    long long ts = (long long)(r->ts_ns / 1000000000ULL);
    fprintf(out,
            "<host starttime=\"%lld\" endtime=\"%lld\">"
            "<status state=\"up\" reason=\"%s\" reason_ttl=\"%u\"/>"
            "<address addr=\"%s\" addrtype=\"%s\"/>"
            "<ports><port protocol=\"tcp\" portid=\"%u\">"
            "<state state=\"%s\" reason=\"%s\" reason_ttl=\"%u\"/>",
            ts, ts, r->ttl ? reason : "user-set", r->ttl, ip, xs_addr_family_name(&r->addr),
            r->port, state, reason, r->ttl);
    if (rep->service || rep->protocol || rep->severity) {
        fputs("<service name=\"", out);
        if (rep->service)
            put_probed_name(out, rep->service);
        else if (rep->protocol)
            put_service_name(out, rep->protocol, r->port);
        else
            fputs("unknown", out);
        if (rep->product) {
            fputs("\" product=\"", out);
            put_escaped(out, rep->product);
        }
        if (rep->version) {
            fputs("\" version=\"", out);
            put_escaped(out, rep->version);
        }
        /* Severity as the service's extra info: nmap.xsl shows it and ndiff reports a change in
         * it. (Not a <script>: Debian's ndiff 7.93 crashes on script-only port changes.) */
        if (rep->severity) {
            fputs("\" extrainfo=\"severity ", out);
            put_escaped(out, rep->severity);
            if (rep->severity_reason && *rep->severity_reason) {
                fputs(": ", out);
                put_escaped(out, rep->severity_reason);
            }
        }
        fputs(rep->service ? "\" method=\"probed\" conf=\"10\"/>"
                           : "\" method=\"table\" conf=\"3\"/>",
              out);
    }
    fputs("</port></ports></host>\n", out);
    return true;
}

void xs_xml_end(FILE *out, uint64_t start_realtime_ns, uint64_t end_realtime_ns, uint64_t open,
                uint64_t closed, uint64_t other)
{
    (void)other; /* excluded/unsupported/failed records have no <host> */
    char timestr[64];
    long long end = nmap_time(end_realtime_ns, timestr);
    double elapsed = end_realtime_ns > start_realtime_ns
                         ? (double)(end_realtime_ns - start_realtime_ns) / 1e9
                         : 0.0;
    unsigned long long hosts = (unsigned long long)(open + closed);
    fprintf(out,
            "<runstats><finished time=\"%lld\" timestr=\"%s\" elapsed=\"%.2f\""
            " summary=\"xsweep done at %s; %llu endpoints: %llu open, %llu closed\""
            " exit=\"success\"/>"
            "<hosts up=\"%llu\" down=\"0\" total=\"%llu\"/></runstats>\n</nmaprun>\n",
            end, timestr, elapsed, timestr, hosts, (unsigned long long)open,
            (unsigned long long)closed, hosts, hosts);
}

void xs_xml_service_name(FILE *out, const char *protocol, uint16_t port)
{
    put_service_name(out, protocol, port);
}
