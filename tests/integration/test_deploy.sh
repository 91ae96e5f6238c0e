#!/usr/bin/env bash
# deploy/: the Kubernetes manifests parse with kubectl (offline: --local, in a network namespace
# of its own, so nothing can reach a cluster) and have the structure the fleet needs; the Indexed
# Job's command maps JOB_COMPLETION_INDEX 0..N-1 to --shard 1/N..N/N; the Dockerfile is Debian 12,
# ships every library the binary links and grants CAP_NET_RAW/CAP_NET_ADMIN and nothing else.
source "$(dirname "$0")/lib.sh"
D=$ROOT/deploy

echo "-- kubectl reads every manifest (offline)"
if command -v kubectl >/dev/null; then
    for f in "$D"/k8s/*.yaml; do
        bash "$ROOT/tests/tools/private-net.sh" kubectl label --local --dry-run=client -o json \
            -f "$f" checked=yes >"$WORK/$(basename "$f").json" 2>"$WORK/k.err"
        check "kubectl parses $(basename "$f")" [ $? = 0 ]
    done
else
    echo "  skip kubectl not installed (apt-get install kubernetes-client)"
fi

echo "-- structure"
python3 - "$D/k8s" <<'PY' && pass "Job, CronJob, ConfigMap: the fields the fleet relies on" || fail "manifest structure"
import sys, yaml, re, os
d = sys.argv[1]
docs = {}
for f in os.listdir(d):
    for doc in yaml.safe_load_all(open(os.path.join(d, f))):
        docs[doc["kind"]] = doc
assert set(docs) >= {"Namespace", "ConfigMap", "Job", "CronJob"}, set(docs)
job, cron = docs["Job"], docs["CronJob"]
assert job["apiVersion"] == cron["apiVersion"] == "batch/v1"
for spec in (job["spec"], cron["spec"]["jobTemplate"]["spec"]):
    assert spec["completionMode"] == "Indexed"
    n = spec["completions"]
    assert spec["parallelism"] == n
    pod = spec["template"]["spec"]
    assert pod["restartPolicy"] == "Never" and pod["automountServiceAccountToken"] is False
    (c,) = pod["containers"]
    cmd = " ".join(c["args"])
    assert "JOB_COMPLETION_INDEX + 1))/%d" % n in cmd, cmd
    assert '--db "$XSWEEP_DB"' in cmd
    env = {e["name"]: e for e in c["env"]}
    assert env["XSWEEP_DB"]["value"].startswith("host=") and "password" not in env["XSWEEP_DB"]["value"]
    assert "secretKeyRef" in env["PGPASSWORD"]["valueFrom"]
    sc = c["securityContext"]
    assert sc["capabilities"] == {"drop": ["ALL"], "add": ["NET_RAW", "NET_ADMIN"]}, sc
    assert sc["runAsNonRoot"] is True and sc["runAsUser"] != 0 and sc["readOnlyRootFilesystem"] is True
    assert "privileged" not in sc
    mounts = {m["mountPath"] for m in c["volumeMounts"]}
    assert {"/etc/xsweep", "/work"} <= mounts
assert cron["spec"]["jobTemplate"]["spec"] == job["spec"], "the CronJob runs the same Job"
assert re.fullmatch(r"\S+ \S+ \S+ \S+ \S+", cron["spec"]["schedule"])
assert cron["spec"]["concurrencyPolicy"] == "Forbid"
conf = docs["ConfigMap"]["data"]["sweep.conf"]
assert re.search(r"^seed = \d+$", conf, re.M), "every shard needs the same seed"
assert re.search(r"^target = 198\.18\.0\.0/15$", conf, re.M)
PY

echo "-- the Job's command, pod by pod"
args=$(python3 -c 'import yaml,sys; d=yaml.safe_load(open(sys.argv[1])); print(d["spec"]["template"]["spec"]["containers"][0]["args"][0])' "$D/k8s/job-indexed.yaml")
mkdir -p "$WORK/bin"
printf '#!/bin/sh\nfor a; do printf "[%%s]" "$a"; done; echo\n' >"$WORK/bin/xsweep"; chmod +x "$WORK/bin/xsweep"
got=$(for i in 0 1 2; do JOB_COMPLETION_INDEX=$i XSWEEP_DB="host=db dbname=x" sh -c "${args//\/usr\/local\/bin\/xsweep/$WORK/bin/xsweep}"; done)
check "pods 0,1,2 run --shard 1/3, 2/3, 3/3 with the database" [ "$got" = "$(for i in 1 2 3; do
    echo "[-c][/etc/xsweep/sweep.conf][--shard][$i/3][--db][host=db dbname=x][-o][/work/shard.json][--no-progress]"; done)" ]
check "the real binary accepts that command line (--dry-run)" \
    bash "$ROOT/tests/tools/private-net.sh" "$XSWEEP" -p 80 --shard 2/3 --seed 1 --no-progress --dry-run 198.18.0.0/30 -o "$WORK/dry.txt"

echo "-- Dockerfile"
check "Debian 12 base" grep -qE '^FROM debian:12(-slim)?$' "$D/Dockerfile"
check "the binary and its data are copied" bash -c "grep -q '^COPY xsweep /usr/local/bin/xsweep' '$D/Dockerfile' && grep -q '^COPY data/ /usr/local/share/xsweep/' '$D/Dockerfile'"
check "capabilities: exactly cap_net_raw and cap_net_admin" [ "$(grep -o 'setcap [^ ]*' "$D/Dockerfile")" = "setcap cap_net_raw,cap_net_admin=ep" ]
check "runs as a non-root user" grep -qE '^USER [1-9][0-9]*' "$D/Dockerfile"
missing=""
for lib in $(objdump -p "$XSWEEP" | awk '/NEEDED/ {print $2}'); do
    f=$(ldconfig -p | awk -v l="$lib" '$1 == l {print $NF; exit}')
    # merged /usr: dpkg knows the file under /usr/lib or /lib, whichever the package shipped
    pkg=$( { dpkg -S "$f" || dpkg -S "/usr$f" || dpkg -S "${f#/usr}"; } 2>/dev/null | head -1 | cut -d: -f1)
    case $pkg in libc6|libgcc-s1) continue ;; "") missing+="?($lib) "; continue ;; esac
    grep -q "\b$pkg\b" "$D/Dockerfile" || missing+="$pkg($lib) "
done
check "every library the binary links is installed in the image (missing: ${missing:-none})" [ -z "$missing" ]

finish
