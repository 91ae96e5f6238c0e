#!/usr/bin/env bash
# A real scan of a throwaway testbed: two network namespaces joined by a veth pair, the sink
# answering for 198.19.0.0/16 with web listeners on a few ports. Nothing leaves the namespaces.
set -euo pipefail
cd "$(dirname "$0")/.."
[ "$(id -u)" = 0 ] || { echo "demo: run as root (it creates network namespaces)" >&2; exit 1; }
[ -x ./xsweep ] || make -s
prefix=xsdemo
trap 'bash scripts/testbed.sh down --prefix $prefix >/dev/null 2>&1' EXIT
eval "$(bash scripts/testbed.sh up --prefix $prefix --answer --listen 80,8080,8443)"
out=$(mktemp /tmp/xsweep-demo.XXXXXX.json)
echo "demo: scanning 198.19.0.0/24 x the supported ports inside namespace $prefix-scan"
ip netns exec $prefix-scan ./xsweep -p supported --rate 20000 --wait 2 -o "$out" 198.19.0.0/24
echo "demo: $(wc -l <"$out") records in $out; the first three:"
head -n 3 "$out"
echo "demo: open endpoints by port:"
python3 -c '
import json, sys, collections
c = collections.Counter(r["port"] for r in map(json.loads, open(sys.argv[1])) if r["status"] == "open")
for port, n in sorted(c.items()): print(f"  {port:5d}  {n} open")' "$out"
