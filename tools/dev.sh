#!/usr/bin/env bash
# evtape developer entry point. Idempotent: installs only missing Debian packages, and
# rebuilds only what changed.
#
#   ./tools/dev.sh demo [ARGS...]        install, build (Release), run `evtape demo ARGS...`
#   ./tools/dev.sh test [AREA]           install, build, run the test suite (or one area:
#                                        format, util, record, replay, offline, wasmcloud, harness)
#   ./tools/dev.sh test --sanitize [AREA] the same under ASan+UBSan in build-asan/
#   ./tools/dev.sh build                 install and build only
#   ./tools/dev.sh bench [NAME]          build and run the benchmarks in bench/
#   ./tools/dev.sh package               build build/evtape_<version>_<arch>.deb (CPack)
set -euo pipefail
cd "$(dirname "$0")/.."

PACKAGES=(cmake make g++ pkg-config libnats-dev nats-server nlohmann-json3-dev libzstd-dev
          libboost-program-options-dev catch2
          zlib1g-dev dpkg-dev zsh chromium nodejs npm)
# dpkg-dev: the .deb's dependencies; zsh: its completion is tested; chromium: the HTML report
# is tested in headless Chromium (about 40 s to install on a fresh machine, measured); nodejs,
# npm: the MCAP export is read back by @mcap/core (npm, test-only, fetched by the test).
JOBS=$(nproc 2>/dev/null || echo 2)

install_deps() {
  local missing=() p
  for p in "${PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  ((${#missing[@]} == 0)) && return 0
  echo "dev.sh: installing ${missing[*]}" >&2
  local sudo=""
  [ "$(id -u)" -ne 0 ] && sudo=sudo
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

configure_and_build() {  # DIR TARGET [CMAKE_ARGS...]
  local dir=$1 target=$2
  shift 2
  if [ ! -f "$dir/CMakeCache.txt" ]; then
    cmake -S . -B "$dir" "$@" >/dev/null
  fi
  cmake --build "$dir" -j"$JOBS" --target "$target"
}

run_tests() {  # DIR AREA
  local dir=$1 area=${2:-}
  local args=(--test-dir "$dir" --output-on-failure -j"$JOBS" --timeout 600)
  [ -n "$area" ] && args+=(-R "^${area}\\.")
  ctest "${args[@]}"
}

cmd=${1:-}
shift || true
case "$cmd" in
  demo)
    install_deps
    configure_and_build build evtape_fixtures -DCMAKE_BUILD_TYPE=Release  # evtape + the fixture it replays
    exec ./build/evtape demo "$@"
    ;;
  build)
    install_deps
    configure_and_build build all -DCMAKE_BUILD_TYPE=Release
    ;;
  test)
    install_deps
    if [ "${1:-}" = "--sanitize" ]; then
      shift
      area=${1:-}
      target=all
      [ -n "$area" ] && target="${area}_tests"
      configure_and_build build-asan "$target" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
        -DEVTAPE_SANITIZERS="address;undefined" -DEVTAPE_BUILD_BENCH=OFF
      ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 UBSAN_OPTIONS=print_stacktrace=1 \
        run_tests build-asan "$area"
    else
      configure_and_build build all -DCMAKE_BUILD_TYPE=Release
      run_tests build "${1:-}"
    fi
    ;;
  package)
    install_deps
    configure_and_build build all -DCMAKE_BUILD_TYPE=Release
    (cd build && cpack)
    ;;
  bench)
    install_deps
    configure_and_build build all -DCMAKE_BUILD_TYPE=Release
    name=${1:-}
    for b in bench/*.sh; do
      [ -n "$name" ] && [ "$(basename "$b" .sh)" != "$name" ] && continue
      echo "== $b"
      bash "$b" build
    done
    ;;
  *)
    sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//'
    exit 2
    ;;
esac
