/* Screenshots: PNG header reader, DOM-to-text, URL split, chromium argv, and the process pool
 * driven against a stand-in "chromium" shell script (real chromium runs in tests/screenshot). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <pwd.h>
#include <cmocka.h>

#include "xsweep/screenshot.h"

/* ------------------------------------------------------------------ PNG */

static const unsigned char png_1280x800[24] = {0x89, 'P', 'N',  'G',  '\r', '\n', 0x1a, '\n',
                                               0,    0,   0,    13,   'I',  'H',  'D',  'R',
                                               0,    0,   0x05, 0x00, 0,    0,    0x03, 0x20};

static void test_png_dimensions(void **state)
{
    (void)state;
    uint32_t w = 0, h = 0;
    assert_int_equal(xs_png_dimensions(png_1280x800, sizeof png_1280x800, &w, &h), 0);
    assert_int_equal(w, 1280);
    assert_int_equal(h, 800);

    unsigned char b[24];
    memcpy(b, png_1280x800, sizeof b);
    assert_int_equal(xs_png_dimensions(b, 23, &w, &h), -1); /* short */
    b[1] = 'Q';
    assert_int_equal(xs_png_dimensions(b, sizeof b, &w, &h), -1); /* signature */
    memcpy(b, png_1280x800, sizeof b);
    b[12] = 'X';
    assert_int_equal(xs_png_dimensions(b, sizeof b, &w, &h), -1); /* first chunk not IHDR */
    memcpy(b, png_1280x800, sizeof b);
    b[11] = 14;
    assert_int_equal(xs_png_dimensions(b, sizeof b, &w, &h), -1); /* IHDR length */
    memcpy(b, png_1280x800, sizeof b);
    memset(b + 16, 0, 4);
    assert_int_equal(xs_png_dimensions(b, sizeof b, &w, &h), -1); /* zero width */
    memcpy(b, png_1280x800, sizeof b);
    b[20] = 0x80;
    assert_int_equal(xs_png_dimensions(b, sizeof b, &w, &h), -1); /* beyond 2^31-1 */
    assert_int_equal(xs_png_dimensions((const unsigned char *)"", 0, &w, &h), -1);
}

static void test_png_file(void **state)
{
    (void)state;
    char path[] = "/tmp/xs-test-png-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, png_1280x800, sizeof png_1280x800), (ssize_t)sizeof png_1280x800);
    assert_int_equal(write(fd, "rest-of-file", 12), 12);
    close(fd);
    uint32_t w, h;
    size_t bytes = 0;
    assert_int_equal(xs_png_file_dimensions(path, &w, &h, &bytes), 0);
    assert_int_equal(w, 1280);
    assert_int_equal(h, 800);
    assert_int_equal(bytes, 36);
    assert_int_equal(truncate(path, 10), 0);
    assert_int_equal(xs_png_file_dimensions(path, &w, &h, &bytes), -1);
    unlink(path);
    assert_int_equal(xs_png_file_dimensions(path, &w, &h, &bytes), -1);
    assert_int_equal(xs_png_file_dimensions("/tmp", &w, &h, &bytes), -1);
}

/* ------------------------------------------------------------------ DOM text */

static char text_buf[XS_SHOT_TEXT_MAX + 1];

static const char *text_of(const char *html)
{
    bool trunc = true;
    xs_dom_visible_text(html, strlen(html), text_buf, sizeof text_buf, &trunc);
    assert_false(trunc);
    return text_buf;
}

static void test_dom_text_basic(void **state)
{
    (void)state;
    /* what chromium --dump-dom prints */
    assert_string_equal(
        text_of("<!DOCTYPE html>\n<html><head><title>Xsc Test Page</title><style>body{font-size:"
                "40px}</style></head>\n<body><h1>Hello screenshot room</h1><p>Alpha bravo &amp; "
                "charlie</p><script>document.body.insertAdjacentHTML('beforeend','<p>js</p>')"
                "</script><p>jsinserted delta</p><img src=\"x.png\">\n</body></html>"),
        "Hello screenshot room\nAlpha bravo & charlie\njsinserted delta");
    assert_string_equal(text_of(""), "");
    assert_string_equal(text_of("plain   text\n\twith  spaces"), "plain text with spaces");
    assert_string_equal(text_of("a<b>bold</b>c <i>it</i>"), "aboldc it"); /* inline: no break */
    assert_string_equal(text_of("<span>x</span><br><span>y</span><br/><br>z"), "x\ny\nz");
    assert_string_equal(text_of("&lt;tag&gt; &quot;q&quot; &#65;&#x42; 1&nbsp;000"),
                        "<tag> \"q\" AB 1 000");
}

static void test_dom_text_hidden_parts(void **state)
{
    (void)state;
    assert_string_equal(text_of("<!-- secret comment -->a<!-- x -- y -->b"), "ab");
    assert_string_equal(text_of("<noscript>enable js</noscript><template><p>t</p></template>v"),
                        "v");
    assert_string_equal(text_of("<SCRIPT type=x>if (a<b) alert('</p>')</SCRIPT>after"), "after");
    assert_string_equal(text_of("<style>p{}</style  ><p>shown</p>"), "shown");
    assert_string_equal(text_of("<head><meta charset=utf-8><title>T</title></head><body>B"), "B");
    assert_string_equal(text_of("<?xml version=\"1.0\"?><![CDATA[x]]>y"), "y");
    /* unterminated constructs end the text, never overrun */
    assert_string_equal(text_of("ok<script>never closed"), "ok");
    assert_string_equal(text_of("ok<!-- never closed"), "ok");
    assert_string_equal(text_of("ok<div class=\"never closed"), "ok");
    assert_string_equal(text_of("1 < 2 and 3 <4"), "1 < 2 and 3 <4");
}

static void test_dom_text_structure(void **state)
{
    (void)state;
    assert_string_equal(text_of("<table><tr><td>k1</td><td>v1</td></tr><tr><th>k2</th><td>v2"
                                "</td></tr></table>"),
                        "k1 v1\nk2 v2");
    assert_string_equal(text_of("<ul><li>one</li><li>two</li></ul>"), "one\ntwo");
    assert_string_equal(text_of("<p>x</p><pre>AWS_KEY=1\n  indented\tTab</pre><p>y</p>"),
                        "x\nAWS_KEY=1\n  indented\tTab\ny");
    assert_string_equal(text_of("<textarea>line1\nline2</textarea>"), "line1\nline2");
    assert_string_equal(
        text_of("<form><input name=u value=\"admin &amp; co\"><input type=password value=pw>"
                "<input type=\"HIDDEN\" value=h><input type=submit value='Sign in'></form>"),
        "admin & co Sign in");
    assert_string_equal(text_of("<label>User</label><input value=bob>"), "User bob");
}

static void test_dom_text_bounds(void **state)
{
    (void)state;
    char out[8];
    bool trunc = false;
    size_t n = xs_dom_visible_text("<p>abcdefghijkl</p>", 19, out, sizeof out, &trunc);
    assert_true(trunc);
    assert_int_equal(n, 7);
    assert_string_equal(out, "abcdefg");
    /* a cut never splits a UTF-8 character: "ab" + three 3-byte characters */
    n = xs_dom_visible_text("ab\xE2\x82\xAC\xE2\x82\xAC\xE2\x82\xAC", 11, out, sizeof out, &trunc);
    assert_true(trunc);
    assert_int_equal(n, 5);
    assert_string_equal(out, "ab\xE2\x82\xAC");
    n = xs_dom_visible_text("<p>x</p>", 8, out, 1, &trunc);
    assert_int_equal(n, 0);
    assert_string_equal(out, "");
    /* 200 KiB of text keeps exactly the bound */
    size_t big = 200 * 1024;
    char *html = malloc(big + 1);
    for (size_t i = 0; i < big; i++)
        html[i] = (char)('a' + i % 26);
    html[big] = '\0';
    n = xs_dom_visible_text(html, big, text_buf, sizeof text_buf, &trunc);
    assert_true(trunc);
    assert_int_equal(n, XS_SHOT_TEXT_MAX);
    assert_int_equal(strlen(text_buf), XS_SHOT_TEXT_MAX);
    /* embedded NULs are dropped */
    n = xs_dom_visible_text("a\0b", 3, out, sizeof out, &trunc);
    assert_string_equal(out, "ab");
    free(html);
}

/* ------------------------------------------------------------------ URL and argv */

static void test_url_host_port(void **state)
{
    (void)state;
    char host[64];
    unsigned port;
    assert_int_equal(xs_shot_url_host_port("http://192.0.2.7/", host, sizeof host, &port), 0);
    assert_string_equal(host, "192.0.2.7");
    assert_int_equal(port, 80);
    assert_int_equal(xs_shot_url_host_port("HTTPS://Example.com", host, sizeof host, &port), 0);
    assert_string_equal(host, "Example.com");
    assert_int_equal(port, 443);
    assert_int_equal(
        xs_shot_url_host_port("https://u:p@10.0.0.1:8443/a?b#c", host, sizeof host, &port), 0);
    assert_string_equal(host, "10.0.0.1");
    assert_int_equal(port, 8443);
    assert_int_equal(xs_shot_url_host_port("http://[2001:db8::1]:8080/", host, sizeof host, &port),
                     0);
    assert_string_equal(host, "2001:db8::1");
    assert_int_equal(port, 8080);
    assert_int_equal(xs_shot_url_host_port("http://h:/", host, sizeof host, &port), 0);
    assert_int_equal(port, 80);

    const char *bad[] = {"file:///etc/passwd",
                         "javascript:alert(1)",
                         "data:text/html,x",
                         "ftp://h/",
                         "http://",
                         "http:///x",
                         "http://h:0/",
                         "http://h:65536/",
                         "http://h:8x/",
                         "http://a b/",
                         "http://h/\n",
                         "http://a,b/",
                         "http://a;b/",
                         "http://[::1/",
                         "http://a:1:2/",
                         "http://*/",
                         "--flag",
                         "http://[::1]x/"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        assert_int_equal(xs_shot_url_host_port(bad[i], host, sizeof host, &port), -1);
    assert_int_equal(
        xs_shot_url_host_port("http://averyveryverylonghostname.example/", host, 8, &port), -1);
}

static bool argv_has(char **argv, const char *s)
{
    for (char **a = argv; *a; a++)
        if (strcmp(*a, s) == 0)
            return true;
    return false;
}

static size_t argv_len(char **argv)
{
    size_t n = 0;
    while (argv[n])
        n++;
    return n;
}

static void test_build_argv(void **state)
{
    (void)state;
    xs_shot_argv_spec sp = {.chromium_path = "/usr/lib/chromium/chromium",
                            .url = "http://127.0.0.1:8080/login",
                            .png_path = "/s/a.png",
                            .profile_dir = "/tmp/xs-shot-1",
                            .load_timeout_ms = 7500,
                            .deny_proxy_port = 40000};
    char **a = xs_shot_build_argv(&sp);
    assert_non_null(a);
    size_t n = argv_len(a);
    assert_string_equal(a[0], "/usr/lib/chromium/chromium");
    assert_string_equal(a[n - 1], "http://127.0.0.1:8080/login"); /* the one URL, last */
    assert_true(argv_has(a, "--headless"));
    assert_true(argv_has(a, "--no-sandbox"));
    assert_true(argv_has(a, "--disable-gpu"));
    assert_true(argv_has(a, "--disable-quic"));
    assert_true(argv_has(a, "--dump-dom"));
    assert_true(argv_has(a, "--screenshot=/s/a.png"));
    assert_true(argv_has(a, "--user-data-dir=/tmp/xs-shot-1"));
    assert_true(argv_has(a, "--window-size=1280,800"));
    assert_true(argv_has(a, "--timeout=7500"));
    assert_true(argv_has(a, "--ignore-certificate-errors"));
    assert_true(argv_has(a, "--proxy-server=http://127.0.0.1:40000"));
    assert_true(argv_has(a, "--proxy-bypass-list=<-loopback>;127.0.0.1:8080"));
    assert_true(argv_has(a, "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"));
    xs_shot_argv_free(a);

    sp.url = "https://app.example.com/";
    sp.resolve_to = "192.0.2.7";
    sp.sandbox = true;
    sp.width = 800;
    sp.height = 600;
    sp.load_timeout_ms = 0;
    a = xs_shot_build_argv(&sp);
    assert_non_null(a);
    assert_false(argv_has(a, "--no-sandbox"));
    assert_true(argv_has(a, "--window-size=800,600"));
    assert_true(argv_has(a, "--proxy-bypass-list=<-loopback>;app.example.com:443"));
    assert_true(
        argv_has(a, "--host-resolver-rules=MAP app.example.com 192.0.2.7, MAP * ~NOTFOUND"));
    for (char **p = a; *p; p++)
        assert_null(strstr(*p, "--timeout="));
    xs_shot_argv_free(a);

    sp.url = "http://[2001:db8::5]:81/";
    sp.resolve_to = NULL;
    a = xs_shot_build_argv(&sp);
    assert_true(argv_has(a, "--proxy-bypass-list=<-loopback>;[2001:db8::5]:81"));
    xs_shot_argv_free(a);

    /* refused: a resolve_to that would inject rules, and non-http URLs */
    sp.url = "http://h/";
    sp.resolve_to = "1.2.3.4, MAP * 5.6.7.8";
    assert_null(xs_shot_build_argv(&sp));
    sp.resolve_to = NULL;
    sp.url = "file:///etc/shadow";
    assert_null(xs_shot_build_argv(&sp));
    xs_shot_argv_free(NULL);
}

/* ------------------------------------------------------------------ pool, with a fake chromium */

static char work_dir[64];

/* Behaves like chromium --screenshot --dump-dom, chosen by a word in the URL. */
static const char fake_chromium[] =
    "#!/bin/sh\n"
    "for a; do case \"$a\" in --screenshot=*) out=\"${a#--screenshot=}\";;\n"
    "  --user-data-dir=*) prof=\"${a#--user-data-dir=}\";; http*) url=\"$a\";; esac; done\n"
    "touch \"$prof/Local State\"; mkdir -p \"$prof/Default/Cache\"; touch "
    "\"$prof/Default/Cache/x\"\n"
    "png() { printf '\\211PNG\\r\\n\\032\\n\\000\\000\\000\\015IHDR\\000\\000\\005\\000\\000\\000"
    "\\003\\040rest' > \"$out\"; }\n"
    "case \"$url\" in\n"
    " *fail*) png; echo '[1:1:ERROR:headless_command_handler.cc:403] Page load failed: "
    "net::ERR_CONNECTION_REFUSED' >&2; exit 0;;\n"
    " *slow*) png; echo '[1:1:ERROR:headless_command_handler.cc:409] Page load timed out.' >&2;\n"
    "   echo '<html><body><p>partial words</p></body></html>'; exit 0;;\n"
    " *blank*) png; echo '[1:1:ERROR:headless_command_handler.cc:409] Page load timed out.' >&2;\n"
    "   echo '<html><head></head><body></body></html>'; exit 0;;\n"
    " *hang*) sleep 60 & [ -n \"$XS_TEST_DIR\" ] && echo $! > \"$XS_TEST_DIR/grandchild.pid\"\n"
    "   png; exec sleep 60;;\n"
    " *crash*) exit 3;;\n"
    " *noshot*) echo '<p>no png</p>'; exit 0;;\n"
    " *big*) png; echo '<pre>'; head -c 300000 /dev/zero | tr '\\0' 'x'; echo '</pre>'; exit 0;;\n"
    "esac\n"
    "png; echo 'noise on stderr' >&2\n"
    "echo \"<html><head><title>t</title></head><body><h1>Fake</h1><p>hello &amp; world</p>"
    "<p>$url</p></body></html>\"\n";

typedef struct {
    char url[128];
    char png[256];
    char error[128];
    char text[256];
    bool have_png, partial, truncated;
    unsigned w, h;
    size_t text_len;
} seen_result;

typedef struct {
    seen_result r[16];
    size_t n;
} seen_list;

static void collect(const xs_shot_result *r, void *arg)
{
    seen_list *l = arg;
    assert_true(l->n < 16);
    seen_result *s = &l->r[(size_t)r->user];
    l->n++;
    snprintf(s->url, sizeof s->url, "%s", r->url);
    snprintf(s->error, sizeof s->error, "%s", r->error ? r->error : "");
    assert_non_null(r->text);
    snprintf(s->text, sizeof s->text, "%s", r->text);
    s->text_len = r->text_len;
    s->truncated = r->text_truncated;
    s->partial = r->partial;
    s->have_png = r->png_path != NULL;
    if (r->png_path) {
        snprintf(s->png, sizeof s->png, "%s", r->png_path);
        struct stat st;
        assert_int_equal(stat(r->png_path, &st), 0); /* the file is there during the callback */
        assert_int_equal(st.st_size, (off_t)r->bytes);
    }
    s->w = r->width;
    s->h = r->height;
}

static size_t entries_in(const char *dir)
{
    DIR *d = opendir(dir);
    assert_non_null(d);
    size_t n = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL)
        if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
            n++;
    closedir(d);
    return n;
}

static int pool_setup(void **state)
{
    (void)state;
    strcpy(work_dir, "/tmp/xs-test-shot-XXXXXX");
    if (!mkdtemp(work_dir))
        return -1;
    char path[128];
    snprintf(path, sizeof path, "%s/fake-chromium", work_dir);
    FILE *f = fopen(path, "w");
    if (!f)
        return -1;
    fputs(fake_chromium, f);
    fclose(f);
    chmod(path, 0755);
    snprintf(path, sizeof path, "%s/profiles", work_dir);
    mkdir(path, 0700);
    snprintf(path, sizeof path, "%s/shots", work_dir);
    mkdir(path, 0700);
    return 0;
}

static int pool_teardown(void **state)
{
    (void)state;
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", work_dir);
    return system(cmd) == 0 ? 0 : -1;
}

static xs_shot_pool *fake_pool(unsigned concurrency, unsigned timeout_ms)
{
    char chromium[128], profiles[128], shots[128], err[256];
    snprintf(chromium, sizeof chromium, "%s/fake-chromium", work_dir);
    snprintf(profiles, sizeof profiles, "%s/profiles", work_dir);
    snprintf(shots, sizeof shots, "%s/shots", work_dir);
    xs_shot_config cfg = {.dir = shots,
                          .tmp_dir = profiles,
                          .concurrency = concurrency,
                          .timeout_ms = timeout_ms,
                          .chromium_path = chromium};
    xs_shot_pool *p = xs_shot_pool_new(&cfg, err, sizeof err);
    assert_non_null(p);
    return p;
}

static void run_all(xs_shot_pool *p, seen_list *l)
{
    while (xs_shot_pool_pending(p) > 0)
        assert_true(xs_shot_pool_poll(p, 1000, collect, l) >= 0);
}

static void test_pool_outcomes(void **state)
{
    (void)state;
    xs_shot_pool *p = fake_pool(2, 20000);
    const char *urls[] = {"http://127.0.0.1:1/ok",    "http://127.0.0.1:1/fail",
                          "http://127.0.0.1:1/slow",  "http://127.0.0.1:1/blank",
                          "http://127.0.0.1:1/crash", "http://127.0.0.1:1/noshot",
                          "https://127.0.0.1:1/big"};
    size_t n = sizeof urls / sizeof urls[0];
    for (size_t i = 0; i < n; i++) {
        char out[32];
        snprintf(out, sizeof out, "shot-%zu.png", i);
        assert_int_equal(xs_shot_pool_submit(p, urls[i], out, (void *)i), 0);
    }
    assert_int_equal(xs_shot_pool_pending(p), n);
    seen_list l = {0};
    run_all(p, &l);
    assert_int_equal(l.n, n);
    assert_int_equal(xs_shot_pool_pending(p), 0);

    seen_result *r = &l.r[0]; /* ok */
    assert_string_equal(r->error, "");
    assert_true(r->have_png);
    assert_non_null(strstr(r->png, "/shots/shot-0.png"));
    assert_int_equal(r->w, 1280);
    assert_int_equal(r->h, 800);
    assert_string_equal(r->text, "Fake\nhello & world\nhttp://127.0.0.1:1/ok");
    assert_false(r->partial);
    r = &l.r[1]; /* chromium reported a load failure */
    assert_string_equal(r->error, "load failed: net::ERR_CONNECTION_REFUSED");
    assert_false(r->have_png);
    r = &l.r[2]; /* soft timeout, something rendered */
    assert_string_equal(r->error, "");
    assert_true(r->partial);
    assert_string_equal(r->text, "partial words");
    assert_string_equal(l.r[3].error, "timeout"); /* soft timeout, nothing rendered */
    assert_string_equal(l.r[4].error, "chromium exited with status 3");
    assert_string_equal(l.r[5].error, "no screenshot");
    r = &l.r[6]; /* 300 KB of text: bounded */
    assert_string_equal(r->error, "");
    assert_true(r->truncated);
    assert_int_equal(r->text_len, XS_SHOT_TEXT_MAX);

    /* failed shots leave no PNG, and every profile directory is gone */
    char path[160];
    snprintf(path, sizeof path, "%s/shots", work_dir);
    assert_int_equal(entries_in(path), 3); /* ok, slow, big */
    snprintf(path, sizeof path, "%s/profiles", work_dir);
    assert_int_equal(entries_in(path), 0);
    xs_shot_pool_free(p);
}

static char proc_state(pid_t pid)
{
    char path[64], buf[256];
    snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
    FILE *f = fopen(path, "r");
    if (!f)
        return 0;
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = '\0';
    char *rp = strrchr(buf, ')');
    return rp && rp[1] == ' ' ? rp[2] : 0;
}

static void test_pool_timeout_kills_group(void **state)
{
    (void)state;
    /* the pool gives chromium a minimal environment (no XS_TEST_DIR): a wrapper bakes the
     * directory in, where the fake records the PID of the grandchild it leaves behind */
    char wrapper[160], body[512];
    snprintf(wrapper, sizeof wrapper, "%s/fake-wrapper", work_dir);
    snprintf(body, sizeof body, "#!/bin/sh\nXS_TEST_DIR='%s' exec '%s/fake-chromium' \"$@\"\n",
             work_dir, work_dir);
    FILE *f = fopen(wrapper, "w");
    assert_non_null(f);
    fputs(body, f);
    fclose(f);
    chmod(wrapper, 0755);

    char profiles[128], shots[128], err[256];
    snprintf(profiles, sizeof profiles, "%s/profiles", work_dir);
    snprintf(shots, sizeof shots, "%s/shots", work_dir);
    xs_shot_config cfg = {.dir = shots,
                          .tmp_dir = profiles,
                          .concurrency = 1,
                          .timeout_ms = 300,
                          .chromium_path = wrapper};
    xs_shot_pool *p = xs_shot_pool_new(&cfg, err, sizeof err);
    assert_non_null(p);
    assert_int_equal(xs_shot_pool_submit(p, "http://127.0.0.1:1/hang", "hang.png", (void *)0), 0);
    assert_int_equal(xs_shot_pool_submit(p, "http://127.0.0.1:1/ok", "after.png", (void *)1), 0);
    seen_list l = {0};
    run_all(p, &l);
    assert_int_equal(l.n, 2);
    assert_string_equal(l.r[0].error, "timeout");
    assert_false(l.r[0].have_png);
    assert_string_equal(l.r[1].error, ""); /* the slot is reused afterwards */

    /* the background "sleep" the fake left behind was in the group: it is killed too */
    char pidpath[160];
    snprintf(pidpath, sizeof pidpath, "%s/grandchild.pid", work_dir);
    f = fopen(pidpath, "r");
    assert_non_null(f);
    int gpid = 0;
    assert_int_equal(fscanf(f, "%d", &gpid), 1);
    fclose(f);
    char st = 'R';
    for (int i = 0; i < 200 && (st = proc_state(gpid)) != 0 && st != 'Z'; i++) {
        struct timespec ts = {0, 10000000};
        nanosleep(&ts, NULL);
    }
    assert_true(st == 0 || st == 'Z');
    assert_int_equal(entries_in(profiles), 0);
    xs_shot_pool_free(p);
}

static void test_pool_free_kills_running(void **state)
{
    (void)state;
    xs_shot_pool *p = fake_pool(2, 60000);
    assert_int_equal(xs_shot_pool_submit(p, "http://127.0.0.1:1/hang", "h1.png", (void *)0), 0);
    assert_int_equal(xs_shot_pool_submit(p, "http://127.0.0.1:1/hang", "h2.png", (void *)1), 0);
    assert_int_equal(xs_shot_pool_submit(p, "http://127.0.0.1:1/ok", "q.png", (void *)2), 0);
    seen_list l = {0};
    assert_int_equal(xs_shot_pool_poll(p, 0, collect, &l), 0); /* starts two, none done */
    assert_int_equal(xs_shot_pool_pending(p), 3);
    xs_shot_pool_free(p); /* kills, reaps, cleans */
    assert_int_equal(l.n, 0);
    char path[160];
    snprintf(path, sizeof path, "%s/profiles", work_dir);
    assert_int_equal(entries_in(path), 0);
}

static void test_pool_rejects(void **state)
{
    (void)state;
    char err[256] = "";
    xs_shot_config cfg = {.chromium_path = "/nonexistent/chromium"};
    assert_null(xs_shot_pool_new(&cfg, err, sizeof err));
    assert_non_null(strstr(err, "/nonexistent/chromium"));
    xs_shot_pool *p = fake_pool(1, 1000);
    assert_int_equal(xs_shot_pool_submit(p, "file:///etc/passwd", "x.png", NULL), -1);
    assert_int_equal(xs_shot_pool_submit(p, "http://h/", "", NULL), -1);
    assert_int_equal(xs_shot_pool_submit_pinned(p, "http://h/", "not an ip", "x.png", NULL), -1);
    assert_int_equal(xs_shot_pool_submit_pinned(p, "http://h/", "192.0.2.1", "x.png", NULL), 0);
    assert_int_equal(xs_shot_pool_pending(p), 1);
    xs_shot_pool_free(p); /* queued: dropped */
}

/* --screenshots DIR (issue 13.1): never chown an existing directory or a symlink's target. */
static void test_shot_dir_prepare(void **state)
{
    (void)state;
    if (geteuid() != 0)
        skip();
    struct passwd *pw = getpwnam("nobody");
    assert_non_null(pw);
    char base[] = "/tmp/xs-shotdir-XXXXXX", path[128], err[256];
    assert_non_null(mkdtemp(base));
    chmod(base, 0755);
    struct stat st;
    /* missing: created 0700 and handed to nobody */
    snprintf(path, sizeof path, "%s/new", base);
    assert_int_equal(xs_shot_dir_prepare(path, NULL, true, err, sizeof err), 0);
    assert_int_equal(lstat(path, &st), 0);
    assert_true(S_ISDIR(st.st_mode));
    assert_int_equal(st.st_mode & 0777, 0700);
    assert_int_equal(st.st_uid, pw->pw_uid);
    /* existing, root's: refused and left root's */
    snprintf(path, sizeof path, "%s/rootdir", base);
    assert_int_equal(mkdir(path, 0755), 0);
    assert_int_equal(xs_shot_dir_prepare(path, NULL, true, err, sizeof err), -1);
    assert_non_null(strstr(err, "never chowned"));
    assert_int_equal(lstat(path, &st), 0);
    assert_int_equal(st.st_uid, 0);
    /* a symlink to a root directory: refused, the target untouched */
    char link[160];
    snprintf(link, sizeof link, "%s/link", base);
    assert_int_equal(symlink(path, link), 0);
    assert_int_equal(xs_shot_dir_prepare(link, NULL, true, err, sizeof err), -1);
    assert_non_null(strstr(err, "symbolic link"));
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_uid, 0);
    /* a symlink to /etc: refused, /etc still root's */
    snprintf(link, sizeof link, "%s/etc", base);
    assert_int_equal(symlink("/etc", link), 0);
    assert_int_equal(xs_shot_dir_prepare(link, NULL, true, err, sizeof err), -1);
    assert_int_equal(stat("/etc", &st), 0);
    assert_int_equal(st.st_uid, 0);
    /* world-writable: refused; a file: refused */
    snprintf(path, sizeof path, "%s/open", base);
    assert_int_equal(mkdir(path, 0700), 0);
    chmod(path, 01777);
    assert_int_equal(xs_shot_dir_prepare(path, NULL, true, err, sizeof err), -1);
    snprintf(path, sizeof path, "%s/file", base);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fclose(f);
    assert_int_equal(xs_shot_dir_prepare(path, NULL, true, err, sizeof err), -1);
    /* existing and nobody's: used as it is */
    snprintf(path, sizeof path, "%s/new", base);
    assert_int_equal(xs_shot_dir_prepare(path, NULL, true, err, sizeof err), 0);
    /* without a drop nothing is handed over */
    snprintf(path, sizeof path, "%s/kept", base);
    assert_int_equal(xs_shot_dir_prepare(path, NULL, false, err, sizeof err), 0);
    assert_int_equal(lstat(path, &st), 0);
    assert_int_equal(st.st_uid, 0);
    char cmd[160];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", base);
    assert_int_equal(system(cmd), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_png_dimensions),
        cmocka_unit_test(test_shot_dir_prepare),
        cmocka_unit_test(test_png_file),
        cmocka_unit_test(test_dom_text_basic),
        cmocka_unit_test(test_dom_text_hidden_parts),
        cmocka_unit_test(test_dom_text_structure),
        cmocka_unit_test(test_dom_text_bounds),
        cmocka_unit_test(test_url_host_port),
        cmocka_unit_test(test_build_argv),
        cmocka_unit_test(test_pool_outcomes),
        cmocka_unit_test(test_pool_timeout_kills_group),
        cmocka_unit_test(test_pool_free_kills_running),
        cmocka_unit_test(test_pool_rejects),
    };
    return cmocka_run_group_tests(tests, pool_setup, pool_teardown);
}
