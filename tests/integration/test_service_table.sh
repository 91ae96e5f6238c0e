#!/usr/bin/env bash
# The one service table: `xsweep --list-probes` (the C table) and the man page's SERVICE TABLE
# agree row by row (name, nmap name, HTTP, TLS, first probe); `--list-checks` lists every rule
# of both shipped rule files, the services rules in their own section. No network.
source "$(dirname "$0")/lib.sh"

"$XSWEEP" --list-probes >"$WORK/probes.txt"; rc=$?
check "--list-probes exits 0" [ $rc = 0 ]
man_table() { sed -n '/^\.SH SERVICE TABLE/,/^\.SH PROBES/p' "$ROOT/man/xsweep.1" | sed -n '/^\.nf/,/^\.fi/p'; }
man_table >"$WORK/man.txt"
python3 - "$WORK/probes.txt" "$WORK/man.txt" >"$WORK/py.out" <<'PY'
import re, sys
rows = []
on = False
for l in open(sys.argv[1]):
    if l.startswith("Service table"): on = True; continue
    if not on or not l.strip() or l.split()[0] == "PORT": continue
    f = l.split()
    # PORT NAME... NMAP HTTP TLS FIRST FALLBACKS: the name may hold spaces
    port, tail = f[0], f[1:]
    fb, first, tls, http, nmap = tail[-1], tail[-2], tail[-3], tail[-4], tail[-5]
    if all(r[0] != int(port) for r in rows):   # a port listed twice resolves to its first row
        rows.append((int(port), " ".join(tail[:-5]), nmap, http, tls, first, fb))
man = {}
pending = []
for l in open(sys.argv[2]):
    if l.startswith(".") or not l.strip() or l.split()[0] == "PORT": continue
    toks = l.split()
    ports = []
    while toks and toks[0].isdigit():
        ports.append(int(toks.pop(0)))
    if not toks:                 # a line of ports only: the row follows on the next line
        pending += ports; continue
    ports = pending + ports; pending = []
    for p in ports: man.setdefault(p, " ".join(toks))
ok = bad = 0
for port, name, nmap, http, tls, first, fb in rows:
    m = man.get(port, "")
    good = m.startswith(name + " ") and f" {nmap} " in f" {m} " and \
        re.search(rf"\b{http}\s+{tls}\s+{re.escape(first)}\s+{re.escape(fb)}(\s|$)", m)
    if good: ok += 1
    else:
        bad += 1; print(f"  FAIL man page row for {port} ({name} {nmap} {http} {tls} {first} {fb}): {m!r}")
print(f"  ok   {ok} of {len(rows)} service-table rows agree with the man page" if not bad else "")
print(f"PY {1 if not bad else 0} {1 if bad else 0}")
PY
grep -v '^PY ' "$WORK/py.out" | grep -v '^$'
read -r _ pok pbad < <(grep '^PY ' "$WORK/py.out" || echo "PY 0 1")
PASSED=$((PASSED + pok)); FAILED=$((FAILED + pbad))
check "990 is FTPS, TLS first, not SFTP" grep -qE '^  990 +FTPS +ftps +no +first +tls' "$WORK/probes.txt"
check "no SFTP row anywhere" bash -c "! grep -q SFTP '$WORK/probes.txt'"

"$XSWEEP" --list-checks >"$WORK/checks.txt"; rc=$?
check "--list-checks exits 0" [ $rc = 0 ]
for f in rules services; do
    missing=0
    for id in $(awk '$1 == "rule" { print $2 }' "$ROOT/data/hostcfg/$f.txt"); do
        grep -qE "^  $id " "$WORK/checks.txt" || { missing=$((missing + 1)); echo "    missing $id"; }
    done
    check "--list-checks lists every rule of hostcfg/$f.txt" [ $missing = 0 ]
done
check "services rules in a section of their own, after the HTTP ones" \
    awk '/^HTTP host configuration/ { h = NR } /^Non-HTTP service checks/ { s = NR } END { exit !(h && s > h) }' "$WORK/checks.txt"
"$XSWEEP" --list-checks --service-rules /nonexistent >/dev/null 2>"$WORK/err.txt"; rc=$?
check "a missing services rule file is one error line and exit 2" [ $rc = 2 ] && [ "$(wc -l <"$WORK/err.txt")" = 1 ]
finish
