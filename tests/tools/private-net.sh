#!/usr/bin/env bash
# private-net.sh CMD...: runs CMD in a new network namespace holding only `lo` (brought up here).
# Loopback suites run this way, so their servers' ports cannot collide with a concurrent run's
# and nothing they start can reach any network.
set -eu
exec unshare --net -- bash -c 'ip link set lo up && exec "$@"' _ "$@"
