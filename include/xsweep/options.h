/* Command-line options: what the operator asked for, before any of it is resolved. */
#ifndef XSWEEP_OPTIONS_H
#define XSWEEP_OPTIONS_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

typedef enum { XS_FMT_JSON = 0, XS_FMT_CSV, XS_FMT_LIST, XS_FMT_XML, XS_FMT_GREPABLE } xs_format;

typedef struct {
    /* targets */
    char **targets; /* positional TARGET arguments */
    size_t ntargets;
    char **input_files; /* -iL */
    size_t ninput_files;
    char *endpoints_file; /* --endpoints */
    char *ports;          /* -p */
    char **excludes;      /* --exclude (each a list) */
    size_t nexcludes;
    char **exclude_files; /* --exclude-file */
    size_t nexclude_files;
    /* sending */
    double rate; /* --rate; <= 0 means max */
    unsigned retries;
    double wait_s;
    double retry_delay_s; /* >= 1: the throttle */
    uint64_t seed;
    bool seed_given;
    char *shard;
    char *interface;
    char *source_ip;
    char *source_port;
    char *router_mac;
    unsigned batch;
    char *sender;        /* auto | txring | sendmmsg */
    unsigned tx_threads; /* --tx-threads N; 0 = one per online core less one, at least 1 */
    /* output */
    char *output_file;
    char *output_all; /* -oA BASE: every format, BASE.json ... BASE.gnmap */
    xs_format format;
    bool show_closed;
    bool all_statuses;
    bool dry_run;
    int progress; /* -1 auto (tty), 0 off, 1 on */
    /* HTTP / fingerprint / severity stage */
    bool no_http;     /* --no-http: SYN stage only */
    bool no_probes;   /* --no-probes: no protocol probes on non-HTTP ports */
    char *http_ports; /* --http-ports LIST (default: the seed's HTTP/S ports) */
    unsigned http_concurrency;
    size_t max_body;
    double connect_timeout_s;
    double http_timeout_s;
    char *policy;         /* permissive | moderate | strict | FILE */
    bool resource_bucket; /* --resource-type bucket */
    char *fingerprints;   /* --fingerprints PATH */
    char *findings_rules; /* --findings-rules FILE (data and secret scanning) */
    char *config_rules;   /* --config-rules FILE (host configuration checks) */
    char *service_rules;  /* --service-rules FILE (host configuration of non-HTTP services) */
    bool list_probes;     /* --list-probes: print the probe modules and service table, exit */
    bool list_checks;     /* --list-checks: print every shipped check, exit */
    bool no_config_checks;
    char *screenshots;            /* --screenshots DIR */
    double screenshot_timeout_s;  /* --screenshot-timeout */
    char *checks;                 /* --checks LIST (NULL = no active checks) */
    unsigned checks_max_requests; /* --checks-max-requests N (0 = the default) */
    char *checks_canary;          /* --checks-canary URL */
    /* pause and resume */
    double checkpoint_s;  /* --checkpoint: seconds between resume-file writes (0 = only on stop) */
    char *resume_file;    /* --resume-file: where checkpoints go */
    bool resuming;        /* --resume FILE was given (it is also the config file) */
    uint64_t *resume_pos; /* --resume-position: per pass, where to continue */
    size_t nresume_pos;
    /* history */
    char *db;         /* --db FILE: SQLite sweep history */
    unsigned keep;    /* --keep N: prune to the newest N finished sweeps (0 = all) */
    int64_t db_sweep; /* --db-sweep: the sweep a resumed scan continues (resume files) */
    char *sweep_key;  /* --sweep-key: the shared sweep of the shards (PostgreSQL) */
    char *args_text;  /* the command line, for nmap XML's args attribute */
    /* privileges */
    char *key_file;          /* --key-file: the host key (see hostkey.h); NULL = the default */
    char *user;              /* --user: who to become after opening the sockets (default nobody) */
    bool no_drop;            /* --no-drop: keep root */
    double stats_interval_s; /* --stats-interval: 0 = none */
    /* configuration */
    char *config_file; /* -c */
    bool echo;         /* --echo: print the effective configuration and exit */
    unsigned verbose;  /* -v, repeatable: 1 info, 2 debug (xsweep/log.h) */
} xs_options;

/* The option table (src/cli/option_table.c): ONE row per option, from which getopt_long's table,
 * --help, --echo, the config-file keys and the defaults are generated. */
typedef enum {
    XS_ARG_FLAG,        /* bool field, set to true */
    XS_ARG_COUNT,       /* unsigned field, +1 each time (-vv) */
    XS_ARG_STRING,      /* char * field, the last one wins */
    XS_ARG_LIST,        /* char ** field plus a size_t count: each one adds */
    XS_ARG_DOUBLE,      /* double within [lo, hi] */
    XS_ARG_UINT,        /* unsigned within [min, max], decimal */
    XS_ARG_SIZE,        /* size_t within [min, max], decimal */
    XS_ARG_I64,         /* int64_t within [min, max], decimal */
    XS_ARG_CUSTOM,      /* takes a value; the row's parse function reads it */
    XS_ARG_CUSTOM_FLAG, /* takes no value; the row's parse function runs (arg NULL) */
} xs_argkind;

enum {
    XS_OPT_INTERNAL = 1u << 0, /* plumbing (resume files): accepted, not in --help */
    XS_OPT_NO_ECHO = 1u << 1,  /* not written by --echo */
    XS_OPT_ECHO_SET = 1u << 2, /* --echo writes it only when not zero/empty */
};

typedef struct xs_optdef {
    const char *name;       /* --name */
    const char *short_name; /* "p" (-p) or "iL" (nmap's two-letter -iL), or NULL */
    xs_argkind kind;
    size_t offset;       /* of the field in xs_options */
    size_t count_off;    /* XS_ARG_LIST: of its size_t count */
    const char *def;     /* default: numbers are set from it; strings stay NULL (= the default) */
    double lo, hi;       /* XS_ARG_DOUBLE bounds */
    uint64_t min, max;   /* integer bounds */
    const char *metavar; /* "LIST" in "--ports LIST" */
    const char *help;    /* --help text; '\n' continues on the next line */
    const char *section; /* --help heading printed before this row */
    const char *config_key; /* key in -c files and --echo; NULL: command line only */
    unsigned flags;         /* XS_OPT_* */
    const char *hint;       /* the error: invalid --name "v": HINT */
    /* Optional, replaces the kind's parser/echo (the kind still says how the field is freed).
     * parse returns 0, -1 with err, or 1 when it printed and the program exits 0 (--help). */
    int (*parse)(xs_options *o, const char *arg, char *err, size_t errlen);
    void (*echo)(FILE *out, const struct xs_optdef *d, const xs_options *o);
} xs_optdef;

extern const xs_optdef xs_optdefs[];
extern const size_t xs_noptdefs;
/* The row with this long name or config key (NULL if none). */
const xs_optdef *xs_optdef_by_name(const char *name);
const xs_optdef *xs_optdef_by_key(const char *key);
/* Does the option take a value? */
bool xs_optdef_takes_value(const xs_optdef *d);
/* The shared number parser: decimal only ("010" is ten, "0x10" is refused), within [0, max]. */
int xs_parse_u64(const char *s, uint64_t max, uint64_t *out);

/* Parses argv. Returns 0 to run, 1 when --help/--version was printed (exit 0), -1 on a usage
 * error (one line already in err). */
int xs_options_parse(xs_options *o, int argc, char **argv, char *err, size_t errlen);
void xs_options_free(xs_options *o);
void xs_options_usage(FILE *out);
/* Writes the effective configuration as "key = value" lines (a valid -c file). */
void xs_options_echo(FILE *out, const xs_options *o);
/* The text of path as already read and verified (the resume file): xs_config_load(path) parses
 * it instead of reading the file again. text must outlive the parse. */
void xs_config_use_verified(const char *path, const char *text, size_t len);
/* Reads a config file into "--key=value" arguments and "target" values. */
int xs_config_load(const char *path, char ***args, size_t *nargs, char ***targets, size_t *ntargets,
                   char *err, size_t errlen);

#define XSWEEP_VERSION    "0.1.0"
#define XS_MAX_TX_THREADS 64 /* --tx-threads upper bound */

#endif
