/* The few stage fields the parent's own writers read as fields, not as JSON (the CSV columns, the
 * grepable service, grading): taken back out of the stage process's already-checked JSON into
 * parent-owned memory. Only strings and numbers are copied, each bounded by its field. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "xsweep/privsep.h"

static const char *str(json_t *o, const char *key)
{
    json_t *v = json_object_get(o, key);
    return json_is_string(v) ? json_string_value(v) : NULL;
}

static void copy(char *dst, size_t cap, const char *s)
{
    snprintf(dst, cap, "%s", s ? s : "");
}

/* The Server header as a one-pair header block (xs_http_result_free frees it as one block). */
static void set_server(xs_http_result *h, const char *v)
{
    size_t n = strlen(v) + 1;
    xs_http_header *b = malloc(sizeof *b + sizeof "Server" + n);
    if (!b)
        return;
    char *name = (char *)(b + 1), *val = name + sizeof "Server";
    memcpy(name, "Server", sizeof "Server");
    memcpy(val, v, n);
    *b = (xs_http_header){name, val};
    h->headers = b;
    h->n_headers = 1;
    h->server = val;
}

void xs_privsep_fill_fields(xs_enriched *e)
{
    json_t *root =
        e->stage_json ? json_loadb(e->stage_json, e->stage_json_len, JSON_ALLOW_NUL, NULL) : NULL;
    if (!root)
        return;
    json_t *http = json_object_get(root, "http");
    if (json_is_object(http) && (e->http || (e->http = calloc(1, sizeof *e->http)))) {
        const char *title = str(http, "title"), *server = str(http, "server");
        if (title)
            e->http->title = strdup(title);
        if (server)
            set_server(e->http, server);
    }
    json_t *tech = json_object_get(root, "tech");
    size_t n = json_is_array(tech) ? json_array_size(tech) : 0, bytes = 0;
    for (size_t i = 0; i < n; i++) {
        const char *name = str(json_array_get(tech, i), "name");
        bytes += name ? strlen(name) + 1 : 0;
    }
    if (n && (e->tech.v = calloc(n, sizeof *e->tech.v)) && (e->stage_strings = malloc(bytes + 1))) {
        char *p = e->stage_strings;
        for (size_t i = 0; i < n; i++) {
            json_t *t = json_array_get(tech, i);
            const char *name = str(t, "name");
            if (!name)
                continue;
            size_t len = strlen(name) + 1;
            memcpy(p, name, len);
            xs_fp_tech *x = &e->tech.v[e->tech.n++];
            x->name = p;
            p += len;
            copy(x->version, sizeof x->version, str(t, "version"));
        }
        e->tech.cap = n;
    }
    json_t *probe = json_object_get(root, "probe");
    if (json_is_object(probe) && !e->probe && (e->probe = calloc(1, sizeof *e->probe))) {
        copy(e->probe->info.protocol, sizeof e->probe->info.protocol, str(probe, "protocol"));
        copy(e->probe->info.product, sizeof e->probe->info.product, str(probe, "product"));
        copy(e->probe->info.version, sizeof e->probe->info.version, str(probe, "version"));
    }
    /* The host configuration ids: policies may grade by them (src/scan/grade.c). */
    json_t *issues = json_object_get(root, "config_issues");
    size_t ni = json_is_array(issues) ? json_array_size(issues) : 0;
    if (ni && !e->config.n && (e->config.v = calloc(ni, sizeof *e->config.v))) {
        e->config.cap = ni;
        size_t i;
        json_t *it;
        json_array_foreach(issues, i, it)
        {
            const char *id = str(it, "id");
            if (id && *id)
                copy(e->config.v[e->config.n++].id, XS_HOSTCFG_ID_MAX, id);
        }
    }
    json_decref(root);
}
