#!/usr/bin/env bash
# Privileges: started as root, xsweep runs as nobody once its sockets are open; started
# unprivileged with only CAP_NET_RAW it works and gives the capability up. Checked in /proc.
source "$(dirname "$0")/lib.sh"

testbed_up xspv --answer --listen 80
NET=(-i "$TB_PREFIX-s0" --source-ip 198.18.0.1 --router-mac 02:58:53:00:00:02)
chmod 0777 "$WORK"

status_of() {   # status_of PID FIELD
    awk -v f="$2:" '$1 == f {print $2}' "/proc/$1/status" 2>/dev/null
}

run_and_inspect() {   # run_and_inspect OUT CMD... ; sets UID_SEEN CAPEFF NNP RC
    local out=$1; shift
    ip netns exec "$TB_PREFIX-scan" "$@" -o "$out" 2>"$out.err" & local pid=$!
    sleep 1
    UID_SEEN=$(status_of $pid Uid); CAPEFF=$(status_of $pid CapEff); NNP=$(status_of $pid NoNewPrivs)
    wait $pid; RC=$?
}

SCAN=(-p 80 --rate 1000 --wait 1 --no-http --checkpoint 0 198.19.0.0/22)

echo "-- started as root"
run_and_inspect "$WORK/root.json" "$XSWEEP" "${NET[@]}" "${SCAN[@]}"
check "runs as nobody after opening the sockets (uid $UID_SEEN)" [ "$UID_SEEN" = 65534 ]
check "no capabilities left (CapEff $CAPEFF)" [ "$CAPEFF" = 0000000000000000 ]
check "no_new_privs set" [ "$NNP" = 1 ]
check "the scan still completes (1024 open)" [ $RC = 0 -a "$(wc -l <"$WORK/root.json")" = 1024 ]

echo "-- --no-drop keeps root"
run_and_inspect "$WORK/keep.json" "$XSWEEP" "${NET[@]}" "${SCAN[@]}" --no-drop
check "--no-drop: uid stays 0" [ "$UID_SEEN" = 0 ]

echo "-- --user names the account"
id daemon >/dev/null 2>&1 && {
    run_and_inspect "$WORK/daemon.json" "$XSWEEP" "${NET[@]}" "${SCAN[@]}" --user daemon
    check "--user daemon: uid $(id -u daemon)" [ "$UID_SEEN" = "$(id -u daemon)" ]
}
run_and_inspect "$WORK/nouser.json" "$XSWEEP" "${NET[@]}" "${SCAN[@]}" --user no-such-user-xs
check "an unknown --user is a clear error (exit $RC)" [ "$RC" = 1 ] && grep -q 'no user "no-such-user-xs"' "$WORK/nouser.json.err"

echo "-- started unprivileged with only CAP_NET_RAW"
run_and_inspect "$WORK/caps.json" setpriv --reuid=nobody --regid=nogroup --clear-groups \
    --inh-caps=+net_raw --ambient-caps=+net_raw "$XSWEEP" "${NET[@]}" "${SCAN[@]}"
check "unprivileged scan completes (exit $RC, $(wc -l <"$WORK/caps.json") open)" \
    [ $RC = 0 -a "$(wc -l <"$WORK/caps.json")" = 1024 ]
check "CAP_NET_RAW given up after opening the sockets (CapEff $CAPEFF)" [ "$CAPEFF" = 0000000000000000 ]

echo "-- unprivileged without capabilities: one clear error"
ip netns exec "$TB_PREFIX-scan" setpriv --reuid=nobody --regid=nogroup --clear-groups \
    "$XSWEEP" "${NET[@]}" "${SCAN[@]}" -o "$WORK/none.json" 2>"$WORK/none.err"; rc=$?
check "no CAP_NET_RAW: exit 1 with one line ($(cat "$WORK/none.err"))" [ $rc = 1 -a "$(wc -l <"$WORK/none.err")" = 1 ]

finish
