#!/usr/bin/env bash
# A real scan of a throwaway testbed: two network namespaces joined by a veth pair, the sink
# answering for 198.19.0.0/16 with web listeners on a few ports. Nothing leaves the namespaces.
set -euo pipefail
cd "$(dirname "$0")/.."
[ "$(id -u)" = 0 ] || { echo "demo: run as root (it creates network namespaces)" >&2; exit 1; }
[ -x ./xsweep ] || make -s
prefix=${XS_NS_TAG:-}xsdemo   # XS_NS_TAG: distinct namespaces for concurrent runs
trap 'bash scripts/testbed.sh down --prefix $prefix >/dev/null 2>&1' EXIT
eval "$(bash scripts/testbed.sh up --prefix $prefix --answer --listen 80,8080,8443)"
out=$(mktemp /tmp/xsweep-demo.XXXXXX.json)
echo "demo: scanning 198.19.0.0/24 x the supported ports inside namespace $prefix-scan"
ip netns exec $prefix-scan ./xsweep -p supported --rate 20000 --wait 2 -o "$out" 198.19.0.0/24
echo "demo: $(wc -l <"$out") records in $out; one of them:"
head -n 1 "$out" | python3 -m json.tool
python3 -c '
import json, sys, collections
recs = [json.loads(l) for l in open(sys.argv[1])]
ports = collections.Counter(r["port"] for r in recs if r["status"] == "open")
sev = collections.Counter(r["severity"] for r in recs)
print("demo: open endpoints by port:", ", ".join("%d: %d" % kv for kv in sorted(ports.items())))
print("demo: records by severity:", ", ".join("%s: %d" % kv for kv in sorted(sev.items())))' "$out"
