#!/usr/bin/env bash
# Validation screenshots with the real headless chromium, against loopback servers started here:
# plain HTTP and TLS (self-signed) pages, a server that never answers (timeout path), a host name
# pinned to 127.0.0.1 (no DNS), and a canary server that must never see a request (containment).
# Checks PNG size, extracted text, errors, leftovers. Every server is stopped by PID; time-bounded.
# Needs: chromium, python3, openssl, cc.
# Usage: tests/screenshot/run.sh [--bench N]   (--bench: N shots at concurrency 1 and 2: shots/s
#                                               and peak memory of the chromium processes)
set -euo pipefail
cd "$(dirname "$0")/../.."
BENCH=0
[ "${1:-}" = --bench ] && BENCH=${2:-6}

CHROMIUM=/usr/lib/chromium/chromium
[ -x "$CHROMIUM" ] || CHROMIUM=/usr/bin/chromium
for tool in "$CHROMIUM" python3 openssl cc; do
    command -v "$tool" >/dev/null || { echo "run.sh: $tool is not installed" >&2; exit 1; }
done

WORK=$(mktemp -d /tmp/xsc-shot.XXXXXX)
PIDS=()
cleanup() {
    for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
    [ -n "${XSC_KEEP_WORK:-}" ] && return; rm -rf "$WORK"
}
trap cleanup EXIT
# The watchdog's sleep must not hold the caller's pipe, and ends with the watchdog.
( sleep 400 </dev/null >/dev/null 2>&1 & s=$!
  trap 'kill $s 2>/dev/null; exit 0' TERM
  wait $s; echo "run.sh: time limit reached" >&2; kill -TERM $$ ) & PIDS+=($!)

B=${XSC_PORT_BASE:-28700}   # below the ephemeral range (32768+): no outgoing connection holds one
P_HTTP=$B; P_TLS=$((B+1)); P_SILENT=$((B+2)); P_CANARY=$((B+3))

echo "== building shot_cli"
cc -std=c17 -D_GNU_SOURCE -Iinclude -O2 -g -Wall -Wextra -Werror -o "$WORK/shot_cli" \
   tests/screenshot/shot_cli.c src/screenshot/*.c src/http/text_extract.c src/loop/*.c src/lib/clock.c src/lib/utf8.c src/lib/text_search.c -lgumbo
export TMPDIR=$WORK/tmp            # the pool's chromium profiles go here: checked empty at the end
mkdir -p "$TMPDIR" "$WORK/site" "$WORK/shots"

sed "s/CANARY_PORT/$P_CANARY/" tests/screenshot/fixtures/index.html > "$WORK/site/index.html"
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=xsc-test -keyout "$WORK/key.pem" \
    -out "$WORK/cert.pem" >/dev/null 2>&1
S=tests/screenshot/serve.py
python3 $S http   $P_HTTP   "$WORK/site" & PIDS+=($!)
python3 $S https  $P_TLS    "$WORK/site" "$WORK/cert.pem" "$WORK/key.pem" & PIDS+=($!)
python3 $S silent $P_SILENT & PIDS+=($!)
python3 $S canary $P_CANARY "$WORK/canary.log" & PIDS+=($!)
: > "$WORK/canary.log"
for p in $P_HTTP $P_TLS $P_SILENT $P_CANARY; do
    for _ in $(seq 50); do (exec 3<>/dev/tcp/127.0.0.1/$p) 2>/dev/null && break; sleep 0.1; done
done

fail=0
check() { if eval "$2"; then echo "  ok   $1"; else echo "  FAIL $1"; fail=1; fi; }
field() { sed -n "s/.* $2=\([^ ]*\).*/\1/p" <<<"$1"; }

# The shots that must succeed get a budget a loaded 2-core CI machine can keep (Chromium alone
# can take over 15 s to start there); the silent server keeps a short one: it tests the timeout.
SHOT_MS=${XSC_SHOT_MS:-60000}
echo "== shots: http, https, pinned name, silent server (concurrency 2)"
set +e
out=$("$WORK/shot_cli" -c 2 -t "$SHOT_MS" \
    "http://127.0.0.1:$P_HTTP/index.html" "$WORK/shots/http.png" \
    "https://127.0.0.1:$P_TLS/index.html" "$WORK/shots/tls.png")
pinned=$("$WORK/shot_cli" -t "$SHOT_MS" -r 127.0.0.1 \
    "http://endpoint.xsc-test.invalid:$P_HTTP/index.html" "$WORK/shots/pinned.png")
silent=$("$WORK/shot_cli" -t 6000 "http://127.0.0.1:$P_SILENT/" "$WORK/shots/silent.png")
set -e
echo "$out"; echo "$pinned"; echo "$silent"
for name in http tls pinned; do
    line=$(printf '%s\n%s\n' "$out" "$pinned" | grep "/$name.png " || true)
    check "$name: ok" "grep -q ' ok ' <<<\"$line\""
    check "$name: PNG is 1280x800" "[ \"$(field "$line" w)x$(field "$line" h)\" = 1280x800 ]"
    dims=$(python3 -c "import struct,sys; d=open(sys.argv[1],'rb').read(24); print('%dx%d' % struct.unpack('>II', d[16:24]))" "$WORK/shots/$name.png" 2>/dev/null || echo none)
    check "$name: file's IHDR says 1280x800" "[ $dims = 1280x800 ]"
    for word in Tangerine umbrella velvet reachable "rendered by script"; do
        check "$name: text has '$word'" "grep -q '$word' '$WORK/shots/$name.png.txt'"
    done
    check "$name: text has no script source or title" \
        "! grep -q -e insertAdjacentHTML -e 'screenshot fixture' '$WORK/shots/$name.png.txt'"
done
check "silent server: error=timeout" "grep -q 'error=timeout' <<<\"$silent\""
check "silent server: no PNG left" "[ ! -e '$WORK/shots/silent.png' ]"
check "canary saw no request (off-endpoint fetches blocked)" "[ ! -s '$WORK/canary.log' ]"
check "no chromium profile left behind" "[ -z \"\$(ls -A '$TMPDIR')\" ]"
cp "$WORK/shots/http.png" "${XSC_KEEP_PNG:-/dev/null}" 2>/dev/null || true

if [ "$BENCH" -gt 0 ]; then
    echo "== bench: $BENCH shots of the fixture page per concurrency (machine shared: noisy)"
    for c in 1 2; do
        args=()
        for i in $(seq "$BENCH"); do args+=("http://127.0.0.1:$P_HTTP/index.html" "$WORK/shots/b$c-$i.png"); done
        "$WORK/shot_cli" -c $c "${args[@]}" > "$WORK/bench$c.out" &
        cli=$!
        peak=0
        t0=$(date +%s.%N)
        while kill -0 $cli 2>/dev/null; do
            # proportional set size of every chromium the driver started (shared pages split)
            sum=0
            groups=" $(pgrep -d ' ' -P $cli 2>/dev/null) "
            for q in $(ps -e -o pid=,pgid= | awk -v g="$groups" 'index(g, " " $2 " ") {print $1}'); do
                v=$(awk '/^Pss:/{print $2}' /proc/$q/smaps_rollup 2>/dev/null || echo 0)
                sum=$((sum + ${v:-0}))
            done
            [ $sum -gt $peak ] && peak=$sum
            sleep 0.1
        done
        wait $cli || true
        t1=$(date +%s.%N)
        okn=$(grep -c ' ok ' "$WORK/bench$c.out" || true)
        python3 -c "import sys; n,o,t,p=int(sys.argv[1]),int(sys.argv[2]),float(sys.argv[3]),int(sys.argv[4]); print(f'  concurrency {sys.argv[5]}: {o}/{n} ok in {t:.1f} s = {o/t:.2f} shots/s, peak PSS {p/1024:.0f} MiB')" \
            "$BENCH" "$okn" "$(echo "$t1 - $t0" | bc)" "$peak" $c
    done
fi
[ $fail = 0 ] && echo "screenshot tests: all passed" || echo "screenshot tests: FAILED"
exit $fail
