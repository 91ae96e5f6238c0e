/* Which checks run: --checks LIST picks from the shipped templates (data/checks/NAME.yaml) by set
 * ("safe", "all") or id, and adds operators' own template files or directories. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "xsweep/datafile.h"
#include "check_internal.h"

#define TLS_CHECK_ID "tls-config"

const char *xs_check_kind_name(xs_check_kind k)
{
    return k == XS_CHECK_KIND_PAYLOAD ? "payload" : k == XS_CHECK_KIND_TLS ? "tls" : "http";
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static bool is_yaml(const char *name)
{
    size_t l = strlen(name);
    return (l > 5 && !strcmp(name + l - 5, ".yaml")) || (l > 4 && !strcmp(name + l - 4, ".yml"));
}

static int add_file(check_tmpl **v, size_t *n, const char *path, char *err, size_t errlen)
{
    size_t len;
    char *text = xs_read_whole_file(path, XS_DATAFILE_MAX, &len, err, errlen);
    if (!text)
        return -1;
    check_tmpl *nv = realloc(*v, (*n + 1) * sizeof *nv);
    if (!nv) {
        free(text);
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    *v = nv;
    char why[400];
    int rc = check_tmpl_parse(text, len, &nv[*n], why, sizeof why);
    free(text);
    if (rc < 0) {
        snprintf(err, errlen, "%s: %s", path, why);
        return -1;
    }
    for (size_t i = 0; i < *n; i++)
        if (!strcmp(nv[i].id, nv[*n].id)) {
            snprintf(err, errlen, "%s: check id '%s' is defined twice", path, nv[*n].id);
            check_tmpl_free(&nv[*n]);
            return -1;
        }
    (*n)++;
    return 0;
}

/* Every template of a file or a directory (sorted, so runs are reproducible). */
static int add_path(check_tmpl **v, size_t *n, const char *path, char *err, size_t errlen)
{
    struct stat st;
    if (stat(path, &st) < 0) {
        snprintf(err, errlen, "%s: no such check file or directory", path);
        return -1;
    }
    if (!S_ISDIR(st.st_mode))
        return add_file(v, n, path, err, errlen);
    DIR *d = opendir(path);
    if (!d) {
        snprintf(err, errlen, "%s: cannot read the directory", path);
        return -1;
    }
    char **names = NULL;
    size_t nn = 0;
    struct dirent *de;
    while ((de = readdir(d))) {
        if (!is_yaml(de->d_name))
            continue;
        char **nv = realloc(names, (nn + 1) * sizeof *nv);
        if (!nv)
            break;
        names = nv;
        names[nn++] = strdup(de->d_name);
    }
    closedir(d);
    qsort(names, nn, sizeof *names, cmp_str);
    int rc = 0;
    for (size_t i = 0; i < nn; i++) {
        char full[4096];
        snprintf(full, sizeof full, "%s/%s", path, names[i]);
        if (rc == 0 && names[i] && add_file(v, n, full, err, errlen) < 0)
            rc = -1;
        free(names[i]);
    }
    free(names);
    return rc;
}

static int shipped(const char *dir, check_tmpl **v, size_t *n, char *err, size_t errlen)
{
    char path[4096];
    if (!dir) {
        if (xs_data_path(path, sizeof path, "checks", err, errlen) < 0)
            return -1;
        dir = path;
    }
    return add_path(v, n, dir, err, errlen);
}

void xs_check_db_free(xs_check_db *db)
{
    if (!db)
        return;
    for (size_t i = 0; i < db->n; i++)
        check_tmpl_free(&db->t[i]);
    free(db->t);
    free(db);
}

size_t xs_check_db_count(const xs_check_db *db)
{
    return db ? db->n + db->tls : 0;
}

bool xs_check_db_wants_tls(const xs_check_db *db)
{
    return db && db->tls;
}

static int take(xs_check_db *db, check_tmpl *t)
{
    for (size_t i = 0; i < db->n; i++)
        if (!strcmp(db->t[i].id, t->id)) {
            check_tmpl_free(t); /* named twice ("safe,git-head-exposed"): once is enough */
            return 0;
        }
    check_tmpl *nv = realloc(db->t, (db->n + 1) * sizeof *nv);
    if (!nv)
        return -1;
    db->t = nv;
    db->t[db->n++] = *t;
    memset(t, 0, sizeof *t);
    return 0;
}

xs_check_db *xs_check_db_load(const char *list, const char *dir, char *err, size_t errlen)
{
    xs_check_db *db = calloc(1, sizeof *db);
    check_tmpl *all = NULL;
    size_t nall = 0;
    char *copy = list ? strdup(list) : NULL;
    if (!db || !copy) {
        snprintf(err, errlen, "out of memory");
        goto fail;
    }
    if (shipped(dir, &all, &nall, err, errlen) < 0)
        goto fail;
    char *save = NULL;
    for (char *w = strtok_r(copy, ",", &save); w; w = strtok_r(NULL, ",", &save)) {
        while (*w == ' ')
            w++;
        if (strchr(w, '/') || is_yaml(w)) {
            check_tmpl *own = NULL;
            size_t nown = 0;
            int rc = add_path(&own, &nown, w, err, errlen);
            for (size_t i = 0; i < nown; i++)
                if (rc == 0 && take(db, &own[i]) < 0)
                    rc = -1;
            for (size_t i = 0; i < nown; i++)
                check_tmpl_free(&own[i]);
            free(own);
            if (rc < 0)
                goto fail;
            continue;
        }
        bool safe = !strcmp(w, "safe"), every = !strcmp(w, "all"), found = false;
        if (safe || every || !strcmp(w, TLS_CHECK_ID)) {
            db->tls = true;
            found = true;
        }
        for (size_t i = 0; i < nall; i++) {
            bool pick =
                every || (safe && all[i].kind == XS_CHECK_KIND_HTTP) || !strcmp(all[i].id, w);
            if (!pick || !all[i].req)
                continue;
            found = true;
            if (take(db, &all[i]) < 0) {
                snprintf(err, errlen, "out of memory");
                goto fail;
            }
        }
        /* An id taken already by an earlier word is still a known id. */
        for (size_t i = 0; !found && i < db->n; i++)
            found = !strcmp(db->t[i].id, w);
        if (!found) {
            snprintf(err, errlen, "--checks: unknown check '%s' (see --list-checks)", w);
            goto fail;
        }
    }
    if (db->n == 0 && !db->tls) {
        snprintf(err, errlen, "--checks: no check selected");
        goto fail;
    }
    for (size_t i = 0; i < nall; i++)
        check_tmpl_free(&all[i]);
    free(all);
    free(copy);
    return db;
fail:
    for (size_t i = 0; i < nall; i++)
        check_tmpl_free(&all[i]);
    free(all);
    free(copy);
    xs_check_db_free(db);
    return NULL;
}

int xs_check_list_print(FILE *out, const char *dir, char *err, size_t errlen)
{
    check_tmpl *all = NULL;
    size_t n = 0;
    if (shipped(dir, &all, &n, err, errlen) < 0)
        return -1;
    fprintf(out, "Active checks (--checks safe|all|ID,...; payload checks only with 'all'):\n");
    fprintf(out, "%-31s %-8s %-9s %-9s %s\n", "ID", "SET", "SEVERITY", "CWE", "NAME");
    fprintf(out, "%-31s %-8s %-9s %-9s %s\n", TLS_CHECK_ID, "safe", "varies", "CWE-326",
            "TLS configuration (HTTPS, TLS and STARTTLS services): protocols, weak ciphers, "
            "certificate");
    for (size_t i = 0; i < n; i++) {
        fprintf(out, "%-31s %-8s %-9s %-9s %s\n", all[i].id,
                all[i].kind == XS_CHECK_KIND_PAYLOAD ? "all" : "safe",
                xs_severity_name(all[i].severity), all[i].cwe[0] ? all[i].cwe : "-", all[i].name);
        check_tmpl_free(&all[i]);
    }
    free(all);
    return 0;
}

void xs_check_report_free(xs_check_report *r)
{
    if (!r)
        return;
    free(r->v);
    free(r);
}

int xs_check_report_add(xs_check_report *r, const xs_check_finding *f)
{
    if (r->n == r->cap) {
        size_t cap = r->cap ? r->cap * 2 : 8;
        xs_check_finding *nv = realloc(r->v, cap * sizeof *nv);
        if (!nv)
            return -1;
        r->v = nv;
        r->cap = cap;
    }
    r->v[r->n++] = *f;
    return 0;
}
