#!/usr/bin/env bash
# The ring's cost at a lattice's live pace: one synthetic lattice (50 hosts) published once at
# 1x by bench/pace_publisher into one nats-server, recorded at the same time by a plain
# `evtape record` and by `evtape record --ring RING` (default 20s, so that it rotates and
# deletes during the run). Prints, for both, CPU (utime + stime, % of one core), voluntary
# context switches per second (wake-ups) and bytes on disk at the end, and the ring/plain
# ratios. Measured, never asserted.
#   bash bench/ring.sh [BUILD_DIR]        LIVE=60s RING=20s environment knobs
set -euo pipefail
BUILD=${1:-build}
LIVE=${LIVE:-60s}
RING=${RING:-20s}
EVTAPE=$BUILD/evtape
PUB=$BUILD/bench/pace_publisher
[ -x "$EVTAPE" ] && [ -x "$PUB" ] || { echo "build first: $EVTAPE, $PUB" >&2; exit 1; }
TMP=$(mktemp -d)
SPID="" APID="" BPID=""
cleanup() {
  for p in $APID $BPID $SPID; do kill -INT "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$TMP"
}
trap cleanup EXIT

wait_for() {  # file pattern
  for _ in $(seq 3000); do grep -q "$2" "$1" 2>/dev/null && return 0; sleep 0.01; done
  echo "timeout waiting for '$2' in $1" >&2; return 1
}
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
vcsw() { cat /proc/"$1"/task/*/status 2>/dev/null | awk '/^voluntary_ctxt_switches/ { s += $2 } END { print s + 0 }'; }
disk_bytes() { find "$1" -type f -name '*.seg*' -printf '%s\n' | awk '{ s += $1 } END { print s + 0 }'; }

nats-server -a 127.0.0.1 -p -1 --ports_file_dir "$TMP" -l "$TMP/server.log" &
SPID=$!
for _ in $(seq 1000); do [ -s "$TMP/nats-server_$SPID.ports" ] && break; sleep 0.01; done
URL=$(grep -o 'nats://[0-9.:]*' "$TMP/nats-server_$SPID.ports")
"$EVTAPE" synth --hosts 50 --components 100 --providers 100 --seed 3 --duration "$LIVE" \
  -o "$TMP/src" 2> /dev/null
"$EVTAPE" record -s "$URL" -o "$TMP/plain" --subject 'wasmbus.evt.>' 2> "$TMP/a.err" &
APID=$!
"$EVTAPE" record -s "$URL" -o "$TMP/ring" --subject 'wasmbus.evt.>' --ring "$RING" 2> "$TMP/b.err" &
BPID=$!
wait_for "$TMP/a.err" "evtape record: recording"
wait_for "$TMP/b.err" "evtape record: recording"
CA0=$(cpu_ticks $APID); CB0=$(cpu_ticks $BPID); WA0=$(vcsw $APID); WB0=$(vcsw $BPID)
T0=$(date +%s%N)
"$PUB" pub "$URL" "$TMP/src" 1 > /dev/null
T1=$(date +%s%N)
CA1=$(cpu_ticks $APID); CB1=$(cpu_ticks $BPID); WA1=$(vcsw $APID); WB1=$(vcsw $BPID)
kill -INT $APID $BPID; wait $APID $BPID || true; APID="" BPID=""
HZ=$(getconf CLK_TCK)
awk -v ca=$((CA1 - CA0)) -v cb=$((CB1 - CB0)) -v wa=$((WA1 - WA0)) -v wb=$((WB1 - WB0)) \
    -v hz="$HZ" -v ns=$((T1 - T0)) -v da="$(disk_bytes "$TMP/plain")" \
    -v db="$(disk_bytes "$TMP/ring")" -v ring="$RING" 'BEGIN {
  s = ns / 1e9
  printf "live run: %.1f s\n", s
  printf "plain record:     CPU %.2f%% of one core, %.1f wake-ups/s, %d bytes on disk\n", 100 * ca / hz / s, wa / s, da
  printf "record --ring %s: CPU %.2f%% of one core, %.1f wake-ups/s, %d bytes on disk\n", ring, 100 * cb / hz / s, wb / s, db
  printf "ratio ring/plain: CPU %.2f, wake-ups %.2f\n", (ca > 0 ? cb / ca : 0), (wa > 0 ? wb / wa : 0)
}'
grep -h "ring keeps" "$TMP/b.err" || true
