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
    rows "SELECT ((ip >> 24) & 255) || '.' || ((ip >> 16) & 255) || '.' || ((ip >> 8) & 255) || '.' || (ip & 255) || ':' || port || ' ' || status FROM endpoints" |
        sort >"$WORK/db-$kind.keys"
    outkeys "$WORK/k9-$kind.json" >"$WORK/out-$kind.keys"
    check "$kind: database == output after kill -9 + resume ($(wc -l <"$WORK/db-$kind.keys") rows, $(wc -l <"$WORK/out-$kind.keys") records, 16384 expected)" \
        all_of 'cmp -s "$WORK/db-$kind.keys" "$WORK/out-$kind.keys"' '[ "$(wc -l <"$WORK/out-$kind.keys")" = 16384 ]'
    check "$kind: the sweep ended once, with the output's counts" \
        [ "$(rows "SELECT count(*) || ' ' || sum(open) || ' ' || sum(closed) FROM sweeps WHERE ended IS NOT NULL")" = \
          "1 $(grep -c '"status":"open"' "$WORK/k9-$kind.json") $(grep -c '"status":"closed"' "$WORK/k9-$kind.json")" ]
    check "$kind: resume said it rebuilt the sweep from the output" grep -q 'rebuilt from' "$WORK/k9-$kind.err"
done

finish
