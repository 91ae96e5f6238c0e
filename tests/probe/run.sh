#!/usr/bin/env bash
# Probe engine against real servers on 127.0.0.1: redis-server (open, requirepass), sshd (own host
# key, high port), memcached, PostgreSQL (ssl off and on), MariaDB, plus tests/probe/stub_server.py
# (FTP, SMTP, Elasticsearch 200/401, HTTP/2, a silent port) and a closed port. Every server is
# started here, stopped by PID, and the whole run is time-bounded.
# Needs (Debian): redis-server openssh-server memcached postgresql mariadb-server openssl python3.
# Servers that are not installed are skipped (and said so); the rest must pass. A server that
# does not start is a failure with its log's last lines, and the other servers are still probed.
set -uo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD

WORK=$(mktemp -d /tmp/xpb-run.XXXXXX)
chmod 755 "$WORK"
PIDS=()
PG_DIRS=()
cleanup() {
    for d in "${PG_DIRS[@]}"; do
        [ -f "$d/postmaster.pid" ] && kill -INT "$(head -1 "$d/postmaster.pid")" 2>/dev/null || true
    done
    for _ in $(seq 1 50); do
        alive=0; for d in "${PG_DIRS[@]}"; do [ -f "$d/postmaster.pid" ] && alive=1; done
        [ $alive = 0 ] && break; sleep 0.1
    done
    for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
    sleep 0.5
    for pid in "${PIDS[@]}"; do kill -9 "$pid" 2>/dev/null || true; done
    if [ -n "${XPB_KEEP:-}" ]; then echo "kept $WORK"; else rm -rf "$WORK"; fi
}
trap cleanup EXIT
# Hard bound on the whole run; the watchdog takes its sleep down with it when stopped.
( trap 'kill $s 2>/dev/null; exit 0' TERM; sleep 180 >/dev/null 2>&1 & s=$!; wait $s
  echo "run.sh: time limit reached" >&2; kill -TERM $$ ) & PIDS+=($!)

# Below Linux's ephemeral range (32768+), so no outgoing connection can be holding one of them.
B=${XPB_PORT_BASE:-28600}
P_REDIS=$B; P_REDIS_AUTH=$((B+1)); P_SSH=$((B+2)); P_MEMC=$((B+3)); P_PG=$((B+4)); P_PG_SSL=$((B+5))
P_MY=$((B+6)); P_FTP=$((B+7)); P_SMTP=$((B+8)); P_ES=$((B+9)); P_ES401=$((B+10)); P_H2=$((B+11))
P_SILENT=$((B+12)); P_CLOSED=$((B+13))

echo "== building the driver"
make -s build/release/libxsweep.a || exit 1
cc -std=c17 -D_GNU_SOURCE -Iinclude -O2 -g -Wall -Wextra -Werror -o "$WORK/xpb_probe" \
   tests/probe/xpb_probe.c build/release/libxsweep.a \
   $(make -s --no-print-directory print-libs) || exit 1

have() { command -v "$1" >/dev/null 2>&1 || [ -x "$1" ]; }
LOG_OF=()   # port -> the logs of the server behind it, shown if it never listens
wait_port() {  # port, seconds[, host]: true once something accepts there
    for _ in $(seq 1 $(( $2 * 10 ))); do
        (exec 3<>/dev/tcp/"${3:-127.0.0.1}"/"$1") 2>/dev/null && return 0
        sleep 0.1
    done
    return 1
}
TARGETS=()
V6=()        # ports also probed over [::1]: each must answer as its 127.0.0.1 twin does
EXPECT="$WORK/expect.txt"; : > "$EXPECT"
expect() { echo "$*" >> "$EXPECT"; }   # port key=value ...

echo "== starting servers"
if have redis-server; then
    redis-server --port $P_REDIS --bind 127.0.0.1 ::1 --save '' --appendonly no --dir "$WORK" \
        --daemonize no >"$WORK/redis.log" 2>&1 & PIDS+=($!)
    redis-server --port $P_REDIS_AUTH --bind 127.0.0.1 --save '' --appendonly no --dir "$WORK" \
        --requirepass 'xpb-secret' --daemonize no >"$WORK/redis-auth.log" 2>&1 & PIDS+=($!)
    LOG_OF[$P_REDIS]=$WORK/redis.log; LOG_OF[$P_REDIS_AUTH]=$WORK/redis-auth.log
    TARGETS+=(redis:127.0.0.1:$P_REDIS redis:127.0.0.1:$P_REDIS_AUTH redis:[::1]:$P_REDIS)
    V6+=($P_REDIS)
    expect $P_REDIS protocol=redis auth=none version~.
    expect $P_REDIS_AUTH protocol=redis auth=required version=
else echo "skip: redis-server"; fi

if have /usr/sbin/sshd; then
    ssh-keygen -q -t ed25519 -N '' -f "$WORK/ssh_host_ed25519_key"
    mkdir -p /run/sshd
    cat > "$WORK/sshd_config" <<CFG
Port $P_SSH
ListenAddress 127.0.0.1
ListenAddress [::1]
HostKey $WORK/ssh_host_ed25519_key
PidFile $WORK/sshd.pid
UsePAM no
PasswordAuthentication no
KbdInteractiveAuthentication no
StrictModes no
CFG
    /usr/sbin/sshd -D -e -f "$WORK/sshd_config" 2>"$WORK/sshd.log" & PIDS+=($!)
    LOG_OF[$P_SSH]=$WORK/sshd.log
    TARGETS+=(ssh:127.0.0.1:$P_SSH ssh:[::1]:$P_SSH)
    V6+=($P_SSH)
    expect $P_SSH protocol=ssh product=OpenSSH version~p banner~^SSH-2.0-OpenSSH_
else echo "skip: sshd"; fi

if have memcached; then
    memcached -u memcache -l 127.0.0.1,[::1] -p $P_MEMC -U 0 -m 16 >"$WORK/memcached.log" 2>&1 & PIDS+=($!)
    LOG_OF[$P_MEMC]=$WORK/memcached.log
    TARGETS+=(memcached:127.0.0.1:$P_MEMC memcached:[::1]:$P_MEMC)
    V6+=($P_MEMC)
    expect $P_MEMC protocol=memcached product=memcached auth=none version~^1\\.
else echo "skip: memcached"; fi

PGBIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)
if [ -n "$PGBIN" ] && id postgres >/dev/null 2>&1; then
    mkdir -p "$WORK/pg"; chown postgres "$WORK/pg"; chmod 700 "$WORK/pg"
    su postgres -s /bin/sh -c "$PGBIN/initdb -A trust -U postgres -D $WORK/pg" >"$WORK/initdb.log" 2>&1
    cp -a "$WORK/pg" "$WORK/pgssl"
    openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=xpb -keyout "$WORK/pgssl/server.key" \
        -out "$WORK/pgssl/server.crt" 2>/dev/null
    chown postgres "$WORK/pgssl/server.key" "$WORK/pgssl/server.crt"; chmod 600 "$WORK/pgssl/server.key"
    for spec in "pg $P_PG off" "pgssl $P_PG_SSL on"; do
        set -- $spec
        PG_DIRS+=("$WORK/$1")
        su postgres -s /bin/sh -c "$PGBIN/postgres -D $WORK/$1 -p $2 -k $WORK/$1 \
            -c listen_addresses=127.0.0.1 -c ssl=$3 -c logging_collector=off" >"$WORK/$1.log" 2>&1 &
        PIDS+=($!); LOG_OF[$2]="$WORK/initdb.log $WORK/$1.log"
    done
    TARGETS+=(postgresql:127.0.0.1:$P_PG postgresql:127.0.0.1:$P_PG_SSL)
    expect $P_PG protocol=postgresql tls=False
    expect $P_PG_SSL protocol=postgresql tls=True
else echo "skip: postgresql"; fi

if have mariadbd && have mariadb-install-db; then
    # --force/--skip-name-resolve: no DNS look-up of this host's name (CI may have no resolver).
    mariadb-install-db --no-defaults --datadir="$WORK/my" --user=mysql --skip-test-db --force \
        --skip-name-resolve --auth-root-authentication-method=normal --innodb-log-file-size=8M \
        >"$WORK/my-install.log" 2>&1
    mkdir -p "$WORK/myrun"; chown mysql "$WORK/myrun"     # socket and pid: written as mysql
    mariadbd --no-defaults --datadir="$WORK/my" --user=mysql --port=$P_MY --bind-address=127.0.0.1 \
        --socket="$WORK/myrun/my.sock" --pid-file="$WORK/myrun/my.pid" --skip-log-bin --innodb-buffer-pool-size=16M \
        --innodb-log-file-size=8M --skip-name-resolve \
        >"$WORK/my.log" 2>&1 & PIDS+=($!)
    LOG_OF[$P_MY]="$WORK/my-install.log $WORK/my.log"
    TARGETS+=(mysql:127.0.0.1:$P_MY)
    expect $P_MY protocol=mysql product=MariaDB version~^1[0-9]\\. detail~auth_plugin= tls=False
else echo "skip: mariadb"; fi

stub() {   # kind port [args]: one stub server, its output kept as its log
    local kind=$1 port=$2; shift 2
    python3 tests/probe/stub_server.py "$kind" "$port" "$@" >"$WORK/stub-$kind.log" 2>&1 & PIDS+=($!)
    LOG_OF[$port]=$WORK/stub-$kind.log
}
stub ftp $P_FTP; stub smtp $P_SMTP "$WORK/smtp.log"; stub es200 $P_ES; stub es401 $P_ES401
stub http2 $P_H2; stub silent $P_SILENT
# the Elasticsearch probe over IPv6: its Host line names the address in brackets
XPB_BIND=::1 python3 tests/probe/stub_server.py es200 $P_ES "$WORK/es6-host.log" >"$WORK/stub-es6.log" 2>&1 & PIDS+=($!)
TARGETS+=(elasticsearch:[::1]:$P_ES [::1]:$P_CLOSED); V6+=($P_ES $P_CLOSED)
TARGETS+=(ftp:127.0.0.1:$P_FTP smtp:127.0.0.1:$P_SMTP banner:127.0.0.1:$P_SMTP elasticsearch:127.0.0.1:$P_ES
          elasticsearch:127.0.0.1:$P_ES401 127.0.0.1:$P_H2 127.0.0.1:$P_SILENT 127.0.0.1:$P_CLOSED
          ssh:127.0.0.1:$P_FTP)
expect $P_FTP protocol=ftp product=vsFTPd version=3.0.3 banner~^220-Welcome
expect $P_SMTP protocol=smtp product=Postfix   # both the smtp and the passive banner probe
expect $P_ES protocol=elasticsearch product=Elasticsearch version=8.13.4 auth=none detail~xpb-cluster
expect $P_ES401 protocol=elasticsearch auth=required
expect $P_H2 protocol=http2
expect $P_SILENT error=no_response
expect $P_CLOSED error=connect_refused

# A server that never listens is one failure, shown with its log; the others are still probed.
DOWN="$WORK/down.txt"; : > "$DOWN"; deadline=$((SECONDS + 60))
for t in "${TARGETS[@]}"; do
    p=${t##*:}
    [ "$p" = $P_CLOSED ] && continue
    grep -qx "$p" "$DOWN" && continue
    host=127.0.0.1; case $t in *"[::1]"*) host=::1 ;; esac
    wait_port "$p" $(( deadline > SECONDS ? deadline - SECONDS : 1 )) $host && continue
    echo "$p" >> "$DOWN"
    echo "run.sh: nothing listens on $p (${t%%:*}); its log ends:"
    for f in ${LOG_OF[$p]:-}; do tail -n 6 "$f"; done | sed 's/^/    /'
done

echo "== probing ${#TARGETS[@]} endpoints"
XPB_BANNER_MS=1500 "$WORK/xpb_probe" "${TARGETS[@]}" > "$WORK/out.jsonl"
rc=$?; [ $rc = 0 ] || { echo "run.sh: xpb_probe exited $rc"; echo bad-exit >> "$WORK/out.jsonl"; }
cat "$WORK/out.jsonl"

echo "== checking"
python3 - "$WORK/out.jsonl" "$EXPECT" "$WORK/smtp.log" $P_FTP "$DOWN" $P_SMTP "$WORK/es6-host.log" $P_ES "${V6[*]}" <<'PY'
import json, re, sys
out, expect, smtp_log, p_ftp = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
down = {int(l) for l in open(sys.argv[5]) if l.strip()}
recs = {}
passed = failed = 0
def check(name, ok, why=""):
    global passed, failed
    if ok: passed += 1
    else:
        failed += 1
        print("FAIL", name, why)
ips = {}
for line in open(out):
    try:
        r = json.loads(line)
        recs.setdefault(r["port"], []).append(r["probe"])
        ips.setdefault(r["port"], set()).add(r["ip"])
    except (ValueError, KeyError, TypeError):
        check("driver output is JSON records", False, f"got {line.strip()!r}")
for port in sorted(down):
    check(f"{port} server started", False, "nothing listened (log above)")
for line in open(expect):
    port, *conds = line.split()
    port = int(port)
    if port in down:
        continue
    for probe in [p for p in recs.get(port, []) if port != p_ftp or p["kind"] == "ftp"] or [None]:
        for c in conds:
            if "~" in c:
                k, v = c.split("~", 1)
                got = probe and probe.get(k)
                check(f"{port} {c}", got is not None and re.search(v, str(got)), f"got {got!r}")
            else:
                k, v = c.split("=", 1)
                got = probe and probe.get(k)
                check(f"{port} {c}", str(got) == v or (v == "" and got is None), f"got {got!r}")
# An FTP greeting to an SSH probe: the fallback still names it.
ssh_on_ftp = [p for p in recs.get(p_ftp, []) if p["kind"] == "ssh"]
check("fallback ssh->ftp", ssh_on_ftp and ssh_on_ftp[0]["protocol"] == "ftp", f"got {ssh_on_ftp}")
# The SMTP probe says EHLO (STARTTLS offered?) and QUIT, nothing else.
try: log = open(smtp_log, "rb").read()
except OSError: log = b""
check("smtp EHLO and QUIT only", log == b"EHLO xsweep.invalid\r\nQUIT\r\n", f"got {log!r}")
smtp = [p for p in recs.get(int(sys.argv[6]), []) if p["kind"] == "smtp"]
check("smtp STARTTLS fact", smtp and smtp[0].get("facts", {}).get("smtp.starttls") is True, f"got {smtp}")
# IPv6: every [::1] target answered (its probe meets the same expectations as above, per port)
for port in map(int, sys.argv[9].split()):
    if port not in down:
        check(f"{port} probed over IPv6 too", ips.get(port, set()) >= {"127.0.0.1", "::1"}, f"got {ips.get(port)}")
try: es6 = open(sys.argv[7], "rb").read()
except OSError: es6 = b""
check("elasticsearch over IPv6: Host [::1]:port", es6 == b"Host: [::1]:%d\n" % int(sys.argv[8]), f"got {es6!r}")
print(f"{passed} passed, {failed} failed")
sys.exit(1 if failed else 0)
PY
