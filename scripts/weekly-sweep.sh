#!/bin/sh
# One sweep of /etc/xsweep/NAME.conf into the history database /var/lib/xsweep/NAME.db, keeping the
# newest KEEP finished sweeps (default 12). For cron (see xsweep.cron); the systemd timer runs
# xsweep directly. Refuses to start while the previous sweep of NAME still runs.
#   usage: weekly-sweep.sh NAME [KEEP]
# The last sweep's records also go to /var/lib/xsweep/NAME.last.jsonl.
# Environment (for tests and unusual layouts): XSWEEP, XSWEEP_CONF_DIR, XSWEEP_STATE_DIR.
set -u

usage() { echo "usage: weekly-sweep.sh NAME [KEEP]" >&2; exit 2; }
if [ $# -lt 1 ] || [ $# -gt 2 ]; then usage; fi
name=$1
keep=${2:-12}
case $name in
    ''|.*|*[!A-Za-z0-9_.@-]*) echo "weekly-sweep: invalid name \"$name\": letters, digits, . _ @ -" >&2; exit 2 ;;
esac
case $keep in
    ''|*[!0-9]*) echo "weekly-sweep: invalid KEEP \"$keep\": give a number (0 keeps every sweep)" >&2; exit 2 ;;
esac

xsweep=${XSWEEP:-@BINDIR@/xsweep}   # @BINDIR@: set by make install
conf=${XSWEEP_CONF_DIR:-/etc/xsweep}/$name.conf
state=${XSWEEP_STATE_DIR:-/var/lib/xsweep}
[ -r "$conf" ] || { echo "weekly-sweep: cannot read $conf" >&2; exit 1; }
umask 077
mkdir -p "$state" || exit 1

# flock(1) from util-linux: -n fails at once (status 75) when the last run still holds the lock.
flock -n -E 75 "$state/$name.lock" \
    "$xsweep" -c "$conf" --db "$state/$name.db" --keep "$keep" >"$state/$name.last.jsonl"
rc=$?
[ $rc -eq 75 ] && echo "weekly-sweep: the previous sweep of $name is still running; skipped" >&2
exit $rc
