/* The engine end to end on loopback, against a tiny forked server (stopped by PID): plain GET,
 * non-HTTP answer, refused port, invalid path, not_before ordering, pending/active counts. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include "xsweep/auth.h"
#include "xsweep/clock.h"
#include "xsweep/http.h"

#define LOOPBACK 0x7f000001u
#define LO4                                                                                        \
    {                                                                                              \
        {                                                                                          \
            0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 127, 0, 0, 1                                 \
        }                                                                                          \
    } /* 127.0.0.1 as xs_addr */

static pid_t server_pid;
static uint16_t server_port;

/* Serves one response per connection, chosen by the request path; exits after 200 connections
 * or 30 s, whichever comes first. */
static void serve(int ls)
{
    alarm(30);
    for (int i = 0; i < 200; i++) {
        int c = accept(ls, NULL, NULL);
        if (c < 0)
            continue;
        char req[4096];
        ssize_t n = 0, k;
        while (n < (ssize_t)sizeof req - 1 &&
               (k = recv(c, req + n, sizeof req - 1 - (size_t)n, 0)) > 0) {
            n += k;
            req[n] = '\0';
            if (strstr(req, "\r\n\r\n"))
                break;
        }
        req[n > 0 ? n : 0] = '\0';
        const char *resp;
        if (strncmp(req, "GET /garbage ", 13) == 0)
            resp = "+PONG\r\n";
        else if (strncmp(req, "GET /auth ", 10) == 0)
            resp = "HTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: Basic realm=\"t\"\r\n"
                   "Content-Length: 0\r\n\r\n";
        else if (strstr(req, "\r\nHost: example.test:") &&
                 strstr(req, "User-Agent: xsweep/0.1\r\n"))
            resp = "HTTP/1.1 200 OK\r\nServer: tiny\r\nContent-Length: 36\r\n\r\n"
                   "<title>Hello &amp; welcome</title>\n";
        else
            resp = "HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n";
        ssize_t w = send(c, resp, strlen(resp), MSG_NOSIGNAL);
        (void)w;
        close(c);
    }
    _exit(0);
}

static int setup(void **state)
{
    (void)state;
    int ls = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(LOOPBACK)};
    socklen_t sl = sizeof sa;
    if (bind(ls, (struct sockaddr *)&sa, sizeof sa) != 0 || listen(ls, 64) != 0 ||
        getsockname(ls, (struct sockaddr *)&sa, &sl) != 0)
        return -1;
    server_port = ntohs(sa.sin_port);
    server_pid = fork();
    if (server_pid == 0)
        serve(ls);
    close(ls);
    return server_pid > 0 ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    if (server_pid > 0) {
        kill(server_pid, SIGTERM);
        waitpid(server_pid, NULL, 0);
    }
    return 0;
}

/* A port nothing listens on: bind, read the number, close. */
static uint16_t closed_port(void)
{
    int s = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(LOOPBACK)};
    socklen_t sl = sizeof sa;
    bind(s, (struct sockaddr *)&sa, sizeof sa);
    getsockname(s, (struct sockaddr *)&sa, &sl);
    close(s);
    return ntohs(sa.sin_port);
}

typedef struct {
    xs_http_result *by_tag[8];
    int order[8];
    int n;
} collected;

static void collect(xs_http_result *r, void *arg)
{
    collected *c = arg;
    int tag = (int)(intptr_t)r->user;
    c->by_tag[tag] = r;
    c->order[c->n++] = tag;
}

static void test_engine_end_to_end(void **state)
{
    (void)state;
    xs_http_config cfg;
    xs_http_config_defaults(&cfg);
    cfg.concurrency = 2; /* fewer slots than requests: they must queue */
    cfg.total_timeout_ms = 5000;
    xs_http_engine *e = xs_http_engine_new(&cfg);
    assert_non_null(e);

    uint64_t delay = 200ULL * 1000000ULL;
    xs_http_request reqs[] = {
        {.addr = LO4,
         .port = server_port,
         .host = "example.test",
         .path = "/",
         .tls = XS_TLS_OFF,
         .user = (void *)1},
        {.addr = LO4,
         .port = server_port,
         .path = "/garbage",
         .tls = XS_TLS_OFF,
         .user = (void *)2},
        {.addr = LO4, .port = closed_port(), .path = "/", .tls = XS_TLS_OFF, .user = (void *)3},
        {.addr = LO4, .port = server_port, .path = "/{x}", .user = (void *)4},
        {.addr = LO4,
         .port = server_port,
         .path = "/auth",
         .tls = XS_TLS_OFF,
         .not_before_ns = xs_now_ns() + delay,
         .user = (void *)5},
    };
    for (size_t i = 0; i < sizeof reqs / sizeof reqs[0]; i++)
        assert_int_equal(xs_http_engine_submit(e, &reqs[i]), 0);
    xs_http_request bad_host = {.addr = LO4, .port = 80, .host = "a\r\nb"};
    assert_int_equal(xs_http_engine_submit(e, &bad_host), -1);
    assert_int_equal(xs_http_engine_pending(e), 5);

    collected got = {0};
    for (int rounds = 0; xs_http_engine_pending(e) > 0 && rounds < 1000; rounds++) {
        assert_true(xs_http_engine_poll(e, 100, collect, &got) >= 0);
        assert_true(xs_http_engine_active(e) <= 2);
    }
    assert_int_equal(xs_http_engine_pending(e), 0);
    assert_int_equal(got.n, 5);

    xs_http_result *r = got.by_tag[1];
    assert_string_equal(r->status_text, "HTTP/1.1 200 OK");
    assert_int_equal(r->status_code, 200);
    assert_string_equal(r->title, "Hello & welcome");
    assert_string_equal(r->server, "tiny");
    assert_string_equal(r->host, "example.test");
    assert_false(r->tls.used);

    r = got.by_tag[2];
    assert_string_equal(r->status_text, XS_HTTP_STATUS_CLIENT_ERROR);
    assert_int_equal(r->status_code, 0);
    assert_int_equal(r->error, XS_HTTP_ERR_NOT_HTTP);
    assert_string_equal(r->body_preview, "+PONG\r\n");

    r = got.by_tag[3];
    assert_string_equal(r->status_text, "");
    assert_int_equal(r->error, XS_HTTP_ERR_CONNECT_REFUSED);

    r = got.by_tag[4];
    assert_string_equal(r->status_text, XS_HTTP_STATUS_UNSUPPORTED_PATH);
    assert_int_equal(r->error, XS_HTTP_ERR_INVALID_PATH);
    assert_int_equal(r->attempts, 0); /* never connected */

    r = got.by_tag[5];
    assert_int_equal(r->status_code, 401);
    assert_int_equal(xs_auth_detect(r).method, XS_AUTH_BASIC);
    assert_true(r->queued_ns >= delay); /* held until not_before */
    assert_int_equal(got.order[4], 5);  /* and so delivered last */

    for (int i = 1; i <= 5; i++)
        xs_http_result_free(got.by_tag[i]);
    xs_http_engine_free(e);
}

static void test_engine_free_with_pending(void **state)
{
    (void)state;
    xs_http_engine *e = xs_http_engine_new(NULL);
    assert_non_null(e);
    xs_http_request req = {.addr = LO4,
                           .port = server_port,
                           .path = "/",
                           .not_before_ns = xs_now_ns() + 60ULL * 1000000000ULL};
    assert_int_equal(xs_http_engine_submit(e, &req), 0);
    req.not_before_ns = 0;
    assert_int_equal(xs_http_engine_submit(e, &req), 0);
    xs_http_engine_wakeup(e);
    assert_true(xs_http_engine_poll(e, 0, NULL, NULL) >= 0);
    xs_http_engine_free(e); /* in-flight and waiting: no leak, no crash */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_engine_end_to_end),
        cmocka_unit_test(test_engine_free_with_pending),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
