#!/usr/bin/env bash
# The protocol probe engine against real servers on loopback (tests/probe/run.sh): redis with and
# without a password, OpenSSH, memcached, PostgreSQL with and without TLS, MariaDB, and stubs.
cd "$(dirname "$0")/../.."
log=$(mktemp /tmp/xsweep-probe-loopback.XXXXXX)
bash tests/tools/private-net.sh bash tests/probe/run.sh >"$log" 2>&1; rc=$?
# Checks, plus why a server did not start (run.sh's line and its log's last lines, indented).
grep -E '^ *(ok|FAIL|SKIP)|^run\.sh:|^    ' "$log" | head -80
line=$(grep -E '[0-9]+ passed, [0-9]+ failed' "$log" | tail -1 | grep -oE '[0-9]+ passed, [0-9]+ failed')
[ -n "$line" ] || { tail -20 "$log"; line="0 passed, 1 failed"; }
# scripts/install-deps.sh installs every server: a skipped one is a failure here, not a pass.
skips=$(grep -c '^skip:' "$log")
if [ "$skips" -gt 0 ]; then
    grep '^skip:' "$log"; rc=1
    read -r p _ f _ <<<"${line//,/}"
    line="$p passed, $((f + skips)) failed"
fi
rm -f "$log"
echo "test_probe_loopback.sh: $line"
exit $rc
