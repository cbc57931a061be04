#!/usr/bin/env bash
# Recorder throughput: a bare nats.c async subscriber vs `evtape record` (compression on), each
# against the same publisher and nats-server, in one run. Prints msgs/s of each, the ratio,
# drops/gaps and the recorder's peak RSS. Usage: bash bench/record.sh [BUILD_DIR] [N]
set -euo pipefail
BUILD=${1:-build}
N=${2:-1000000}
EVTAPE=$BUILD/evtape
BENCH=$BUILD/bench/record_bench
[ -x "$EVTAPE" ] && [ -x "$BENCH" ] || { echo "build first: $EVTAPE, $BENCH" >&2; exit 1; }
TMP=$(mktemp -d)
SPID=""
cleanup() { [ -n "$SPID" ] && kill -INT "$SPID" 2>/dev/null; wait 2>/dev/null || true; rm -rf "$TMP"; }
trap cleanup EXIT

nats-server -a 127.0.0.1 -p -1 --ports_file_dir "$TMP" -l "$TMP/server.log" &
SPID=$!
for _ in $(seq 1000); do [ -s "$TMP/nats-server_$SPID.ports" ] && break; sleep 0.01; done
URL=$(grep -o 'nats://[0-9.:]*' "$TMP/nats-server_$SPID.ports")
SUBJ=wasmbus.evt.default.host_heartbeat

wait_for() {  # file pattern
  for _ in $(seq 3000); do grep -q "$2" "$1" 2>/dev/null && return 0; sleep 0.01; done
  echo "timeout waiting for '$2' in $1" >&2; return 1
}

printf '%-8s %-10s %12s %12s %7s %8s %10s %6s\n' size N bare_msg/s record_msg/s ratio drops peak_RSS zstd
for SIZE in ${SIZES:-300 1536}; do
  "$BENCH" sub "$URL" "$SUBJ" "$N" > "$TMP/sub.out" &
  BPID=$!
  wait_for "$TMP/sub.out" ready
  "$BENCH" pub "$URL" "$SUBJ" "$N" "$SIZE" > "$TMP/pub1.out"
  wait $BPID
  BARE=$(grep -o 'rate=[0-9]*' "$TMP/sub.out" | cut -d= -f2)
  BDROPS=$(grep -o 'drops=[0-9]*' "$TMP/sub.out" | cut -d= -f2)
  BMSGS=$(grep -o 'msgs=[0-9]*' "$TMP/sub.out" | cut -d= -f2)

  REC="$TMP/rec-$SIZE"
  # shellcheck disable=SC2086  # RECORD_ARGS: extra recorder options, e.g. "--zstd-level 3"
  /usr/bin/time -v "$EVTAPE" record -s "$URL" -o "$REC" --count "$N" ${RECORD_ARGS:-} 2> "$TMP/rec.err" &
  RPID=$!
  wait_for "$TMP/rec.err" "evtape record: recording"
  "$BENCH" pub "$URL" "$SUBJ" "$N" "$SIZE" > "$TMP/pub2.out"
  wait $RPID || true
  "$BENCH" rate "$REC" > "$TMP/rate.out"
  RATE=$(grep -o 'rate=[0-9]*' "$TMP/rate.out" | cut -d= -f2)
  RMSGS=$(grep -o 'msgs=[0-9]*' "$TMP/rate.out" | cut -d= -f2)
  LOST=$(grep -o 'lost=[0-9]*' "$TMP/rate.out" | cut -d= -f2)
  GAPS=$(grep -o 'gaps=[0-9]*' "$TMP/rate.out" | cut -d= -f2)
  ZRATIO=$(grep -o 'ratio=[0-9.]*' "$TMP/rate.out" | cut -d= -f2)
  RSS=$(grep 'Maximum resident' "$TMP/rec.err" | grep -o '[0-9]*$')
  RATIO=$(awk -v a="$RATE" -v b="$BARE" 'BEGIN { if (b > 0) printf "%.0f%%", 100 * a / b; else print "n/a" }')
  printf '%-8s %-10s %12s %12s %7s %8s %10s %6s\n' "${SIZE}B" "$N" "$BARE" "$RATE" "$RATIO" \
    "b$BDROPS/r$LOST" "$((RSS / 1024))MiB" "${ZRATIO}x"
  [ "$BMSGS" = "$N" ] || echo "  bare subscriber received $BMSGS of $N" >&2
  [ "$RMSGS" = "$N" ] || echo "  recorder captured $RMSGS of $N ($GAPS gaps)" >&2
  grep 'evtape record: ' "$TMP/rec.err" | grep -v recording | sed 's/^/  /'
  rm -rf "$REC"
done
echo "recorder memory bound: --buffer (default 512MiB of queued messages) + one chunk being compressed"
