#!/usr/bin/env bash
# The shared store: three shard processes write one PostgreSQL sweep (sequentially, then all at
# once), the sweep ends only when its last shard does, and `xsweep diff` on the sharded database
# equals the single-process result (SQLite and PostgreSQL alike). Then kill -9 and --resume with
# --db: the database holds exactly what the output holds, and the sweep is not finished early.
# PostgreSQL runs from a temporary directory as nobody, Unix socket only (no TCP).
source "$(dirname "$0")/lib.sh"
PGDIR=$WORK/pg
chmod 755 "$WORK"
PG=$(bash "$ROOT/tests/tools/pg-local.sh" start "$PGDIR") || { echo "cannot start postgresql"; exit 1; }
trap 'bash "$ROOT/tests/tools/pg-local.sh" stop "$PGDIR"; [ -n "${XS_KEEP_WORK:-}" ] && cp -r "$WORK" "$XS_KEEP_WORK"; kill ${extra:-} 2>/dev/null; cleanup' EXIT
psql -q "$PG" -c 'CREATE DATABASE single' -c 'CREATE DATABASE sharded' -c 'CREATE DATABASE crash'
DB1="${PG/dbname=postgres/dbname=single}"
DBS="${PG/dbname=postgres/dbname=sharded}"
DBC="${PG/dbname=postgres/dbname=crash}"
pq() { psql -XAtq "$1" -c "$2"; }
all_of() { local c; for c in "$@"; do eval "$c" || return 1; done; }

testbed_up xsfs --answer --listen 80,8080
NET=(-i "$TB_PREFIX-s0" --source-ip 198.18.0.1 --router-mac 02:58:53:00:00:02)
SWEEP=(-p 80,8080,8888 --rate 1000 --retries 3 --wait 2 --seed 11 --show closed 198.19.0.0/28)
run() { in_scan "$XSWEEP" "${NET[@]}" "${SWEEP[@]}" "$@"; }

echo "-- week 1: one process (SQLite and PostgreSQL), then three shards one after the other"
run --db "$WORK/single.db" -o "$WORK/w1.json" 2>/dev/null
run --db "$DB1" -o "$WORK/w1pg.json" 2>/dev/null
check "single-process sweep in PostgreSQL: 48 rows, ended" \
    [ "$(pq "$DB1" "SELECT count(*) || ' ' || (SELECT count(ended) FROM sweeps) FROM endpoints")" = "48 1" ]
for i in 1 2; do
    run --db "$DBS" --shard $i/3 -o "$WORK/w1s$i.json" 2>"$WORK/w1s$i.err"
done
check "shards 1 and 2 share one sweep (derived key: ISO week + configuration)" \
    [ "$(pq "$DBS" "SELECT count(*) || ' ' || min(sweep_key) FROM sweeps")" = "1 $(date -u +%G-W%V)-$(pq "$DBS" "SELECT substr(sweep_key, 10) FROM sweeps")" ]
check "two of three shards done: the sweep has not ended" \
    [ "$(pq "$DBS" "SELECT (ended IS NULL)::text || ' ' || (SELECT count(ended) FROM sweep_shards) FROM sweeps")" = "true 2" ]
run --db "$DBS" --shard 3/3 -o "$WORK/w1s3.json" 2>/dev/null
check "third shard done: the sweep has ended with the summed counts" \
    [ "$(pq "$DBS" "SELECT (ended IS NOT NULL)::text || ' ' || open || ' ' || closed FROM sweeps")" = \
      "true $(pq "$DB1" "SELECT open || ' ' || closed FROM sweeps")" ]
check "shards wrote disjoint rows that add up to the single run's 48" \
    [ "$(pq "$DBS" "SELECT count(*) || ' ' || count(DISTINCT shard) FROM endpoints")" = "48 3" ]
run --db "$DBS" --shard 1/3 -o "$WORK/again.json" 2>"$WORK/again.err"
check "a shard of a finished sweep is refused (exit 2: an unusable --db is bad input; one line)" \
    all_of "[ $? = 2 ]" "[ \"\$(wc -l <'$WORK/again.err')\" = 1 ]" "grep -q 'has already finished' '$WORK/again.err'"

echo "-- planted change: 8888 starts answering, 8080 stops"
# ip netns exec execs python: $! is the server itself, so the kill below ends it
ip netns exec "$TB_PREFIX-sink" python3 -m http.server 8888 --bind 0.0.0.0 >/dev/null 2>&1 & extra=$!
kill "$(awk '$2 == 8080 {print $1}' "/run/xsweep-testbed/$TB_PREFIX/pids")"
for _ in $(seq 50); do   # until 8888 answers and 8080 does not (bounded: 10 s)
    in_sink bash -c 'exec 3<>/dev/tcp/198.19.0.1/8888' 2>/dev/null &&
        ! in_sink bash -c 'exec 3<>/dev/tcp/198.19.0.1/8080' 2>/dev/null && break
    sleep 0.2
done

echo "-- week 2: one process; three shards at once (explicit --sweep-key)"
run --db "$WORK/single.db" -o "$WORK/w2.json" 2>/dev/null
run --db "$DB1" -o "$WORK/w2pg.json" 2>/dev/null
pids=()
for i in 1 2 3; do
    ip netns exec "$TB_PREFIX-scan" "$XSWEEP" "${NET[@]}" "${SWEEP[@]}" --db "$DBS" --shard $i/3 --sweep-key lab-week-2 \
        -o "$WORK/w2s$i.json" 2>"$WORK/w2s$i.err" & pids+=($!)
done
rcs=""
for p in "${pids[@]}"; do wait "$p"; rcs+="$? "; done
check "three concurrent shards exit 0 ($rcs)" [ "$rcs" = "0 0 0 " ]
check "one sweep, three shards, ended" \
    [ "$(pq "$DBS" "SELECT shards || ' ' || (ended IS NOT NULL)::text FROM sweeps WHERE sweep_key = 'lab-week-2'")" = "3 true" ]
check "the shard outputs together equal the single run's output (endpoints and statuses)" \
    [ "$(cat "$WORK"/w2s?.json | jq -r '"\(.ip):\(.port) \(.status)"' | sort)" = \
      "$(jq -r '"\(.ip):\(.port) \(.status)"' "$WORK/w2.json" | sort)" ]
kill "$extra"; wait "$extra" 2>/dev/null

"$XSWEEP" diff --db "$WORK/single.db" -oJ >"$WORK/d-sqlite.json"
"$XSWEEP" diff --db "$DB1" -oJ >"$WORK/d-pg.json"
"$XSWEEP" diff --db "$DBS" -oJ >"$WORK/d-sharded.json"; rc=$?
check "xsweep diff on the sharded PostgreSQL sweep exits 0" [ $rc = 0 ]
check "diff has the planted change (16 appeared on 8888, 16 disappeared on 8080)" python3 -c '
import json, sys, collections
c = collections.Counter((r["change"], r["port"]) for r in map(json.loads, open(sys.argv[1])))
assert c == {("appeared", 8888): 16, ("disappeared", 8080): 16}, c' "$WORK/d-sharded.json"
check "diff (3 shards, PostgreSQL) == diff (one process, PostgreSQL), byte for byte" cmp -s "$WORK/d-pg.json" "$WORK/d-sharded.json"
check "diff (one process, PostgreSQL) == diff (one process, SQLite), byte for byte" cmp -s "$WORK/d-sqlite.json" "$WORK/d-pg.json"
"$XSWEEP" diff --db "$DBS" >"$WORK/d-sharded.txt"
"$XSWEEP" diff --db "$WORK/single.db" >"$WORK/d-sqlite.txt"
check "the text tables agree too (after the sweep dates line)" \
    [ "$(tail -n +2 "$WORK/d-sharded.txt")" = "$(tail -n +2 "$WORK/d-sqlite.txt")" ]
"$XSWEEP" diff --db "postgresql://nobody:s3cretpw@localhost:1/none?host=$PGDIR" 2>"$WORK/bad.err"
check "unreachable database: exit 1, one line, no password in it" \
    all_of "[ $? = 1 ]" "[ \$(wc -l <'$WORK/bad.err') = 1 ]" "! grep -q s3cretpw '$WORK/bad.err'"
check "no password in the stored options" [ "$(pq "$DBS" "SELECT count(*) FROM sweeps WHERE options LIKE '%host=%'")" = 0 ]

echo "-- kill -9, then --resume with --db: the database holds exactly what the output holds"
BIG=(-p 80,81 --show closed --no-http --seed 5 --wait 1 --rate 8000 --checkpoint 0.5 198.19.0.0/19)
outkeys() { jq -r '"\(.ip):\(.port) \(.status)"' "$1" | sort; }
for kind in sqlite postgresql; do
    db=$WORK/crash.db; [ $kind = postgresql ] && db=$DBC
    rows() { if [ $kind = sqlite ]; then sqlite3 "$db" "$1"; else pq "$db" "$1"; fi; }
    ip netns exec "$TB_PREFIX-scan" "$XSWEEP" "${NET[@]}" "${BIG[@]}" --db "$db" -o "$WORK/k9-$kind.json" 2>/dev/null & pid=$!   # pid of xsweep itself
    sleep 1.6; kill -9 "$pid"; wait "$pid" 2>/dev/null
    check "$kind: after kill -9 the sweep is not finished" [ "$(rows "SELECT count(ended) FROM sweeps")" = 0 ]
    in_scan "$XSWEEP" --resume "$WORK/k9-$kind.json.resume" 2>"$WORK/k9-$kind.err"
    check "$kind: resume exits 0" [ $? = 0 ]
    rows "SELECT ip || ':' || port || ' ' || status FROM endpoints_text" |
        sort >"$WORK/db-$kind.keys"
    outkeys "$WORK/k9-$kind.json" >"$WORK/out-$kind.keys"
    check "$kind: database == output after kill -9 + resume ($(wc -l <"$WORK/db-$kind.keys") rows, $(wc -l <"$WORK/out-$kind.keys") records, 16384 expected)" \
        all_of 'cmp -s "$WORK/db-$kind.keys" "$WORK/out-$kind.keys"' '[ "$(wc -l <"$WORK/out-$kind.keys")" = 16384 ]'
    check "$kind: the sweep ended once, with the output's counts" \
        [ "$(rows "SELECT count(*) || ' ' || sum(open) || ' ' || sum(closed) FROM sweeps WHERE ended IS NOT NULL")" = \
          "1 $(grep -c '"status":"open"' "$WORK/k9-$kind.json") $(grep -c '"status":"closed"' "$WORK/k9-$kind.json")" ]
    check "$kind: resume said it rebuilt the sweep from the output" grep -q 'rebuilt from' "$WORK/k9-$kind.err"
done

echo "-- schema 1 (IPv4 only, ip BIGINT) upgraded in place; IPv6 beside IPv4 in both stores"
V1_TABLES="CREATE TABLE sweeps(id INTEGER PRIMARY KEY, started TEXT NOT NULL, ended TEXT, options TEXT,
  open BIGINT, closed BIGINT, other BIGINT, pruned INTEGER NOT NULL DEFAULT 0);
CREATE TABLE endpoints(sweep BIGINT NOT NULL REFERENCES sweeps(id), ip BIGINT NOT NULL,
  port INTEGER NOT NULL, status TEXT NOT NULL, severity TEXT, http_status_code INTEGER, title TEXT,
  auth_method TEXT, tech TEXT, record TEXT, first_seen BIGINT, last_seen BIGINT);
CREATE UNIQUE INDEX endpoints_by_sweep ON endpoints(sweep, ip, port);
CREATE INDEX endpoints_by_endpoint ON endpoints(ip, port, sweep);
INSERT INTO sweeps VALUES(1, '2026-11-18T10:00:00Z', '2026-11-18T10:01:00Z', 'old', 1, 0, 0, 0);
INSERT INTO endpoints VALUES(1, 3323133953, 80, 'open', 'high', 200, 'old', 'none', 'nginx',
  '{\"ip\":\"198.19.0.1\",\"port\":80,\"status\":\"open\"}', 1, 1);"
psql -q "$PG" -c 'CREATE DATABASE legacy' -c 'CREATE DATABASE mixed'
DBL="${PG/dbname=postgres/dbname=legacy}"
DBM="${PG/dbname=postgres/dbname=mixed}"
psql -XAtq "$DBL" -c "${V1_TABLES//INTEGER PRIMARY KEY/BIGSERIAL PRIMARY KEY}
  ALTER TABLE sweeps ADD COLUMN sweep_key TEXT UNIQUE, ADD COLUMN shards INTEGER NOT NULL DEFAULT 1;
  CREATE TABLE sweep_shards(sweep BIGINT NOT NULL REFERENCES sweeps(id), shard INTEGER NOT NULL,
    started TEXT NOT NULL, ended TEXT, open BIGINT, closed BIGINT, other BIGINT, PRIMARY KEY(sweep, shard));
  ALTER TABLE endpoints ADD COLUMN shard INTEGER NOT NULL DEFAULT 0;
  SELECT setval('sweeps_id_seq', 1);
  CREATE VIEW endpoints_text AS SELECT sweep, (ip >> 24) || '.' || ((ip >> 16) & 255) || '.' ||
    ((ip >> 8) & 255) || '.' || (ip & 255) AS ip, port, status FROM endpoints;
  CREATE TABLE xsweep_meta(schema_version INTEGER NOT NULL); INSERT INTO xsweep_meta VALUES(1);" >/dev/null
sqlite3 "$WORK/legacy.db" "$V1_TABLES
  CREATE VIEW endpoints_text AS SELECT sweep, (ip >> 24) || '.' || ((ip >> 16) & 255) || '.' ||
    ((ip >> 8) & 255) || '.' || (ip & 255) AS ip, port, status FROM endpoints;
  PRAGMA user_version=1;"
for db in "$WORK/legacy.db" "$DBL"; do
    kind=sqlite; rows() { sqlite3 "$db" "$1"; }
    [ "$db" = "$DBL" ] && { kind=postgresql; rows() { pq "$db" "$1"; }; }
    run --db "$db" -o "$WORK/legacy-$kind.json" 2>"$WORK/legacy-$kind.err"
    check "$kind schema 1: a sweep opens it and exits 0 ($(head -c 200 "$WORK/legacy-$kind.err"))" [ $? = 0 ]
    if [ $kind = sqlite ]; then
        check "$kind: upgraded to schema 2, ip now 16 bytes" \
            [ "$(rows "PRAGMA user_version") $(rows "SELECT DISTINCT typeof(ip) || length(ip) FROM endpoints")" = "2 blob16" ]
    else
        check "$kind: upgraded to schema 2, ip now inet" \
            [ "$(rows "SELECT schema_version FROM xsweep_meta") $(rows "SELECT data_type FROM information_schema.columns WHERE table_name = 'endpoints' AND column_name = 'ip'")" = "2 inet" ]
    fi
    check "$kind: the old row kept, its history carried into the new sweep" \
        [ "$(rows "SELECT sweep || ':' || ip || ':' || first_seen || '-' || last_seen FROM endpoints_text WHERE port = 80 AND ip = '198.19.0.1' ORDER BY sweep")" = "$(printf '1:198.19.0.1:1-1\n2:198.19.0.1:1-2')" ]
    check "$kind: the new sweep's rows = its output ($(wc -l <"$WORK/legacy-$kind.json") records)" \
        [ "$(rows "SELECT ip || ':' || port || ' ' || status FROM endpoints_text WHERE sweep = 2" | sort)" = "$(outkeys "$WORK/legacy-$kind.json")" ]
done

# Both families through the real store code (a driver linked to libxsweep.a), then xsweep diff.
cat >"$WORK/store6.c" <<'C'
/* store6 DB FILE.jsonl START_S: one sweep of the JSON lines into DB (SQLite or PostgreSQL) */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "xsweep/store.h"
int main(int argc, char **argv)
{
    char err[512], *line = NULL;
    size_t cap = 0;
    if (argc != 4) return 2;
    xs_store *s = xs_store_open(argv[1], err, sizeof err);
    if (!s) { fprintf(stderr, "%s\n", err); return 1; }
    uint64_t t = strtoull(argv[3], NULL, 10) * 1000000000ULL;
    int64_t id = xs_store_begin_sweep(s, "store6", t);
    FILE *f = fopen(argv[2], "r");
    while (id > 0 && f && getline(&line, &cap, f) > 0) {
        json_t *o = json_loads(line, 0, NULL);
        xs_report rep = {0};
        if (!o || !xs_addr_parse(json_string_value(json_object_get(o, "ip")), &rep.r.addr)) return 1;
        rep.r.port = (uint16_t)json_integer_value(json_object_get(o, "port"));
        rep.r.status = (uint8_t)xs_status_parse(json_string_value(json_object_get(o, "status")));
        if (xs_store_add(s, id, &rep, line) < 0) { fprintf(stderr, "%s\n", xs_store_error(s)); return 1; }
        json_decref(o);
    }
    if (id < 0 || !f || xs_store_end_sweep(s, id, t + 1000000000ULL, 1, 0, 0) < 0) {
        fprintf(stderr, "%s\n", xs_store_error(s));
        return 1;
    }
    return xs_store_close(s, err, sizeof err) < 0;
}
C
cc -std=c17 -D_GNU_SOURCE -O1 -I"$ROOT/include" -o "$WORK/store6" "$WORK/store6.c" \
    "$ROOT/build/release/libxsweep.a" $(make -s -C "$ROOT" --no-print-directory print-libs)
r6() { printf '{"ip":"%s","port":%s,"proto":"tcp","status":"%s","severity":"%s"}\n' "$@"; }
{ r6 2001:2::10 443 open high; r6 198.19.0.9 80 open low; r6 2001:2::9 22 open low; r6 2001:2::9 80 open low; } >"$WORK/m1.jsonl"
{ r6 2001:2::10 443 open critical; r6 198.19.0.9 80 closed low; r6 2001:2::a 22 open low; r6 2001:2::9 80 open low; } >"$WORK/m2.jsonl"
for db in "$WORK/mixed.db" "$DBM"; do
    "$WORK/store6" "$db" "$WORK/m1.jsonl" 1795000000 && "$WORK/store6" "$db" "$WORK/m2.jsonl" 1795604800
done
check "both families stored in SQLite and PostgreSQL (4 + 4 rows each)" \
    [ "$(sqlite3 "$WORK/mixed.db" 'SELECT count(*) FROM endpoints') $(pq "$DBM" 'SELECT count(*) FROM endpoints')" = "8 8" ]
"$XSWEEP" diff --db "$WORK/mixed.db" -oJ >"$WORK/dm-sqlite.json"
"$XSWEEP" diff --db "$DBM" -oJ >"$WORK/dm-pg.json"
check "xsweep diff across both families: IPv4 first, then IPv6 in numeric order" \
    [ "$(jq -r '"\(.change) \(.ip) \(.port)"' "$WORK/dm-pg.json" | tr '\n' ';')" = \
      "disappeared 198.19.0.9 80;disappeared 2001:2::9 22;appeared 2001:2::a 22;changed 2001:2::10 443;" ]
check "diff across both families: PostgreSQL == SQLite, byte for byte" cmp -s "$WORK/dm-sqlite.json" "$WORK/dm-pg.json"
check "PostgreSQL endpoints_text shows IPv6 as text" \
    [ "$(pq "$DBM" "SELECT string_agg(ip, ' ' ORDER BY e) FROM (SELECT ip, ip::inet AS e FROM endpoints_text WHERE sweep = 1) t")" = \
      "198.19.0.9 2001:2::9 2001:2::9 2001:2::10" ]

finish
