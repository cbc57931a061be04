#!/usr/bin/env bash
# Replay benchmark (issue 4), one nats-server for everything:
#  1. max speed: `evtape replay --speed max` of 1,000,000 recorded frames (300 B, 1.5 KiB)
#     vs a bare nats.c publisher sending the same messages from memory, ROUNDS (default 5)
#     interleaved rounds, medians compared. Goal >= 90%. Also prints the ratio with read-ahead
#     decoding forced on (EVTAPE_REPLAY_READ_AHEAD=1; by default only on 4+ cores).
#  2. timing: a recording with irregular gaps (0.1 ms .. 50 ms, log-uniform) replayed at 1x,
#     lateness measured by a subscriber's receive times; then JetStream's own ReplayOriginal
#     consumer replays the same messages (stored by that replay), measured the same way.
#   bash bench/replay.sh [BUILD_DIR] [FRAMES] [TIMING_FRAMES]
set -euo pipefail
build=${1:-build}
frames=${2:-1000000}
tframes=${3:-1000}
evtape=$build/evtape
rb=$build/bench/replay_bench
tmp=$(mktemp -d)
server_pid=""
cleanup() { [ -n "$server_pid" ] && kill -INT "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null; rm -rf "$tmp"; }
trap cleanup EXIT
nats-server -a 127.0.0.1 -p -1 -js -sd "$tmp/js" --ports_file_dir "$tmp" -l "$tmp/server.log" &
server_pid=$!
while [ ! -s "$tmp/nats-server_$server_pid.ports" ]; do sleep 0.01; done
url=$(grep -o 'nats://[^"]*' "$tmp/nats-server_$server_pid.ports")

rounds=${ROUNDS:-5}
echo "== max speed ($frames messages, no subscriber; same server; $rounds interleaved rounds, median) =="
median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
for size in 300 1536; do
  "$rb" gen "$tmp/max$size" "$frames" "$size"
  : > "$tmp/bare$size"; : > "$tmp/ours$size"; : > "$tmp/ahead$size"
  # Interleaved, so that a noisy neighbour or a frequency change hits both sides alike.
  for _ in $(seq "$rounds"); do
    "$rb" pub "$url" "$tmp/max$size" >> "$tmp/bare$size"
    "$evtape" replay "$tmp/max$size" -s "$url" --speed max --report "$tmp/r$size.json" 2>/dev/null
    python3 -c "import json;print(round(json.load(open('$tmp/r$size.json'))['rate_msgs_per_s']))" >> "$tmp/ours$size"
    # The same with read-ahead decoding forced on (by default it is used on 4+ cores only).
    EVTAPE_REPLAY_READ_AHEAD=1 "$evtape" replay "$tmp/max$size" -s "$url" --speed max --report "$tmp/r$size.json" 2>/dev/null
    python3 -c "import json;print(round(json.load(open('$tmp/r$size.json'))['rate_msgs_per_s']))" >> "$tmp/ahead$size"
  done
  bare=$(median < "$tmp/bare$size")
  ours=$(median < "$tmp/ours$size")
  ahead=$(median < "$tmp/ahead$size")
  python3 -c "print(f'$size B: bare nats.c {int($bare):>9,} msg/s   evtape replay {int($ours):>9,} msg/s   ratio {int($ours)/int($bare):.0%}   read-ahead forced {int($ahead)/int($bare):.0%}   (rounds: bare $(tr '\n' ' ' < "$tmp/bare$size")/ evtape $(tr '\n' ' ' < "$tmp/ours$size"))')"
done

echo "== timing at 1x ($tframes messages, gaps 0.1-50 ms) =="
"$rb" gen "$tmp/timing" "$tframes" 300 irregular
"$rb" stream "$url"
"$rb" sub "$url" "$tmp/timing" "$tmp/ready" &
sub_pid=$!
while [ ! -s "$tmp/ready" ]; do sleep 0.01; done
"$evtape" replay "$tmp/timing" -s "$url" --report "$tmp/timing.json" 2>"$tmp/timing.err"
wait $sub_pid
python3 -c "import json;j=json.load(open('$tmp/timing.json'));l=j['lateness_ns'];print(f\"{'(evtape self-report)':28} wake-up lateness p50 {l['p50']/1e3:8.1f} us  p99 {l['p99']/1e3:8.1f} us  max {l['max']/1e3:8.1f} us  drift {j['drift_at_end_ns']/1e3:+8.1f} us\")"
"$rb" jssub "$url" "$tmp/timing"
