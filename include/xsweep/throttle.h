/* The once-per-second-per-IP:port rule, and the set of endpoints that already answered. */
#ifndef XSWEEP_THROTTLE_H
#define XSWEEP_THROTTLE_H
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "xsweep/record.h"

/* Retries are later passes over the same permuted order. Pass k may send position q only when
 * pass k-1 sent q at least min_gap_ns ago. Pass k-1 records (position reached, time) after each
 * flushed batch; a bounded ring of such checkpoints is all the state (flat in the target count). */
typedef struct {
    uint64_t pos, t_ns;
} xs_checkpoint;

typedef struct {
    xs_checkpoint *cp; /* ring */
    size_t cap, head, count;
    uint64_t floor; /* furthest position whose checkpoint is already old enough */
} xs_checkpoint_ring;

typedef struct {
    unsigned passes; /* 1 + retries */
    uint64_t min_gap_ns;
    xs_checkpoint_ring *rings; /* rings[k]: checkpoints of pass k (k < passes-1) */
} xs_pass_clock;

int xs_pass_clock_init(xs_pass_clock *c, unsigned passes, uint64_t min_gap_ns, size_t ring_cap);
void xs_pass_clock_free(xs_pass_clock *c);
/* Pass `pass` has sent every position < pos by time now_ns. */
void xs_pass_clock_mark(xs_pass_clock *c, unsigned pass, uint64_t pos, uint64_t now_ns);
/* Pass `pass` (>= 1) may send positions < the returned bound at now_ns. */
uint64_t xs_pass_clock_allowed(xs_pass_clock *c, unsigned pass, uint64_t now_ns);

/* Fixed-capacity lock-free set of endpoint keys: the receiver adds, the transmitter asks.
 * When full, adds are dropped (a retry is then sent anyway; output de-duplicates).
 * IPv4 keys take one 64-bit slot; IPv6 keys a wider slot holding the whole key. */
struct xs_keyslot6;
typedef struct {
    _Atomic uint64_t *slots; /* IPv4: ip << 16 | port, stored + 1 */
    size_t mask;
    _Atomic size_t used;
    struct xs_keyslot6 *slots6; /* IPv6 */
    size_t mask6;
    _Atomic size_t used6;
} xs_keyset;

/* Capacities: how many IPv4 and IPv6 keys it must hold. 0, or -1 (no memory). */
int xs_keyset_init(xs_keyset *s, size_t capacity_v4, size_t capacity_v6);
void xs_keyset_free(xs_keyset *s);
/* The IPv4 hot path (receiver, transmitter): key = ip << 16 | port, as xs_epkey_v4_compact. */
bool xs_keyset_add_v4(xs_keyset *s, uint64_t key);
bool xs_keyset_contains_v4(const xs_keyset *s, uint64_t key);
bool xs_keyset_add_v6(xs_keyset *s, const xs_epkey *key);
bool xs_keyset_contains_v6(const xs_keyset *s, const xs_epkey *key);

static inline bool xs_keyset_add(xs_keyset *s, xs_epkey key) /* true when newly added */
{
    return xs_epkey_is_v4(&key) ? xs_keyset_add_v4(s, xs_epkey_v4_compact(&key))
                                : xs_keyset_add_v6(s, &key);
}

static inline bool xs_keyset_contains(const xs_keyset *s, xs_epkey key)
{
    return xs_epkey_is_v4(&key) ? xs_keyset_contains_v4(s, xs_epkey_v4_compact(&key))
                                : xs_keyset_contains_v6(s, &key);
}

/* Last-contact table for stages that open real connections (HTTP, protocol probes): how long to
 * wait before contacting key again. Single-threaded; entries older than the gap are recycled. */
typedef struct xs_throttle xs_throttle;
xs_throttle *xs_throttle_new(uint64_t min_gap_ns);
void xs_throttle_free(xs_throttle *t);
/* Nanoseconds to wait before key may be contacted (0 = now; the contact is then recorded). */
uint64_t xs_throttle_acquire(xs_throttle *t, xs_epkey key, uint64_t now_ns);
/* Records a contact made elsewhere (e.g. the SYN probe) without asking. */
void xs_throttle_note(xs_throttle *t, xs_epkey key, uint64_t now_ns);

#endif
