/* Command-line options: what the operator asked for, before any of it is resolved. */
#ifndef XSWEEP_OPTIONS_H
#define XSWEEP_OPTIONS_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

typedef enum { XS_FMT_JSON = 0, XS_FMT_CSV, XS_FMT_LIST, XS_FMT_XML } xs_format;

typedef struct {
    /* targets */
    char   **targets;        /* positional TARGET arguments */
    size_t   ntargets;
    char   **input_files;    /* -iL */
    size_t   ninput_files;
    char    *endpoints_file; /* --endpoints */
    char    *ports;          /* -p */
    char   **excludes;       /* --exclude (each a list) */
    size_t   nexcludes;
    char   **exclude_files;  /* --exclude-file */
    size_t   nexclude_files;
    /* sending */
    double   rate;           /* --rate; <= 0 means max */
    unsigned retries;
    double   wait_s;
    double   retry_delay_s;  /* >= 1: the throttle */
    uint64_t seed;
    bool     seed_given;
    char    *shard;
    char    *interface;
    char    *source_ip;
    char    *source_port;
    char    *router_mac;
    unsigned batch;
    char    *sender;         /* auto | txring | sendmmsg */
    /* output */
    char    *output_file;
    xs_format format;
    bool     show_closed;
    bool     all_statuses;
    bool     dry_run;
    int      progress;       /* -1 auto (tty), 0 off, 1 on */
    /* HTTP / fingerprint / severity stage */
    bool     no_http;        /* --no-http: SYN stage only */
    bool     no_probes;      /* --no-probes: no protocol probes on non-HTTP ports */
    char    *http_ports;     /* --http-ports LIST (default: the seed's HTTP/S ports) */
    unsigned http_concurrency;
    size_t   max_body;
    double   connect_timeout_s;
    double   http_timeout_s;
    char    *policy;         /* permissive | moderate | strict | FILE */
    bool     resource_bucket;/* --resource-type bucket */
    char    *fingerprints;   /* --fingerprints PATH */
    char    *findings_rules; /* --findings-rules FILE (data and secret scanning) */
    char    *config_rules;   /* --config-rules FILE (host configuration checks) */
    bool     no_config_checks;
    char    *screenshots;    /* --screenshots DIR */
    /* pause and resume */
    double   checkpoint_s;   /* --checkpoint: seconds between resume-file writes (0 = only on stop) */
    char    *resume_file;    /* --resume-file: where checkpoints go */
    bool     resuming;       /* --resume FILE was given (it is also the config file) */
    uint64_t *resume_pos;    /* --resume-position: per pass, where to continue */
    size_t   nresume_pos;
    /* history */
    char    *db;             /* --db FILE: SQLite sweep history */
    unsigned keep;           /* --keep N: prune to the newest N finished sweeps (0 = all) */
    int64_t  db_sweep;       /* --db-sweep: the sweep a resumed scan continues (resume files) */
    char    *args_text;      /* the command line, for nmap XML's args attribute */
    /* privileges */
    char    *key_file;       /* --key-file: the host key (see hostkey.h); NULL = the default */
    char    *user;           /* --user: who to become after opening the sockets (default nobody) */
    bool     no_drop;        /* --no-drop: keep root */
    double   stats_interval_s; /* --stats-interval: 0 = none */
    /* configuration */
    char    *config_file;    /* -c */
    bool     echo;           /* --echo: print the effective configuration and exit */
} xs_options;

/* Parses argv. Returns 0 to run, 1 when --help/--version was printed (exit 0), -1 on a usage
 * error (one line already in err). */
int  xs_options_parse(xs_options *o, int argc, char **argv, char *err, size_t errlen);
void xs_options_free(xs_options *o);
void xs_options_usage(FILE *out);
/* Writes the effective configuration as "key = value" lines (a valid -c file). */
void xs_options_echo(FILE *out, const xs_options *o);
/* The text of path as already read and verified (the resume file): xs_config_load(path) parses
 * it instead of reading the file again. text must outlive the parse. */
void xs_config_use_verified(const char *path, const char *text, size_t len);
/* Reads a config file into "--key=value" arguments and "target" values. */
int  xs_config_load(const char *path, char ***args, size_t *nargs, char ***targets, size_t *ntargets,
                    char *err, size_t errlen);

#define XSWEEP_VERSION "0.1.0"

#endif
