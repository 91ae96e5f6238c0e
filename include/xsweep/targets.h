/* Targets: IPv4 and IPv6 ranges, ports, endpoint lists, and the index space the scan walks. */
#ifndef XSWEEP_TARGETS_H
#define XSWEEP_TARGETS_H
#include <stddef.h>
#include <stdio.h>
#include <stdint.h>
#include <stdbool.h>
#include "xsweep/addr.h"

/* ---- ranges (inclusive): IPv4 in host byte order, IPv6 as 128-bit integers ---- */
typedef struct {
    uint32_t first, last;
} xs_range;
typedef unsigned __int128 xs_u128;
typedef struct {
    xs_u128 first, last;
} xs_range6;

/* The largest IPv6 prefix or range one target spec may name: a /96, as many addresses as the
 * whole IPv4 space. Larger blocks (a /64 is 2^64 addresses) cannot be swept address by address. */
#define XS_IPV6_SPEC_MAX (1ULL << 32)

/* One list holds both families. Its index space (count, pick) is the IPv4 addresses in order,
 * then the IPv6 ones: an IPv4-only list numbers its addresses exactly as before. */
typedef struct {
    xs_range *v;
    size_t n, cap;
    uint64_t *prefix; /* prefix[i] = addresses in v[0..i); built by xs_rangelist_normalize */
    xs_range6 *v6;
    size_t n6, cap6;
    uint64_t *prefix6; /* the same for v6 (each merged range is far below 2^64) */
} xs_rangelist;

void xs_rangelist_free(xs_rangelist *rl);
/* Adds "a.b.c.d", "a.b.c.d/n", "a.b.c.d-e.f.g.h", or the IPv6 forms "2001:db8::1",
 * "2001:db8::/112", "2001:db8::1-2001:db8::ff" (at most XS_IPV6_SPEC_MAX addresses; IPv4-mapped
 * ::ffff:a.b.c.d is read as the IPv4 address). On error returns -1 and writes one line to err. */
int xs_rangelist_add_spec(xs_rangelist *rl, const char *spec, char *err, size_t errlen);
/* Comma- or whitespace-separated specs. */
int xs_rangelist_add_list(xs_rangelist *rl, const char *list, char *err, size_t errlen);
/* One spec per line, '#' starts a comment, blank lines ignored. Errors name file:line. */
int xs_rangelist_load_file(xs_rangelist *rl, const char *path, char *err, size_t errlen);
void xs_rangelist_add(xs_rangelist *rl, uint32_t first, uint32_t last);
void xs_rangelist_add6(xs_rangelist *rl, xs_u128 first, xs_u128 last);
/* Sorts, merges overlapping/adjacent ranges, builds prefix sums. Call before count/pick/contains. */
void xs_rangelist_normalize(xs_rangelist *rl);
/* rl -= ex (both normalized); rl is normalized afterwards. */
void xs_rangelist_subtract(xs_rangelist *rl, const xs_rangelist *ex);
uint64_t xs_rangelist_count(const xs_rangelist *rl); /* both families */
uint64_t xs_rangelist_count_v4(const xs_rangelist *rl);
uint64_t xs_rangelist_count_v6(const xs_rangelist *rl);
/* IPv4 index in [0, count_v4) -> address, O(log n). */
uint32_t xs_rangelist_pick(const xs_rangelist *rl, uint64_t index);
/* index in [0, count) -> address of either family, O(log n). */
xs_addr xs_rangelist_pick_addr(const xs_rangelist *rl, uint64_t index);
bool xs_rangelist_contains(const xs_rangelist *rl, uint32_t ip);
bool xs_rangelist_contains_addr(const xs_rangelist *rl, const xs_addr *a);
/* Adds the always-excluded blocks: 0.0.0.0/8, 224.0.0.0/3 (multicast + reserved),
 * 255.255.255.255; ::/128 (unspecified), ff00::/8 (multicast), and fe80::/10 (link-local) unless
 * link_local is true (the operator named the link with -i). */
void xs_rangelist_add_reserved(xs_rangelist *rl, bool link_local);
/* 128-bit integer <-> address (an IPv4 address is ::ffff:a.b.c.d). */
xs_u128 xs_addr_to_u128(const xs_addr *a);
xs_addr xs_addr_from_u128(xs_u128 v);
/* Decimal text of v, for "N addresses" messages. */
void xs_u128_format(xs_u128 v, char out[40]);

/* ---- ports ---- */
typedef struct {
    uint16_t *v; /* sorted, unique */
    size_t n, cap;
} xs_portlist;

void xs_portlist_free(xs_portlist *pl);
/* "80,443,8000-8100"; the word "supported" adds the seed's supported-ports table. */
int xs_portlist_parse(xs_portlist *pl, const char *list, char *err, size_t errlen);
bool xs_portlist_contains(const xs_portlist *pl, uint16_t port);

/* The service table (src/targets/supported_ports.c): the seed's supported protocol-specific and
 * HTTP/S ports, one row per port. Everything that asks "what is this port" reads it. */
typedef struct {
    uint16_t port;
    const char *protocol;  /* the seed's name: "SSH", "HTTP/S", "FTPS" */
    bool http;             /* the HTTP stage GETs it (no protocol probe first) */
    bool tls_first;        /* TLS handshake first (HTTPS, implicit FTPS, kubelet, WinRM/S) */
    const char *nmap;      /* nmap-services name, for -oX */
    const char *probe;     /* first probe module (--list-probes): "ssh", "http", "tls", "banner" */
    const char *fallbacks; /* probes tried next when the first names nothing; NULL = default order,
                             * "" = none */
} xs_supported_port;
extern const char *const xs_service_default_fallbacks; /* "redis,http" */
/* The row of port, or NULL; _or_default also reads xs_known_ports, then gives a passive-read row
 * for unlisted ports. */
const xs_supported_port *xs_service_for_port(uint16_t port);
const xs_supported_port *xs_service_or_default(uint16_t port);
const char *xs_service_fallbacks(const xs_supported_port *s);
bool xs_port_is_tls_first(uint16_t port);
extern const xs_supported_port xs_supported_ports[];
extern const size_t xs_supported_ports_count;
/* Well-known ports outside the seed's table with a first probe of their own (389 LDAP): only the
 * probe stage reads them (xs_service_or_default), -p supported does not. */
extern const xs_supported_port xs_known_ports[];
extern const size_t xs_known_ports_count;
/* Protocol name for a port in the table ("HTTP/S", "SSH", …) or NULL. */
const char *xs_supported_protocol(uint16_t port);
bool xs_port_is_http(uint16_t port);

/* ---- endpoint lists: "ip:port [bucket] [path=/x] [host=name]" per line; IPv6 as [ip6]:port ---- */
typedef struct xs_endpoint {
    xs_addr addr; /* either family */
    uint16_t port;
    bool bucket;              /* resource is a directly exposed bucket (severity column) */
    char *path;               /* HTTP path to GET, NULL = "/" */
    char *host;               /* host name for SNI / Host header, NULL = none */
    struct xs_endpoint *more; /* the same ip:port listed again with other paths (input order):
                               * probed once, one GET and one record per path */
} xs_endpoint;

typedef struct {
    xs_endpoint *v;
    size_t n, cap;
} xs_endpointlist;

void xs_endpointlist_free(xs_endpointlist *el);
int xs_endpointlist_load_file(xs_endpointlist *el, const char *path, char *err, size_t errlen);
int xs_endpointlist_add_line(xs_endpointlist *el, const char *line, char *err, size_t errlen);
/* Sorts by (ip, port) and merges duplicates (the first one's bucket/host win), so each endpoint is
 * probed once a pass; lines with another path are kept on the survivor's `more` list. */
void xs_endpointlist_normalize(xs_endpointlist *el);
/* Binary search; NULL when absent. Needs normalize first. */
const xs_endpoint *xs_endpointlist_find(const xs_endpointlist *el, const xs_addr *addr,
                                        uint16_t port);

/* ---- the index space: ranges x ports, or an endpoint list as given ---- */
typedef struct {
    const xs_rangelist *ranges; /* ranges mode: targets after excludes */
    const xs_portlist *ports;
    const xs_endpointlist *endpoints; /* endpoint mode when non-NULL: only the probe-able ones */
    uint64_t size;
} xs_targetspace;

void xs_targetspace_init_ranges(xs_targetspace *ts, const xs_rangelist *r, const xs_portlist *p);
void xs_targetspace_init_endpoints(xs_targetspace *ts, const xs_endpointlist *e);
/* index in [0, size) -> (address, port). Ranges mode: the IPv4 targets' indices come first. */
void xs_targetspace_get(const xs_targetspace *ts, uint64_t index, xs_addr *addr, uint16_t *port);

/* Parses dotted-quad into host order; returns false when malformed. Plain decimal only:
 * exactly four parts 0-255, no leading zeros ("01.2.3.4" is ambiguous), nothing after. */
bool xs_parse_ipv4(const char *s, uint32_t *out);
void xs_format_ipv4(uint32_t ip, char out[16]);
/* Reads a dotted quad at the start of s and sets *end past it. Returns NULL on success,
 * else a short reason ("octet 256 is out of range 0-255", ...) for an error message. */
const char *xs_scan_ipv4(const char *s, uint32_t *out, const char **end);

/* Calls fn for every line of path (newline stripped) with its 1-based number. fn returns 0 or -1
 * with a message in err; the message is then prefixed with "FILE:LINE: ". An unreadable file gives
 * "cannot read FILE: strerror". Returns 0 or -1. */
/* Makes an error message one line: control characters (a quoted input may hold a newline) become '?'. */
void xs_error_one_line(char *err, size_t errlen);

typedef int (*xs_line_fn)(void *ctx, const char *line, char *err, size_t errlen);
int xs_read_lines(const char *path, xs_line_fn fn, void *ctx, char *err, size_t errlen);
/* Same from an open stream, path naming it in errors. A line is at most XS_LINE_MAX bytes; a
 * longer one, a NUL byte or any read error is -1 with err (never a silent end of file). */
#define XS_LINE_MAX 65536u
int xs_read_lines_stream(FILE *f, const char *path, xs_line_fn fn, void *ctx, char *err,
                         size_t errlen);

#endif
