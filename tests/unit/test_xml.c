/* -oX: escaping of hostile bytes, the nmap XML structure, and nmap's own tools reading it
 * (xsltproc with nmap.xsl, ndiff; skipped when they are not installed). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "xsweep/xml.h"

#define T0 1795000000000000000ULL

static char *escape(const char *s, size_t len)
{
    char *buf = NULL;
    size_t sz = 0;
    FILE *f = open_memstream(&buf, &sz);
    xs_xml_escape_to(f, s, len);
    fclose(f);
    return buf;
}

static void escapes_markup_and_drops_what_xml_forbids(void **state)
{
    (void)state;
    struct {
        const char *in;
        size_t len;
        const char *out;
    } cases[] = {
        {"plain text", 10, "plain text"},
        {"a&b<c>\"'", 8, "a&amp;b&lt;c&gt;&quot;&apos;"},
        {"&amp;", 5, "&amp;amp;"},
        {"t\tn\nr\r", 6, "t&#9;n&#10;r&#13;"},
        {"\x01x\x1f\0y\x0b\x0c", 7, "xy"}, /* C0 controls dropped */
        {"\x7f", 1, "\x7f"},               /* DEL is allowed */
        {"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80", 14,
         "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80"},
        {"bad\xff", 4, "bad\xef\xbf\xbd"},                           /* malformed -> U+FFFD */
        {"\xc0\xaf", 2, "\xef\xbf\xbd\xef\xbf\xbd"},                 /* overlong */
        {"\xed\xa0\x80", 3, "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd"}, /* surrogate */
        {"\xe2\x82", 2, "\xef\xbf\xbd\xef\xbf\xbd"},                 /* truncated */
        {"\xf4\x90\x80\x80", 4,
         "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd"}, /* past U+10FFFF */
        {"a\xef\xbf\xbe"
         "b\xef\xbf\xbf"
         "c",
         9, "abc"},                          /* U+FFFE, U+FFFF dropped */
        {"\xef\xbf\xbd", 3, "\xef\xbf\xbd"}, /* U+FFFD itself is fine */
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *got = escape(cases[i].in, cases[i].len);
        if (strcmp(got, cases[i].out))
            fail_msg("case %zu: got \"%s\"", i, got);
        free(got);
    }
}

static xs_report report(uint32_t ip, uint16_t port, xs_status st, uint8_t ttl, const char *protocol,
                        const char *severity, const char *reason)
{
    xs_report rep = {.r = {.addr = xs_addr_from_v4(ip),
                           .port = port,
                           .status = (uint8_t)st,
                           .ttl = ttl,
                           .ts_ns = T0 + 5000000000ULL},
                     .protocol = protocol,
                     .severity = severity,
                     .severity_reason = reason};
    return rep;
}

/* A small scan: two ports on one host, a reset, a timeout, and records XML leaves out. */
static char *write_scan(bool second)
{
    char *buf = NULL;
    size_t sz = 0;
    FILE *f = open_memstream(&buf, &sz);
    xs_portlist ports = {0};
    char err[128];
    assert_int_equal(xs_portlist_parse(&ports, "22,80-82,443,8080", err, sizeof err), 0);
    xs_xml_begin(f, "xsweep -p 22,80-82,443 --exclude \"<a&b>\" 198.18.0.0/24", T0, &ports);
    xs_portlist_free(&ports);
    xs_report reps[] = {
        report(0xc6120001, 22, XS_STATUS_OPEN, 64, "SSH", "critical", "TCP handshake succeeded"),
        report(0xc6120001, 80, XS_STATUS_OPEN, 64, "HTTP/S", second ? "critical" : "high",
               "2XX <b>\"no\" auth</b>\x01\xff & more"),
        report(0xc6120002, 443, XS_STATUS_CLOSED, 63, "HTTP/S", NULL, NULL),
        report(0xc6120003, 8080, second ? XS_STATUS_OPEN : XS_STATUS_CLOSED, second ? 64 : 0, NULL,
               NULL, NULL),
        report(0xc6120004, 445, XS_STATUS_OPEN, 128, "SMB", "critical", ""),
        report(0xc6120005, 80, XS_STATUS_EXCLUDED, 0, "HTTP/S", NULL, NULL),
        report(0xc6120006, 80, XS_STATUS_UNSUPPORTED, 0, NULL, NULL, NULL),
        report(0xc6120007, 80, XS_STATUS_FAILED, 0, NULL, NULL, NULL),
    };
    size_t written = 0;
    for (size_t i = 0; i < sizeof reps / sizeof reps[0]; i++)
        written += xs_xml_host(f, &reps[i]);
    assert_int_equal(written, 5);
    xs_xml_end(f, T0, T0 + 12340000000ULL, second ? 4 : 3, second ? 1 : 2, 3);
    fclose(f);
    return buf;
}

static void writes_the_nmap_structure(void **state)
{
    (void)state;
    char *xml = write_scan(false);
    const char *must[] = {
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!DOCTYPE nmaprun>\n",
        "<nmaprun scanner=\"xsweep\" args=\"xsweep -p 22,80-82,443 --exclude &quot;&lt;a&amp;b&gt;"
        "&quot; 198.18.0.0/24\" start=\"1795000000\" startstr=\"Wed Nov 18 11:06:40 2026 UTC\""
        " version=\"" XSWEEP_VERSION "\" xmloutputversion=\"1.05\">\n",
        "<scaninfo type=\"syn\" protocol=\"tcp\" numservices=\"6\" "
        "services=\"22,80-82,443,8080\"/>",
        "<host starttime=\"1795000005\" endtime=\"1795000005\"><status state=\"up\" "
        "reason=\"syn-ack\""
        " reason_ttl=\"64\"/><address addr=\"198.18.0.1\" addrtype=\"ipv4\"/><ports><port"
        " protocol=\"tcp\" portid=\"22\"><state state=\"open\" reason=\"syn-ack\" "
        "reason_ttl=\"64\"/>"
        "<service name=\"ssh\" extrainfo=\"severity critical: TCP handshake succeeded\""
        " method=\"table\" conf=\"3\"/></port></ports></host>\n",
        "<service name=\"http\" extrainfo=\"severity high: 2XX &lt;b&gt;&quot;no&quot;"
        " auth&lt;/b&gt;\xef\xbf\xbd &amp; more\" method=\"table\" conf=\"3\"/></port>",
        "<address addr=\"198.18.0.2\" addrtype=\"ipv4\"/><ports><port protocol=\"tcp\" "
        "portid=\"443\">"
        "<state state=\"closed\" reason=\"reset\" reason_ttl=\"63\"/><service name=\"https\"",
        "<status state=\"up\" reason=\"user-set\" reason_ttl=\"0\"/><address addr=\"198.18.0.3\"",
        "<state state=\"filtered\" reason=\"no-response\" reason_ttl=\"0\"/></port>",
        "<service name=\"microsoft-ds\" extrainfo=\"severity critical\" method=\"table\""
        " conf=\"3\"/>",
        "<port protocol=\"tcp\" portid=\"8080\"><state state=\"filtered\" reason=\"no-response\""
        " reason_ttl=\"0\"/></port>",
        "<runstats><finished time=\"1795000012\" timestr=\"Wed Nov 18 11:06:52 2026 UTC\""
        " elapsed=\"12.34\" summary=\"xsweep done at Wed Nov 18 11:06:52 2026 UTC; 5 endpoints:"
        " 3 open, 2 closed\" exit=\"success\"/><hosts up=\"5\" down=\"0\" total=\"5\"/>"
        "</runstats>\n</nmaprun>\n",
    };
    for (size_t i = 0; i < sizeof must / sizeof must[0]; i++)
        if (!strstr(xml, must[i]))
            fail_msg("missing %s\nin\n%s", must[i], xml);
    assert_null(strstr(xml, "198.18.0.5")); /* excluded, unsupported, failed: not written */
    assert_null(strstr(xml, "198.18.0.6"));
    assert_null(strstr(xml, "198.18.0.7"));
    assert_null(strchr(xml, '\x01'));
    /* the file ends with the document: nothing after </nmaprun> */
    assert_string_equal(xml + strlen(xml) - 11, "</nmaprun>\n");

    /* no port list (endpoint files): still the required attributes */
    char *buf = NULL;
    size_t sz = 0;
    FILE *f = open_memstream(&buf, &sz);
    xs_xml_begin(f, NULL, T0, NULL);
    fclose(f);
    assert_non_null(strstr(buf, "args=\"\""));
    assert_non_null(strstr(buf, "numservices=\"0\" services=\"\"/>"));
    free(buf);
    free(xml);
}

static bool have(const char *tool)
{
    char cmd[128];
    snprintf(cmd, sizeof cmd, "command -v %s >/dev/null 2>&1", tool);
    return system(cmd) == 0;
}

static int shell(const char *fmt, ...)
{
    char cmd[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(cmd, sizeof cmd, fmt, ap);
    va_end(ap);
    int rc = system(cmd);
    return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "r");
    assert_non_null(f);
    char *buf = calloc(1, 1 << 16);
    size_t n = fread(buf, 1, (1 << 16) - 1, f);
    buf[n] = '\0';
    fclose(f);
    return buf;
}

static void nmap_tools_read_it(void **state)
{
    (void)state;
    if (!have("xsltproc") || !have("ndiff") || access("/usr/share/nmap/nmap.xsl", R_OK) != 0)
        skip();
    char dir[] = "/tmp/xsweep-xml-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char a[64], b[64];
    snprintf(a, sizeof a, "%s/a.xml", dir);
    snprintf(b, sizeof b, "%s/b.xml", dir);
    for (int k = 0; k < 2; k++) {
        char *xml = write_scan(k == 1);
        FILE *f = fopen(k ? b : a, "w");
        assert_non_null(f);
        fputs(xml, f);
        fclose(f);
        free(xml);
    }
    /* nmap.xsl renders it to HTML without a single warning */
    assert_int_equal(
        shell("xsltproc /usr/share/nmap/nmap.xsl %s >%s/a.html 2>%s/xsl.err", a, dir, dir), 0);
    char path[96];
    snprintf(path, sizeof path, "%s/xsl.err", dir);
    char *text = slurp(path);
    assert_string_equal(text, "");
    free(text);
    snprintf(path, sizeof path, "%s/a.html", dir);
    text = slurp(path);
    assert_non_null(strstr(text, "198.18.0.1"));
    assert_non_null(strstr(text, "severity critical: TCP handshake succeeded"));
    free(text);

    /* ndiff: no change against itself (exit 0), the planted ones against b (exit 1) */
    assert_int_equal(shell("ndiff %s %s >%s/same.txt 2>&1", a, a, dir), 0);
    assert_int_equal(shell("ndiff %s %s >%s/diff.txt 2>&1", a, b, dir), 1);
    snprintf(path, sizeof path, "%s/diff.txt", dir);
    text = slurp(path);
    if (!strstr(text, "-8080/tcp filtered") || !strstr(text, "+8080/tcp open") ||
        !strstr(text, "+80/tcp open  http    (severity critical: 2XX") || strstr(text, "22/tcp") ||
        strstr(text, "Traceback") || strstr(text, "Warning"))
        fail_msg("ndiff said:\n%s", text);
    free(text);
    assert_int_equal(shell("ndiff --xml %s %s >/dev/null 2>&1", a, b), 1);
    assert_int_equal(shell("rm -rf %s", dir), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(escapes_markup_and_drops_what_xml_forbids),
        cmocka_unit_test(writes_the_nmap_structure),
        cmocka_unit_test(nmap_tools_read_it),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
