#!/usr/bin/env bash
# The HTTP engine alone against real servers on loopback (tests/http/run.sh): TLS fallbacks,
# chunked bodies, entities, every auth method and SSO provider, hostile answers.
cd "$(dirname "$0")/../.."
# Through a file, not $(...): a pipe would also wait for anything run.sh left holding it.
log=$(mktemp /tmp/xsweep-http-loopback.XXXXXX)
bash tests/tools/private-net.sh bash tests/http/run.sh >"$log" 2>&1; rc=$?
out=$(cat "$log"); rm -f "$log"
echo "$out" | grep -E '^(  ok|  FAIL|FAIL|ok )' | head -60
line=$(echo "$out" | grep -E '^[0-9]+ passed, [0-9]+ failed$' | tail -1)
[ -n "$line" ] || { echo "$out" | tail -20; line="0 passed, 1 failed"; }
echo "test_http_loopback.sh: $line"
exit $rc
