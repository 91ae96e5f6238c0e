/* Fingerprint engine: the committed fixture (tests/fingerprint/fixture) exercises every supported
 * pattern kind, tags, implies chains, excludes, requires; then, when scripts/fetch-fingerprints.sh
 * has run, the real Wappalyzer data on a WordPress + jQuery page. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <cmocka.h>
#include "xsweep/fingerprint.h"
#include "../../src/fingerprint/fp_internal.h"

#define FIXTURE  XS_DATADIR "/../tests/fingerprint/fixture"
#define REALDATA XS_DATADIR "/fingerprints"

static xs_fp_db *fixture;
static xs_fp_matcher *matcher;
static xs_fp_result result;

static int setup(void **state)
{
    (void)state;
    char err[256];
    fixture = xs_fp_db_load(FIXTURE, err, sizeof err);
    if (!fixture) {
        fprintf(stderr, "fixture: %s\n", err);
        return -1;
    }
    matcher = xs_fp_matcher_new(fixture);
    return matcher ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    xs_fp_result_free(&result);
    xs_fp_matcher_free(matcher);
    xs_fp_db_free(fixture);
    return 0;
}

static const xs_fp_result *match(const char *url, const xs_fp_pair *headers, size_t nheaders,
                                 const char *body)
{
    xs_fp_input in = {.url = url,
                      .headers = headers,
                      .nheaders = nheaders,
                      .body = body,
                      .body_len = body ? strlen(body) : 0};
    assert_int_equal(xs_fp_match(matcher, &in, &result), 0);
    return &result;
}

static const xs_fp_tech *must_find(const xs_fp_result *r, const char *name)
{
    const xs_fp_tech *t = xs_fp_result_find(r, name);
    if (!t)
        fail_msg("%s not detected", name);
    return t;
}

static void test_fixture_stats(void **state)
{
    (void)state;
    xs_fp_stats s;
    xs_fp_db_stats(fixture, &s);
    assert_int_equal(s.technologies, 13);
    assert_int_equal(s.categories, 6);
    assert_int_equal(s.patterns, 14);
    assert_int_equal(s.by_kind[FP_HTML], 5);
    assert_int_equal(s.by_kind[FP_SCRIPTSRC], 2); /* scriptSrc + legacy "script" */
    assert_int_equal(s.regex_rejected, 1);        /* "(unclosed" */
    assert_int_equal(s.malformed, 3);             /* headers array, unknown implies, cat 999 */
    assert_int_equal(s.js, 1);
    assert_int_equal(s.dom, 2);
    assert_int_equal(s.unsupported, 1);
}

static void test_header_version_case_insensitive_name(void **state)
{
    (void)state;
    xs_fp_pair h[] = {{"sErVeR", "serverx/2.4.1 (Unix)"}};
    const xs_fp_result *r = match(NULL, h, 1, NULL);
    assert_int_equal(r->n, 1);
    const xs_fp_tech *t = must_find(r, "ServerX");
    assert_string_equal(t->version, "2.4.1");
    assert_int_equal(t->confidence, 100);
    assert_int_equal(t->ncategories, 1);
    assert_string_equal(t->categories[0], "Web servers");
}

static void test_excludes(void **state)
{
    (void)state;
    xs_fp_pair h[] = {{"Server", "ServerX"}, {"Via", "1.1 ProxyP"}};
    const xs_fp_result *r = match(NULL, h, 2, NULL);
    assert_non_null(xs_fp_result_find(r, "ProxyP"));
    assert_null(xs_fp_result_find(r, "ServerX"));
}

static void test_meta_and_implies_chain(void **state)
{
    (void)state;
    const xs_fp_result *r = match(
        NULL, NULL, 0, "<html><head><META content='CMSA 3.2' name=\"Generator\"></head></html>");
    assert_int_equal(r->n, 3);
    const xs_fp_tech *cms = must_find(r, "CMS A");
    assert_string_equal(cms->version, "3.2");
    assert_int_equal(cms->confidence, 100);
    const xs_fp_tech *lang = must_find(r, "LangY"); /* implied with confidence 50 */
    assert_int_equal(lang->confidence, 50);
    assert_string_equal(lang->version, "");
    const xs_fp_tech *db = must_find(r, "DB Q"); /* implied by LangY: transitive */
    assert_int_equal(db->confidence, 50);        /* min(50, 100) */
    assert_string_equal(db->version, "5");       /* version tag of the implies entry */
    /* sorted by name */
    assert_string_equal(r->v[0].name, "CMS A");
    assert_string_equal(r->v[2].name, "LangY");
}

static void test_version_ternary(void **state)
{
    (void)state;
    const xs_fp_result *r = match(NULL, NULL, 0, "<body><!-- tern pro --></body>");
    assert_string_equal(must_find(r, "Tern")->version, "Pro");
    r = match(NULL, NULL, 0, "<body><!-- TERN --></body>");
    assert_string_equal(must_find(r, "Tern")->version, "Community");
}

static void test_cookie_confidence_sums(void **state)
{
    (void)state;
    xs_fp_pair h[] = {{"Set-Cookie", "sess_t=abc; Path=/; HttpOnly"}};
    const xs_fp_result *r = match(NULL, h, 1, NULL);
    assert_int_equal(must_find(r, "TrackT")->confidence, 25);
    xs_fp_pair h2[] = {{"Set-Cookie", "SESS_T=abc"}, {"set-cookie", "trk_t=12345; Secure"}};
    r = match(NULL, h2, 2, NULL);
    assert_int_equal(must_find(r, "TrackT")->confidence, 55);
    /* explicit cookies replace Set-Cookie parsing */
    xs_fp_pair c[] = {{"trk_t", "not-digits"}};
    xs_fp_input in = {.headers = h, .nheaders = 1, .cookies = c, .ncookies = 1};
    assert_int_equal(xs_fp_match(matcher, &in, &result), 0);
    assert_null(xs_fp_result_find(&result, "TrackT"));
}

static void test_script_src_scripts_and_url(void **state)
{
    (void)state;
    const xs_fp_result *r =
        match("https://example.test/admin/login", NULL, 0,
              "<script type=text/javascript src=/static/libj-1.9.2.min.js></script>"
              "<script>window.x = 1; InlineS.init( 'v4.5.6');</script>");
    assert_string_equal(must_find(r, "LibJ")->version, "1.9.2");
    assert_string_equal(must_find(r, "InlineS")->version, "4.5.6");
    must_find(r, "UrlCMS");
    /* legacy "script" key; a src inside an HTML comment is not a script */
    r = match(
        "https://example.test/", NULL, 0,
        "<!-- <script src=libj-0.1.min.js></script> --><script src='/a/legacy-libj.js'></script>");
    assert_string_equal(must_find(r, "LibJ")->version, "");
    assert_null(xs_fp_result_find(r, "UrlCMS"));
    /* inline pattern text outside a <script> is not a script */
    r = match(NULL, NULL, 0, "<p>InlineS.init('v1')</p>");
    assert_null(xs_fp_result_find(r, "InlineS"));
}

static void test_requires(void **state)
{
    (void)state;
    const xs_fp_result *r = match(NULL, NULL, 0, "<p>pluginr-marker pluginc-marker</p>");
    assert_int_equal(r->n, 0);
    r = match(NULL, NULL, 0, "<div id=\"cmsa-root\"></div><p>pluginr-marker</p>");
    must_find(r, "PluginR");
    /* requiresCategory 1 (CMS): Tern is a CMS */
    r = match(NULL, NULL, 0, "<!-- tern --> pluginc-marker");
    must_find(r, "PluginC");
    assert_null(xs_fp_result_find(r, "PluginR"));
}

static void test_empty_and_reuse(void **state)
{
    (void)state;
    xs_fp_input in = {0};
    assert_int_equal(xs_fp_match(matcher, &in, &result), 0);
    assert_int_equal(result.n, 0);
    /* the previous response's state does not leak into the next one */
    match(NULL, NULL, 0, "<!-- tern pro -->");
    const xs_fp_result *r = match(NULL, NULL, 0, "<!-- tern -->");
    assert_string_equal(must_find(r, "Tern")->version, "Community");
    assert_int_equal(r->n, 1);
}

static void test_literal_extraction(void **state)
{
    (void)state;
    char out[64];
    size_t n;
    n = fp_regex_literal("jquery[.-]([\\d.]*\\d)[^/]*\\.js", 27, out, sizeof out);
    assert_int_equal(n, 6);
    assert_memory_equal(out, "jquery", 6);
    n = fp_regex_literal("wp-(?:content|includes)", 23, out, sizeof out);
    assert_memory_equal(out, "wp-", n);
    assert_int_equal(fp_regex_literal("foo|barbaz", 10, out, sizeof out), 0); /* alternation */
    n = fp_regex_literal("Powered by\\s+ABCDEF?", 20, out, sizeof out);       /* F optional */
    assert_int_equal(n, 10);
    assert_memory_equal(out, "powered by", 10);
    n = fp_regex_literal("x{0,3}\\/static\\/ab", 18, out, sizeof out);
    assert_int_equal(n, 10);
    assert_memory_equal(out, "/static/ab", 10);
}

static void test_literal_sets(void **state)
{
    (void)state;
    char lits[FP_MAX_LITERALS][FP_LITERAL_MAX];
    size_t lens[FP_MAX_LITERALS];
    /* one literal per branch */
    assert_int_equal(fp_regex_literals("foo|barbaz", 10, lits, lens), 2);
    assert_memory_equal(lits[0], "foo", 3);
    assert_memory_equal(lits[1], "barbaz", 6);
    /* a branch without a literal of 3+ bytes: no prefilter at all */
    assert_int_equal(fp_regex_literals("foo|\\d+", 7, lits, lens), 0);
    /* a required group's branches beat a common literal ("<div" is on every page) */
    const char *g = "<div[^>]+(?:wonderwidget|gizmotron)";
    assert_int_equal(fp_regex_literals(g, strlen(g), lits, lens), 2);
    assert_memory_equal(lits[0], "wonderwidget", 12);
    assert_memory_equal(lits[1], "gizmotron", 9);
    /* optional groups and lookarounds give nothing */
    const char *o = "abc(?:longliteral)?(?=lookahead)";
    assert_int_equal(fp_regex_literals(o, strlen(o), lits, lens), 1);
    assert_memory_equal(lits[0], "abc", 3);
    /* JS "[]" is an empty class and "[^]" any character: what follows is still read */
    const char *e = "[^]zzzyx[]q";
    assert_int_equal(fp_regex_literals(e, strlen(e), lits, lens), 1);
    assert_memory_equal(lits[0], "zzzyx", 5);
}

/* A pattern whose prefilter literal is in one branch only still matches through the other branch;
 * patterns sharing a literal, and nested alternations, are decided per response. */
static void test_prefilter_branches(void **state)
{
    (void)state;
    static const char techs[] =
        "{\"Alpha\": {\"html\": \"<div[^>]+(?:wonderwidget|gizmotron)\"},"
        " \"Beta\": {\"html\": \"foo-one|bar-two\"},"
        " \"Gamma\": {\"html\": \"(?:x-(?:red|green)|blue)-cms\"},"
        " \"Delta\": {\"html\": \"gizmotron v([\\\\d.]+)\\\\;version:\\\\1\"},"
        " \"Eps\": {\"scripts\": \"bar-two|qux-three\"}}";
    char err[256];
    xs_fp_db *db = xs_fp_db_load_buffers(NULL, 0, techs, sizeof techs - 1, err, sizeof err);
    if (!db)
        fail_msg("%s", err);
    xs_fp_matcher *m = xs_fp_matcher_new(db);
    assert_non_null(m);
    xs_fp_result r = {0};
    const char *body =
        "<html><DIV class=\"GizmoTron v2.1\"></div><p>BAR-TWO</p><i>x-green-cms</i></html>";
    xs_fp_input in = {.body = body, .body_len = strlen(body)};
    assert_int_equal(xs_fp_match(m, &in, &r), 0);
    assert_non_null(xs_fp_result_find(&r, "Alpha"));
    assert_non_null(xs_fp_result_find(&r, "Beta"));
    assert_non_null(xs_fp_result_find(&r, "Gamma"));
    assert_string_equal(xs_fp_result_find(&r, "Delta")->version, "2.1");
    assert_null(xs_fp_result_find(&r, "Eps")); /* not inside a <script> */
    body = "<script>var a = 'qux-three';</script><p>blue-cms</p>";
    in = (xs_fp_input){.body = body, .body_len = strlen(body)};
    assert_int_equal(xs_fp_match(m, &in, &r), 0);
    assert_int_equal(r.n, 2);
    assert_non_null(xs_fp_result_find(&r, "Eps"));
    assert_non_null(xs_fp_result_find(&r, "Gamma"));
    /* a literal that straddles the end of the body is not there */
    body = "<p>foo-on";
    in = (xs_fp_input){.body = body, .body_len = strlen(body)};
    assert_int_equal(xs_fp_match(m, &in, &r), 0);
    assert_int_equal(r.n, 0);
    xs_fp_result_free(&r);
    xs_fp_matcher_free(m);
    xs_fp_db_free(db);
}

/* Above 2000 x 3000 characters, html patterns see the first and last 1500 rows, as in Wappalyzer's
 * driver; inline scripts are still read whole. */
static void test_html_cap(void **state)
{
    (void)state;
    static const char techs[] =
        "{\"Head\": {\"html\": \"headmarker\"}, \"Middle\": {\"html\": \"middlemarker\"},"
        " \"Tail\": {\"html\": \"tailmarker\"}, \"Script\": {\"scripts\": \"scriptmarker\"}}";
    char err[256];
    xs_fp_db *db = xs_fp_db_load_buffers(NULL, 0, techs, sizeof techs - 1, err, sizeof err);
    if (!db)
        fail_msg("%s", err);
    xs_fp_matcher *m = xs_fp_matcher_new(db);
    assert_non_null(m);
    size_t n = 7u * 1000 * 1000;
    char *body = malloc(n);
    assert_non_null(body);
    memset(body, 'a', n);
    memcpy(body + 10, "headmarker", 10);
    memcpy(body + n / 2, "<script>middlemarker scriptmarker</script>", 42);
    memcpy(body + n - 20, "tailmarker", 10);
    xs_fp_input in = {.body = body, .body_len = n};
    xs_fp_result r = {0};
    assert_int_equal(xs_fp_match(m, &in, &r), 0);
    assert_non_null(xs_fp_result_find(&r, "Head"));
    assert_non_null(xs_fp_result_find(&r, "Tail"));
    assert_null(xs_fp_result_find(&r, "Middle"));
    assert_non_null(xs_fp_result_find(&r, "Script"));
    xs_fp_result_free(&r);
    free(body);
    xs_fp_matcher_free(m);
    xs_fp_db_free(db);
}

static void test_translation(void **state)
{
    (void)state;
    char *t = fp_regex_translate("a+b*[+*]\\+c[^]", 14);
    assert_string_equal(t, "a{1,250}b{0,250}[+*]\\+c[\\s\\S]");
    free(t);
}

static void test_version_resolve(void **state)
{
    (void)state;
    /* subject "x 1.2", groups: 0 = "1.2", 1 = "1", 2 = unset */
    PCRE2_SIZE ov[] = {2, 5, 2, 3, PCRE2_UNSET, PCRE2_UNSET};
    char out[64];
    fp_version_resolve("\\1", "x 1.2", 5, ov, 3, out, sizeof out);
    assert_string_equal(out, "1");
    fp_version_resolve("\\2?yes:no", "x 1.2", 5, ov, 3, out, sizeof out);
    assert_string_equal(out, "no");
    fp_version_resolve("\\1?yes:no", "x 1.2", 5, ov, 3, out, sizeof out);
    assert_string_equal(out, "yes");
    fp_version_resolve(" v\\0 ", "x 1.2", 5, ov, 3, out, sizeof out);
    assert_string_equal(out, "v1.2");
    fp_version_resolve("\\7", "x 1.2", 5, ov, 3, out, sizeof out); /* unmatched reference removed */
    assert_string_equal(out, "");
}

static void test_load_errors(void **state)
{
    (void)state;
    char err[256] = "";
    assert_null(xs_fp_db_load("/nonexistent/fp", err, sizeof err));
    assert_non_null(strstr(err, "/nonexistent/fp"));
    const char bad[] = "{\"a\": ";
    assert_null(xs_fp_db_load_buffers(NULL, 0, bad, sizeof bad - 1, err, sizeof err));
    assert_non_null(strstr(err, "technologies"));
    const char arr[] = "[1,2]";
    assert_null(xs_fp_db_load_buffers(NULL, 0, arr, sizeof arr - 1, err, sizeof err));
    /* no categories file: technologies still load, with no category names */
    const char one[] = "{\"T\":{\"cats\":[1],\"html\":\"tee\"}}";
    xs_fp_db *db = xs_fp_db_load_buffers(NULL, 0, one, sizeof one - 1, err, sizeof err);
    assert_non_null(db);
    xs_fp_matcher *m = xs_fp_matcher_new(db);
    xs_fp_result r = {0};
    xs_fp_input in = {.body = "tee", .body_len = 3};
    assert_int_equal(xs_fp_match(m, &in, &r), 0);
    assert_int_equal(r.n, 1);
    assert_int_equal(r.v[0].ncategories, 0);
    xs_fp_result_free(&r);
    xs_fp_matcher_free(m);
    xs_fp_db_free(db);
}

static const char wordpress_page[] =
    "<!DOCTYPE html><html lang=\"en-US\"><head>"
    "<meta name=\"generator\" content=\"WordPress 6.4.2\" />"
    "<link rel='stylesheet' "
    "href='https://blog.example.test/wp-content/themes/twentytwentyfour/style.css?ver=1.0' />"
    "<script "
    "src=\"https://blog.example.test/wp-includes/js/jquery/jquery.min.js?ver=3.7.1\"></script>"
    "<script "
    "src=\"https://blog.example.test/wp-includes/js/jquery/jquery-migrate.min.js?ver=3.4.1\"></"
    "script>"
    "</head><body><p>Hello world!</p></body></html>";

static void test_real_data_wordpress(void **state)
{
    (void)state;
    struct stat st;
    if (stat(REALDATA "/categories.json", &st) != 0) {
        fprintf(stderr, "no %s (run scripts/fetch-fingerprints.sh): skipped\n", REALDATA);
        skip();
    }
    char err[256];
    xs_fp_db *db = xs_fp_db_load(REALDATA, err, sizeof err);
    if (!db)
        fail_msg("%s", err);
    xs_fp_stats s;
    xs_fp_db_stats(db, &s);
    assert_true(s.technologies > 1000);
    assert_true(s.patterns > 1000);
    xs_fp_matcher *m = xs_fp_matcher_new(db);
    xs_fp_pair h[] = {{"Server", "nginx/1.24.0"}, {"X-Powered-By", "PHP/8.2.7"}};
    xs_fp_input in = {.url = "https://blog.example.test/",
                      .headers = h,
                      .nheaders = 2,
                      .body = wordpress_page,
                      .body_len = sizeof wordpress_page - 1};
    xs_fp_result r = {0};
    assert_int_equal(xs_fp_match(m, &in, &r), 0);
    const xs_fp_tech *wp = xs_fp_result_find(&r, "WordPress");
    assert_non_null(wp);
    assert_string_equal(wp->version, "6.4.2");
    assert_non_null(xs_fp_result_find(&r, "jQuery"));
    assert_non_null(xs_fp_result_find(&r, "jQuery Migrate"));
    assert_string_equal(xs_fp_result_find(&r, "Nginx")->version, "1.24.0");
    assert_string_equal(xs_fp_result_find(&r, "PHP")->version, "8.2.7");
    assert_non_null(xs_fp_result_find(&r, "MySQL")); /* WordPress implies PHP and MySQL */
    xs_fp_result_free(&r);
    xs_fp_matcher_free(m);
    xs_fp_db_free(db);
}

/* Issue 11.6: the dom selectors static HTML answers, with the real data (what Wappalyzer's own
 * engine finds on WordPress, MediaWiki and DokuWiki pages: RSS from the feed <link>, PWA from
 * <link rel=manifest>), and none where only the text says so. */
static bool real_has(xs_fp_matcher *m, const char *body, const char *name)
{
    xs_fp_input in = {.url = "http://192.0.2.1/", .body = body, .body_len = strlen(body)};
    xs_fp_result r = {0};
    assert_int_equal(xs_fp_match(m, &in, &r), 0);
    bool found = xs_fp_result_find(&r, name) != NULL;
    xs_fp_result_free(&r);
    return found;
}

static void test_real_data_dom(void **state)
{
    (void)state;
    struct stat st;
    if (stat(REALDATA "/categories.json", &st) != 0)
        skip();
    char err[256];
    xs_fp_db *db = xs_fp_db_load(REALDATA, err, sizeof err);
    if (!db)
        fail_msg("%s", err);
    xs_fp_matcher *m = xs_fp_matcher_new(db);
    /* WordPress's feed link, MediaWiki's Atom link, DokuWiki's manifest and feed */
    assert_true(
        real_has(m,
                 "<html><head><link rel=\"alternate\" type=\"application/rss+xml\" "
                 "title=\"Blog &raquo; Feed\" href=\"https://blog.test/feed/\"></head></html>",
                 "RSS"));
    assert_true(real_has(
        m,
        "<head><link rel=\"alternate\" type=\"application/atom+xml\" title=\"Wiki Atom feed\" "
        "href=\"/index.php?title=Special:RecentChanges&amp;feed=atom\"/></head>",
        "RSS"));
    assert_true(
        real_has(m,
                 "<head><link rel=\"manifest\" href=\"/lib/exe/manifest.php\" />"
                 "<link rel=\"alternate\" type=\"application/rss+xml\" title=\"Recent Changes\" "
                 "href=\"/feed.php\" /></head>",
                 "PWA"));
    /* only mentioned, or on the wrong element: not detected */
    assert_false(real_has(m, "<p>Subscribe: application/rss+xml feeds and a manifest</p>", "RSS"));
    assert_false(real_has(m, "<a rel=\"manifest\" href=\"/m.json\">manifest</a>", "PWA"));
    assert_false(real_has(m, "<!-- <link rel=\"manifest\" href=\"/m.json\"> -->", "PWA"));
    assert_false(real_has(m, "<script>var s='<link rel=\"manifest\">';</script>", "PWA"));
    /* a descendant selector with a text condition: the tree path */
    assert_true(real_has(
        m,
        "<body><div id=\"incompatible-browser\"><p>We are sorry but it seems that PeerTube "
        "is not compatible with your web browser.</p></div></body>",
        "PeerTube"));
    assert_false(
        real_has(m,
                 "<body><p>We are sorry but it seems that PeerTube is not compatible with your "
                 "web browser.</p></body>",
                 "PeerTube"));
    /* an attribute condition with a version */
    xs_fp_input in = {.url = "http://192.0.2.1/",
                      .body = "<html q:version=\"1.2.3\"><body></body></html>",
                      .body_len = 0};
    in.body_len = strlen(in.body);
    xs_fp_result r = {0};
    assert_int_equal(xs_fp_match(m, &in, &r), 0);
    const xs_fp_tech *q = xs_fp_result_find(&r, "Qwik");
    assert_non_null(q);
    assert_string_equal(q->version, "1.2.3");
    xs_fp_result_free(&r);
    xs_fp_matcher_free(m);
    xs_fp_db_free(db);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fixture_stats),
        cmocka_unit_test(test_header_version_case_insensitive_name),
        cmocka_unit_test(test_excludes),
        cmocka_unit_test(test_meta_and_implies_chain),
        cmocka_unit_test(test_version_ternary),
        cmocka_unit_test(test_cookie_confidence_sums),
        cmocka_unit_test(test_script_src_scripts_and_url),
        cmocka_unit_test(test_requires),
        cmocka_unit_test(test_empty_and_reuse),
        cmocka_unit_test(test_literal_extraction),
        cmocka_unit_test(test_literal_sets),
        cmocka_unit_test(test_prefilter_branches),
        cmocka_unit_test(test_html_cap),
        cmocka_unit_test(test_translation),
        cmocka_unit_test(test_version_resolve),
        cmocka_unit_test(test_load_errors),
        cmocka_unit_test(test_real_data_wordpress),
        cmocka_unit_test(test_real_data_dom),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
