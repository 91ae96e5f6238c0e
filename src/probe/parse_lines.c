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
                return XS_PROBE_PARSE_MORE; /* identification line not complete yet */
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
                probe_copy_text(out->version, sizeof out->version, (const char *)l + cut + 1,
                                se - cut - 1);
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

/* ---------------------------------------------------------------- FTP / SMTP replies
 * RFC 959 4.2 / RFC 5321 4.2: "ddd text" or a multi-line "ddd-text ... ddd text". */
typedef enum { REPLY_MORE, REPLY_DONE, REPLY_BAD } reply_state;

static bool digit(unsigned char c)
{
    return c >= '0' && c <= '9';
}

static reply_state read_reply(const unsigned char *b, size_t n, bool final, int *code,
                              size_t *reply_end);

int probe_reply_code(const unsigned char *b, size_t n, bool final)
{
    int code = 0;
    size_t end = 0;
    reply_state st = read_reply(b, n, final, &code, &end);
    return st == REPLY_DONE ? code : st == REPLY_MORE ? 0 : -1;
}

/* Reply code of the first reply in b, once that reply is complete. */
static reply_state read_reply(const unsigned char *b, size_t n, bool final, int *code,
                              size_t *reply_end)
{
    if (n < 4)
        return final || (n > 0 && !digit(b[0])) ? REPLY_BAD : REPLY_MORE;
    if (!digit(b[0]) || !digit(b[1]) || !digit(b[2]) ||
        (b[3] != ' ' && b[3] != '-' && b[3] != '\r'))
        return REPLY_BAD;
    *code = (b[0] - '0') * 100 + (b[1] - '0') * 10 + (b[2] - '0');
    size_t line = 0;
    for (unsigned lines = 0; lines < 64; lines++) {
        size_t eol = probe_find_eol(b, n, line);
        if (eol == SIZE_MAX)
            break;
        /* The last line repeats the code followed by a space (or ends right after the code). */
        if (eol - line >= 3 && memcmp(b + line, b, 3) == 0 &&
            (eol - line == 3 || b[line + 3] == ' ' || b[line + 3] == '\r')) {
            *reply_end = eol + 1;
            return REPLY_DONE;
        }
        line = eol + 1;
    }
    if (final) {
        *reply_end = n;
        return REPLY_DONE; /* take what came */
    }
    return REPLY_MORE;
}

static const probe_product_rule ftp_products[] = {
    {"vsFTPd", "vsFTPd", true},
    {"ProFTPD", "ProFTPD", true},
    {"Pure-FTPd", "Pure-FTPd", false},
    {"FileZilla Server", "FileZilla Server", true},
    {"Microsoft FTP Service", "Microsoft FTP Service", false},
    {"Serv-U FTP Server", "Serv-U", true},
    {"pyftpdlib", "pyftpdlib", true},
    {"WS_FTP Server", "WS_FTP Server", true},
    {"Pure-FTPd", "Pure-FTPd", false},
    {"bftpd", "bftpd", true},
    {NULL, NULL, false},
};

static const probe_product_rule smtp_products[] = {
    {"Postfix", "Postfix", false},
    {"Exim", "Exim", true},
    {"Sendmail", "Sendmail", true},
    {"Microsoft ESMTP MAIL Service", "Microsoft Exchange", false},
    {"OpenSMTPD", "OpenSMTPD", false},
    {"Haraka", "Haraka", true},
    {"qmail", "qmail", false},
    {"MailEnable", "MailEnable", false},
    {"Python SMTP", "Python smtpd", true},
    {"aiosmtpd", "aiosmtpd", true},
    {"ZMailer", "ZMailer", true},
    {NULL, NULL, false},
};

static xs_probe_parse parse_greeting(const unsigned char *b, size_t n, bool final,
                                     xs_probe_info *out, const char *protocol,
                                     const probe_product_rule *rules)
{
    int code = 0;
    size_t end = 0;
    reply_state st = read_reply(b, n, final, &code, &end);
    if (st == REPLY_MORE)
        return XS_PROBE_PARSE_MORE;
    if (st == REPLY_BAD)
        return XS_PROBE_PARSE_BAD;
    probe_set_banner(out, b, end);
    PROBE_SET(out->protocol, protocol);
    probe_match_product(b, end, rules, out);
    if (code != 220)
        probe_detail_add(out->detail, sizeof out->detail, "reply=%d", code);
    return XS_PROBE_PARSE_OK;
}

xs_probe_parse xs_probe_parse_ftp(const unsigned char *b, size_t n, bool final, xs_probe_info *out)
{
    return parse_greeting(b, n, final, out, "ftp", ftp_products);
}

xs_probe_parse xs_probe_parse_smtp(const unsigned char *b, size_t n, bool final, xs_probe_info *out)
{
    return parse_greeting(b, n, final, out, "smtp", smtp_products);
}

/* Which of the two a bare 220 greeting belongs to, from its words: 1 = SMTP, 2 = FTP, 0 = unsure. */
int probe_guess_220(const unsigned char *b, size_t n)
{
    if (probe_find_ci(b, n, "SMTP") != SIZE_MAX || probe_find_ci(b, n, "mail") != SIZE_MAX ||
        probe_find_ci(b, n, "Postfix") != SIZE_MAX || probe_find_ci(b, n, "Exim") != SIZE_MAX)
        return 1;
    if (probe_find_ci(b, n, "FTP") != SIZE_MAX)
        return 2;
    return 0;
}

/* ---------------------------------------------------------------- Redis (RESP) */
xs_probe_parse xs_probe_parse_redis_ping(const unsigned char *b, size_t n, bool final,
                                         xs_probe_info *out)
{
    if (n == 0)
        return final ? XS_PROBE_PARSE_BAD : XS_PROBE_PARSE_MORE;
    if (b[0] != '+' && b[0] != '-')
        return XS_PROBE_PARSE_BAD;
    size_t eol = probe_find_eol(b, n, 0);
    if (eol == SIZE_MAX && !final && n < 512)
        return XS_PROBE_PARSE_MORE;
    size_t len = eol == SIZE_MAX ? n : eol;
    probe_set_banner(out, b, len);
    PROBE_SET(out->protocol, "redis");
    if (!out->product[0])
        PROBE_SET(out->product, "redis");
    if (n >= 5 && memcmp(b, "+PONG", 5) == 0) {
        out->auth = XS_PROBE_AUTH_NONE;
    } else if (n >= 7 && memcmp(b, "-NOAUTH", 7) == 0) {
        out->auth = XS_PROBE_AUTH_REQUIRED;
    } else if (n >= 7 && memcmp(b, "-DENIED", 7) == 0) {
        out->auth = XS_PROBE_AUTH_REQUIRED; /* protected mode: no remote access without config */
        probe_detail_add(out->detail, sizeof out->detail, "protected-mode");
    } else if (b[0] == '+') {
        return XS_PROBE_PARSE_BAD; /* some other simple string: not a PING reply */
    } else {
        out->auth = XS_PROBE_AUTH_UNKNOWN;
    }
    return XS_PROBE_PARSE_OK;
}

xs_probe_parse xs_probe_parse_redis_info(const unsigned char *b, size_t n, bool final,
                                         xs_probe_info *out)
{
    if (n == 0)
        return final ? XS_PROBE_PARSE_BAD : XS_PROBE_PARSE_MORE;
    if (b[0] == '-') { /* INFO refused (ACL): PING already told auth */
        size_t eol = probe_find_eol(b, n, 0);
        if (eol == SIZE_MAX && !final)
            return XS_PROBE_PARSE_MORE;
        char why[64];
        probe_copy_text(why, sizeof why, (const char *)b + 1, (eol == SIZE_MAX ? n : eol) - 1);
        probe_detail_add(out->detail, sizeof out->detail, "info refused: %s", why);
        return XS_PROBE_PARSE_OK;
    }
    if (b[0] != '$')
        return XS_PROBE_PARSE_BAD;
    size_t eol = probe_find_eol(b, n, 0);
    if (eol == SIZE_MAX)
        return final || n > 24 ? XS_PROBE_PARSE_BAD : XS_PROBE_PARSE_MORE;
    unsigned long long want = 0;
    size_t i = 1;
    for (; i < eol && digit(b[i]) && want < (1ull << 40); i++)
        want = want * 10 + (unsigned)(b[i] - '0');
    if (i == 1)
        return XS_PROBE_PARSE_BAD;
    const unsigned char *body = b + eol + 1;
    size_t have = n - eol - 1;
    if (have < want && !final)
        return XS_PROBE_PARSE_MORE;
    if (have > want)
        have = (size_t)want;
    char name[32] = "", ver[64] = "", mode[32] = "";
    bool whole = false; /* a mode cut off by the buffer end may be partial */
    probe_line_value(body, have, "server_name", name, sizeof name, NULL);
    if (name[0] && strcmp(name, "redis") != 0) {
        PROBE_SET(out->product, name); /* Valkey and friends keep redis_version for clients */
        char key[48];
        snprintf(key, sizeof key, "%s_version", name);
        probe_line_value(body, have, key, ver, sizeof ver, NULL);
    }
    if (!ver[0])
        probe_line_value(body, have, "redis_version", ver, sizeof ver, NULL);
    if (ver[0])
        PROBE_SET(out->version, ver);
    if (probe_line_value(body, have, "redis_mode", mode, sizeof mode, &whole) && whole && mode[0])
        probe_detail_add(out->detail, sizeof out->detail, "mode=%s", mode);
    return XS_PROBE_PARSE_OK;
}

/* ---------------------------------------------------------------- Memcached (text protocol) */
xs_probe_parse xs_probe_parse_memcached(const unsigned char *b, size_t n, bool final,
                                        xs_probe_info *out)
{
    static const char *const replies[] = {"VERSION ", "CLIENT_ERROR", "SERVER_ERROR"};
    size_t eol = probe_find_eol(b, n, 0);
    if (eol == SIZE_MAX) {
        if (final || n >= 256)
            return XS_PROBE_PARSE_BAD;
        for (size_t k = 0; k < 3; k++) { /* could still become one of the replies */
            size_t m = strlen(replies[k]);
            if (memcmp(b, replies[k], n < m ? n : m) == 0)
                return XS_PROBE_PARSE_MORE;
        }
        return XS_PROBE_PARSE_BAD;
    }
    if (starts(b, n, "VERSION ")) {
        probe_set_banner(out, b, eol);
        PROBE_SET(out->protocol, "memcached");
        PROBE_SET(out->product, "memcached");
        probe_version_at(b, eol, 8, out->version, sizeof out->version);
        out->auth = XS_PROBE_AUTH_NONE; /* it answered a command without credentials */
        return XS_PROBE_PARSE_OK;
    }
    if (starts(b, n, "CLIENT_ERROR") || starts(b, n, "SERVER_ERROR")) {
        probe_set_banner(out, b, eol);
        PROBE_SET(out->protocol, "memcached");
        PROBE_SET(out->product, "memcached");
        if (probe_find_ci(b, eol, "unauthenticated") != SIZE_MAX)
            out->auth = XS_PROBE_AUTH_REQUIRED;
        return XS_PROBE_PARSE_OK;
    }
    return XS_PROBE_PARSE_BAD;
}
