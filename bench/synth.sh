#!/usr/bin/env bash
# Synth benchmark (issue 6): time `evtape synth` generating about 1,000,000 lattice events
# (1000 hosts, 3000 components, 2000 providers, 3h20m of lattice time, churn 60/min), written
# through the format library at zstd level 1 (generation speed; the default level 19 measures
# compression instead). Prints events, wall seconds and events/s, and the output size.
#   bash bench/synth.sh [BUILD_DIR]
set -euo pipefail
build=${1:-build}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
start=$(date +%s%N)
"$build/evtape" synth --hosts 1000 --components 3000 --providers 2000 --duration 3h20m \
  --churn 60 --seed 7 --zstd-level 1 -o "$out/rec" 2>"$out/err"
end=$(date +%s%N)
events=$(grep -o 'wrote [0-9]*' "$out/err" | grep -o '[0-9]*')
ms=$(( (end - start) / 1000000 ))
bytes=$(du -sb "$out/rec" | cut -f1)
echo "synth: $events events in ${ms} ms wall ($(( events * 1000 / (ms > 0 ? ms : 1) )) events/s)," \
     "recording $(( bytes / 1000000 )) MB on disk"
