/* What outlives a run: resume checkpoints, and the sweep's rows in the history database. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "run_internal.h"
#include "xsweep/output_module.h"

#define MAX_POS (XS_MAX_TX_THREADS * XS_MAX_PASSES) /* every thread's position in every pass */

static void current_positions(const xs_scan *s, uint64_t *pos)
{
    xs_scan_current_positions(s, pos);
}

/* A path as the resume file stores it: absolute, so that --resume works from any directory.
 * NULL and "-" stay as they are. */
static void absolute_path(const char *path, char out[XS_PATH_MAX])
{
    char cwd[XS_PATH_MAX];
    out[0] = '\0';
    if (!path)
        return;
    if (!strcmp(path, "-") || path[0] == '/' || !getcwd(cwd, sizeof cwd) ||
        snprintf(out, XS_PATH_MAX, "%s/%s", cwd, !strncmp(path, "./", 2) ? path + 2 : path) >=
            XS_PATH_MAX)
        snprintf(out, XS_PATH_MAX, "%s", path);
}

/* Records reach the disk before a checkpoint says they exist. */
static void save_checkpoint(xs_runctx *c, const uint64_t *pos)
{
    if (c->resume.fd < 0)
        return;
    if (xs_output_failed(c->out)) /* which records reached the disk is unknown: from the start */
        pos = c->ckpt.start;
    /* the database commits in step with the output file, so a crash loses the same on both
     * sides (and --resume rebuilds the shard's rows from the file anyway) */
    if (c->store && xs_store_sync(c->store) < 0)
        fprintf(stderr, "xsweep: warning: %s\n", xs_store_error(c->store));
    xs_options eff = *c->o; /* the paths the run writes to, as absolute paths */
    eff.output_file = c->abs_output_file[0] ? c->abs_output_file : NULL;
    eff.output_all = c->abs_output_all[0] ? c->abs_output_all : NULL;
    eff.db = c->abs_db[0] ? c->abs_db : NULL;
    eff.tx_threads =
        c->scan->tx_threads; /* the positions are per thread: the resumed scan needs as many */
    if (xs_resume_save(&c->resume, &eff, c->scan->seed, c->sweep, pos,
                       xs_scan_position_count(c->scan)) < 0)
        fprintf(stderr, "xsweep: warning: cannot write the resume file %s\n", c->resume.path);
}

void xs_run_checkpoint_tick(xs_runctx *c, uint64_t now)
{
    static uint64_t pos[MAX_POS]; /* the output thread's only: 32 KiB off its stack */
    if (now - c->last_sample_ns >= 100000000ULL) {
        current_positions(c->scan, pos);
        xs_ckpt_sample(&c->ckpt, now, pos);
        c->last_sample_ns = now;
    }
    if (c->o->checkpoint_s > 0 && now - c->last_ckpt_ns >= (uint64_t)(c->o->checkpoint_s * 1e9)) {
        xs_ckpt_safe(&c->ckpt, now, (uint64_t)(c->o->wait_s * 1e9), pos);
        save_checkpoint(c, pos);
        c->last_ckpt_ns = now;
    }
}

static void replay_add(xs_epkey key, void *arg)
{
    xs_runctx *c = arg;
    xs_seen_add(&c->seen, key);
    xs_keyset_add(&c->scan->answered, key);
}

/* --resume: check the file; the output (opened next) takes over what the first run wrote. */
int xs_run_prepare_resume(xs_runctx *c, char *err, size_t errlen)
{
    const xs_options *o = c->o;
    const char *path = o->resume_file;
    struct stat st;
    /* -o /dev/null, a FIFO: nothing to resume into, and no file next to it in /dev */
    bool no_file = !path && o->output_file && strcmp(o->output_file, "-") &&
                   stat(o->output_file, &st) == 0 && !S_ISREG(st.st_mode);
    const char *named =
        o->output_file && strcmp(o->output_file, "-") ? o->output_file : o->output_all;
    static char buf[4096];
    if (!path) {
        path = "xsweep.resume";
        if (named) {
            snprintf(buf, sizeof buf, "%s.resume", named);
            path = buf;
        }
    }
    absolute_path(o->output_file, c->abs_output_file);
    absolute_path(o->output_all, c->abs_output_all);
    if (o->db && xs_store_is_postgres(o->db)) /* a connection string, not a path */
        snprintf(c->abs_db, sizeof c->abs_db, "%s", o->db);
    else
        absolute_path(o->db, c->abs_db);
    static uint64_t start[MAX_POS];
    const xs_scan *s = c->scan;
    unsigned passes = xs_scan_position_count(s) / s->tx_threads;
    for (unsigned t = 0; t < s->tx_threads; t++)
        memcpy(start + t * passes, s->pass_start[t], passes * sizeof *start);
    if (xs_ckpt_init(&c->ckpt, xs_scan_position_count(s), start) < 0) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    return no_file ? 0 : xs_resume_open(&c->resume, path, &c->key, err, errlen);
}

/* Every output, through its format's module; resuming, what they already hold is not written,
 * probed or retried again. */
int xs_run_open_output(xs_runctx *c, char *err, size_t errlen)
{
    const xs_options *o = c->o;
    if (!(c->out = xs_output_open_options(o, err, errlen)))
        return -1;
    if (o->resuming && (o->output_all || (o->output_file && strcmp(o->output_file, "-")))) {
        long n = xs_output_replayed(c->out, replay_add, c);
        fprintf(stderr, "xsweep: resuming: %ld endpoints already in %s\n", n,
                o->output_file && strcmp(o->output_file, "-") ? o->output_file : o->output_all);
    }
    xs_output_begin(c->out, o->args_text ? o->args_text : "xsweep", xs_realtime_ns(),
                    &c->plan->ports);
    return 0;
}

/* Completed: the resume file goes. Stopped: it records where to continue. */
void xs_run_close_resume(xs_runctx *c, bool complete)
{
    if (c->resume.fd < 0)
        return;
    if (complete) {
        if (!xs_run_stop_reaper(c, true)) /* root's helper removes it, or it is marked */
            xs_resume_finish(&c->resume);
    } else {
        static uint64_t pos[MAX_POS];
        bool exact = c->wait_completed && !c->scan->error[0] && c->interrupted_jobs == 0;
        if (exact)
            current_positions(c->scan, pos);
        else
            xs_ckpt_safe(&c->ckpt, xs_now_ns(), (uint64_t)(c->o->wait_s * 1e9), pos);
        save_checkpoint(c, pos);
        fprintf(stderr, "xsweep: to continue: xsweep --resume %s\n", c->resume.path);
    }
    xs_resume_close(&c->resume);
}

static char *echo_text(const xs_options *o)
{
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    if (f) {
        xs_options_echo(f, o);
        fclose(f);
    }
    return text;
}

/* The shared sweep's name: --sweep-key, or (sharded) the ISO week and a hash of what every shard
 * of the sweep has in common: the configuration without what differs from shard to shard. */
static int shared_sweep_key(xs_runctx *c, char *key, size_t keylen, char *err, size_t errlen)
{
    const xs_options *o = c->o;
    key[0] = '\0';
    if (o->sweep_key) {
        snprintf(key, keylen, "%s", o->sweep_key);
        return 0;
    }
    if (c->scan->shard.count <= 1)
        return 0;
    if (!o->seed_given) {
        snprintf(err, errlen,
                 "--shard with --db: give every shard the same --seed (shards of one "
                 "seed are disjoint), or a --sweep-key");
        return -1;
    }
    xs_options common = *o;
    common.shard = NULL;
    common.output_file = NULL;
    common.output_all = NULL;
    common.resume_file = NULL;
    common.db = NULL;
    common.db_sweep = 0;
    common.sweep_key = NULL;
    common.resuming = false;
    char *text = echo_text(&common);
    char derived[48];
    xs_store_sweep_key(text ? text : "", xs_realtime_ns(), derived);
    free(text);
    snprintf(key, keylen, "%s", derived);
    return 0;
}

/* The output --resume rebuilds the database from: the -o file, or -oA's JSON file. */
static const char *rebuild_source(const xs_options *o, xs_format *fmt, char *buf, size_t len)
{
    if (o->output_file && strcmp(o->output_file, "-")) {
        *fmt = o->format;
        return o->output_file;
    }
    if (o->output_all) {
        snprintf(buf, len, "%s.%s", o->output_all, xs_out_json.extension);
        *fmt = XS_FMT_JSON;
        return buf;
    }
    return NULL;
}

/* --db: opened (and the sweep's row written) before privileges are dropped, so the database and
 * its WAL files exist and are ours. PostgreSQL shards of one sweep share its row. On --resume the
 * shard's rows are rebuilt from the output file, so that the database holds exactly what the
 * output holds whatever a crash left committed. */
int xs_run_open_store(xs_runctx *c, char *err, size_t errlen)
{
    const xs_options *o = c->o;
    if (!o->db)
        return 0;
    char key[256];
    if (shared_sweep_key(c, key, sizeof key, err, errlen) < 0)
        return -1;
    if (!(c->store = xs_store_open(o->db, err, errlen)))
        return -1;
    bool postgres = xs_store_is_postgres(o->db);
    if (postgres && xs_store_set_shard(c->store, c->scan->shard.index, c->scan->shard.count,
                                       key[0] ? key : NULL) < 0) {
        snprintf(err, errlen, "%s", xs_store_error(c->store));
        return -1;
    }
    if (o->resuming && o->db_sweep) {
        c->sweep = xs_store_resume_sweep(c->store, o->db_sweep);
        xs_format fmt;
        char buf[XS_PATH_MAX + 16];
        const char *src = rebuild_source(o, &fmt, buf, sizeof buf);
        if (c->sweep > 0 && src) {
            long n = xs_store_reconcile(c->store, c->sweep, src, fmt);
            if (n < 0)
                c->sweep = -1;
            else
                fprintf(stderr, "xsweep: resuming: sweep %lld rebuilt from %ld records of %s\n",
                        (long long)c->sweep, n, src);
        }
    } else {
        xs_options eff = *o;
        eff.seed = c->scan->seed;
        eff.seed_given = true;
        if (postgres)
            eff.db = NULL; /* a connection string may hold a password */
        char *text = echo_text(&eff);
        c->sweep = xs_store_begin_sweep(c->store, text ? text : "", xs_realtime_ns());
        free(text);
        if (c->sweep > 0 && key[0])
            fprintf(stderr, "xsweep: shard %u/%u of sweep %lld (\"%s\")\n",
                    c->scan->shard.index + 1, c->scan->shard.count, (long long)c->sweep, key);
    }
    if (c->sweep < 0) {
        snprintf(err, errlen, "%s", xs_store_error(c->store));
        return -1;
    }
    xs_output_attach_store(c->out, c->store, c->sweep);
    return 0;
}

/* Completed sweeps get their end time and counts (and --keep prunes); a stopped one stays open
 * for --resume to continue. */
void xs_run_close_store(xs_runctx *c, bool complete)
{
    if (!c->store)
        return;
    char err[256] = "";
    if (complete && c->out) {
        uint64_t other = xs_output_count(c->out, XS_STATUS_EXCLUDED) +
                         xs_output_count(c->out, XS_STATUS_UNSUPPORTED) +
                         xs_output_count(c->out, XS_STATUS_FAILED);
        if (xs_store_end_sweep(c->store, c->sweep, xs_realtime_ns(),
                               xs_output_count(c->out, XS_STATUS_OPEN),
                               xs_output_count(c->out, XS_STATUS_CLOSED), other) < 0 ||
            (c->o->keep && xs_store_prune(c->store, c->o->keep) < 0))
            fprintf(stderr, "xsweep: %s: %s\n", c->o->db, xs_store_error(c->store));
    }
    if (xs_store_close(c->store, err, sizeof err) < 0)
        fprintf(stderr, "xsweep: %s: %s\n", c->o->db, err);
    c->store = NULL;
}
