#!/usr/bin/env bash
# Compression benchmark (the "live compression" issue): recording at any rate should compress
# about as well as zstd -19 of the same bytes offline, while kill -9 still loses at most the flush
# interval. In one run, prints ratios = raw bytes (sum over frames of subject + reply + headers +
# payload) / bytes on disk (sum of the recording's file sizes) for:
#   1. live pace: `evtape synth` of a 50-host lattice for LIVE (default 2m) published at its
#      recorded pace by bench/pace_publisher (plain nats.c) into `evtape record` (default
#      options), stopped with SIGINT once it holds every frame;
#   2. gzip -6 / zstd -19 of the same bytes offline: payloads only (`cat --payload-only`) and the
#      frame stream as `evtape cat` prints it (JSON lines);
#   3. one hour of the same lattice published as one burst into `evtape record`, and the same
#      gzip / zstd figures;
#   4. offline writers: synth's own output, and slice (two halves) / merge (of those halves) /
#      recover / import (of cat output) / redact of the hour recording;
#   5. an idle recorder's wake-ups per second (voluntary context switches of all its threads
#      from 2 s to 12 s after it started; goal <= 10/s). It runs alongside 1 on a subject that
#      gets no traffic ('idle.>'), to save the wall time;
#   6. the recorder's CPU (utime + stime) during the live run, in % of one core, and how long it
#      took to stop (the stop compacts the last segment).
# The gzip/zstd figures of 3 are computed alongside 4. Figures are measured, never asserted.
# Takes ~4 minutes (LIVE=30s for a shorter run).
#   bash bench/compression.sh [BUILD_DIR]        LIVE=2m HOUR=1h ZSTD_ARGS="-19" environment knobs
set -euo pipefail
BUILD=${1:-build}
LIVE=${LIVE:-2m}
HOUR=${HOUR:-1h}
EVTAPE=$BUILD/evtape
PUB=$BUILD/bench/pace_publisher
[ -x "$EVTAPE" ] && [ -x "$PUB" ] || { echo "build first: $EVTAPE, $PUB" >&2; exit 1; }
for t in gzip zstd nats-server; do
  command -v "$t" >/dev/null || { echo "missing $t (apt-get install -y $t)" >&2; exit 1; }
done
TMP=$(mktemp -d)
SPID="" RPID="" IPID=""
cleanup() {
  [ -n "$RPID" ] && kill -INT "$RPID" 2>/dev/null
  [ -n "$IPID" ] && kill -INT "$IPID" 2>/dev/null
  [ -n "$SPID" ] && kill -INT "$SPID" 2>/dev/null
  wait 2>/dev/null || true
  rm -rf "$TMP"
}
trap cleanup EXIT
trap 'echo "compression.sh: failed at line $LINENO: $BASH_COMMAND" >&2' ERR

run() { echo "+ $*" >&2; "$@"; }  # prints each command before running it
now_ns() { date +%s%N; }
wait_for() {  # file pattern
  for _ in $(seq 3000); do grep -q "$2" "$1" 2>/dev/null && return 0; sleep 0.01; done
  echo "timeout waiting for '$2' in $1" >&2; return 1
}
disk_bytes() { find "$1" -type f -printf '%s\n' | awk '{ s += $1 } END { print s + 0 }'; }
raw_bytes() { "$PUB" stat "$1" | sed 's/.*raw=//'; }
frames_of() { "$PUB" stat "$1" | sed 's/frames=\([0-9]*\).*/\1/'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.1fx", a / b; else print "n/a" }'; }
ROWS=$TMP/rows
row() { printf '%-44s %8s %12s %12s %8s\n' "$@" >> "$ROWS"; }  # name frames raw stored ratio
rec_row() {  # name REC
  local raw disk
  raw=$(raw_bytes "$2"); disk=$(disk_bytes "$2")
  row "$1" "$(frames_of "$2")" "$raw" "$disk" "$(ratio "$raw" "$disk")"
}
tool_rows() {  # label REC: gzip -6 / zstd -19 of payloads and of cat's JSON lines
  local raw n p j
  raw=$(raw_bytes "$2"); n=$(frames_of "$2")
  run "$EVTAPE" cat "$2" --payload-only > "$TMP/payloads"
  run "$EVTAPE" cat "$2" > "$TMP/frames.jsonl"
  for f in payloads frames.jsonl; do
    p=$(nice gzip -6 -c "$TMP/$f" | wc -c)
    j=$(nice zstd "${ZSTD_ARGS:--19}" -T1 -q -c "$TMP/$f" | wc -c)
    row "$1 gzip -6 of $f" "$n" "$raw" "$p" "$(ratio "$raw" "$p")"
    row "$1 zstd ${ZSTD_ARGS:--19} of $f" "$n" "$raw" "$j" "$(ratio "$raw" "$j")"
  done
  echo "  ($1: cat JSON lines $(wc -c < "$TMP/frames.jsonl") B, payloads $(wc -c < "$TMP/payloads") B;" \
    "tool ratios use the frames' raw bytes, not the text's size)" >> "$TMP/notes"
}
info_frames() {  # frames readable in REC now (the open segment included)
  "$EVTAPE" info --json "$1" 2>/dev/null | grep -o '"messages": *[0-9]*' | head -1 | grep -o '[0-9]*$' || echo 0
}
start_recorder() {  # REC SUBJECT
  "$EVTAPE" record -s "$URL" -o "$1" --subject "$2" 2> "$TMP/rec.err" &
  RPID=$!
  echo "+ $EVTAPE record -s $URL -o $1 --subject '$2' &   (pid $RPID)" >&2
  wait_for "$TMP/rec.err" "evtape record: recording"
}
wait_frames() {  # REC N: until the recording holds N frames (flushed every 200 ms), at most 60 s
  local got=0
  for _ in $(seq 600); do
    got=$(info_frames "$1"); [ "$got" -ge "$2" ] && return 0; sleep 0.1
  done
  echo "recorder holds $got of $2 frames after 60 s" >&2; return 1
}
stop_recorder() {  # SIGINT, wait for the exit; STOP_SECS = seconds from SIGINT to exit
  local t0 t1 rc=0
  t0=$(now_ns)
  kill -INT "$RPID"
  wait "$RPID" || rc=$?
  t1=$(now_ns)
  RPID=""
  [ "$rc" -eq 0 ] || echo "  recorder exited $rc: $(tr '\n' ' ' < "$TMP/rec.err")" >> "$TMP/notes"
  STOP_SECS=$(awk -v n=$((t1 - t0)) 'BEGIN { printf "%.2f", n / 1e9 }')
}
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
vcsw() { cat /proc/"$1"/task/*/status 2>/dev/null | awk '/^voluntary_ctxt_switches/ { s += $2 } END { print s + 0 }'; }

nats-server -a 127.0.0.1 -p -1 --ports_file_dir "$TMP" -l "$TMP/server.log" &
SPID=$!
for _ in $(seq 1000); do [ -s "$TMP/nats-server_$SPID.ports" ] && break; sleep 0.01; done
URL=$(grep -o 'nats://[0-9.:]*' "$TMP/nats-server_$SPID.ports")
: > "$ROWS"; : > "$TMP/rows3"; : > "$TMP/rows4"; : > "$TMP/notes"
LATTICE=(--hosts 50 --components 100 --providers 100 --seed 3)

# 5 (run alongside 1, whose traffic it does not subscribe to). Idle wake-ups.
echo "== 5. idle recorder (subject idle.>, no traffic), alongside 1" >&2
"$EVTAPE" record -s "$URL" -o "$TMP/idle-rec" --subject 'idle.>' 2> "$TMP/idle.err" &
IPID=$!
echo "+ $EVTAPE record -s $URL -o $TMP/idle-rec --subject 'idle.>' &   (pid $IPID)" >&2
wait_for "$TMP/idle.err" "evtape record: recording"
( sleep 2; vcsw "$IPID" > "$TMP/w0"; ls /proc/"$IPID"/task | wc -l > "$TMP/nthreads"
  sleep 10; vcsw "$IPID" > "$TMP/w1" ) &
WPID=$!

# 1. Live pace.
echo "== 1. live pace ($LIVE of lattice time at 1x)" >&2
T_START=$(now_ns)
run "$EVTAPE" synth "${LATTICE[@]}" --duration "$LIVE" -o "$TMP/live-src" 2> "$TMP/synth.err"
LIVE_N=$(frames_of "$TMP/live-src")
start_recorder "$TMP/live-rec" 'wasmbus.evt.>'
HZ=$(getconf CLK_TCK)
C0=$(cpu_ticks "$RPID"); T0=$(now_ns)
run "$PUB" pub "$URL" "$TMP/live-src" 1 > "$TMP/pub.out"
wait_frames "$TMP/live-rec" "$LIVE_N"
C1=$(cpu_ticks "$RPID"); T1=$(now_ns)
stop_recorder; LIVE_STOP=$STOP_SECS
LIVE_CPU=$(awk -v c=$((C1 - C0)) -v hz="$HZ" -v ns=$((T1 - T0)) 'BEGIN { printf "%.2f", 100 * c / hz / (ns / 1e9) }')
LIVE_SECS=$(awk -v ns=$((T1 - T0)) 'BEGIN { printf "%.1f", ns / 1e9 }')
echo "  live: $LIVE_N events over ${LIVE} ($(cat "$TMP/pub.out")); recorder stopped in ${LIVE_STOP} s" \
  >> "$TMP/notes"
grep 'evtape record: ' "$TMP/rec.err" | grep -v 'recording' | sed 's/^/    /' >> "$TMP/notes" || true
rec_row "1. evtape record, live pace ($LIVE)" "$TMP/live-rec"

wait "$WPID"
kill -INT "$IPID"; wait "$IPID" || true; IPID=""
W0=$(cat "$TMP/w0"); W1=$(cat "$TMP/w1"); NTHREADS=$(cat "$TMP/nthreads")

# 2. The same bytes offline.
echo "== 2. gzip / zstd of the live bytes" >&2
tool_rows "2. live" "$TMP/live-rec"

# 3. One hour as one burst.
echo "== 3. $HOUR of lattice time as one burst" >&2
run "$EVTAPE" synth "${LATTICE[@]}" --duration "$HOUR" -o "$TMP/hour-src" 2> "$TMP/synth.err"
HOUR_N=$(frames_of "$TMP/hour-src")
start_recorder "$TMP/hour-rec" 'wasmbus.evt.>'
run "$PUB" pub "$URL" "$TMP/hour-src" 0 > "$TMP/pub.out"
wait_frames "$TMP/hour-rec" "$HOUR_N"
stop_recorder; HOUR_STOP=$STOP_SECS
echo "  hour: $HOUR_N events ($(cat "$TMP/pub.out")); recorder stopped in ${HOUR_STOP} s" >> "$TMP/notes"
grep 'evtape record: ' "$TMP/rec.err" | grep -v 'recording' | sed 's/^/    /' >> "$TMP/notes" || true
rec_row "3. evtape record, $HOUR as one burst" "$TMP/hour-rec"
( ROWS=$TMP/rows3; tool_rows "3. $HOUR" "$TMP/hour-rec" ) &  # alongside 4 (2 cores)
TPID=$!

# 4. Offline writers.
echo "== 4. offline writers" >&2
H=$TMP/hour-rec
ROWS=$TMP/rows4
rec_row "4. synth ($HOUR)" "$TMP/hour-src"
# Split at the receive time of the middle frame (--to is exclusive, --from inclusive): the
# recording's times are when the recorder received the burst, not the lattice's times.
HALF=$("$EVTAPE" cat "$H" | sed -n "$((HOUR_N / 2 + 1))p" | sed -n 's/^{"seq":[0-9]*,"time":"\([^"]*\)".*/\1/p')
run nice "$EVTAPE" slice "$H" --to "$HALF" -o "$TMP/half1" 2>/dev/null
run nice "$EVTAPE" slice "$H" --from "$HALF" -o "$TMP/half2" 2>/dev/null
rec_row "4. slice (first half, --to T)" "$TMP/half1"
rec_row "4. slice (second half, --from T)" "$TMP/half2"
run nice "$EVTAPE" merge "$TMP/half1" "$TMP/half2" -o "$TMP/merge" 2>/dev/null
rec_row "4. merge (two halves of $HOUR)" "$TMP/merge"
run nice "$EVTAPE" recover "$H" -o "$TMP/recover" 2>/dev/null
rec_row "4. recover ($HOUR)" "$TMP/recover"
run "$EVTAPE" cat "$H" > "$TMP/hour.jsonl"
run nice "$EVTAPE" import "$TMP/hour.jsonl" -o "$TMP/import" 2>/dev/null
rec_row "4. import (of cat output, $HOUR)" "$TMP/import"
run nice "$EVTAPE" redact "$H" -o "$TMP/redact" 2>/dev/null
rec_row "4. redact ($HOUR)" "$TMP/redact"
rm -rf "$TMP/half1" "$TMP/half2" "$TMP/merge" "$TMP/recover" "$TMP/import" \
  "$TMP/redact" "$TMP/hour.jsonl"

wait "$TPID"
T_END=$(now_ns)

echo
echo "lattice: synth ${LATTICE[*]}; $LIVE = $LIVE_N events, $HOUR = $HOUR_N events"
printf '%-44s %8s %12s %12s %8s\n' what frames raw_bytes stored_bytes ratio
cat "$TMP/rows" "$TMP/rows3" "$TMP/rows4"
echo
echo "5. idle recorder: $(awk -v w=$((W1 - W0)) 'BEGIN { printf "%.1f", w / 10 }') wakes/s ($((W1 - W0)) voluntary context switches in 10 s over $NTHREADS threads; goal <= 10/s)"
echo "6. recorder CPU at live pace: ${LIVE_CPU}% of one core (utime+stime over ${LIVE_SECS} s, start to last frame flushed)"
echo
cat "$TMP/notes"
echo "wall time: $(( (T_END - T_START) / 1000000000 )) s"
echo "raw_bytes: sum of subject+reply+headers+payload over frames; stored_bytes: sum of the output's file sizes"
