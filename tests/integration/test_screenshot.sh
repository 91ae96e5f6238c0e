#!/usr/bin/env bash
# Validation screenshots with the real headless chromium (tests/screenshot/run.sh): PNG and page
# text from plain and TLS pages, the timeout path, host pinning, and a canary that must see nothing.
cd "$(dirname "$0")/../.."
# Through a file, not $(...): a pipe would also wait for anything run.sh left holding it.
log=$(mktemp /tmp/xsweep-screenshot.XXXXXX)
bash tests/tools/private-net.sh bash tests/screenshot/run.sh >"$log" 2>&1; rc=$?
out=$(cat "$log"); rm -f "$log"
echo "$out" | grep -E '^  (ok|FAIL)' | head -80
passed=$(echo "$out" | grep -c '^  ok ')
failed=$(echo "$out" | grep -c '^  FAIL ')
echo "$out" | grep -q '^screenshot tests: all passed$' || { echo "$out" | tail -20; [ "$failed" -gt 0 ] || failed=1; rc=1; }
echo "test_screenshot.sh: $passed passed, $failed failed"
exit $rc
