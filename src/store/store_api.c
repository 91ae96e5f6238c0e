/* The store's public functions: pick the backend from the spec, then dispatch. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <openssl/sha.h>
#include "store_internal.h"

bool xs_store_is_postgres(const char *spec)
{
    if (!strncmp(spec, "postgresql://", 13) || !strncmp(spec, "postgres://", 11))
        return true;
    /* libpq key=value: starts with a keyword and '=' ("host=/run/pg dbname=xsweep"). */
    const char *p = spec;
    while (islower((unsigned char)*p) || *p == '_')
        p++;
    return p > spec && *p == '=';
}

xs_store *xs_store_open(const char *path, char *err, size_t errlen)
{
    xs_store *s = calloc(1, sizeof *s);
    if (!s || !(s->path = strdup(path))) {
        free(s);
        snprintf(err, errlen, "cannot open history database %s: out of memory", path);
        return NULL;
    }
    s->shard_count = 1;
    int rc = xs_store_is_postgres(path) ? xs_pg_open(s, path, err, errlen)
                                        : xs_sqlite_open(s, err, errlen);
    if (rc < 0) {
        free(s->path);
        free(s);
        return NULL;
    }
    return s;
}

int xs_store_close(xs_store *s, char *err, size_t errlen)
{
    if (!s)
        return 0;
    int rc = s->ops->close(s);
    if (rc < 0 && err && errlen)
        snprintf(err, errlen, "%s", s->err);
    free(s->sweep_key);
    free(s->path);
    free(s);
    return rc;
}

const char *xs_store_error(const xs_store *s)
{
    return s ? s->err : "history database: not open";
}

int xs_store_set_shard(xs_store *s, uint32_t index0, uint32_t count, const char *sweep_key)
{
    if (count == 0 || index0 >= count) {
        snprintf(s->err, sizeof s->err, "history database %s: bad shard %u/%u", s->path, index0 + 1,
                 count);
        return -1;
    }
    if (s->ops == &xs_sqlite_ops && (count > 1 || sweep_key)) {
        snprintf(s->err, sizeof s->err,
                 "history database %s: an SQLite file holds one process's "
                 "sweeps; shards that share a sweep need a PostgreSQL --db",
                 s->path);
        return -1;
    }
    free(s->sweep_key);
    s->sweep_key = sweep_key ? strdup(sweep_key) : NULL;
    s->shard_index = index0;
    s->shard_count = count;
    return 0;
}

void xs_store_sweep_key(const char *config_text, uint64_t realtime_ns, char out[48])
{
    unsigned char md[SHA256_DIGEST_LENGTH];
    SHA256((const unsigned char *)config_text, strlen(config_text), md);
    time_t t = (time_t)(realtime_ns / 1000000000ULL);
    struct tm tm;
    gmtime_r(&t, &tm);
    char week[16];
    strftime(week, sizeof week, "%G-W%V", &tm);
    int n = snprintf(out, 48, "%s-", week);
    for (int i = 0; i < 8 && n + 2 < 48; i++)
        n += snprintf(out + n, 48 - (size_t)n, "%02x", md[i]);
}

int64_t xs_store_begin_sweep(xs_store *s, const char *options_text, uint64_t start_realtime_ns)
{
    return s->ops->begin_sweep(s, options_text, start_realtime_ns);
}

int64_t xs_store_resume_sweep(xs_store *s, int64_t sweep)
{
    return s->ops->resume_sweep(s, sweep);
}

int xs_store_add(xs_store *s, int64_t sweep, const xs_report *rep, const char *record_json)
{
    return s->ops->add(s, sweep, rep, record_json);
}

int xs_store_end_sweep(xs_store *s, int64_t sweep, uint64_t end_realtime_ns, uint64_t open,
                       uint64_t closed, uint64_t other)
{
    /* a resumed run counts only its own records: add those the first run wrote */
    return s->ops->end_sweep(s, sweep, end_realtime_ns, open + s->rebuilt[0],
                             closed + s->rebuilt[1], other + s->rebuilt[2]);
}

int xs_store_prune(xs_store *s, unsigned keep_last_n)
{
    return s->ops->prune(s, keep_last_n);
}

int xs_store_sync(xs_store *s)
{
    return s ? s->ops->sync(s) : 0;
}
