/* Loads Wappalyzer's categories.json and technologies (one file or technologies/<letter>.json) with jansson
 * into an immutable xs_fp_db: every regex compiled once. Malformed entries are skipped and counted. */
#include <ctype.h>
#include <dirent.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "fp_internal.h"
#include "xsweep/datafile.h"

#define MAX_CATEGORY_ID 65535

typedef struct {
    xs_fp_db *db;
    pcre2_compile_context *cctx;
    size_t cap_patterns;
    bool oom;
} loader;

/* ---- literal numbering: equal literals share an id, so each is searched once per subject ---- */

typedef struct {
    const char *s;
    uint16_t len;
    uint32_t id;
} lit_slot;

static uint64_t lit_hash(const char *s, size_t n)
{
    uint64_t h = 1469598103934665603ull;
    for (size_t i = 0; i < n; i++)
        h = (h ^ (unsigned char)s[i]) * 1099511628211ull;
    return h;
}

static int number_literals(xs_fp_db *db)
{
    size_t total = 0;
    for (size_t i = 0; i < db->npatterns; i++)
        total += db->patterns[i].nliterals;
    size_t cap = 16;
    while (cap < total * 2)
        cap *= 2;
    lit_slot *t = calloc(cap, sizeof *t);
    if (!t)
        return -1;
    db->nlits = 0;
    for (size_t i = 0; i < db->npatterns; i++) {
        fp_pattern *p = &db->patterns[i];
        for (size_t k = 0; k < p->nliterals; k++) {
            size_t h = (size_t)lit_hash(p->literals[k], p->literal_lens[k]) & (cap - 1);
            while (t[h].s && !(t[h].len == p->literal_lens[k] &&
                               memcmp(t[h].s, p->literals[k], t[h].len) == 0))
                h = (h + 1) & (cap - 1);
            if (!t[h].s)
                t[h] = (lit_slot){p->literals[k], p->literal_lens[k], (uint32_t)db->nlits++};
            p->lit_ids[k] = t[h].id;
        }
    }
    free(t);
    return 0;
}

/* ---- small helpers ---- */

static void *xrealloc_array(loader *L, void *p, size_t n, size_t size)
{
    void *np = realloc(p, n * size);
    if (!np)
        L->oom = true;
    return np;
}

static char *lower_dup(const char *s)
{
    char *d = strdup(s);
    if (d)
        for (char *c = d; *c; c++)
            *c = (char)tolower((unsigned char)*c);
    return d;
}

static int cmp_tech_name(const void *a, const void *b)
{
    return strcmp(((const fp_tech *)a)->name, ((const fp_tech *)b)->name);
}

static long find_tech(const xs_fp_db *db, const char *name)
{
    size_t lo = 0, hi = db->ntechs;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        int c = strcmp(name, db->techs[mid].name);
        if (c == 0)
            return (long)mid;
        if (c < 0)
            hi = mid;
        else
            lo = mid + 1;
    }
    return -1;
}

/* Wappalyzer accepts a string, a number or an array of them wherever one pattern may appear.
 * Calls fn for each string; counts other types as malformed. */
typedef void (*each_fn)(loader *L, uint32_t tech, void *ctx, const char *s);

static void for_each_string(loader *L, uint32_t tech, json_t *v, each_fn fn, void *ctx)
{
    if (json_is_array(v)) {
        size_t i;
        json_t *e;
        json_array_foreach(v, i, e)
        {
            if (json_is_array(v) && json_is_array(e)) {
                L->db->stats.malformed++;
                continue;
            }
            for_each_string(L, tech, e, fn, ctx);
        }
        return;
    }
    if (json_is_string(v)) {
        fn(L, tech, ctx, json_string_value(v));
        return;
    }
    if (json_is_integer(v)) {
        char num[32];
        snprintf(num, sizeof num, "%lld", (long long)json_integer_value(v));
        fn(L, tech, ctx, num);
        return;
    }
    L->db->stats.malformed++;
}

/* Counts leaf patterns of keys this engine does not match (js, dom, css ...). */
static size_t count_leaves(json_t *v)
{
    if (json_is_array(v)) {
        size_t n = 0, i;
        json_t *e;
        json_array_foreach(v, i, e) n += count_leaves(e);
        return n;
    }
    if (json_is_object(v))
        return json_object_size(v);
    return json_is_null(v) ? 0 : 1;
}

/* ---- patterns ---- */

typedef struct {
    uint8_t kind;
    const char *key;
} pattern_ctx;

static void add_pattern(loader *L, uint32_t tech, void *vctx, const char *raw)
{
    pattern_ctx *ctx = vctx;
    xs_fp_db *db = L->db;
    if (db->npatterns == L->cap_patterns) {
        size_t nc = L->cap_patterns ? L->cap_patterns * 2 : 1024;
        fp_pattern *np = xrealloc_array(L, db->patterns, nc, sizeof *np);
        if (!np)
            return;
        db->patterns = np;
        L->cap_patterns = nc;
    }
    fp_pattern *p = &db->patterns[db->npatterns];
    memset(p, 0, sizeof *p);
    p->tech = tech;
    p->kind = ctx->kind;
    bool jit = false;
    if (fp_pattern_compile(p, raw, L->cctx, &jit) < 0) {
        db->stats.regex_rejected++;
        return;
    }
    if (ctx->key) {
        p->key = lower_dup(ctx->key);
        if (!p->key) {
            L->oom = true;
            pcre2_code_free(p->re);
            fp_pattern_free_literals(p);
            free(p->version);
            return;
        }
    }
    if (p->re) {
        uint32_t caps = 0;
        pcre2_pattern_info(p->re, PCRE2_INFO_CAPTURECOUNT, &caps);
        if (caps > db->max_captures)
            db->max_captures = caps;
        p->ngroups = (uint16_t)(caps + 1 > UINT16_MAX ? UINT16_MAX : caps + 1);
    }
    db->stats.jit += jit;
    db->stats.prefiltered += p->nliterals != 0;
    db->stats.by_kind[p->kind]++;
    db->stats.patterns++;
    db->npatterns++;
}

static void add_kind(loader *L, uint32_t tech, json_t *v, uint8_t kind)
{
    pattern_ctx ctx = {kind, NULL};
    for_each_string(L, tech, v, add_pattern, &ctx);
}

static void add_keyed_kind(loader *L, uint32_t tech, json_t *v, uint8_t kind)
{
    if (!json_is_object(v)) {
        L->db->stats.malformed++;
        return;
    }
    const char *key;
    json_t *val;
    json_object_foreach(v, key, val)
    {
        pattern_ctx ctx = {kind, key};
        for_each_string(L, tech, val, add_pattern, &ctx);
    }
}

/* ---- relations between technologies ---- */

static void add_implies(loader *L, uint32_t tech, void *ctx, const char *raw)
{
    (void)ctx;
    fp_tech *t = &L->db->techs[tech];
    int confidence;
    char *version;
    char *name = fp_split_tags(raw, &confidence, &version);
    long id = name ? find_tech(L->db, name) : -1;
    free(name);
    if (id < 0) {
        L->db->stats.malformed++;
        free(version);
        return;
    }
    fp_implied *ni = xrealloc_array(L, t->implies, t->nimplies + 1, sizeof *ni);
    if (!ni) {
        free(version);
        return;
    }
    t->implies = ni;
    if (version && !*version) {
        free(version);
        version = NULL;
    }
    ni[t->nimplies++] = (fp_implied){(uint32_t)id, (uint8_t)confidence, version};
}

/* excludes and requires: names (tags ignored, as Wappalyzer does) */
static void add_name_ref(loader *L, uint32_t tech, void *ctx, const char *raw)
{
    bool is_requires = ctx != NULL;
    fp_tech *t = &L->db->techs[tech];
    int confidence;
    char *version;
    char *name = fp_split_tags(raw, &confidence, &version);
    free(version);
    long id = name ? find_tech(L->db, name) : -1;
    free(name);
    if (id < 0) {
        L->db->stats.malformed++;
        return;
    }
    uint32_t **arr = is_requires ? &t->requires : &t->excludes;
    size_t *n = is_requires ? &t->nrequires : &t->nexcludes;
    uint32_t *na = xrealloc_array(L, *arr, *n + 1, sizeof **arr);
    if (!na)
        return;
    *arr = na;
    na[(*n)++] = (uint32_t)id;
}

static void add_requires_cat(loader *L, uint32_t tech, void *ctx, const char *raw)
{
    (void)ctx;
    fp_tech *t = &L->db->techs[tech];
    char *end;
    long id = strtol(raw, &end, 10);
    if (end == raw || id < 0 || id > MAX_CATEGORY_ID) {
        L->db->stats.malformed++;
        return;
    }
    uint16_t *na = xrealloc_array(L, t->requires_cats, t->nrequires_cats + 1, sizeof *na);
    if (!na)
        return;
    t->requires_cats = na;
    na[t->nrequires_cats++] = (uint16_t)id;
}

static void add_cats(loader *L, fp_tech *t, json_t *cats)
{
    if (!cats)
        return;
    if (!json_is_array(cats)) {
        L->db->stats.malformed++;
        return;
    }
    size_t n = json_array_size(cats);
    t->cat_ids = calloc(n ? n : 1, sizeof *t->cat_ids);
    t->catnames = calloc(n ? n : 1, sizeof *t->catnames);
    if (!t->cat_ids || !t->catnames) {
        L->oom = true;
        return;
    }
    size_t i;
    json_t *e;
    json_array_foreach(cats, i, e)
    {
        json_int_t id = json_is_integer(e) ? json_integer_value(e) : -1;
        if (id < 0 || id > MAX_CATEGORY_ID) {
            L->db->stats.malformed++;
            continue;
        }
        const char *name = (size_t)id < L->db->ncatnames ? L->db->catnames[id] : NULL;
        t->cat_ids[t->ncats++] = (uint16_t)id;
        if (name)
            t->catnames[t->ncatnames++] = name;
        else
            L->db->stats.malformed++; /* unknown id: kept for requiresCategory only */
    }
}

/* ---- one technology ---- */

static const char *const unsupported_keys[] = {"css",  "robots",     "xhr",  "dns",
                                               "text", "certIssuer", "probe"};

static void load_technology(loader *L, uint32_t id, json_t *def)
{
    xs_fp_db *db = L->db;
    fp_tech *t = &db->techs[id];
    if (!json_is_object(def)) {
        db->stats.malformed++;
        return;
    }
    add_cats(L, t, json_object_get(def, "cats"));

    json_t *v;
    if ((v = json_object_get(def, "url")))
        add_kind(L, id, v, FP_URL);
    if ((v = json_object_get(def, "html")))
        add_kind(L, id, v, FP_HTML);
    if ((v = json_object_get(def, "scriptSrc")))
        add_kind(L, id, v, FP_SCRIPTSRC);
    if ((v = json_object_get(def, "script")))
        add_kind(L, id, v, FP_SCRIPTSRC); /* legacy name */
    if ((v = json_object_get(def, "scripts")))
        add_kind(L, id, v, FP_SCRIPTS);
    if ((v = json_object_get(def, "headers")))
        add_keyed_kind(L, id, v, FP_HEADERS);
    if ((v = json_object_get(def, "cookies")))
        add_keyed_kind(L, id, v, FP_COOKIES);
    if ((v = json_object_get(def, "meta")))
        add_keyed_kind(L, id, v, FP_META);

    if ((v = json_object_get(def, "js")))
        db->stats.js += count_leaves(v);
    if ((v = json_object_get(def, "dom"))) {
        db->stats.dom += count_leaves(v);
        if (fp_dom_add(db, L->cctx, id, v) < 0)
            L->oom = true; /* the static-HTML subset */
    }
    for (size_t k = 0; k < sizeof unsupported_keys / sizeof *unsupported_keys; k++)
        if ((v = json_object_get(def, unsupported_keys[k])))
            db->stats.unsupported += count_leaves(v);

    if ((v = json_object_get(def, "implies")))
        for_each_string(L, id, v, add_implies, NULL);
    if ((v = json_object_get(def, "excludes")))
        for_each_string(L, id, v, add_name_ref, NULL);
    json_t *req = json_object_get(def, "requires"),
           *reqc = json_object_get(def, "requiresCategory");
    if (req)
        for_each_string(L, id, req, add_name_ref, (void *)1);
    if (reqc)
        for_each_string(L, id, reqc, add_requires_cat, NULL);
    t->gated = (req && !json_is_null(req)) || (reqc && !json_is_null(reqc));
}

/* ---- the database ---- */

static int cmp_pattern(const void *a, const void *b)
{
    const fp_pattern *x = a, *y = b;
    if (x->kind != y->kind)
        return x->kind - y->kind;
    if (x->key && y->key) {
        int c = strcmp(x->key, y->key);
        if (c)
            return c;
    } else if (x->key || y->key)
        return x->key ? 1 : -1;
    return x->tech < y->tech ? -1 : x->tech > y->tech;
}

static int load_categories(loader *L, json_t *cats, char *err, size_t errlen)
{
    xs_fp_db *db = L->db;
    if (!cats)
        return 0;
    if (!json_is_object(cats)) {
        xs_set_error(err, errlen, "categories: not a JSON object");
        return -1;
    }
    const char *key;
    json_t *val;
    long max = -1;
    json_object_foreach(cats, key, val)
    {
        char *end;
        long id = strtol(key, &end, 10);
        if (*end || end == key || id < 0 || id > MAX_CATEGORY_ID) {
            db->stats.malformed++;
            continue;
        }
        if (id > max)
            max = id;
    }
    db->ncatnames = (size_t)(max + 1);
    db->catnames = calloc(db->ncatnames ? db->ncatnames : 1, sizeof *db->catnames);
    if (!db->catnames) {
        xs_set_error(err, errlen, "out of memory");
        return -1;
    }
    json_object_foreach(cats, key, val)
    {
        char *end;
        long id = strtol(key, &end, 10);
        if (*end || end == key || id < 0 || id > MAX_CATEGORY_ID)
            continue;
        json_t *name = json_is_object(val) ? json_object_get(val, "name") : NULL;
        if (!json_is_string(name)) {
            db->stats.malformed++;
            continue;
        }
        free(db->catnames[id]);
        db->catnames[id] = strdup(json_string_value(name));
        if (!db->catnames[id]) {
            xs_set_error(err, errlen, "out of memory");
            return -1;
        }
        db->stats.categories++;
    }
    return 0;
}

static xs_fp_db *build_db(json_t *cats, json_t *techs, char *err, size_t errlen)
{
    if (!json_is_object(techs)) {
        xs_set_error(err, errlen, "technologies: not a JSON object");
        return NULL;
    }
    xs_fp_db *db = calloc(1, sizeof *db);
    loader L = {.db = db, .cctx = fp_compile_context_new()};
    if (!db || !L.cctx) {
        xs_set_error(err, errlen, "out of memory");
        goto fail;
    }
    if (load_categories(&L, cats, err, errlen) < 0)
        goto fail;

    size_t n = json_object_size(techs);
    db->techs = calloc(n ? n : 1, sizeof *db->techs);
    if (!db->techs) {
        xs_set_error(err, errlen, "out of memory");
        goto fail;
    }
    const char *name;
    json_t *def;
    json_object_foreach(techs, name, def)
    {
        db->techs[db->ntechs].name = strdup(name);
        if (!db->techs[db->ntechs].name) {
            xs_set_error(err, errlen, "out of memory");
            goto fail;
        }
        db->ntechs++;
    }
    if (db->ntechs) /* qsort(NULL, 0, ...) is undefined: found by fuzz_fingerprints */
        qsort(db->techs, db->ntechs, sizeof *db->techs, cmp_tech_name);
    db->stats.technologies = db->ntechs;
    for (size_t i = 0; i < db->ntechs && !L.oom; i++)
        load_technology(&L, (uint32_t)i, json_object_get(techs, db->techs[i].name));
    if (L.oom) {
        xs_set_error(err, errlen, "out of memory");
        goto fail;
    }

    if (db->npatterns)
        qsort(db->patterns, db->npatterns, sizeof *db->patterns, cmp_pattern);
    size_t k = 0;
    for (int kind = 0; kind <= FP_NKINDS; kind++) {
        while (k < db->npatterns && db->patterns[k].kind < kind)
            k++;
        db->kind_start[kind] = k;
    }
    db->kind_start[FP_NKINDS] = db->npatterns;
    if (number_literals(db) < 0) {
        xs_set_error(err, errlen, "out of memory");
        goto fail;
    }
    static const uint8_t body_kinds[] = {FP_HTML, FP_SCRIPTS};
    db->body_scan = fp_litscan_build(db, body_kinds, sizeof body_kinds);
    if (!db->body_scan) {
        xs_set_error(err, errlen, "out of memory");
        goto fail;
    }
    if (fp_dom_finish(db) < 0) {
        xs_set_error(err, errlen, "out of memory");
        goto fail;
    }
    pcre2_compile_context_free(L.cctx);
    return db;
fail:
    pcre2_compile_context_free(L.cctx);
    xs_fp_db_free(db);
    return NULL;
}

void xs_fp_db_free(xs_fp_db *db)
{
    if (!db)
        return;
    for (size_t i = 0; i < db->npatterns; i++) {
        fp_pattern *p = &db->patterns[i];
        pcre2_code_free(p->re);
        free(p->key);
        free(p->version);
        fp_pattern_free_literals(p);
    }
    free(db->patterns);
    fp_litscan_free(db->body_scan);
    fp_dom_free(db->dom);
    for (size_t i = 0; i < db->ntechs; i++) {
        fp_tech *t = &db->techs[i];
        free(t->name);
        free(t->catnames);
        free(t->cat_ids);
        for (size_t j = 0; j < t->nimplies; j++)
            free(t->implies[j].version);
        free(t->implies);
        free(t->excludes);
        free(t->requires);
        free(t->requires_cats);
    }
    free(db->techs);
    for (size_t i = 0; i < db->ncatnames; i++)
        free(db->catnames[i]);
    free(db->catnames);
    free(db);
}

void xs_fp_db_stats(const xs_fp_db *db, xs_fp_stats *out)
{
    if (db)
        *out = db->stats;
    else
        memset(out, 0, sizeof *out);
}

xs_fp_db *xs_fp_db_load_buffers(const char *categories, size_t categories_len,
                                const char *technologies, size_t technologies_len, char *err,
                                size_t errlen)
{
    json_error_t jerr;
    json_t *cats = NULL;
    if (categories) {
        cats = json_loadb(categories, categories_len, 0, &jerr);
        if (!cats) {
            xs_set_error(err, errlen, "categories:%d: %s", jerr.line, jerr.text);
            return NULL;
        }
    }
    json_t *techs = json_loadb(technologies, technologies_len, 0, &jerr);
    if (!techs) {
        xs_set_error(err, errlen, "technologies:%d: %s", jerr.line, jerr.text);
        json_decref(cats);
        return NULL;
    }
    xs_fp_db *db = build_db(cats, techs, err, errlen);
    json_decref(cats);
    json_decref(techs);
    return db;
}

/* ---- files ---- */

static bool is_file(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

static json_t *load_json(const char *path, char *err, size_t errlen)
{
    json_error_t jerr;
    json_t *j = json_load_file(path, 0, &jerr);
    if (!j)
        xs_set_error(err, errlen, "%s:%d: %s", path, jerr.line, jerr.text);
    return j;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* technologies/<letter>.json merged into one object, files in name order. */
static json_t *load_tech_dir(const char *dir, char *err, size_t errlen)
{
    DIR *d = opendir(dir);
    if (!d) {
        xs_set_error(err, errlen, "%s: cannot open", dir);
        return NULL;
    }
    char **names = NULL;
    size_t n = 0, cap = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        size_t len = strlen(e->d_name);
        if (len < 6 || strcmp(e->d_name + len - 5, ".json") != 0)
            continue;
        if (n == cap) {
            cap = cap ? cap * 2 : 32;
            char **nn = realloc(names, cap * sizeof *nn);
            if (!nn)
                break;
            names = nn;
        }
        if (!(names[n] = strdup(e->d_name)))
            break;
        n++;
    }
    closedir(d);
    qsort(names, n, sizeof *names, cmp_str);
    json_t *all = json_object();
    for (size_t i = 0; i < n && all; i++) {
        char path[4096];
        if ((size_t)snprintf(path, sizeof path, "%s/%s", dir, names[i]) >= sizeof path)
            continue;
        json_t *part = load_json(path, err, errlen);
        if (!part || json_object_update(all, part) < 0) {
            if (part)
                xs_set_error(err, errlen, "%s: not a JSON object", path);
            json_decref(part);
            json_decref(all);
            all = NULL;
            break;
        }
        json_decref(part);
    }
    for (size_t i = 0; i < n; i++)
        free(names[i]);
    free(names);
    if (all && json_object_size(all) == 0) {
        xs_set_error(err, errlen, "%s: no technologies/<letter>.json", dir);
        json_decref(all);
        return NULL;
    }
    return all;
}

xs_fp_db *xs_fp_db_load(const char *path, char *err, size_t errlen)
{
    struct stat st;
    if (!path || stat(path, &st) != 0) {
        xs_set_error(err, errlen, "%s: not found", path ? path : "(null)");
        return NULL;
    }
    char cpath[4096], tpath[4096];
    json_t *techs = NULL, *cats = NULL;
    if (S_ISDIR(st.st_mode)) {
        snprintf(cpath, sizeof cpath, "%s/categories.json", path);
        snprintf(tpath, sizeof tpath, "%s/technologies.json", path);
        if (is_file(tpath))
            techs = load_json(tpath, err, errlen);
        else {
            snprintf(tpath, sizeof tpath, "%s/technologies", path);
            techs = load_tech_dir(tpath, err, errlen);
        }
    } else {
        /* a technologies file: categories.json beside it, or one level up (technologies/a.json) */
        techs = load_json(path, err, errlen);
        const char *slash = strrchr(path, '/');
        int dl = slash ? (int)(slash - path) : 1;
        snprintf(cpath, sizeof cpath, "%.*s/categories.json", dl, slash ? path : ".");
        if (!is_file(cpath))
            snprintf(cpath, sizeof cpath, "%.*s/../categories.json", dl, slash ? path : ".");
    }
    if (!techs)
        return NULL;
    if (is_file(cpath) && !(cats = load_json(cpath, err, errlen))) {
        json_decref(techs);
        return NULL;
    }
    xs_fp_db *db = build_db(cats, techs, err, errlen);
    json_decref(cats);
    json_decref(techs);
    return db;
}
