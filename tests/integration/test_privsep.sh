#!/usr/bin/env bash
# Privilege separation (issue 13): the process that parses what the network sends (the HTTP
# stage: HTTP, TLS, probe replies) is a child with its own uid, chrooted to an empty directory,
# no capabilities (bounding set too), no_new_privs and a seccomp filter; it holds no packet
# socket and no file; it can neither make a raw or packet socket nor open a file (it tries, as
# XSWEEP_PRIVSEP_SELFTEST=1 asks, and /proc shows the rest). The parent keeps the raw socket.
# A stage process killed mid-scan costs no endpoint: its jobs come back marked interrupted.
source "$(dirname "$0")/lib.sh"

testbed_up xsps --answer --listen 80
NET=(-i "$TB_PREFIX-s0" --source-ip 198.18.0.1 --router-mac 02:58:53:00:00:02)
SCAN=(-p 80 --rate 500 --wait 1 --retries 0 --checkpoint 0 --http-timeout 5 --key-file "$WORK/k" 198.19.0.0/20)

field() { awk -v f="$2:" '$1 == f {print $2}' "/proc/$1/status" 2>/dev/null; }
packet_inodes() { awk 'NR > 1 {print $NF}' "/proc/$1/net/packet" 2>/dev/null; }
socket_inodes() { for l in /proc/"$1"/fd/*; do readlink "$l"; done 2>/dev/null | sed -n 's/^socket:\[\([0-9]*\)\]$/\1/p'; }

echo "-- a scan with HTTP; the stage process inspected in /proc while it works"
ip netns exec "$TB_PREFIX-scan" env XSWEEP_PRIVSEP_SELFTEST=1 "$XSWEEP" "${NET[@]}" "${SCAN[@]}" \
    -o "$WORK/out.json" 2>"$WORK/out.err" & pid=$!
sleep 2
stage_child() {   # the parent's child running as the stage's uid (the other one is root's resume helper)
    ps -o pid=,uid= --ppid "$1" | awk '$2 == 65533 {print $1; exit}'
}
child=$(stage_child "$pid")
check "the parent has one stage child (pid ${child:-none})" [ -n "$child" ]
if [ -n "$child" ]; then
    parent_packet=$(comm -12 <(socket_inodes "$pid" | sort) <(packet_inodes "$pid" | sort) | wc -l)
    check "parent: keeps its packet sockets ($parent_packet)" [ "$parent_packet" -ge 1 ]
    check "parent: runs as nobody once set up (Uid $(field "$pid" Uid))" [ "$(field "$pid" Uid)" = 65534 ]
    check "child: its own uid, not nobody's (Uid $(field "$child" Uid))" [ "$(field "$child" Uid)" = 65533 ]
    check "child: no capabilities (CapEff/CapPrm/CapInh all 0)" \
        [ "$(field "$child" CapEff)$(field "$child" CapPrm)$(field "$child" CapInh)" = 000000000000000000000000000000000000000000000000 ]
    check "child: capability bounding set empty (CapBnd $(field "$child" CapBnd))" [ "$(field "$child" CapBnd)" = 0000000000000000 ]
    check "child: no_new_privs" [ "$(field "$child" NoNewPrivs)" = 1 ]
    check "child: seccomp filter mode (Seccomp $(field "$child" Seccomp))" [ "$(field "$child" Seccomp)" = 2 ]
    root=$(readlink "/proc/$child/root")
    inroot=$(ls -A "/proc/$child/root/" 2>/dev/null | tr '\n' ' ')
    check "child: chrooted to an empty directory ($root, holding: ${inroot:-nothing})" [ "$root" != / -a -z "$inroot" ]
    files=$(for l in /proc/"$child"/fd/*; do readlink "$l"; done 2>/dev/null | grep '^/' | grep -v '^/dev/null$' | tr '\n' ' ')
    check "child: no file open but /dev/null, not even our stderr (${files:-none})" [ -z "$files" ]
    leaked=$(comm -12 <(socket_inodes "$child" | sort) <(packet_inodes "$child" | sort) | tr '\n' ' ')
    check "child: holds no packet socket (${leaked:-none})" [ -z "$leaked" ]
fi
wait $pid; rc=$?
check "scan exits 0 ($(tail -1 "$WORK/out.err"))" [ $rc = 0 ]
st=$(grep 'privsep selftest' "$WORK/out.err")
echo "     $st"
check "the child's own open() of a file is refused (EACCES)" grep -q 'open=EACCES' <<<"$st"
check "the child cannot create a file" grep -q 'create=EACCES' <<<"$st"
check "the child cannot make a packet socket (to send a raw frame)" grep -q 'packet_socket=EPERM' <<<"$st"
check "the child cannot make a raw IP socket" grep -q 'raw_socket=EPERM' <<<"$st"
check "the child can still make TCP sockets (its job)" grep -q 'tcp_socket=ok' <<<"$st"
check "the stage's event loop runs under the filter (epoll, eventfd, a timer)" grep -q 'event_loop=ok' <<<"$st"
check "the child inherited nothing but stdin/out/err and its socketpair" grep -q 'fds=4$' <<<"$st"
n=$(grep -c '"status_code":200' "$WORK/out.json")
check "results still carry their HTTP fields ($n of $(wc -l <"$WORK/out.json"))" [ "$n" = 4096 ]

echo "-- an idle stage process sleeps: its main thread blocks on the socket and the stage's eventfd"
ip netns exec "$TB_PREFIX-scan" "$XSWEEP" "${NET[@]}" -p 80 --rate 500 --wait 4 --retries 0 --checkpoint 0 \
    --key-file "$WORK/k" 198.19.0.0/28 -o "$WORK/idle.json" 2>"$WORK/idle.err" & pid=$!
sleep 2
child=$(stage_child "$pid")
switches() { field "$1/task/$1" voluntary_ctxt_switches; }
before=$(switches "$child"); sleep 1; after=$(switches "$child")
wakeups=$(( ${after:-0} - ${before:-0} ))
idle=no; [ -n "$before" ] && [ -n "$after" ] && [ "$wakeups" -lt 20 ] && idle=yes
check "the idle child's main thread woke $wakeups times in 1 s (a 5 ms poll would be ~200)" [ $idle = yes ]
wait $pid
check "and its 16 endpoints came back fetched" [ "$(grep -c '"status_code":200' "$WORK/idle.json")" = 16 ]

echo "-- the stage process killed mid-scan: no endpoint lost"
ip netns exec "$TB_PREFIX-scan" "$XSWEEP" "${NET[@]}" "${SCAN[@]}" -o "$WORK/kill.json" 2>"$WORK/kill.err" & pid=$!
sleep 2
child=$(stage_child "$pid")
[ -n "$child" ] && kill -9 "$child"
wait $pid; rc=$?
python3 - "$WORK/kill.json" <<'PY' >"$WORK/py.txt" 2>&1
import json, sys
recs = [json.loads(l) for l in open(sys.argv[1])]
keys = {(r["ip"], r["port"]) for r in recs}
inter = sum(1 for r in recs if r.get("http") == {"error": "interrupted"})
done = sum(1 for r in recs if (r.get("http") or {}).get("status_code") == 200)
print(("  ok   " if len(keys) == len(recs) == 4096 else "  FAIL ") + "all 4096 endpoints written once (%d records)" % len(recs))
print(("  ok   " if inter > 0 and inter + done == 4096 else "  FAIL ") + "those the dead stage had are marked interrupted (%d), the rest fetched (%d)" % (inter, done))
PY
cat "$WORK/py.txt"
PASSED=$((PASSED + $(grep -c '^  ok' "$WORK/py.txt"))); FAILED=$((FAILED + $(grep -c '^  FAIL' "$WORK/py.txt")))
grep -q Traceback "$WORK/py.txt" && FAILED=$((FAILED + 1))
check "the parent said why, in one warning line" grep -q "HTTP stage process" "$WORK/kill.err"
check "not a completed scan: exit 1 (got $rc)" [ $rc = 1 ]
check "and a resume file is left to fetch them again" bash -c "tail -1 '$WORK/kill.json.resume' | grep -q '^# mac = '"
finish
