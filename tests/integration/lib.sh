# Shared helpers for integration tests: assertions and a testbed torn down on any exit.
# Tests run as root; every probe stays inside namespaces the test created (198.18.0.0/15).
set -uo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
XSWEEP=${XSWEEP:-$ROOT/xsweep}
TESTBED=$ROOT/scripts/testbed.sh
WORK=$(mktemp -d /tmp/xsweep-it.XXXXXX)
PASSED=0
FAILED=0
TB_PREFIX=""

pass() { PASSED=$((PASSED + 1)); echo "  ok   $*"; }
fail() { FAILED=$((FAILED + 1)); echo "  FAIL $*"; }
check() {   # check "description" command...
    local what=$1; shift
    if "$@"; then pass "$what"; else fail "$what"; fi
}

testbed_up() {   # testbed_up PREFIX [testbed options]
    # XS_NS_TAG (0-3 chars) lets concurrent runs (several worktrees) use distinct namespaces.
    TB_PREFIX=${XS_NS_TAG:-}$1; shift
    eval "$(bash "$TESTBED" up --prefix "$TB_PREFIX" "$@")" || { echo "testbed failed"; exit 1; }
}

cleanup() {
    [ -n "$TB_PREFIX" ] && bash "$TESTBED" down --prefix "$TB_PREFIX" >/dev/null 2>&1
    rm -rf "$WORK"
}
trap cleanup EXIT

in_scan() { ip netns exec "$TB_PREFIX-scan" "$@"; }
in_sink() { ip netns exec "$TB_PREFIX-sink" "$@"; }

finish() {
    echo "$(basename "$0"): $PASSED passed, $FAILED failed"
    [ "$FAILED" = 0 ]
}

