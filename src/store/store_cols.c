/* The columns pulled out of a record line, in C, so that the PostgreSQL rows equal the SQLite
 * ones (which SQLite's JSON functions extract): severity, http.status_code, http.title,
 * auth.method, and tech = the technology names, sorted bytewise, de-duplicated, joined by ",". */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include "store_internal.h"
#include "xsweep/targets.h"

static char *dup_string(json_t *v)
{
    return json_is_string(v) ? strdup(json_string_value(v)) : NULL;
}

static int by_bytes(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static char *tech_names(json_t *tech)
{
    size_t n = json_is_array(tech) ? json_array_size(tech) : 0, k = 0, len = 0;
    if (!n)
        return NULL;
    const char **names = calloc(n, sizeof *names);
    if (!names)
        return NULL;
    for (size_t i = 0; i < n; i++) {
        json_t *v = json_array_get(tech, i);
        const char *name = json_is_object(v) ? json_string_value(json_object_get(v, "name"))
                                             : json_string_value(v);
        if (name)
            names[k++] = name;
    }
    qsort(names, k, sizeof *names, by_bytes);
    for (size_t i = 0; i < k; i++)
        len += strlen(names[i]) + 1;
    char *out = k ? malloc(len + 1) : NULL;
    if (out) {
        out[0] = '\0';
        for (size_t i = 0; i < k; i++) {
            if (i && !strcmp(names[i], names[i - 1]))
                continue;
            if (out[0])
                strcat(out, ",");
            strcat(out, names[i]);
        }
    }
    free(names);
    return out;
}

int xs_store_cols_from(const xs_report *rep, const char *record_json, xs_store_cols *c)
{
    memset(c, 0, sizeof *c);
    json_t *r = record_json ? json_loads(record_json, JSON_DECODE_ANY, NULL) : NULL;
    if (r && !json_is_object(r) && !json_is_array(r)) {
        json_decref(r); /* a bare scalar is valid JSON to SQLite too, but holds no columns */
        r = NULL;
        c->record = strdup(record_json);
    } else if (r) {
        c->record = strdup(record_json);
        c->severity = dup_string(json_object_get(r, "severity"));
        json_t *http = json_object_get(r, "http");
        json_t *code = json_object_get(http, "status_code");
        if (json_is_integer(code)) {
            c->http_status_code = (int)json_integer_value(code);
            c->has_http_status_code = true;
        }
        c->title = dup_string(json_object_get(http, "title"));
        c->auth_method = dup_string(json_object_get(json_object_get(r, "auth"), "method"));
        c->tech = tech_names(json_object_get(r, "tech"));
    } else {
        char ip[XS_ADDR_STRLEN];
        xs_addr_format(&rep->r.addr, ip);
        json_t *m =
            json_pack("{s:s, s:i, s:s, s:s, s:s?}", "ip", ip, "port", (int)rep->r.port, "proto",
                      "tcp", "status", xs_status_name(rep->r.status), "severity", rep->severity);
        if (m && !rep->severity)
            json_object_set_new(m, "severity", json_null());
        c->record = m ? json_dumps(m, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
        json_decref(m);
    }
    json_decref(r);
    if (rep->severity) { /* the report's own severity wins, as coalesce(?5, …) does */
        free(c->severity);
        c->severity = strdup(rep->severity);
    }
    return c->record ? 0 : -1;
}

void xs_store_cols_free(xs_store_cols *c)
{
    free(c->severity);
    free(c->title);
    free(c->auth_method);
    free(c->tech);
    free(c->record);
}
