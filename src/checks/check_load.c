/* Check templates: the subset of nuclei's YAML format that a read-only, rate-limited scanner can
 * honour (xsweep(1), CHECK TEMPLATES). libyaml parses the document into a node tree; this file
 * walks it, and anything outside the subset is one clear error rather than a silent skip, so an
 * operator's template is never run with half its meaning. */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>
#include "check_internal.h"

typedef struct {
    yaml_document_t *d;
    char *err;
    size_t errlen;
} walk;

static int bad(walk *w, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(w->err, w->errlen, fmt, ap);
    va_end(ap);
    return -1;
}

static yaml_node_t *node(walk *w, int id)
{
    return id ? yaml_document_get_node(w->d, id) : NULL;
}

static const char *scalar(yaml_node_t *n)
{
    return n && n->type == YAML_SCALAR_NODE ? (const char *)n->data.scalar.value : NULL;
}

static yaml_node_t *get(walk *w, yaml_node_t *map, const char *key)
{
    if (!map || map->type != YAML_MAPPING_NODE)
        return NULL;
    for (yaml_node_pair_t *p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top;
         p++) {
        const char *k = scalar(node(w, p->key));
        if (k && strcmp(k, key) == 0)
            return node(w, p->value);
    }
    return NULL;
}

static const char *get_str(walk *w, yaml_node_t *map, const char *key)
{
    return scalar(get(w, map, key));
}

/* A scalar or a sequence of scalars, as a string list (nuclei accepts both for most lists). */
static void free_list(char **v, size_t n);

static int get_list_raw(walk *w, yaml_node_t *map, const char *key, char ***out, size_t *n);

/* On failure nothing is left allocated: *out is NULL and *n 0. */
static int get_list(walk *w, yaml_node_t *map, const char *key, char ***out, size_t *n)
{
    int rc = get_list_raw(w, map, key, out, n);
    if (rc < 0) {
        free_list(*out, *n);
        *out = NULL;
        *n = 0;
    }
    return rc;
}

static int get_list_raw(walk *w, yaml_node_t *map, const char *key, char ***out, size_t *n)
{
    yaml_node_t *v = get(w, map, key);
    *out = NULL;
    *n = 0;
    if (!v)
        return 0;
    size_t cap = v->type == YAML_SEQUENCE_NODE
                     ? (size_t)(v->data.sequence.items.top - v->data.sequence.items.start)
                     : 1;
    if (v->type == YAML_MAPPING_NODE)
        return bad(w, "'%s' must be a list", key);
    *out = calloc(cap ? cap : 1, sizeof **out);
    if (!*out)
        return bad(w, "out of memory");
    if (v->type == YAML_SCALAR_NODE) {
        (*out)[(*n)++] = strdup(scalar(v));
        return 0;
    }
    for (yaml_node_item_t *it = v->data.sequence.items.start; it < v->data.sequence.items.top;
         it++) {
        const char *s = scalar(node(w, *it));
        if (!s)
            return bad(w, "'%s' must hold plain values", key);
        if (!((*out)[(*n)++] = strdup(s)))
            return bad(w, "out of memory");
    }
    return 0;
}

static void free_list(char **v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(v[i]);
    free(v);
}

static bool truthy(const char *s)
{
    return s && (!strcmp(s, "true") || !strcmp(s, "yes") || !strcmp(s, "True"));
}

/* What nuclei's data map holds besides the response: parts xsweep cannot give. */
static const char *const foreign_parts[] = {"interactsh_protocol",
                                            "interactsh_request",
                                            "interactsh_response",
                                            "interactsh_ip",
                                            "request",
                                            "host",
                                            "matched",
                                            "type",
                                            "duration",
                                            "template-id",
                                            "template-info",
                                            "template-path",
                                            NULL};

static int part_of(walk *w, const char *s, bool status_ok, int *part, char *name, size_t namecap)
{
    if (!s || !strcmp(s, "body") || !strcmp(s, "response_body"))
        *part = PART_BODY;
    else if (!strcmp(s, "header") || !strcmp(s, "all_headers") || !strcmp(s, "response_headers"))
        *part = PART_HEADER;
    else if (!strcmp(s, "all"))
        *part = PART_ALL;
    else if (!strcmp(s, "response") || !strcmp(s, "raw"))
        *part = PART_RAW;
    else if (status_ok && !strcmp(s, "status_code"))
        *part = PART_STATUS;
    else {
        /* any other part names one response header, as nuclei's map does (content_type) */
        size_t n = strlen(s);
        bool foreign = false;
        for (int i = 0; foreign_parts[i]; i++)
            foreign |= !strcmp(s, foreign_parts[i]);
        if (foreign || n == 0 || n >= namecap ||
            strspn(s, "abcdefghijklmnopqrstuvwxyz0123456789_") != n)
            return bad(
                w,
                "part '%.40s' is not supported (body, header, all, response, or a header name "
                "such as content_type)",
                s);
        *part = PART_NAMED;
        snprintf(name, namecap, "%s", s);
    }
    return 0;
}

static pcre2_code **compile_all(walk *w, char **src, size_t n, bool nocase)
{
    pcre2_code **re = calloc(n ? n : 1, sizeof *re);
    if (!re) {
        bad(w, "out of memory");
        return NULL;
    }
    for (size_t i = 0; i < n; i++) {
        int ec;
        PCRE2_SIZE off;
        re[i] =
            pcre2_compile((PCRE2_SPTR)src[i], PCRE2_ZERO_TERMINATED, nocase ? PCRE2_CASELESS : 0,
                          &ec, &off, NULL); /* Go's defaults: (?m) is the template's */
        if (!re[i]) {
            PCRE2_UCHAR msg[120];
            pcre2_get_error_message(ec, msg, sizeof msg);
            bad(w, "regex '%.60s': %s", src[i], (char *)msg);
            for (size_t j = 0; j < i; j++)
                pcre2_code_free(re[j]);
            free(re);
            return NULL;
        }
    }
    return re;
}

/* dsl is a language of its own; the one expression a scanner needs from it is the time taken. */
static int parse_dsl(walk *w, check_matcher *m, char **dsl, size_t n)
{
    if (n != 1)
        return bad(w, "dsl matchers: exactly one 'duration>=N' expression is supported");
    double v;
    int used = 0;
    if (sscanf(dsl[0], " duration >= %lf %n", &v, &used) == 1 && dsl[0][used] == '\0' && v > 0 &&
        v <= 30) {
        m->type = M_DURATION;
        m->min_s = v;
        return 0;
    }
    return bad(w, "dsl '%.60s' is not supported (only 'duration>=N', N <= 30)", dsl[0]);
}

/* Hex strings into bytes (binary matchers, encoding: hex words): each word keeps its length. */
static int hex_decode_all(walk *w, char **v, size_t n, size_t *len, const char *what)
{
    for (size_t i = 0; i < n; i++) {
        size_t l = strlen(v[i]), k = 0;
        if (l == 0 || l % 2)
            return bad(w, "%s '%.40s' is not hex", what, v[i]);
        for (size_t j = 0; j < l; j += 2) {
            unsigned b;
            if (!isxdigit((unsigned char)v[i][j]) || !isxdigit((unsigned char)v[i][j + 1]) ||
                sscanf(v[i] + j, "%2x", &b) != 1)
                return bad(w, "%s '%.40s' is not hex", what, v[i]);
            v[i][k++] = (char)b;
        }
        v[i][k] = '\0';
        len[i] = k;
    }
    return 0;
}

static int parse_sizes(walk *w, yaml_node_t *mn, const char *key, check_matcher *m, int lo, int hi)
{
    char **v;
    size_t n;
    if (get_list(w, mn, key, &v, &n) < 0)
        return -1;
    m->status = calloc(n ? n : 1, sizeof *m->status);
    for (size_t i = 0; m->status && i < n; i++) {
        char *end;
        long c = strtol(v[i], &end, 10);
        if (*end || end == v[i] || c < lo || c > hi) {
            bad(w, "%s '%.20s' is not a number from %d to %d", key, v[i], lo, hi);
            free_list(v, n);
            return -1;
        }
        m->status[m->nstatus++] = (int)c;
    }
    free_list(v, n);
    return m->nstatus ? 0 : bad(w, "a %s matcher needs values", key);
}

static int parse_matcher(walk *w, yaml_node_t *mn, check_matcher *m)
{
    if (!mn || mn->type != YAML_MAPPING_NODE)
        return bad(w, "a matcher must be a mapping");
    const char *type = get_str(w, mn, "type");
    m->negative = truthy(get_str(w, mn, "negative"));
    m->nocase = truthy(get_str(w, mn, "case-insensitive"));
    const char *cond = get_str(w, mn, "condition");
    if (cond && strcmp(cond, "and") && strcmp(cond, "or"))
        return bad(w, "matcher condition '%s' (and, or)", cond);
    m->cond_and = cond && !strcmp(cond, "and");
    /* match-all only changes which values nuclei reports, never whether it matched: accepted */
    if (truthy(get_str(w, mn, "internal")))
        return bad(w, "internal matchers are not supported");
    if (part_of(w, get_str(w, mn, "part"), false, &m->part, m->part_name, sizeof m->part_name) < 0)
        return -1;
    if (!type)
        return bad(w, "a matcher needs a type");
    if (m->nocase && strcmp(type, "word")) /* as nuclei: an error, not ignored */
        return bad(w, "case-insensitive is supported only for word matchers (not '%s')", type);
    const char *enc = get_str(w, mn, "encoding");
    if (enc && (strcmp(enc, "hex") || strcmp(type, "word")))
        return bad(w, "encoding '%.20s' is not supported (hex, on word matchers)", enc);
    if (!strcmp(type, "word") || !strcmp(type, "binary")) {
        bool bin = !strcmp(type, "binary");
        m->type = bin ? M_BINARY : M_WORD;
        if (get_list(w, mn, bin ? "binary" : "words", &m->words, &m->nwords) < 0)
            return -1;
        if (!m->nwords)
            return bad(w, "a %s matcher needs %s", type, bin ? "binary" : "words");
        if (!(m->wlen = calloc(m->nwords, sizeof *m->wlen)))
            return bad(w, "out of memory");
        for (size_t i = 0; i < m->nwords; i++)
            m->wlen[i] = strlen(m->words[i]);
        if (bin || enc) {
            if (hex_decode_all(w, m->words, m->nwords, m->wlen, bin ? "binary" : "hex word") < 0)
                return -1;
            m->type = M_BINARY; /* decoded bytes: matched as bytes */
        }
    } else if (!strcmp(type, "regex")) {
        m->type = M_REGEX;
        char **src;
        size_t n;
        if (get_list(w, mn, "regex", &src, &n) < 0)
            return -1;
        if (!n) {
            free_list(src, n);
            return bad(w, "a regex matcher needs regex");
        }
        m->re = compile_all(w, src, n, false);
        m->nre = m->re ? n : 0;
        free_list(src, n);
        if (!m->re)
            return -1;
    } else if (!strcmp(type, "status")) {
        m->type = M_STATUS;
        return parse_sizes(w, mn, "status", m, 100, 599);
    } else if (!strcmp(type, "size")) {
        m->type = M_SIZE;
        return parse_sizes(w, mn, "size", m, 0, 1 << 30);
    } else if (!strcmp(type, "dsl")) {
        char **dsl;
        size_t n;
        if (get_list(w, mn, "dsl", &dsl, &n) < 0)
            return -1;
        int rc = parse_dsl(w, m, dsl, n);
        free_list(dsl, n);
        return rc;
    } else {
        return bad(
            w,
            "matcher type '%s' is not supported (word, regex, binary, status, size, dsl duration)",
            type);
    }
    return 0;
}

static int parse_extractor(walk *w, yaml_node_t *xn, check_extractor *x)
{
    const char *type = get_str(w, xn, "type");
    if (truthy(get_str(w, xn, "internal")))
        return bad(w, "internal extractors (values for later requests) are not supported");
    if (type && !strcmp(type, "kval")) {
        x->type = X_KVAL;
        if (get_list(w, xn, "kval", &x->keys, &x->nkeys) < 0)
            return -1;
        for (size_t i = 0; i < x->nkeys; i++) {
            for (char *c = x->keys[i]; *c; c++)
                *c = *c == '-' ? '_' : (char)tolower((unsigned char)*c);
            if (!x->keys[i][0] || strlen(x->keys[i]) >= sizeof x->part_name)
                return bad(w, "kval '%.40s' is not a header name", x->keys[i]);
        }
        return x->nkeys ? 0 : bad(w, "a kval extractor needs kval");
    }
    if (!type || strcmp(type, "regex"))
        return bad(w, "extractor type '%s' is not supported (regex, kval)", type ? type : "");
    x->type = X_REGEX;
    if (part_of(w, get_str(w, xn, "part"), false, &x->part, x->part_name, sizeof x->part_name) < 0)
        return -1;
    const char *g = get_str(w, xn, "group");
    x->group = g ? atoi(g) : 0;
    if (x->group < 0 || x->group > 9)
        return bad(w, "extractor group %d (0-9)", x->group);
    char **src;
    size_t n;
    if (get_list(w, xn, "regex", &src, &n) < 0)
        return -1;
    x->re = n ? compile_all(w, src, n, false) : NULL;
    x->nre = x->re ? n : 0;
    free_list(src, n);
    return x->re ? 0 : (n ? -1 : bad(w, "an extractor needs regex"));
}

/* nuclei's fuzzing rules (part query/body, type replace/postfix/prefix, mode single): each
 * value goes into one parameter at a time of every form, link and URL the page offers. */
static int parse_fuzz(walk *w, yaml_node_t *fn, yaml_node_t *payloads, check_fuzz *f)
{
    const char *part = get_str(w, fn, "part"), *type = get_str(w, fn, "type");
    const char *mode = get_str(w, fn, "mode");
    if (!part || !strcmp(part, "query"))
        f->part = FZ_QUERY;
    else if (!strcmp(part, "body"))
        f->part = FZ_BODY;
    else
        return bad(w, "fuzzing part '%s' is not supported (query, body)", part);
    if (!type || !strcmp(type, "replace"))
        f->type = FZ_REPLACE;
    else if (!strcmp(type, "postfix"))
        f->type = FZ_POSTFIX;
    else if (!strcmp(type, "prefix"))
        f->type = FZ_PREFIX;
    else
        return bad(w, "fuzzing type '%s' is not supported (replace, postfix, prefix)", type);
    if (mode && strcmp(mode, "single"))
        return bad(w, "fuzzing mode '%s' is not supported (single)", mode);
    char **v;
    size_t n;
    if (get_list(w, fn, "fuzz", &v, &n) < 0)
        return -1;
    /* "{{name}}" alone names a payload list: expand it here, once. */
    for (size_t i = 0; i < n; i++) {
        size_t l = strlen(v[i]);
        char **pv = NULL;
        size_t pn = 0;
        if (l > 4 && !strncmp(v[i], "{{", 2) && !strcmp(v[i] + l - 2, "}}") && payloads) {
            char key[64];
            snprintf(key, sizeof key, "%.*s", (int)(l - 4), v[i] + 2);
            if (get_list(w, payloads, key, &pv, &pn) < 0) {
                free_list(v, n);
                return -1;
            }
        }
        if (pn) {
            for (size_t j = 0; j < pn; j++) {
                char **nv = realloc(f->values, (f->nvalues + 1) * sizeof *nv);
                if (!nv)
                    break;
                f->values = nv;
                f->values[f->nvalues++] = pv[j];
            }
            free(pv);
        } else {
            free(pv);
            char **nv = realloc(f->values, (f->nvalues + 1) * sizeof *nv);
            if (!nv)
                break;
            f->values = nv;
            f->values[f->nvalues++] = strdup(v[i]);
        }
    }
    free_list(v, n);
    return f->nvalues ? 0 : bad(w, "a fuzzing rule needs fuzz values");
}

static size_t seq_len(yaml_node_t *n)
{
    return n && n->type == YAML_SEQUENCE_NODE
               ? (size_t)(n->data.sequence.items.top - n->data.sequence.items.start)
               : 0;
}

static int parse_request(walk *w, yaml_node_t *rn, check_request *q)
{
    if (!rn || rn->type != YAML_MAPPING_NODE)
        return bad(w, "a request must be a mapping");
    static const char *unsupported[] = {"raw",
                                        "attack",
                                        "race",
                                        "pipeline",
                                        "unsafe",
                                        "cookie-reuse",
                                        "req-condition",
                                        "threads",
                                        "iterate-all",
                                        "digest-username",
                                        "digest-password",
                                        NULL};
    for (int i = 0; unsupported[i]; i++)
        if (get(w, rn, unsupported[i]))
            return bad(w, "'%s' is not supported (method/path/headers/body requests only)",
                       unsupported[i]);
    /* xsweep never follows a redirect: a template written for the final page would misjudge */
    static const char *follow[] = {"redirects", "host-redirects", NULL};
    for (int i = 0; follow[i]; i++)
        if (truthy(get_str(w, rn, follow[i])))
            return bad(w, "'%s: true' is not supported (xsweep never follows redirects)",
                       follow[i]);
    const char *method = get_str(w, rn, "method");
    snprintf(q->method, sizeof q->method, "%s", method ? method : "GET");
    for (char *c = q->method; *c; c++) {
        *c = (char)toupper((unsigned char)*c);
        if (!isalpha((unsigned char)*c))
            return bad(w, "method '%s'", method);
    }
    /* Read-only by construction: no method that writes or deletes. */
    static const char *allowed[] = {"GET", "HEAD", "OPTIONS", "TRACE", "POST", NULL};
    bool ok = false;
    for (int i = 0; allowed[i]; i++)
        ok |= !strcmp(q->method, allowed[i]);
    if (!ok)
        return bad(w, "method %s is not allowed (GET, HEAD, OPTIONS, TRACE, POST)", q->method);
    if (get_list(w, rn, "path", &q->paths, &q->npaths) < 0)
        return -1;
    if (!q->npaths)
        return bad(w, "a request needs a path");
    for (size_t i = 0; i < q->npaths; i++)
        if (strncmp(q->paths[i], "{{BaseURL}}", 11) && strncmp(q->paths[i], "{{RootURL}}", 11))
            return bad(w, "path '%.60s' must start with {{BaseURL}} or {{RootURL}}", q->paths[i]);
    yaml_node_t *h = get(w, rn, "headers");
    if (h && h->type == YAML_MAPPING_NODE) {
        size_t n = (size_t)(h->data.mapping.pairs.top - h->data.mapping.pairs.start);
        q->headers = calloc(n ? n : 1, sizeof *q->headers);
        for (yaml_node_pair_t *p = h->data.mapping.pairs.start;
             q->headers && p < h->data.mapping.pairs.top; p++) {
            const char *k = scalar(node(w, p->key)), *v = scalar(node(w, p->value));
            if (!k || !v || strpbrk(k, "\r\n: ") || strpbrk(v, "\r\n"))
                return bad(w, "header '%s' must be one line", k ? k : "");
            q->headers[q->nheaders].name = strdup(k);
            q->headers[q->nheaders++].value = strdup(v);
        }
    } else if (h) {
        return bad(w, "headers must be a mapping");
    }
    const char *body = get_str(w, rn, "body");
    if (body && !(q->body = strdup(body)))
        return bad(w, "out of memory");
    const char *mc = get_str(w, rn, "matchers-condition");
    if (mc && strcmp(mc, "and") && strcmp(mc, "or"))
        return bad(w, "matchers-condition '%s' (and, or)", mc);
    q->m_and = mc && !strcmp(mc, "and");
    yaml_node_t *ms = get(w, rn, "matchers");
    size_t nm = seq_len(ms);
    yaml_node_t *xs = get(w, rn, "extractors");
    size_t nx = seq_len(xs);
    if (!nm && !nx)
        return bad(w, "a request needs matchers or extractors");
    q->m = calloc(nm ? nm : 1, sizeof *q->m);
    if (!q->m)
        return bad(w, "out of memory");
    for (yaml_node_item_t *it = nm ? ms->data.sequence.items.start : NULL;
         nm && it < ms->data.sequence.items.top; it++)
        if (parse_matcher(w, node(w, *it), &q->m[q->nm++]) < 0)
            return -1;
    if (nx) {
        q->x = calloc(nx, sizeof *q->x);
        if (!q->x)
            return bad(w, "out of memory");
        for (yaml_node_item_t *it = xs->data.sequence.items.start; it < xs->data.sequence.items.top;
             it++)
            if (parse_extractor(w, node(w, *it), &q->x[q->nx++]) < 0)
                return -1;
    }
    yaml_node_t *fz = get(w, rn, "fuzzing");
    size_t nf = seq_len(fz);
    if (nf) {
        q->fz = calloc(nf, sizeof *q->fz);
        if (!q->fz)
            return bad(w, "out of memory");
        for (yaml_node_item_t *it = fz->data.sequence.items.start; it < fz->data.sequence.items.top;
             it++)
            if (parse_fuzz(w, node(w, *it), get(w, rn, "payloads"), &q->fz[q->nfz++]) < 0)
                return -1;
    } else if (get(w, rn, "payloads")) {
        return bad(w, "payloads are only supported inside fuzzing rules");
    }
    return 0;
}

static int parse_severity(walk *w, const char *s, xs_severity *out)
{
    static const char *names[] = {"info", "low", "medium", "high", "critical"};
    if (!s || !strcmp(s, "unknown")) {
        *out = XS_SEV_INFO;
        return 0;
    }
    for (int i = 0; i < 5; i++)
        if (!strcmp(s, names[i])) {
            *out = (xs_severity)i;
            return 0;
        }
    return bad(w, "severity '%s' (info, low, medium, high, critical)", s);
}

static bool valid_id(const char *id)
{
    if (!id || !*id || strlen(id) >= XS_CHECK_ID_MAX)
        return false;
    for (const char *c = id; *c; c++)
        if (!isalnum((unsigned char)*c) && *c != '-' && *c != '_' && *c != '.')
            return false;
    return true;
}

static void copy(char *dst, size_t n, const char *s)
{
    snprintf(dst, n, "%s", s ? s : "");
    for (char *c = dst; *c; c++)
        if (*c == '\n' || *c == '\r' || *c == '\t')
            *c = ' ';
}

static bool uses(const check_request *q, const char *var)
{
    for (size_t i = 0; i < q->npaths; i++)
        if (strstr(q->paths[i], var))
            return true;
    for (size_t i = 0; i < q->nheaders; i++)
        if (strstr(q->headers[i].value, var))
            return true;
    if (q->body && strstr(q->body, var))
        return true;
    for (size_t i = 0; i < q->nfz; i++)
        for (size_t j = 0; j < q->fz[i].nvalues; j++)
            if (strstr(q->fz[i].values[j], var))
                return true;
    return false;
}

/* The first {{...}} in s that is not one of known (NULL-terminated), copied into out; false when
 * every one is known. nuclei would render an unknown one (a DSL helper, a template variable, an
 * extracted value); sending it literally would be a different request, so it is refused. */
static bool unknown_var(const char *s, const char *const *known, char *out, size_t cap)
{
    for (const char *p = s ? strstr(s, "{{") : NULL; p; p = strstr(p + 2, "{{")) {
        const char *e = strstr(p + 2, "}}");
        size_t n = e ? (size_t)(e - p - 2) : strlen(p + 2);
        bool ok = false;
        for (int i = 0; e && known[i]; i++)
            ok |= n == strlen(known[i]) && !strncmp(p + 2, known[i], n);
        if (!ok) {
            snprintf(out, cap, "{{%.*s}}", (int)(n < 40 ? n : 40), p + 2);
            return true;
        }
    }
    return false;
}

static int check_vars(walk *w, const check_request *q)
{
    static const char *const req[] = {"BaseURL",        "RootURL", "Hostname", "Host",
                                      "Port",           "Scheme",  "randstr",  "marker",
                                      "interactsh-url", "canary",  NULL};
    static const char *const path[] = {"BaseURL",        "RootURL", "Hostname",  "Host",
                                       "Port",           "Scheme",  "randstr",   "marker",
                                       "interactsh-url", "canary",  "LinkedDir", NULL};
    static const char *const words[] = {"randstr", "marker", NULL};
    char v[48];
    for (size_t i = 0; i < q->npaths; i++)
        if (unknown_var(q->paths[i], path, v, sizeof v))
            return bad(w, "variable %s in a path is not supported", v);
    for (size_t i = 0; i < q->nheaders; i++)
        if (unknown_var(q->headers[i].value, req, v, sizeof v))
            return bad(w, "variable %s in a header is not supported", v);
    if (unknown_var(q->body, req, v, sizeof v))
        return bad(w, "variable %s in the body is not supported", v);
    for (size_t i = 0; i < q->nfz; i++)
        for (size_t j = 0; j < q->fz[i].nvalues; j++)
            if (unknown_var(q->fz[i].values[j], req, v, sizeof v))
                return bad(w, "variable %s in a fuzz value is not supported", v);
    for (size_t i = 0; i < q->nm; i++)
        for (size_t j = 0; q->m[i].type == M_WORD && j < q->m[i].nwords; j++)
            if (unknown_var(q->m[i].words[j], words, v, sizeof v))
                return bad(w, "variable %s in a word matcher is not supported ({{randstr}} only)",
                           v);
    return 0;
}

static int parse_root(walk *w, yaml_node_t *root, check_tmpl *t)
{
    if (!root || root->type != YAML_MAPPING_NODE)
        return bad(w, "a template is a YAML mapping");
    const char *id = get_str(w, root, "id");
    if (!valid_id(id))
        return bad(w, "id '%.40s' must be 1-63 letters, digits, '-', '_' or '.'", id ? id : "");
    snprintf(t->id, sizeof t->id, "%s", id);
    yaml_node_t *info = get(w, root, "info");
    if (!info || info->type != YAML_MAPPING_NODE)
        return bad(w, "%s: info is missing", t->id);
    copy(t->name, sizeof t->name, get_str(w, info, "name"));
    copy(t->description, sizeof t->description, get_str(w, info, "description"));
    copy(t->remediation, sizeof t->remediation, get_str(w, info, "remediation"));
    if (parse_severity(w, get_str(w, info, "severity"), &t->severity) < 0)
        return -1;
    yaml_node_t *cl = get(w, info, "classification");
    yaml_node_t *cwe = get(w, cl, "cwe-id");
    const char *c = scalar(cwe);
    if (!c && seq_len(cwe))
        c = scalar(node(w, *cwe->data.sequence.items.start));
    copy(t->cwe, sizeof t->cwe, c);
    for (char *p = t->cwe; *p; p++)
        *p = (char)toupper((unsigned char)*p);
    yaml_node_t *meta = get(w, info, "metadata");
    const char *set = get_str(w, meta, "xsweep-set");
    const char *scheme = get_str(w, meta, "xsweep-scheme");
    t->https_only = scheme && !strcmp(scheme, "https");
    const char *cmp = get_str(w, meta, "xsweep-compare");
    if (cmp && strcmp(cmp, "boolean"))
        return bad(w, "%s: xsweep-compare '%s' (boolean)", t->id, cmp);
    t->compare_boolean = cmp != NULL;
    yaml_node_t *reqs = get(w, root, "http");
    if (!reqs)
        reqs = get(w, root, "requests");
    static const char *other[] = {"dns",       "file",       "network",        "tcp",
                                  "headless",  "ssl",        "websocket",      "whois",
                                  "code",      "javascript", "flow",           "workflows",
                                  "variables", "constants",  "self-contained", NULL};
    for (int i = 0; other[i]; i++)
        if (get(w, root, other[i]))
            return bad(w, "%s: '%s' is not supported (http requests only, no template variables)",
                       t->id, other[i]);
    size_t nr = seq_len(reqs);
    if (!nr)
        return bad(w, "%s: no http requests", t->id);
    t->req = calloc(nr, sizeof *t->req);
    if (!t->req)
        return bad(w, "out of memory");
    for (yaml_node_item_t *it = reqs->data.sequence.items.start; it < reqs->data.sequence.items.top;
         it++) {
        char why[200] = "";
        walk sub = {w->d, why, sizeof why};
        if (parse_request(&sub, node(w, *it), &t->req[t->nreq++]) < 0 ||
            check_vars(&sub, &t->req[t->nreq - 1]) < 0)
            return bad(w, "%s: %s", t->id, why);
    }
    bool fuzzes = false;
    for (size_t i = 0; i < t->nreq; i++) {
        fuzzes |= t->req[i].nfz > 0;
        t->needs_canary |= uses(&t->req[i], "{{interactsh-url}}") || uses(&t->req[i], "{{canary}}");
    }
    t->kind =
        fuzzes || (set && !strcmp(set, "payload")) ? XS_CHECK_KIND_PAYLOAD : XS_CHECK_KIND_HTTP;
    return 0;
}

static void matcher_free(check_matcher *m)
{
    free_list(m->words, m->nwords);
    free(m->wlen);
    for (size_t i = 0; i < m->nre; i++)
        pcre2_code_free(m->re[i]);
    free(m->re);
    free(m->status);
}

void check_tmpl_free(check_tmpl *t)
{
    for (size_t i = 0; i < t->nreq; i++) {
        check_request *q = &t->req[i];
        free_list(q->paths, q->npaths);
        for (size_t j = 0; j < q->nheaders; j++) {
            free(q->headers[j].name);
            free(q->headers[j].value);
        }
        free(q->headers);
        free(q->body);
        for (size_t j = 0; j < q->nm; j++)
            matcher_free(&q->m[j]);
        free(q->m);
        for (size_t j = 0; j < q->nx; j++) {
            for (size_t k = 0; k < q->x[j].nre; k++)
                pcre2_code_free(q->x[j].re[k]);
            free(q->x[j].re);
            free_list(q->x[j].keys, q->x[j].nkeys);
        }
        free(q->x);
        for (size_t j = 0; j < q->nfz; j++)
            free_list(q->fz[j].values, q->fz[j].nvalues);
        free(q->fz);
    }
    free(t->req);
    memset(t, 0, sizeof *t);
}

int check_tmpl_parse(const char *text, size_t len, check_tmpl *t, char *err, size_t errlen)
{
    memset(t, 0, sizeof *t);
    yaml_parser_t p;
    yaml_document_t d;
    if (!yaml_parser_initialize(&p)) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    yaml_parser_set_input_string(&p, (const unsigned char *)text, len);
    if (!yaml_parser_load(&p, &d)) {
        snprintf(err, errlen, "YAML line %lu: %s", (unsigned long)p.problem_mark.line + 1,
                 p.problem ? p.problem : "parse error");
        yaml_parser_delete(&p);
        return -1;
    }
    walk w = {&d, err, errlen};
    int rc = parse_root(&w, yaml_document_get_root_node(&d), t);
    yaml_document_delete(&d);
    yaml_parser_delete(&p);
    if (rc < 0)
        check_tmpl_free(t);
    return rc;
}

int xs_check_parse_text(const char *text, size_t len, char *err, size_t errlen)
{
    check_tmpl t;
    if (check_tmpl_parse(text, len, &t, err, errlen) < 0)
        return -1;
    check_tmpl_free(&t);
    return 0;
}
