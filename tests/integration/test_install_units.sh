#!/usr/bin/env bash
# `make install` and the weekly units as an operator meets them: installed paths follow PREFIX
# (objects are rebuilt for another PREFIX, never reused), the release binary is hardened, the
# systemd unit verifies, and its first run works as systemd would start it: working directory
# and output in the state directory, everything else read-only.
source "$(dirname "$0")/lib.sh"
cd "$ROOT"

echo "-- make install for two prefixes"
P1=$WORK/p1 P2=$WORK/p2
make -s install PREFIX="$P1" >"$WORK/i1.log" 2>&1; rc1=$?
make -s install PREFIX="$P2" >"$WORK/i2.log" 2>&1; rc2=$?
check "both installs succeed ($rc1, $rc2)" [ $rc1 = 0 -a $rc2 = 0 ]
check "each binary looks for its data under its own PREFIX" \
    bash -c "strings '$P1/bin/xsweep' | grep -qx '$P1/share/xsweep' && strings '$P2/bin/xsweep' | grep -qx '$P2/share/xsweep' && ! strings '$P2/bin/xsweep' | grep -q '$P1'"
check "the service starts the installed binary" \
    grep -q "^ExecStart=$P2/bin/xsweep " "$P2/lib/xsweep/xsweep-sweep@.service"
check "the cron line runs the installed wrapper" \
    grep -qE "^[0-9]+ +[0-9]+ +\* +\* +0 +root +$P2/lib/xsweep/weekly-sweep\.sh " "$P2/lib/xsweep/xsweep.cron"
check "the wrapper defaults to the installed binary" \
    grep -q "^xsweep=\${XSWEEP:-$P2/bin/xsweep}" "$P2/lib/xsweep/weekly-sweep.sh"
check "no @PLACEHOLDER@ is left in what was installed" \
    bash -c "! grep -rq '@[A-Z]*DIR@' '$P2/lib/xsweep'"

echo "-- the release binary is hardened"
readelf -W -h -d -l --dyn-syms "$ROOT/xsweep" >"$WORK/elf.txt" 2>/dev/null
check "PIE" grep -q 'Type: *DYN' "$WORK/elf.txt"
check "full RELRO (GNU_RELRO and BIND_NOW)" \
    bash -c "grep -q GNU_RELRO '$WORK/elf.txt' && grep -qE 'BIND_NOW|FLAGS_1.*NOW' '$WORK/elf.txt'"
check "stack protector" grep -q __stack_chk_fail "$WORK/elf.txt"
check "fortified libc calls" grep -qE '__[a-z_]+_chk' <(grep -v __stack_chk "$WORK/elf.txt")

if command -v systemd-analyze >/dev/null; then
    SR=$WORK/sysroot
    mkdir -p "$SR$P2/bin" "$SR/etc/systemd/system" "$SR/usr/lib/systemd"
    cp -a /usr/lib/systemd/system "$SR/usr/lib/systemd/"
    cp "$P2/bin/xsweep" "$SR$P2/bin/"
    cp "$P2/lib/xsweep/xsweep-sweep@.service" "$P2/lib/xsweep/xsweep-sweep@.timer" "$SR/etc/systemd/system/"
    systemd-analyze verify --man=no --root="$SR" xsweep-sweep@lab.service xsweep-sweep@lab.timer >"$WORK/v.txt" 2>&1
    rc=$?
    check "systemd-analyze verify on the installed units: clean ($(head -c 300 "$WORK/v.txt"))" \
        bash -c "[ $rc = 0 ] && [ ! -s '$WORK/v.txt' ]"
else
    fail "systemd-analyze is not installed (scripts/install-deps.sh installs systemd)"
fi

echo "-- the unit's first run, as systemd starts it (state directory writable, the rest read-only)"
testbed_up xsiu --answer --listen 80
unit=$P2/lib/xsweep/xsweep-sweep@.service
# systemd's StateDirectory= and the configuration, moved under $WORK; %i and ${XSWEEP_KEEP} expanded.
STATE=$WORK/state; mkdir -p "$STATE" "$WORK/etc"
printf 'ports = 80\nrate = 5000\nwait = 1\nno-http = true\ntarget = 198.19.4.0/28\n' >"$WORK/etc/lab.conf"
workdir=$(sed -n 's/^WorkingDirectory=//p' "$unit" | sed "s#/var/lib/xsweep#$STATE#")
cmd=$(sed -n 's/^ExecStart=//p' "$unit" | sed -e 's/%i/lab/g' -e 's/${XSWEEP_KEEP}/12/' \
      -e "s#/var/lib/xsweep#$STATE#g" -e "s#/etc/xsweep#$WORK/etc#g")
check "the unit names a working directory ($workdir)" [ "$workdir" = "$STATE" ]
# A private mount namespace: / read-only (ProtectSystem=strict), the state directory writable.
in_scan unshare --mount -- bash -c "mount --make-rprivate / && mount --bind '$STATE' '$STATE' &&
    mount -o remount,bind,ro / && cd '$workdir' && exec $cmd" >"$WORK/run.out" 2>"$WORK/run.err"
rc=$?
n=$(wc -l <"$STATE/lab.last.jsonl" 2>/dev/null || echo 0)
check "first run exits 0 ($rc: $(head -c 300 "$WORK/run.err"))" [ $rc = 0 ]
check "its records are in the state directory ($n of 16)" [ "$n" = 16 ]
check "its history database is in the state directory" [ -s "$STATE/lab.db" ]
finish
