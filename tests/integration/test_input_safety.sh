#!/usr/bin/env bash
# Exclusion fails closed (issue 13.4): any read error of an exclude file, a -c config or an -iL
# list is fatal before a single probe (counted on the wire at the sink), and a line is bounded
# (-iL /dev/zero is one error line, not gigabytes). Also the 13.12 input points: -c DIRECTORY,
# numbers are decimal, --keep needs --db, a corrupt --db is bad input (exit 2), and the man page
# states --retries' real bound.
source "$(dirname "$0")/lib.sh"

testbed_up xsin --answer --listen 80
NET=(-i "$TB_PREFIX-s0" --source-ip 198.18.0.1 --router-mac 02:58:53:00:00:02)
SCAN=(-p 80 --wait 0.5 --retries 0 --no-http --checkpoint 0 --key-file "$WORK/k")

one_error() {   # one_error FILE: exactly one line, starting "xsweep: "
    [ "$(wc -l <"$1")" = 1 ] && grep -q '^xsweep: ' "$1"
}

# A line far longer than any real one, streamed (no disk), between two excludes.
long_line_excludes() {
    printf '198.19.0.6\n'; head -c 400000000 /dev/zero | tr '\0' ' '; printf '\n198.19.0.7\n'
}

echo "-- an exclude file whose read fails part-way (out of memory on a huge line): fatal"
# 400 MB of spaces under a 512 MB address-space limit: a reader without a bound runs out of memory
# there; before the fix that read error ended the file and 198.19.0.7's exclusion was lost.
( ulimit -v 1000000; in_scan "$XSWEEP" "${NET[@]}" "${SCAN[@]}" --dry-run \
    --exclude-file <(long_line_excludes) 198.19.0.0/29 ) >"$WORK/dry.out" 2>"$WORK/dry.err"; rc=$?
check "exit 2 with one line ($(head -c 200 "$WORK/dry.err"))" [ $rc = 2 ] && one_error "$WORK/dry.err"
check "the line is named too long" grep -q "longer than 65536 bytes" "$WORK/dry.err"
check "no probe listed (got $(grep -c . "$WORK/dry.out"))" [ ! -s "$WORK/dry.out" ]

echo "-- a real scan with such a file: no SYN reaches the wire"
ip netns exec "$TB_PREFIX-sink" tcpdump -i "$TB_PREFIX-k0" -n -U -w "$WORK/syn.pcap" 'tcp[tcpflags] == tcp-syn' 2>/dev/null & dump=$!
sleep 1
in_scan "$XSWEEP" "${NET[@]}" "${SCAN[@]}" -o "$WORK/scan.json" \
    --exclude-file <(long_line_excludes) 198.19.0.0/29 2>"$WORK/scan.err"; rc=$?
printf '198.19.0.6\n\0\n198.19.0.7\n' >"$WORK/nul.txt"
in_scan "$XSWEEP" "${NET[@]}" "${SCAN[@]}" -o "$WORK/nul.json" --exclude-file "$WORK/nul.txt" \
    198.19.0.0/29 2>"$WORK/nul.err"; rc2=$?
in_scan "$XSWEEP" "${NET[@]}" "${SCAN[@]}" -o "$WORK/mem.json" --exclude-file /proc/self/mem \
    198.19.0.0/29 2>"$WORK/mem.err"; rc3=$?
sleep 1; kill $dump; wait $dump 2>/dev/null
syns=$(tcpdump -r "$WORK/syn.pcap" -n 2>/dev/null | grep -c '> 198.19.')
check "long line: exit 2, one line" [ $rc = 2 ] && one_error "$WORK/scan.err"
check "a NUL byte in an exclude file: exit 2 ($(cat "$WORK/nul.err"))" [ $rc2 = 2 ] && one_error "$WORK/nul.err"
check "an exclude file whose read() fails (EIO): exit 2 ($(cat "$WORK/mem.err"))" [ $rc3 = 2 ] && one_error "$WORK/mem.err"
check "no SYN on the wire from any of them (saw $syns)" [ "$syns" = 0 ]
check "no output file left behind" [ ! -e "$WORK/scan.json" -a ! -e "$WORK/nul.json" -a ! -e "$WORK/scan.json.resume" ]

echo "-- -iL /dev/zero, -iL and -c on a directory"
( ulimit -v 1000000; timeout 20 "$XSWEEP" "${SCAN[@]}" --dry-run -iL /dev/zero ) >/dev/null 2>"$WORK/zero.err"; rc=$?
check "-iL /dev/zero: exit 2 at once, one line ($(cat "$WORK/zero.err"))" [ $rc = 2 ] && one_error "$WORK/zero.err"
( ulimit -v 1000000; timeout 20 "$XSWEEP" "${SCAN[@]}" --dry-run -iL <(head -c 1000000 /dev/zero | tr '\0' 1) ) \
    >/dev/null 2>"$WORK/big.err"; rc=$?
check "-iL with a 1 MB line: exit 2 ($(cat "$WORK/big.err"))" [ $rc = 2 ] && grep -q "longer than" "$WORK/big.err"
mkdir -p "$WORK/dir"
"$XSWEEP" -c "$WORK/dir" --echo >/dev/null 2>"$WORK/cdir.err"; rc=$?
check "-c DIRECTORY: exit 2 ($(cat "$WORK/cdir.err"))" [ $rc = 2 ] && one_error "$WORK/cdir.err"
"$XSWEEP" "${SCAN[@]}" --dry-run -iL "$WORK/dir" >/dev/null 2>"$WORK/ildir.err"; rc=$?
check "-iL DIRECTORY: exit 2" [ $rc = 2 ] && one_error "$WORK/ildir.err"
( ulimit -v 1000000; "$XSWEEP" -c <(printf 'ports = 80\n'; head -c 400000000 /dev/zero | tr '\0' ' '; printf '\nexclude = 198.19.0.7\n') \
    "${SCAN[@]}" --dry-run 198.19.0.0/29 ) >"$WORK/cfg.out" 2>"$WORK/cfg.err"; rc=$?
check "-c with a huge line: exit 2, nothing listed" [ $rc = 2 ] && [ ! -s "$WORK/cfg.out" ]

echo "-- numbers are decimal; --keep needs --db; a corrupt --db is bad input"
seed=$("$XSWEEP" --seed 010 --echo 198.19.0.1 2>/dev/null | awk '$1 == "seed" {print $3}')
check "--seed 010 is ten (got $seed)" [ "$seed" = 10 ]
"$XSWEEP" --seed 0x10 --echo 198.19.0.1 >/dev/null 2>"$WORK/hex.err"; rc=$?
check "--seed 0x10 refused (exit $rc)" [ $rc = 2 ] && one_error "$WORK/hex.err"
"$XSWEEP" --rate 0x10 --echo 198.19.0.1 >/dev/null 2>&1; rc=$?
check "--rate 0x10 refused (exit $rc)" [ $rc = 2 ]
"$XSWEEP" --keep 3 --echo 198.19.0.1 >/dev/null 2>"$WORK/keep.err"; rc=$?
check "--keep without --db: exit 2 ($(cat "$WORK/keep.err"))" [ $rc = 2 ] && one_error "$WORK/keep.err"
head -c 8192 /dev/urandom >"$WORK/bad.db"
in_scan "$XSWEEP" "${NET[@]}" "${SCAN[@]}" --db "$WORK/bad.db" -o "$WORK/db.json" 198.19.0.1 2>"$WORK/db.err"; rc=$?
check "a corrupt --db: exit 2 with one line ($(cat "$WORK/db.err"))" [ $rc = 2 ] && one_error "$WORK/db.err"
check "man page and code agree on --retries (at most 63)" \
    grep -q "at most 63" "$ROOT/man/xsweep.1"
"$XSWEEP" --retries 64 198.19.0.1 2>"$WORK/r64.err"
check "--retries 64 refused with the range" grep -q "0-63" "$WORK/r64.err"
finish
