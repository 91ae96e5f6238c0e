#!/usr/bin/env bash
# Runs every integration test; prints one summary line for CI.
set -u
cd "$(dirname "$0")"
[ "$(id -u)" = 0 ] || { echo "integration tests need root (network namespaces)"; exit 1; }
total_pass=0 total_fail=0 failed_files=()
for t in test_*.sh; do
    echo "== $t"
    out=$(timeout 600 bash "$t" 2>&1); rc=$?
    echo "$out"
    p=$(echo "$out" | sed -n 's/.*: \([0-9]*\) passed, \([0-9]*\) failed$/\1/p' | tail -1)
    f=$(echo "$out" | sed -n 's/.*: \([0-9]*\) passed, \([0-9]*\) failed$/\2/p' | tail -1)
    total_pass=$((total_pass + ${p:-0}))
    total_fail=$((total_fail + ${f:-0}))
    if [ $rc -ne 0 ]; then failed_files+=("$t"); [ "${f:-0}" = 0 ] && total_fail=$((total_fail + 1)); fi
done
echo "integration: $total_pass passed, $total_fail failed"
[ ${#failed_files[@]} -eq 0 ] || { echo "failed: ${failed_files[*]}"; exit 1; }
