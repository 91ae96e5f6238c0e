#!/usr/bin/env bash
# The HTTP engine alone against real servers on loopback (tests/http/run.sh): TLS fallbacks,
# chunked bodies, entities, every auth method and SSO provider, hostile answers.
cd "$(dirname "$0")/../.."
out=$(bash tests/http/run.sh 2>&1); rc=$?
echo "$out" | grep -E '^(  ok|  FAIL|FAIL|ok )' | head -60
line=$(echo "$out" | grep -E '^[0-9]+ passed, [0-9]+ failed$' | tail -1)
[ -n "$line" ] || { echo "$out" | tail -20; line="0 passed, 1 failed"; }
echo "test_http_loopback.sh: $line"
exit $rc
