#!/usr/bin/env bash
# Sweep history without the network: JSON-lines sweeps go into the SQLite store through a small
# driver linked against libxsweep.a, then `diff`, pruning and -oX are checked with the real tools
# (sqlite3, xsltproc + nmap.xsl, ndiff, systemd-analyze). Nothing here transmits a packet.
source "$(dirname "$0")/lib.sh"

DRV=$WORK/history-driver
cat >"$WORK/driver.c" <<'C'
/* store DB FILE.jsonl START_S | prune DB N | xml OUT FILE.jsonl | diff ARGS... */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "xsweep/diff.h"
#include "xsweep/store.h"
#include "xsweep/xml.h"

static xs_status status_of(const char *s)
{
    for (int i = 0; i <= XS_STATUS_FAILED; i++)
        if (!strcmp(s, xs_status_name((xs_status)i)))
            return (xs_status)i;
    return XS_STATUS_FAILED;
}

/* Calls fn for each JSON line of path with the report it describes. */
static int each_record(const char *path, int (*fn)(void *, const xs_report *, const char *), void *ctx)
{
    FILE *f = fopen(path, "r");
    if (!f) { perror(path); return -1; }
    char *line = NULL;
    size_t cap = 0;
    int rc = 0;
    while (rc == 0 && getline(&line, &cap, f) > 0) {
        json_t *o = json_loads(line, 0, NULL);
        if (!o) { fprintf(stderr, "bad line: %s", line); rc = -1; break; }
        xs_report rep = {0};
        xs_addr_parse(json_string_value(json_object_get(o, "ip")), &rep.r.addr);
        rep.r.port = (uint16_t)json_integer_value(json_object_get(o, "port"));
        rep.r.status = (uint8_t)status_of(json_string_value(json_object_get(o, "status")));
        rep.r.ttl = (uint8_t)json_integer_value(json_object_get(o, "ttl"));
        rep.r.ts_ns = 1795000000000000000ULL;
        rep.protocol = json_string_value(json_object_get(o, "protocol"));
        rep.severity = json_string_value(json_object_get(o, "severity"));
        rep.severity_reason = json_string_value(json_object_get(o, "severity_reason"));
        rc = fn(ctx, &rep, line);
        json_decref(o);
    }
    free(line);
    fclose(f);
    return rc;
}

struct sweep { xs_store *s; int64_t id; uint64_t counts[3]; };

static int add(void *ctx, const xs_report *rep, const char *line)
{
    struct sweep *sw = ctx;
    sw->counts[rep->r.status <= XS_STATUS_CLOSED ? rep->r.status : 2]++;
    if (xs_store_add(sw->s, sw->id, rep, line) < 0) {
        fprintf(stderr, "%s\n", xs_store_error(sw->s));
        return -1;
    }
    return 0;
}

static int host(void *ctx, const xs_report *rep, const char *line)
{
    (void)line;
    xs_xml_host(ctx, rep);
    return 0;
}

int main(int argc, char **argv)
{
    char err[512];
    if (argc >= 2 && !strcmp(argv[1], "diff"))
        return xs_diff_main(argc - 1, argv + 1);
    if (argc == 5 && !strcmp(argv[1], "store")) {
        struct sweep sw = {.s = xs_store_open(argv[2], err, sizeof err)};
        if (!sw.s) { fprintf(stderr, "%s\n", err); return 1; }
        uint64_t start = strtoull(argv[4], NULL, 10) * 1000000000ULL;
        sw.id = xs_store_begin_sweep(sw.s, "driver", start);
        if (sw.id < 0 || each_record(argv[3], add, &sw) < 0 ||
            xs_store_end_sweep(sw.s, sw.id, start + 60000000000ULL, sw.counts[0], sw.counts[1],
                               sw.counts[2]) < 0) {
            fprintf(stderr, "%s\n", xs_store_error(sw.s));
            return 1;
        }
        printf("%lld\n", (long long)sw.id);
        return xs_store_close(sw.s, err, sizeof err) < 0;
    }
    if (argc == 4 && !strcmp(argv[1], "prune")) {
        xs_store *s = xs_store_open(argv[2], err, sizeof err);
        if (!s) { fprintf(stderr, "%s\n", err); return 1; }
        int n = xs_store_prune(s, (unsigned)atoi(argv[3]));
        printf("%d\n", n);
        return xs_store_close(s, err, sizeof err) < 0 || n < 0;
    }
    if (argc == 4 && !strcmp(argv[1], "xml")) {
        FILE *f = fopen(argv[2], "w");
        xs_portlist ports = {0};
        xs_portlist_parse(&ports, "22,80,443,8080", err, sizeof err);
        xs_xml_begin(f, "xsweep -p 22,80,443,8080 -oX scan.xml 198.18.0.0/24", 1795000000000000000ULL,
                     &ports);
        xs_portlist_free(&ports);
        each_record(argv[3], host, f);
        xs_xml_end(f, 1795000000000000000ULL, 1795000100000000000ULL, 3, 1, 0);
        return fclose(f) != 0;
    }
    fprintf(stderr, "usage: driver store|prune|xml|diff ...\n");
    return 2;
}
C
# Linked against the library `make` built, so it exercises the same code as the binary.
cc -std=c17 -D_GNU_SOURCE -O1 -I"$ROOT/include" -I"$ROOT/src/store" -o "$DRV" "$WORK/driver.c" \
    "$ROOT/build/release/libxsweep.a" $(make -s -C "$ROOT" --no-print-directory print-libs) \
    || { echo "cannot build the driver"; exit 1; }

rec() {  # rec IP PORT STATUS [SEVERITY [TECH,TECH [HTTP_CODE]]] -> one JSON line, as -oJ writes
    local ttl=0 extra="" t tech=""
    [ "$3" = open ] && ttl=64
    [ -n "${4:-}" ] && extra+=",\"severity\":\"$4\",\"severity_reason\":\"planted <&> \\\"reason\\\"\""
    if [ -n "${5:-}" ]; then
        for t in ${5//,/ }; do tech+="${tech:+,}{\"name\":\"$t\",\"version\":null,\"confidence\":100}"; done
        extra+=",\"tech\":[$tech]"
    fi
    [ -n "${6:-}" ] && extra+=",\"http\":{\"status\":\"x\",\"status_code\":$6,\"title\":\"T\\u00e9st \\u0001\"}"
    printf '{"ip":"%s","port":%s,"proto":"tcp","status":"%s","ttl":%s,"ts":"2026-11-18T11:06:40Z"%s}\n' \
        "$1" "$2" "$3" "$ttl" "$extra"
}
all() {  # all "cmd1" "cmd2" ...: every shell snippet succeeds
    local c
    for c in "$@"; do eval "$c" || return 1; done
}

DB=$WORK/h.db
{
    rec 198.18.0.1 80 open high nginx 200
    rec 198.18.0.2 22 open critical
    rec 198.18.0.3 443 open medium nginx,PHP 401
    rec 198.18.0.4 8080 closed
} >"$WORK/s1.jsonl"
{
    rec 198.18.0.1 80 open high nginx 200          # unchanged
    rec 198.18.0.3 443 open medium nginx,PHP 401    # unchanged; .2:22 gone
    rec 198.18.0.4 8080 open info Jetty 200         # closed -> open
    rec 2001:2::7 443 open high nginx 200           # IPv6 beside IPv4
} >"$WORK/s2.jsonl"
{
    rec 198.18.0.1 80 open critical nginx 200       # severity
    rec 198.18.0.2 22 open critical                 # back again
    rec 198.18.0.3 443 open medium PHP,nginx,Varnish 401   # tech
    rec 198.18.0.4 8080 closed                      # open -> closed
    rec 198.18.0.9 21 open low                      # new
    rec 2001:2::7 443 open critical nginx 200       # IPv6: severity
    rec 2001:2::1 22 open low                       # IPv6: new
} >"$WORK/s3.jsonl"

echo "-- store three sweeps"
ids=$(for k in 1 2 3; do "$DRV" store "$DB" "$WORK/s$k.jsonl" $((1795000000 + k * 604800)); done | tr '\n' ' ')
check "three sweeps stored with ids 1 2 3 ($ids)" [ "$ids" = "1 2 3 " ]
q() { sqlite3 -readonly "$DB" "$1"; }
check "sweeps table has counts and end times" \
    [ "$(q "SELECT group_concat(id||':'||open||'/'||closed||':'||(ended IS NOT NULL), ' ') FROM sweeps")" = "1:3/1:1 2:4/0:1 3:6/1:1" ]
check "first_seen/last_seen carried (198.18.0.2:22 seen in 1 and 3)" \
    [ "$(q "SELECT group_concat(sweep||'='||first_seen||'-'||last_seen, ' ') FROM endpoints_text WHERE ip='198.18.0.2'")" = "1=1-1 3=1-3" ]
check "tech column sorted and joined" \
    [ "$(q "SELECT tech FROM endpoints_text WHERE sweep=3 AND port=443 AND ip LIKE '198.%'")" = "PHP,Varnish,nginx" ]
check "http columns extracted" \
    [ "$(q "SELECT http_status_code||' '||title FROM endpoints_text WHERE sweep=1 AND port=443")" = "401 Tést $(printf '\001')" ]
check "database is in WAL mode" [ "$(q 'PRAGMA journal_mode')" = wal ]

echo "-- xsweep diff (through the driver)"
"$DRV" diff --db "$DB" >"$WORK/d.txt" 2>"$WORK/d.err"
check "default diff exits 0" [ $? = 0 ]
check "default diff compares the last two sweeps" grep -q '^sweep 2 (.*) -> sweep 3 (.*)$' "$WORK/d.txt"
check "summary: 3 appeared, 1 disappeared, 3 changed" grep -qx '3 appeared, 1 disappeared, 3 changed' "$WORK/d.txt"
check "table rows in endpoint order" [ "$(awk 'NR>2 && NF>1 && $1 != "CHANGE" {print $1, $2}' "$WORK/d.txt" | head -5 | tr '\n' ';')" = \
    "changed 198.18.0.1:80;appeared 198.18.0.2:22;changed 198.18.0.3:443;disappeared 198.18.0.4:8080;appeared 198.18.0.9:21;" ]
check "IPv6 rows after IPv4, in address order, [addr]:port" [ "$(awk 'NR>2 && NF>1 && $1 != "CHANGE" {print $1, $2}' "$WORK/d.txt" | sed -n 6,7p | tr '\n' ';')" = \
    "appeared [2001:2::1]:22;changed [2001:2::7]:443;" ]
check "the store holds IPv6 as 16 bytes, text in endpoints_text" \
    [ "$(q "SELECT hex(ip) FROM endpoints WHERE sweep=3 AND port=22 AND length(ip)=16 AND ip >= x'20'") $(q "SELECT ip FROM endpoints_text WHERE sweep=3 AND port=22 AND ip LIKE '2001:%'")" = \
      "20010002000000000000000000000001 2001:2::1" ]
check "no stderr" [ ! -s "$WORK/d.err" ]
"$DRV" diff --db "$DB" 1 3 -oJ >"$WORK/d.json"
check "JSON form: one valid object a line with before/after" python3 - "$WORK/d.json" <<'PY'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
got = [(r["ip"], r["port"], r["change"], r["fields"]) for r in rows]
assert got == [("198.18.0.1", 80, "changed", ["severity"]),
               ("198.18.0.3", 443, "changed", ["tech"]),
               ("198.18.0.9", 21, "appeared", ["status"]),
               ("2001:2::1", 22, "appeared", ["status"]),
               ("2001:2::7", 443, "appeared", ["status"])], got
assert rows[1]["before"]["tech"] == ["PHP", "nginx"] and rows[1]["after"]["tech"] == ["PHP", "Varnish", "nginx"]
assert rows[2]["before"] is None and rows[2]["after"]["severity"] == "low"
assert rows[0]["after"]["http_status_code"] == 200 and rows[0]["after"]["first_seen"] == 1
PY
"$DRV" diff --db "$DB" 1 >/dev/null 2>&1
check "one sweep id is a usage error (2)" [ $? = 2 ]
"$DRV" diff --db "$WORK/none.db" >/dev/null 2>&1
check "missing database is a database error (1)" [ $? = 1 ]

echo "-- prune"
check "keep 2 prunes sweep 1" [ "$("$DRV" prune "$DB" 2)" = 1 ]
check "sweep 1 rows gone, sweeps row kept" \
    [ "$(q "SELECT (SELECT count(*) FROM endpoints WHERE sweep=1)||' '||(SELECT pruned FROM sweeps WHERE id=1)")" = "0 1" ]
"$DRV" diff --db "$DB" 1 3 >/dev/null 2>"$WORK/p.err"
check "diff against a pruned sweep exits 1" [ $? = 1 ]
check "and says so" grep -q 'sweep 1 was pruned' "$WORK/p.err"
printf 'not a database at all\n%.0s' {1..200} >"$WORK/corrupt.db"
"$DRV" store "$WORK/corrupt.db" "$WORK/s1.jsonl" 1795000000 2>"$WORK/c.err" >/dev/null
rc=$?
check "corrupt database: exit 1 with one clear line" all "[ $rc = 1 ]" '[ "$(wc -l <"$WORK/c.err")" = 1 ]' \
    'grep -q "cannot open history database .*file is not a database" "$WORK/c.err"'

echo "-- -oX read by nmap's tools"
"$DRV" xml "$WORK/a.xml" "$WORK/s1.jsonl" && "$DRV" xml "$WORK/b.xml" "$WORK/s3.jsonl"
check "XML written" all '[ -s "$WORK/a.xml" ]' '[ -s "$WORK/b.xml" ]'
check "well-formed (python's strict parser)" python3 -c '
import sys, xml.etree.ElementTree as ET
for p in sys.argv[1:]:
    r = ET.parse(p).getroot()
    assert r.tag == "nmaprun" and r.get("scanner") == "xsweep" and r.get("xmloutputversion") == "1.05"
    assert r.find("runstats/finished") is not None' "$WORK/a.xml" "$WORK/b.xml"
if command -v xsltproc >/dev/null && [ -r /usr/share/nmap/nmap.xsl ]; then
    xsltproc /usr/share/nmap/nmap.xsl "$WORK/a.xml" >"$WORK/a.html" 2>"$WORK/x.err"
    rc=$?
    check "xsltproc nmap.xsl renders it without a warning" all "[ $rc = 0 ]" '[ ! -s "$WORK/x.err" ]'
    check "the report lists the hosts" grep -q '198.18.0.3' "$WORK/a.html"
    xsltproc /usr/share/nmap/nmap.xsl "$WORK/b.xml" >"$WORK/b.html" 2>"$WORK/x.err"
    check "and an IPv6 one (addrtype=ipv6)" all '[ ! -s "$WORK/x.err" ]' "grep -q '2001:2::1' '$WORK/b.html'"
else
    echo "  skip xsltproc or nmap.xsl not installed (apt-get install xsltproc nmap-common)"
fi
if command -v ndiff >/dev/null; then
    ndiff "$WORK/a.xml" "$WORK/b.xml" >"$WORK/n.txt" 2>&1
    check "ndiff reads both and reports differences (exit 1)" [ $? = 1 ]
    check "ndiff shows the new host and the severity change" all \
        "grep -q '^+21/tcp open' '$WORK/n.txt'" "grep -q '^+80/tcp open  unknown (severity critical: planted' '$WORK/n.txt'"
    check "ndiff printed no error" bash -c "! grep -qiE 'traceback|warning|error' '$WORK/n.txt'"
else
    echo "  skip ndiff not installed (apt-get install ndiff)"
fi

echo "-- weekly runs"
if command -v systemd-analyze >/dev/null; then
    SR=$WORK/sysroot
    mkdir -p "$SR/usr/local/bin" "$SR/etc/systemd/system" "$SR/usr/lib/systemd"
    cp -a /usr/lib/systemd/system "$SR/usr/lib/systemd/"
    printf '#!/bin/sh\n' >"$SR/usr/local/bin/xsweep" && chmod +x "$SR/usr/local/bin/xsweep"
    sed 's|@BINDIR@|/usr/local/bin|g' "$ROOT"/scripts/systemd/xsweep-sweep@.service >"$SR/etc/systemd/system/xsweep-sweep@.service"
    cp "$ROOT"/scripts/systemd/xsweep-sweep@.timer "$SR/etc/systemd/system/"
    systemd-analyze verify --man=no --root="$SR" xsweep-sweep@lab.service xsweep-sweep@lab.timer >"$WORK/v.txt" 2>&1
    rc=$?
    check "systemd-analyze verify: service and timer clean" all "[ $rc = 0 ]" '[ ! -s "$WORK/v.txt" ]'
    [ -s "$WORK/v.txt" ] && cat "$WORK/v.txt"
    score=$(systemd-analyze security --offline=true --root="$SR" xsweep-sweep@lab.service 2>/dev/null |
            sed -n 's/.*Overall exposure level for .*: \([0-9.]*\) .*/\1/p')
    check "hardened: exposure ${score:-?} < 3.0" awk -v s="${score:-10}" 'BEGIN { exit !(s < 3.0) }'
else
    echo "  skip systemd-analyze not installed"
fi

# weekly-sweep.sh against a stand-in xsweep that records its arguments
FAKE=$WORK/fake-xsweep
cat >"$FAKE" <<'SH'
#!/bin/sh
echo "$@" >"$XS_ARGS"
[ -n "${XS_SLEEP:-}" ] && sleep "$XS_SLEEP"
echo '{"ip":"198.18.0.1","port":80}'
SH
chmod +x "$FAKE"
mkdir -p "$WORK/etc"
echo "rate = 1000" >"$WORK/etc/lab.conf"
weekly() { XSWEEP=$FAKE XSWEEP_CONF_DIR=$WORK/etc XSWEEP_STATE_DIR=$WORK/state XS_ARGS=$WORK/args \
    "$ROOT/scripts/weekly-sweep.sh" "$@"; }
weekly lab 8
check "weekly-sweep.sh runs xsweep with -c, --db and --keep" \
    [ "$(cat "$WORK/args")" = "-c $WORK/etc/lab.conf --db $WORK/state/lab.db --keep 8" ]
check "records of the last sweep kept beside the database" grep -q 198.18.0.1 "$WORK/state/lab.last.jsonl"
XS_SLEEP=3 weekly lab & held=$!
sleep 1
weekly lab 2>"$WORK/w.err"
rc=$?
check "a second run while one is running is skipped (75)" all "[ $rc = 75 ]" "grep -q 'still running' '$WORK/w.err'"
wait "$held"
weekly ../etc/passwd 2>/dev/null
check "names with a slash are refused (2)" [ $? = 2 ]
weekly nope 2>/dev/null
check "a missing configuration is an error (1)" [ $? = 1 ]
check "cron line: 5 time fields, user, the installed wrapper" \
    grep -qE '^[0-9]+ +[0-9]+ +\* +\* +0 +root +(/usr/local/lib/xsweep|@LIBDIR@)/weekly-sweep\.sh +[a-z]+ +[0-9]+$' \
    "$ROOT/scripts/xsweep.cron"

echo "-- the real binary, when it dispatches diff"
if [ -x "$XSWEEP" ] && "$XSWEEP" diff --help 2>/dev/null | grep -q 'Usage: xsweep diff'; then
    "$XSWEEP" diff --db "$DB" 2 3 -oJ >"$WORK/real.json"
    check "xsweep diff gives the driver's answer" [ "$(wc -l <"$WORK/real.json")" = 7 ]
else
    echo "  skip $XSWEEP does not dispatch 'diff' yet"
fi

echo "-- two real sweeps of the testbed with a planted change, then xsweep diff"
testbed_up xshs --answer --listen 80,8080
NET=(-i "$TB_PREFIX-s0" --source-ip 198.18.0.1 --router-mac 02:58:53:00:00:02)
SWEEP=(-p 80,8080,8888 --rate 5000 --wait 1 --db "$WORK/real.db" --keep 5 198.19.0.0/29)
in_scan "$XSWEEP" "${NET[@]}" "${SWEEP[@]}" -o "$WORK/week1.xml" -oX 2>/dev/null
check "first sweep recorded" [ "$(sqlite3 "$WORK/real.db" 'select count(*) from endpoints where sweep = 1')" = 16 ]
# Planted change: port 8888 starts answering (a listener in the sink), port 8080 stops.
ip netns exec "$TB_PREFIX-sink" python3 -m http.server 8888 --bind 0.0.0.0 >/dev/null 2>&1 & extra=$!
pid8080=$(awk '$2 == 8080 {print $1}' "/run/xsweep-testbed/$TB_PREFIX/pids")
kill "$pid8080"; sleep 1
in_scan "$XSWEEP" "${NET[@]}" "${SWEEP[@]}" -o "$WORK/week2.xml" -oX 2>/dev/null
kill "$extra"; wait "$extra" 2>/dev/null
"$XSWEEP" diff --db "$WORK/real.db" -oJ >"$WORK/real-diff.json"; rc=$?
check "xsweep diff exits 0" [ $rc = 0 ]
python3 - "$WORK/real-diff.json" <<'PY' && pass "diff: 8 appeared on 8888, 8 disappeared on 8080, nothing else" || fail "real diff"
import json, sys, collections
c = collections.Counter((r["change"], r["port"]) for r in map(json.loads, open(sys.argv[1])))
assert c == {("appeared", 8888): 8, ("disappeared", 8080): 8}, c
PY
check "sweeps have end times and counts" [ "$(sqlite3 "$WORK/real.db" 'select count(*) from sweeps where ended is not null and open = 16')" = 2 ]
xsltproc /usr/share/nmap/nmap.xsl "$WORK/week1.xml" >"$WORK/week1.html" 2>"$WORK/xslt.err"
check "real -oX renders with nmap.xsl, no warnings" [ $? = 0 -a ! -s "$WORK/xslt.err" ]
ndiff "$WORK/week1.xml" "$WORK/week2.xml" >"$WORK/ndiff.txt" 2>&1; rc=$?
check "ndiff reads both real -oX files and sees a difference (exit $rc)" [ $rc = 1 ]

finish
