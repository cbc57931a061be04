#!/usr/bin/env bash
# Recorder throughput: a bare nats.c async subscriber vs `evtape record` (compression on), each
# against the same publisher and nats-server, in one run, ROUNDS (default 3) interleaved rounds.
# Prints the median msgs/s of each, the ratio, losses, the recorder's peak RSS, the compression
# ratio and how many chunks were stored uncompressed. Usage: bash bench/record.sh [BUILD_DIR] [N]
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

ROUNDS=${ROUNDS:-3}
median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
echo "$ROUNDS interleaved rounds per size (bare, then recorder); medians"
printf '%-8s %-10s %12s %12s %7s %10s %10s %6s %14s\n' size N bare_msg/s record_msg/s ratio lost peak_RSS zstd stored_behind
for SIZE in ${SIZES:-300 1536}; do
  : > "$TMP/bare"; : > "$TMP/rec"; : > "$TMP/lost"; : > "$TMP/rss"; : > "$TMP/z"; : > "$TMP/behind"
  for _ in $(seq "$ROUNDS"); do
    "$BENCH" sub "$URL" "$SUBJ" "$N" > "$TMP/sub.out" &
    BPID=$!
    wait_for "$TMP/sub.out" ready
    "$BENCH" pub "$URL" "$SUBJ" "$N" "$SIZE" > "$TMP/pub1.out"
    wait $BPID
    grep -o 'rate=[0-9]*' "$TMP/sub.out" | cut -d= -f2 >> "$TMP/bare"
    BMSGS=$(grep -o 'msgs=[0-9]*' "$TMP/sub.out" | cut -d= -f2)
    [ "$BMSGS" = "$N" ] || echo "  bare subscriber received $BMSGS of $N" >&2

    REC="$TMP/rec-$SIZE"
    # shellcheck disable=SC2086  # RECORD_ARGS: extra recorder options, e.g. "--zstd-level 3"
    /usr/bin/time -v "$EVTAPE" record -s "$URL" -o "$REC" --count "$N" ${RECORD_ARGS:-} 2> "$TMP/rec.err" &
    RPID=$!
    wait_for "$TMP/rec.err" "evtape record: recording"
    "$BENCH" pub "$URL" "$SUBJ" "$N" "$SIZE" > "$TMP/pub2.out"
    wait $RPID || true
    "$BENCH" rate "$REC" > "$TMP/rate.out"
    grep -o 'rate=[0-9]*' "$TMP/rate.out" | cut -d= -f2 >> "$TMP/rec"
    grep -o 'lost=[0-9]*' "$TMP/rate.out" | cut -d= -f2 >> "$TMP/lost"
    grep -o 'ratio=[0-9.]*' "$TMP/rate.out" | cut -d= -f2 >> "$TMP/z"
    echo $(( $(grep 'Maximum resident' "$TMP/rec.err" | grep -o '[0-9]*$') / 1024 )) >> "$TMP/rss"
    (grep -o '[0-9]* of [0-9]* chunks stored' "$TMP/rec.err" || echo "0 of 0") | awk '{print $1 "/" $3}' >> "$TMP/behind"
    grep 'evtape record: ' "$TMP/rec.err" | grep -v 'recording\|stored uncompressed' | sed 's/^/  /'
    rm -rf "$REC"
  done
  BARE=$(median < "$TMP/bare"); RATE=$(median < "$TMP/rec")
  RATIO=$(awk -v a="$RATE" -v b="$BARE" 'BEGIN { if (b > 0) printf "%.0f%%", 100 * a / b; else print "n/a" }')
  printf '%-8s %-10s %12s %12s %7s %10s %10s %6s %14s\n' "${SIZE}B" "$N" "$BARE" "$RATE" "$RATIO" \
    "$(sort -n "$TMP/lost" | tail -1)" "$(sort -n "$TMP/rss" | tail -1)MiB" "$(median < "$TMP/z")x" \
    "$(tr '\n' ' ' < "$TMP/behind")"
  echo "  rounds: bare $(tr '\n' ' ' < "$TMP/bare")/ record $(tr '\n' ' ' < "$TMP/rec")"
done
echo "lost: most messages lost in any round (0 = every message recorded); peak_RSS: largest of the rounds"
echo "stored_behind: chunks stored uncompressed (compression off while the buffer was filling) / all chunks, per round"
echo "recorder memory bound: --buffer (default 512MiB of queued messages) + ~20MiB of chunks in flight"
