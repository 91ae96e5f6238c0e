#!/usr/bin/env bash
# make lint: the man pages must pass mandoc's style lint with no message at all, and every
# option dash must be written "\-" (a bare "-" may render as a hyphen, U+2010, which a shell
# does not take when the option is copied from the page).
#   scripts/man-lint.sh [PAGE...]     (default: man/*.[1-8])
set -euo pipefail
command -v mandoc >/dev/null || { echo "man-lint: mandoc is not installed (scripts/install-deps.sh)" >&2; exit 1; }
[ $# -gt 0 ] || { cd "$(dirname "$0")/.."; set -- man/*.[1-8]; }
fail=0
for page in "$@"; do
    # mandoc exits 0 on style messages, so any output is the failure.
    out=$(mandoc -Tlint -W style "$page" 2>&1 || true)
    if [ -n "$out" ]; then
        printf '%s\n' "$out" >&2
        echo "man-lint: $page: $(printf '%s\n' "$out" | wc -l) mandoc message(s)" >&2
        fail=1
    fi
    # An option word: "-x" or "--xx" at the start of a word (after a space, quote, bracket, comma,
    # "=", "|" or a font escape), outside roff comments.
    bare=$(grep -nP '^(?!\.\\").*?(^|[ "(\[|,=]|\\f[BIRP])--?[A-Za-z]' "$page" || true)
    if [ -n "$bare" ]; then
        printf '%s\n' "$bare" | sed "s|^|$page:|" >&2
        echo "man-lint: $page: option dashes must be written \\- (as in \\fB\\-\\-rate\\fR)" >&2
        fail=1
    fi
done
[ "$fail" = 0 ] && echo "man-lint: $* clean"
exit "$fail"
