#!/usr/bin/env bash
# JetStream benchmark (issue 15), one nats-server with JetStream, ROUNDS (default 3) interleaved
# rounds, medians compared (goals >= 90%):
#  1. drain: `evtape record --stream` of N stored messages (default 200,000 x 300 B) into a new
#     directory vs a bare nats.c ordered push consumer reading the same stream (both whole
#     processes: connect, consume to the end, exit).
#  2. replay into a stream: `evtape replay --jetstream --speed max` of that recording vs a bare
#     nats.c async JetStream publisher (same window, 4096), both into a stream on tgt.>, both
#     timed as whole processes until every ack arrived.
#   bash bench/jetstream.sh [BUILD_DIR] [N] [SIZE]
set -euo pipefail
build=${1:-build}
n=${2:-200000}
size=${3:-300}
evtape=$build/evtape
jb=$build/bench/jetstream_bench
tmp=$(mktemp -d)
server_pid=""
cleanup() { [ -n "$server_pid" ] && kill -INT "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null; rm -rf "$tmp"; }
trap cleanup EXIT
nats-server -a 127.0.0.1 -p -1 -js -sd "$tmp/js" --ports_file_dir "$tmp" -l "$tmp/server.log" &
server_pid=$!
while [ ! -s "$tmp/nats-server_$server_pid.ports" ]; do sleep 0.01; done
url=$(grep -o 'nats://[^"]*' "$tmp/nats-server_$server_pid.ports")
rounds=${ROUNDS:-3}
median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
now() { date +%s%N; }

"$jb" fill "$url" SRC src "$n" "$size"
"$jb" fill "$url" TGT tgt 1 "$size"   # the target stream (keeps the last N: MaxMsgs)
: > "$tmp/bare_drain"; : > "$tmp/ours_drain"; : > "$tmp/bare_pub"; : > "$tmp/ours_pub"
for r in $(seq "$rounds"); do
  "$jb" drain "$url" SRC >> "$tmp/bare_drain"
  t0=$(now)
  "$evtape" record --stream SRC -o "$tmp/rec$r" -s "$url" 2>/dev/null
  t1=$(now)
  echo $(( n * 1000000000 / (t1 - t0) )) >> "$tmp/ours_drain"
  "$jb" pub "$url" tgt.e "$n" "$size" >> "$tmp/bare_pub"
  t0=$(now)
  "$evtape" replay "$tmp/rec$r" --jetstream --speed max --map 'src.>=tgt.>' -s "$url" 2>/dev/null
  t1=$(now)
  echo $(( n * 1000000000 / (t1 - t0) )) >> "$tmp/ours_pub"
  rm -rf "$tmp/rec$r"
done
for what in drain pub; do
  bare=$(median < "$tmp/bare_$what"); ours=$(median < "$tmp/ours_$what")
  python3 -c "print(f'$what ($n x $size B): bare nats.c {int($bare):>9,} msg/s   evtape {int($ours):>9,} msg/s   ratio {int($ours)/int($bare):.0%}   (rounds: bare $(tr '\n' ' ' < "$tmp/bare_$what")/ evtape $(tr '\n' ' ' < "$tmp/ours_$what"))')"
done
