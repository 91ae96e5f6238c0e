/* Parsers for the line-based protocols: SSH, FTP, SMTP, Redis (RESP), Memcached. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "probe_internal.h"

static bool starts(const unsigned char *b, size_t n, const char *p)
{
    size_t m = strlen(p);
    return n >= m && memcmp(b, p, m) == 0;
}

/* ---------------------------------------------------------------- SSH
 * RFC 4253 4.2: "SSH-protoversion-softwareversion SP comments CR LF", possibly after other lines. */
xs_probe_parse xs_probe_parse_ssh(const unsigned char *b, size_t n, bool final, xs_probe_info *out)
{
    size_t line = 0;
    while (line < n) {
        size_t eol = probe_find_eol(b, n, line);
        size_t end = eol == SIZE_MAX ? n : eol;
        if (end - line >= 4 && memcmp(b + line, "SSH-", 4) == 0) {
            if (eol == SIZE_MAX && !final && n - line < 255)
                return XS_PROBE_PARSE_MORE;   /* identification line not complete yet */
            const unsigned char *l = b + line;
            size_t len = end - line;
            if (len && l[len - 1] == '\r')
                len--;
            probe_set_banner(out, l, len);
            PROBE_SET(out->protocol, "ssh");
            /* protoversion */
            size_t p = 4, ps = p;
            while (p < len && l[p] != '-' && l[p] != ' ')
                p++;
            char proto[16];
            probe_copy_text(proto, sizeof proto, (const char *)l + ps, p - ps);
            if (p < len && l[p] == '-')
                p++;
            /* softwareversion up to SP; "OpenSSH_9.2p1", "dropbear_2022.83", "Cisco-1.25" */
            size_t ss = p;
            while (p < len && l[p] != ' ')
                p++;
            size_t se = p, cut = ss;
            while (cut < se && l[cut] != '_' && l[cut] != '-')
                cut++;
            probe_copy_text(out->product, sizeof out->product, (const char *)l + ss, cut - ss);
            if (cut < se)
                probe_copy_text(out->version, sizeof out->version, (const char *)l + cut + 1, se - cut - 1);
            probe_detail_add(out->detail, sizeof out->detail, "protocol=%s", proto);
            if (p < len) {
                char comment[96];
                probe_copy_text(comment, sizeof comment, (const char *)l + p + 1, len - p - 1);
                if (comment[0])
                    probe_detail_add(out->detail, sizeof out->detail, "comment=%s", comment);
            }
            return XS_PROBE_PARSE_OK;
        }
        if (eol == SIZE_MAX)
            break;
        line = eol + 1;
    }
    /* Lines before the identification are allowed (RFC 4253), if they are text and few. */
    if (final || n == 0)
        return final ? XS_PROBE_PARSE_BAD : XS_PROBE_PARSE_MORE;
    if (n >= 1024 || memchr(b, 0, n))
        return XS_PROBE_PARSE_BAD;
    for (size_t i = 0; i < n; i++)
        if (b[i] < 0x20 && b[i] != '\r' && b[i] != '\n' && b[i] != '\t')
            return XS_PROBE_PARSE_BAD;
    return XS_PROBE_PARSE_MORE;
}
