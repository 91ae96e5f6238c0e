#!/usr/bin/env bash
# The receiver under a flood of forged and broken replies. While xsweep scans 198.19.0.0/20 x 2 ports
# (the sink answers: SYN-ACK on 80, RST on 9999), tests/tools/flood.c sends from the sink, for at
# most 10 s, SYN-ACKs and RSTs with wrong cookies (random ack numbers) to the scanner's address and
# source-port range, plus truncated and malformed frames. None may become a result: the open and
# closed sets must equal the true ones exactly, and xsweep must not crash. Then the same over IPv6
# (2001:2::/116 x 2 ports, testbed --ipv6): forged replies also behind extension-header chains,
# fragments, headers running past the frame, over-long chains, IPv4 behind the IPv6 ethertype.
source "$(dirname "$0")/lib.sh"

SPORTS=61000-62023
FLOOD_S=10
FLOOD_PPS=${FLOOD_PPS:-100000}
FLOOD_N=$((FLOOD_S * FLOOD_PPS))

FLOOD_PID=""
stop_flood() {
    if [ -n "$FLOOD_PID" ] && [ "$(readlink "/proc/$FLOOD_PID/exe" 2>/dev/null)" = "$WORK/flood" ]; then
        kill "$FLOOD_PID" 2>/dev/null
    fi
    [ -n "$FLOOD_PID" ] && wait "$FLOOD_PID" 2>/dev/null
    FLOOD_PID=""
}
trap 'stop_flood; cleanup' EXIT

cc -O2 -Wall -Wextra -o "$WORK/flood" "$ROOT/tests/tools/flood.c" || { fail "build tests/tools/flood.c"; finish; exit 1; }

testbed_up xrlf --answer --listen 80 --ipv6

# flood_phase NAME DST_IP SRC_NET TARGET [xsweep network flags...]
flood_phase() {
    local name=$1 dst=$2 src_net=$3 target=$4
    shift 4
    python3 - "$WORK/expect-$name" "$target" <<'PY'
import sys, ipaddress
with open(sys.argv[1] + ".open", "w") as o, open(sys.argv[1] + ".closed", "w") as c:
    for ip in ipaddress.ip_network(sys.argv[2]):
        o.write(f"{ip}:80\n"); c.write(f"{ip}:9999\n")
PY

    echo "-- $name flood: forged SYN-ACK/RST (random ack) and malformed frames, $FLOOD_PPS pps for <= ${FLOOD_S}s"
    # ip netns exec execs, so $! is the flood process itself.
    ip netns exec "$TB_PREFIX-sink" "$WORK/flood" -i "$TB_PREFIX-k0" --src-mac 02:58:53:00:00:02 \
        --dst-mac 02:58:53:00:00:01 --dst-ip "$dst" --dst-ports "$SPORTS" --src-net "$src_net" \
        --src-ports 80,9999,443 --seconds "$FLOOD_S" --count "$FLOOD_N" --pps "$FLOOD_PPS" --seed 11 \
        >"$WORK/flood-$name.out" 2>&1 &
    FLOOD_PID=$!
    sleep 0.5

    # --no-http: this test is about the receiver; ~4 s of probes at 2000 pps all fall inside the flood.
    # --retries 3: a true reply lost to a full capture buffer under the flood is re-probed.
    timeout 120 ip netns exec "$TB_PREFIX-scan" "$XSWEEP" "$@" --source-port "$SPORTS" -p 80,9999 --rate 2000 \
        --wait 2 --retries 3 --show closed --no-http --no-progress --stats-interval 1 --seed 5 \
        -o "$WORK/scan-$name.json" "$target" 2>"$WORK/scan-$name.err"
    local rc=$?
    wait "$FLOOD_PID"; FLOOD_PID=""
    echo "   $(cat "$WORK/flood-$name.out")"
    grep '^xsweep: ' "$WORK/scan-$name.err" | sed 's/^/   /'

    check "$name: scan exits 0 (got $rc)" [ $rc = 0 ]
    check "$name: no sanitizer or crash report on stderr" bash -c "! grep -qiE 'sanitizer|segmentation|abort' '$WORK/scan-$name.err'"
    local sent
    sent=$(sed -n 's/^flood: sent=\([0-9]*\).*/\1/p' "$WORK/flood-$name.out")
    check "$name: flood sent frames (${sent:-0})" [ "${sent:-0}" -gt 10000 ]

    python3 - "$WORK/scan-$name.json" "$WORK/expect-$name" "$name" <<'PY' >"$WORK/verdicts-$name" 2>&1
import ipaddress, json, sys
got = {"open": [], "closed": []}
try:
    for n, raw in enumerate(open(sys.argv[1], "rb"), 1):
        r = json.loads(raw.decode("utf-8"))
        got.setdefault(r["status"], []).append(f"{ipaddress.ip_address(r['ip'])}:{r['port']}")
except Exception as e:
    print(f"FAIL {sys.argv[3]}: output readable ({e})")
for st in ("open", "closed"):
    want = set(open(f"{sys.argv[2]}.{st}").read().split())
    have = got[st]
    extra, missing = set(have) - want, want - set(have)
    ok = not extra and not missing and len(have) == len(set(have))
    print(("ok   " if ok else "FAIL ") + f"{sys.argv[3]}: {st} set is exactly the true one ({len(have)}/{len(want)}; "
          f"{len(extra)} forged, {len(missing)} missing, {len(have) - len(set(have))} duplicates)"
          + ("" if ok else f" e.g. {sorted(extra)[:3]} {sorted(missing)[:3]}"))
others = {k: len(v) for k, v in got.items() if k not in ("open", "closed")}
print(("ok   " if not others else "FAIL ") + f"{sys.argv[3]}: no other statuses {others}")
PY
    local word rest
    while read -r word rest; do
        if [ "$word" = ok ]; then pass "$rest"; else fail "$rest"; fi
    done <"$WORK/verdicts-$name"
    check "$name: verdicts complete" [ "$(grep -c '' "$WORK/verdicts-$name")" -ge 3 ]

    # The final summary line has no invalid-reply count; the --stats-interval line does (rx_invalid).
    local inv
    inv=$(grep -o 'rx_invalid=[0-9]*' "$WORK/scan-$name.err" | tail -1 | cut -d= -f2)
    check "$name: rx_invalid counts the forged replies (${inv:-none})" [ "${inv:-0}" -gt 0 ]
    if grep '^xsweep: ' "$WORK/scan-$name.err" | grep -q 'invalid replies'; then
        echo "   the summary line reports invalid replies"
    else
        echo "   note: the summary line does not report invalid replies (only --stats-interval does)"
    fi
}

flood_phase IPv4 198.18.0.1 198.19.0.0/20 198.19.0.0/20 \
    -i "$TB_PREFIX-s0" --source-ip 198.18.0.1 --router-mac 02:58:53:00:00:02
# shellcheck disable=SC2086
flood_phase IPv6 "$TB_SCAN_IP6" 2001:2::/116 2001:2::/116 \
    -i "$TB_PREFIX-s0" --router-mac 02:58:53:00:00:02 ${FLOOD_NET6_FLAGS:-}

finish
