/* `xsweep agent`: poll the platform for a job, run it with the scanner, spool the normalized
 * reports, send them; jobs in progress and unsent reports survive a crash (spool/jobs,
 * spool/outbox). */
#include <curl/curl.h>
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "agent_internal.h"
#include "xsweep/clock.h"

#define FINDINGS_PER_REPORT 200

static volatile sig_atomic_t stopping;

static void on_stop(int sig)
{
    (void)sig;
    stopping = 1;
}

typedef struct {
    xs_agent_config cfg;
    xs_agent_http *http;
    char outbox[4096], jobs[4096];
    double next_send; /* monotonic seconds: the next report attempt */
    double backoff;   /* current retry delay */
    unsigned long sent;
} agent;

static void iso_now(char out[32])
{
    time_t t = time(NULL);
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static void say(const char *fmt, const char *a, const char *b)
{
    char ts[32];
    iso_now(ts);
    fprintf(stderr, "xsweep agent: %s: ", ts);
    fprintf(stderr, fmt, a ? a : "", b ? b : "");
    fputc('\n', stderr);
}

/* Envelope of every report; the name orders the outbox (job, attempt, sequence). */
static int enqueue(agent *a, const char *job, unsigned attempt, unsigned seq, const char *kind,
                   json_t *payload)
{
    char rid[160], ts[32], name[200];
    snprintf(rid, sizeof rid, "%s-%s-a%u-%04u", a->cfg.agent_id, job, attempt, seq);
    iso_now(ts);
    json_t *r = json_pack("{s:s, s:s, s:s, s:s, s:i, s:i, s:s, s:s}", "schema", "xsweep-agent/1",
                          "report_id", rid, "agent", a->cfg.agent_id, "job", job, "attempt",
                          (int)attempt, "seq", (int)seq, "kind", kind, "time", ts);
    json_object_update(r, payload);
    json_decref(payload);
    char *body = json_dumps(r, JSON_COMPACT | JSON_PRESERVE_ORDER);
    json_decref(r);
    unsigned long long t = xs_realtime_ns();
    /* realtime first, so the outbox sends in the order the reports were made */
    snprintf(name, sizeof name, "%010llu%09llu-%s.json", t / 1000000000ULL, t % 1000000000ULL, rid);
    char err[512];
    int rc = body ? xs_agent_spool_put(a->cfg.spool, name, body, err, sizeof err) : -1;
    free(body);
    if (rc < 0)
        say("%s", err, NULL);
    return rc;
}

/* Sends the outbox, oldest first; on a failure waits (doubling, up to backoff-max). */
static void flush_outbox(agent *a)
{
    if (xs_now_s() < a->next_send)
        return;
    char **names;
    size_t n = xs_agent_list(a->outbox, ".json", &names);
    char path[4096 + 256], err[512], url[256];
    snprintf(url, sizeof url, "/api/v1/agents/%s/reports", a->cfg.agent_id);
    for (size_t i = 0; i < n && !stopping; i++) {
        snprintf(path, sizeof path, "%s/%s", a->outbox, names[i]);
        char *body = xs_agent_read_file(path, 64u << 20);
        if (!body)
            continue;
        long st = xs_agent_post(a->http, url, body, err, sizeof err);
        free(body);
        if (st >= 200 && st < 300) {
            unlink(path);
            a->sent++;
            a->backoff = 0;
            continue;
        }
        if (st >= 0)
            snprintf(err, sizeof err, "%s answered %ld", a->cfg.platform, st);
        a->backoff = a->backoff ? a->backoff * 2 : 1;
        if (a->backoff > a->cfg.backoff_max_s)
            a->backoff = a->cfg.backoff_max_s;
        a->next_send = xs_now_s() + a->backoff;
        char more[96];
        snprintf(more, sizeof more, "%zu in the spool, next try in %.0f s", n - i, a->backoff);
        say("report not delivered (%s); %s", err, more);
        break;
    }
    xs_agent_list_free(names, n);
}

static void sleep_s(double s)
{
    struct timespec ts = {(time_t)s, (long)((s - (double)(time_t)s) * 1e9)};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR && !stopping) {
    }
}

static char **scan_argv(agent *a, const xs_agent_job *job, const char *out, char *rate,
                        char **extra_out)
{
    size_t cap = 32 + job->ntargets;
    char *extra = a->cfg.scan_args ? strdup(a->cfg.scan_args) : NULL;
    *extra_out = extra;
    for (char *p = extra; p && *p; p++)
        if (*p == ' ')
            cap++;
    char **v = calloc(cap, sizeof *v);
    size_t n = 0;
    static char self[] = "/proc/self/exe"; /* outlives this call: v[0] points at it */
    v[n++] = a->cfg.xsweep ? a->cfg.xsweep : self;
    for (char *save, *t = extra ? strtok_r(extra, " \t", &save) : NULL; t;
         t = strtok_r(NULL, " \t", &save))
        v[n++] = t;
    snprintf(rate, 32, "%.17g", job->rate);
    const char *fixed[] = {"-p",       job->ports,  "--rate",          rate,
                           "--policy", job->policy, "--output-format", "json",
                           "-o",       out,         "--no-progress",   "--checkpoint",
                           "0"};
    for (size_t i = 0; i < sizeof fixed / sizeof *fixed; i++)
        v[n++] = (char *)fixed[i];
    if (job->checks[0]) {
        v[n++] = (char *)"--checks";
        v[n++] = (char *)job->checks;
    }
    v[n++] = (char *)"--";
    for (size_t i = 0; i < job->ntargets; i++)
        v[n++] = job->targets[i];
    v[n] = NULL;
    return v; /* the operator's arguments point into *extra_out */
}

/* Runs the scanner; returns its exit status (or -1). It dies with the agent (PDEATHSIG), and a
 * job whose agent died is run again from the start after a restart. */
static int run_scanner(agent *a, const xs_agent_job *job, const char *out)
{
    char rate[32], *extra;
    char **argv = scan_argv(a, job, out, rate, &extra);
    char log[4096 + 80];
    snprintf(log, sizeof log, "%s/%s.log", a->jobs, job->id);
    pid_t pid = fork();
    if (pid < 0) {
        free(argv);
        free(extra);
        return -1;
    }
    if (pid == 0) {
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        FILE *l = freopen(log, "w", stderr);
        (void)l;
        execv(argv[0], argv);
        fprintf(stderr, "xsweep agent: cannot run the scanner %s: %s\n", argv[0], strerror(errno));
        _exit(127);
    }
    int status = 0;
    while (waitpid(pid, &status, 0) < 0) {
        if (errno != EINTR)
            return -1;
        if (stopping)
            kill(pid, SIGINT);
    }
    free(argv);
    free(extra);
    if (WIFSIGNALED(status)) {
        char sig[16];
        snprintf(sig, sizeof sig, "%d", WTERMSIG(status));
        say("job %s: the scanner was killed by signal %s", job->id, sig);
    }
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static unsigned next_attempt(agent *a, const char *id)
{
    char path[4096 + 80], name[120], num[16];
    snprintf(path, sizeof path, "%s/%s.attempt", a->jobs, id);
    char *old = xs_agent_read_file(path, 15);
    unsigned n = old ? (unsigned)strtoul(old, NULL, 10) + 1 : 1;
    free(old);
    snprintf(name, sizeof name, "%s.attempt", id);
    snprintf(num, sizeof num, "%u", n);
    char err[256];
    xs_agent_write_atomic(a->jobs, name, num, err, sizeof err);
    return n;
}

static void remove_job(agent *a, const char *id)
{
    const char *ext[] = {".job", ".attempt", ".jsonl", ".log", ".jsonl.resume"};
    char path[4096 + 120];
    for (size_t i = 0; i < sizeof ext / sizeof *ext; i++) {
        snprintf(path, sizeof path, "%s/%s%s", a->jobs, id, ext[i]);
        unlink(path);
    }
}

/* The scan's output becomes findings reports, then one "finished" progress report. */
static int report_results(agent *a, const xs_agent_job *job, unsigned attempt, unsigned *seq,
                          const char *out)
{
    FILE *f = fopen(out, "r");
    if (!f)
        return -1;
    char *line = NULL;
    size_t cap = 0;
    json_t *batch = json_array();
    unsigned long records = 0, open = 0, total = 0, reports = 0;
    int rc = 0;
    while (getline(&line, &cap, f) > 0) {
        records++;
        if (strstr(line, "\"status\":\"open\""))
            open++;
        total += (unsigned long)xs_agent_findings(a->cfg.agent_id, line, batch);
        if (json_array_size(batch) >= FINDINGS_PER_REPORT) {
            rc |= enqueue(a, job->id, attempt, (*seq)++, "findings",
                          json_pack("{s:o}", "findings", batch));
            reports++;
            batch = json_array();
        }
    }
    free(line);
    fclose(f);
    if (json_array_size(batch)) {
        rc |= enqueue(a, job->id, attempt, (*seq)++, "findings",
                      json_pack("{s:o}", "findings", batch));
        reports++;
    } else {
        json_decref(batch);
    }
    rc |= enqueue(a, job->id, attempt, (*seq)++, "progress",
                  json_pack("{s:s, s:I, s:I, s:I, s:I}", "state", "finished", "records",
                            (json_int_t)records, "open", (json_int_t)open, "findings",
                            (json_int_t)total, "findings_reports", (json_int_t)reports));
    return rc;
}

static void run_job(agent *a, const char *job_json)
{
    xs_agent_job job;
    char err[512];
    if (xs_agent_job_parse(&a->cfg, job_json, &job, err, sizeof err) < 0) {
        say("%s", err, NULL);
        return;
    }
    while (job.not_before > (int64_t)time(NULL) && !stopping) {
        flush_outbox(a);
        sleep_s(1);
    }
    unsigned attempt = next_attempt(a, job.id), seq = 0;
    char out[4096 + 80];
    snprintf(out, sizeof out, "%s/%s.jsonl", a->jobs, job.id);
    unlink(out);
    say("job %s: scanning", job.id, NULL);
    enqueue(a, job.id, attempt, seq++, "progress",
            json_pack("{s:s, s:I}", "state", "started", "targets", (json_int_t)job.ntargets));
    flush_outbox(a);
    int rc = run_scanner(a, &job, out);
    if (stopping) { /* interrupted: the job stays in the spool and runs again */
        xs_agent_job_free(&job);
        return;
    }
    if (rc == 0 && report_results(a, &job, attempt, &seq, out) == 0) {
        say("job %s: done", job.id, NULL);
    } else {
        enqueue(a, job.id, attempt, seq++, "progress",
                json_pack("{s:s, s:i}", "state", "failed", "exit_status", rc));
        /* the scanner's own last line, for the operator (it stays on this host) */
        char log[4096 + 80], last[512] = "";
        snprintf(log, sizeof log, "%s/%s.log", a->jobs, job.id);
        FILE *l = fopen(log, "r");
        for (char line[512]; l && fgets(line, sizeof line, l);)
            snprintf(last, sizeof last, "%s", line);
        if (l)
            fclose(l);
        last[strcspn(last, "\n")] = '\0';
        char why[600];
        snprintf(why, sizeof why, "exit status %d: %s", rc, last[0] ? last : "no message");
        say("job %s: the scan failed (%s)", job.id, why);
    }
    remove_job(a, job.id); /* only now: every report of it is in the outbox */
    xs_agent_job_free(&job);
}

/* A job left by a previous run of the agent (it was killed): run it again. */
static bool resume_pending(agent *a)
{
    char **names;
    size_t n = xs_agent_list(a->jobs, ".job", &names);
    if (!n)
        return false;
    char path[4096 + 256];
    snprintf(path, sizeof path, "%s/%s", a->jobs, names[0]);
    char *body = xs_agent_read_file(path, 1u << 20);
    xs_agent_list_free(names, n);
    if (!body) {
        unlink(path);
        return true;
    }
    say("running the unfinished job again", NULL, NULL);
    run_job(a, body);
    free(body);
    return true;
}

/* Asks for a job; 200 = one, 204 = none. The job is on disk before it runs. */
static bool poll_job(agent *a)
{
    char url[256], err[512], *body = NULL;
    snprintf(url, sizeof url, "/api/v1/agents/%s/jobs/next", a->cfg.agent_id);
    long st = xs_agent_get(a->http, url, &body, err, sizeof err);
    if (st < 0) {
        say("cannot poll for jobs: %s", err, NULL);
        return false;
    }
    if (st != 200) {
        free(body);
        if (st != 204) {
            char s[24];
            snprintf(s, sizeof s, "%ld", st);
            say("polling for jobs: the platform answered %s", s, NULL);
        }
        return false;
    }
    xs_agent_job job;
    if (xs_agent_job_parse(&a->cfg, body, &job, err, sizeof err) < 0) {
        say("%s", err, NULL);
        json_t *o = json_loads(body, 0, NULL);
        const char *id = json_string_value(json_object_get(o, "id"));
        xs_agent_job tmp;
        /* the refusal goes back under the job's id when that id is well-formed */
        if (id && strlen(id) <= 64 &&
            strspn(id, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._-") ==
                strlen(id)) {
            snprintf(tmp.id, sizeof tmp.id, "%s", id);
            enqueue(a, tmp.id, 0, 0, "progress",
                    json_pack("{s:s, s:s}", "state", "refused", "reason", err));
        }
        json_decref(o);
        free(body);
        return true;
    }
    char name[100];
    snprintf(name, sizeof name, "%s.job", job.id);
    if (xs_agent_write_atomic(a->jobs, name, body, err, sizeof err) < 0) {
        say("%s", err, NULL);
    } else {
        run_job(a, body);
    }
    xs_agent_job_free(&job);
    free(body);
    return true;
}

static int make_dir(const char *d)
{
    return mkdir(d, 0700) == 0 || errno == EEXIST ? 0 : -1;
}

static void usage(FILE *out)
{
    fputs("Usage: xsweep agent -c AGENT.conf [--max-jobs N] [--exit-when-idle]\n"
          "Polls the platform (HTTPS) for scan jobs, runs them, and sends normalized findings\n"
          "and progress back; unsent reports wait in the spool. See man xsweep, AGENT.\n"
          "\n"
          "  -c, --config FILE     the agent configuration (required)\n"
          "      --max-jobs N      take at most N jobs, then only send what is spooled\n"
          "      --exit-when-idle  exit once N jobs are done and the spool is empty\n"
          "  -h, --help            this help\n"
          "\n"
          "Exit status: 0 done or stopped (SIGTERM/SIGINT), 1 configuration or spool error, 2 "
          "usage.\n",
          out);
}

int xs_agent_main(int argc, char **argv)
{
    static const struct option LONG[] = {
        {"config", required_argument, NULL, 'c'},
        {"max-jobs", required_argument, NULL, 'm'},
        {"exit-when-idle", no_argument, NULL, 'x'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *config = NULL;
    long max_jobs = -1;
    bool exit_idle = false;
    int ch;
    optind = 0;
    opterr = 0;
    while ((ch = getopt_long(argc, argv, "c:h", LONG, NULL)) != -1) {
        char *end;
        switch (ch) {
        case 'c':
            config = optarg;
            break;
        case 'm':
            errno = 0;
            max_jobs = strtol(optarg, &end, 10);
            if (errno || end == optarg || *end || max_jobs < 0 || max_jobs > 1000000) {
                fprintf(stderr, "xsweep agent: invalid --max-jobs \"%s\"\n", optarg);
                return 2;
            }
            break;
        case 'x':
            exit_idle = true;
            break;
        case 'h':
            usage(stdout);
            return 0;
        default:
            fprintf(stderr, "xsweep agent: %s %s\nTry 'xsweep agent --help'.\n",
                    optopt == 'c' ? "option needs a value:" : "unknown option", argv[optind - 1]);
            return 2;
        }
    }
    if (!config || optind != argc) {
        fprintf(stderr, "xsweep agent: %s\nTry 'xsweep agent --help'.\n",
                config ? "unexpected argument" : "-c AGENT.conf is required");
        return 2;
    }
    agent a = {0};
    char err[1024];
    if (xs_agent_config_load(&a.cfg, config, err, sizeof err) < 0) {
        fprintf(stderr, "xsweep agent: %s\n", err);
        return 1;
    }
    snprintf(a.outbox, sizeof a.outbox, "%s/outbox", a.cfg.spool);
    snprintf(a.jobs, sizeof a.jobs, "%s/jobs", a.cfg.spool);
    if (make_dir(a.cfg.spool) < 0 || make_dir(a.outbox) < 0 || make_dir(a.jobs) < 0) {
        fprintf(stderr, "xsweep agent: cannot create the spool %s: %s\n", a.cfg.spool,
                strerror(errno));
        xs_agent_config_free(&a.cfg);
        return 1;
    }
    curl_global_init(CURL_GLOBAL_DEFAULT);
    a.http = xs_agent_http_new(&a.cfg);
    struct sigaction sa = {.sa_handler = on_stop};
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);
    long jobs = 0;
    double next_poll = 0;
    say("polling %s", a.cfg.platform, NULL);
    while (!stopping) {
        flush_outbox(&a);
        if (resume_pending(&a))
            continue;
        bool more = max_jobs < 0 || jobs < max_jobs;
        if (more && xs_now_s() >= next_poll) {
            if (poll_job(&a))
                jobs++;
            next_poll = xs_now_s() + a.cfg.poll_s;
            continue;
        }
        if (!more && exit_idle) {
            char **names;
            size_t n = xs_agent_list(a.outbox, ".json", &names);
            xs_agent_list_free(names, n);
            if (!n)
                break;
        }
        sleep_s(0.2);
    }
    char sent[32];
    snprintf(sent, sizeof sent, "%lu", a.sent);
    say("stopping; %s reports delivered in this run", sent, NULL);
    xs_agent_http_free(a.http);
    curl_global_cleanup();
    xs_agent_config_free(&a.cfg);
    return 0;
}
