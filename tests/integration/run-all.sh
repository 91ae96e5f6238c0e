#!/usr/bin/env bash
# Runs every integration test; prints one summary line for CI.
set -u
cd "$(dirname "$0")"
[ "$(id -u)" = 0 ] || { echo "integration tests need root (network namespaces)"; exit 1; }
total_pass=0 total_fail=0 failed_files=() reasons=""
for t in test_*.sh; do
    echo "== $t"
    out=$(timeout 600 bash "$t" 2>&1); rc=$?
    echo "$out"
    p=$(echo "$out" | sed -n 's/.*: \([0-9]*\) passed, \([0-9]*\) failed$/\1/p' | tail -1)
    f=$(echo "$out" | sed -n 's/.*: \([0-9]*\) passed, \([0-9]*\) failed$/\2/p' | tail -1)
    total_pass=$((total_pass + ${p:-0}))
    total_fail=$((total_fail + ${f:-0}))
    if [ $rc -ne 0 ]; then
        failed_files+=("$t"); [ "${f:-0}" = 0 ] && total_fail=$((total_fail + 1))
        # Why, repeated at the end, where a CI log's tail shows it: failed checks and the
        # scripts' own complaints, or else the last lines.
        why=$(echo "$out" | grep -E '^ *FAIL|run\.sh:|^    |time limit|rror' | grep -vE '^ *ok ' | head -12)
        [ -n "$why" ] || why=$(echo "$out" | tail -n 8)
        reasons+="-- $t (exit $rc):"$'\n'"$why"$'\n'
    fi
done
[ -z "$reasons" ] || printf '%s' "$reasons"
echo "integration: $total_pass passed, $total_fail failed"
[ ${#failed_files[@]} -eq 0 ] || { echo "failed: ${failed_files[*]}"; exit 1; }
