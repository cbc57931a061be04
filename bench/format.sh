#!/usr/bin/env bash
# Format benchmark (issue 2): write and read 1,000,000 CloudEvent-like frames of 300 B and
# 1.5 KiB on one core. Goal: write >= 1 M frames/s and read >= 2 M frames/s at 300 B.
#   bash bench/format.sh [BUILD_DIR] [FRAMES]
set -euo pipefail
build=${1:-build}
taskset -c 0 "$build/bench/format_bench" "${2:-1000000}" 2>/dev/null || "$build/bench/format_bench" "${2:-1000000}"
