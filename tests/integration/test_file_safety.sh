#!/usr/bin/env bash
# Files root writes (issue 13): no symlink followed at OUTPUT.resume, a planted output link refused
# (13.3); the resume file's MAC covers the whole file and needs the host key (13.6); --resume
# --dry-run leaves the stopped scan's output alone (13.8); a write failure is not a completed scan
# (13.10); -o /dev/null makes no /dev/null.resume, an early failure leaves no empty files (13.12).
source "$(dirname "$0")/lib.sh"

testbed_up xsfs --answer --listen 80
NET=(-i "$TB_PREFIX-s0" --source-ip 198.18.0.1 --router-mac 02:58:53:00:00:02)
KEY=$WORK/host.key
SCAN=(-p 80 --wait 0.5 --no-http --key-file "$KEY")
BIG=(--rate 3000 --checkpoint 0.3 198.19.0.0/18)     # ~22 s: stopped by SIGINT after 2 s

stopped_scan() {   # stopped_scan OUT: a scan stopped by SIGINT, leaving OUT and OUT.resume
    ip netns exec "$TB_PREFIX-scan" "$XSWEEP" "${NET[@]}" "${SCAN[@]}" "${BIG[@]}" -o "$1" 2>/dev/null & local pid=$!
    sleep 2; kill -INT $pid; wait $pid
}

echo "-- 13.3: a symlink planted at OUTPUT.resume is never followed"
echo precious >"$WORK/victim"
ln -s "$WORK/victim" "$WORK/out.json.resume"
in_scan "$XSWEEP" "${NET[@]}" "${SCAN[@]}" 198.19.0.1 -o "$WORK/out.json" 2>"$WORK/link.err"; rc=$?
check "refused with one line (exit $rc: $(cat "$WORK/link.err"))" [ $rc != 0 ] && grep -q "symbolic link" "$WORK/link.err"
check "the link's target is untouched" [ "$(cat "$WORK/victim")" = precious ]
rm -f "$WORK/out.json.resume"
ln "$WORK/victim" "$WORK/hard.json.resume"
in_scan "$XSWEEP" "${NET[@]}" "${SCAN[@]}" 198.19.0.1 -o "$WORK/hard.json" 2>"$WORK/hard.err"; rc=$?
check "a hard link planted there is refused too (exit $rc)" [ $rc != 0 ] && [ "$(cat "$WORK/victim")" = precious ]
ln -s "$WORK/victim" "$WORK/planted.json"; chown -h nobody "$WORK/planted.json"
in_scan "$XSWEEP" "${NET[@]}" "${SCAN[@]}" 198.19.0.1 -o "$WORK/planted.json" 2>"$WORK/planted.err"; rc=$?
check "an output link owned by another user is refused ($(cat "$WORK/planted.err"))" \
    [ $rc != 0 ] && [ "$(cat "$WORK/victim")" = precious ]
ln -s "$WORK/mine.json" "$WORK/own-link.json"
in_scan "$XSWEEP" "${NET[@]}" "${SCAN[@]}" 198.19.0.1 -o "$WORK/own-link.json" 2>/dev/null; rc=$?
check "an output link of our own is followed, as nmap/masscan do (exit $rc)" [ $rc = 0 ] && grep -q 198.19.0.1 "$WORK/mine.json"

echo "-- 13.6: the resume file's MAC"
stopped_scan "$WORK/s.json"
R=$WORK/s.json.resume
check "a stopped scan leaves a resume file ending in its MAC line" bash -c "tail -1 '$R' | grep -qE '^# mac = [0-9a-f]{64}$'"
cp "$R" "$WORK/good.resume"
{ cat "$WORK/good.resume"; printf 'no-drop = true\ntarget = 198.19.200.0/24\n'; } >"$R"
"$XSWEEP" --resume "$R" --key-file "$KEY" >/dev/null 2>"$WORK/app.err"; rc=$?
check "lines appended after the MAC are refused (exit $rc: $(cat "$WORK/app.err"))" [ $rc = 2 ] && [ "$(wc -l <"$WORK/app.err")" = 1 ]
sed 's/^no-drop = false/no-drop = true/' "$WORK/good.resume" >"$R"
"$XSWEEP" --resume "$R" --key-file "$KEY" >/dev/null 2>"$WORK/mod.err"; rc=$?
check "a changed line is refused (exit $rc)" [ $rc = 2 ] && grep -q "MAC mismatch" "$WORK/mod.err"
# A forger who can write the file but has no key: a MAC under their own key, naming it.
head -c 32 /dev/urandom >"$WORK/forger.key"; chmod 600 "$WORK/forger.key"
python3 - "$WORK/good.resume" "$WORK/forger.key" "$R" <<'PY'
import hashlib, hmac, sys
body = open(sys.argv[1]).read().rsplit("# mac = ", 1)[0]
body = body.replace("no-drop = false", "no-drop = true") + "key-file = %s\n" % sys.argv[2]
mac = hmac.new(open(sys.argv[2], "rb").read(), body.encode(), hashlib.sha256).hexdigest()
open(sys.argv[3], "w").write(body + "# mac = " + mac + "\n")
PY
"$XSWEEP" --resume "$R" --key-file "$KEY" >/dev/null 2>"$WORK/forge.err"; rc=$?
check "a file MACed under another key (and naming it) is refused (exit $rc)" [ $rc = 2 ] && grep -q "MAC" "$WORK/forge.err"
"$XSWEEP" --resume "$R" >/dev/null 2>"$WORK/forge2.err"; rc=$?
check "... also without --key-file (the default key verifies, never the file's)" [ $rc = 2 ]

echo "-- 13.8: --resume FILE --dry-run leaves the stopped scan's output alone"
cp "$WORK/good.resume" "$R"
before=$(sha256sum <"$WORK/s.json")
in_scan "$XSWEEP" --resume "$R" --key-file "$KEY" --dry-run >"$WORK/dry.list" 2>"$WORK/dry.err"; rc=$?
check "dry run exits 0 ($(tail -1 "$WORK/dry.err"))" [ $rc = 0 ]
check "the output file is unchanged" [ "$(sha256sum <"$WORK/s.json")" = "$before" ]
check "the list went to standard output ($(wc -l <"$WORK/dry.list") lines)" [ -s "$WORK/dry.list" ]
check "the resume file still verifies afterwards" cmp -s "$R" "$WORK/good.resume"
in_scan "$XSWEEP" --resume "$R" --key-file "$KEY" 2>"$WORK/res.err"; rc=$?
check "and the real resume completes (exit $rc)" [ $rc = 0 ]
check "the genuine file is accepted and the scan finishes (16384 records)" \
    [ "$(wc -l <"$WORK/s.json")" = 16384 ]

echo "-- 13.10: a write failure is not a completed scan"
in_scan "$XSWEEP" "${NET[@]}" "${SCAN[@]}" --checkpoint 0 198.19.0.0/24 -o /dev/full \
    --resume-file "$WORK/full.resume" 2>"$WORK/full.err"; rc=$?
check "-o /dev/full exits 1 ($(grep -v probes "$WORK/full.err" | head -2 | tr '\n' ' '))" [ $rc = 1 ]
check "the resume file is not marked complete" [ -s "$WORK/full.resume" ] && ! grep -q complete "$WORK/full.resume"
"$XSWEEP" --resume "$WORK/full.resume" --key-file "$KEY" --echo >/dev/null 2>&1
check "and it verifies, so the scan can be resumed once the disk is fixed" [ $? = 0 ]
in_scan "$XSWEEP" "${NET[@]}" "${SCAN[@]}" --dry-run 198.19.0.0/24 -o /dev/full 2>"$WORK/dfull.err"; rc=$?
check "--dry-run -o /dev/full: exit 1 with one line ($(cat "$WORK/dfull.err"))" [ $rc = 1 ] && [ "$(wc -l <"$WORK/dfull.err")" = 1 ]

echo "-- 13.12: no resume file next to a device; early failures leave nothing behind"
in_scan "$XSWEEP" "${NET[@]}" "${SCAN[@]}" --checkpoint 0.1 198.19.0.0/24 -o "$WORK/done.json" 2>/dev/null; rc=$?
check "a completed root scan (privileges dropped, root-owned directory) leaves no OUTPUT.resume (exit $rc)" \
    [ $rc = 0 -a ! -e "$WORK/done.json.resume" ]
[ -f /dev/null.resume ] && rm -f /dev/null.resume
in_scan "$XSWEEP" "${NET[@]}" "${SCAN[@]}" --checkpoint 0.1 198.19.0.0/24 -o /dev/null 2>/dev/null
check "-o /dev/null creates no /dev/null.resume" [ ! -e /dev/null.resume ]
in_scan "$XSWEEP" -i no-such-if0 --source-ip 198.18.0.1 --router-mac 02:58:53:00:00:02 "${SCAN[@]}" \
    198.19.0.1 -o "$WORK/early.json" 2>"$WORK/early.err"; rc=$?
check "a scan failing before its first probe (exit $rc) leaves no output and no resume file" \
    [ $rc != 0 ] && [ ! -e "$WORK/early.json" -a ! -e "$WORK/early.json.resume" ]
finish
