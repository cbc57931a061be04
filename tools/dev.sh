#!/usr/bin/env bash
# evtape developer entry point. Idempotent: installs only missing Debian packages, and
# rebuilds only what changed.
#
#   ./tools/dev.sh demo [ARGS...]        install, build (Release), run `evtape demo ARGS...`
#   ./tools/dev.sh test [AREA]           install, build, run the test suite (or one area:
#                                        format, util, record, replay, offline, wasmcloud, harness)
#   ./tools/dev.sh test --sanitize [AREA] the same under ASan+UBSan in build-asan/ (with the
#                                        fuzz corpus replays, area fuzz)
#   ./tools/dev.sh test --tsan AREA...   those areas under ThreadSanitizer in build-tsan/
#   ./tools/dev.sh fuzz --list           the fuzz targets (fuzz/NAME.cc), one per line
#   ./tools/dev.sh fuzz NAME SECONDS     run one with libFuzzer under ASan+UBSan (clang, in
#                                        build-fuzz/) on its corpus; non-zero on any finding
#   ./tools/dev.sh build                 install and build only
#   ./tools/dev.sh bench [NAME]          build and run the benchmarks in bench/
#   ./tools/dev.sh package               build build/evtape_<version>_<arch>.deb (CPack)
set -euo pipefail
cd "$(dirname "$0")/.."

PACKAGES=(cmake make g++ pkg-config libnats-dev nats-server nlohmann-json3-dev libzstd-dev
          libboost-program-options-dev catch2
          zlib1g-dev dpkg-dev zsh chromium)
# dpkg-dev: the .deb's dependencies; zsh: its completion is tested; chromium: the HTML report
# is tested in headless Chromium (about 40 s to install on a fresh machine, measured). Node.js
# and npm read the MCAP export back with @mcap/core (npm, test-only, fetched by the test):
# installed from Debian only when missing, since a machine's own Node.js (e.g. NodeSource's,
# which bundles npm) conflicts with Debian's npm package.
FUZZ_PACKAGES=(clang libclang-rt-14-dev)  # clang 14 and its libFuzzer/sanitizer runtimes
JOBS=$(nproc 2>/dev/null || echo 2)

install_deps() {  # [EXTRA_PACKAGES...]
  local missing=() p
  for p in "${PACKAGES[@]}" "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  command -v node >/dev/null && command -v npm >/dev/null || missing+=(nodejs npm)
  ((${#missing[@]} == 0)) && return 0
  echo "dev.sh: installing ${missing[*]}" >&2
  local sudo=""
  [ "$(id -u)" -ne 0 ] && sudo=sudo
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

configure_and_build() {  # DIR "TARGET..." [CMAKE_ARGS...]
  local dir=$1 targets=$2
  shift 2
  if [ ! -f "$dir/CMakeCache.txt" ]; then
    cmake -S . -B "$dir" "$@" >/dev/null
  fi
  # shellcheck disable=SC2086  # one word per target
  cmake --build "$dir" -j"$JOBS" --target $targets
}

area_targets() {  # AREA...: the build targets of these test areas
  local area t
  for area in "$@"; do
    if [ "$area" = fuzz ]; then
      for t in $(fuzz_targets); do echo "fuzz_replay_$t"; done
    else
      echo "${area}_tests"
    fi
  done
}

run_tests() {  # DIR [AREA...]
  local dir=$1
  shift
  local args=(--test-dir "$dir" --output-on-failure -j"$JOBS" --timeout 600)
  if (($# > 0)); then
    local IFS='|'
    args+=(-R "^($*)\\.")
  fi
  ctest "${args[@]}"
}

fuzz_targets() {  # the fuzz/NAME.cc files that define a target
  grep -l '^extern "C" int LLVMFuzzerTestOneInput(.*{$' fuzz/*.cc | xargs -n1 basename | sed 's/\.cc$//'
}

run_fuzz() {  # NAME SECONDS
  local name=$1 seconds=$2
  if ! fuzz_targets | grep -qx "$name"; then
    echo "dev.sh fuzz: unknown target '$name' (see ./tools/dev.sh fuzz --list)" >&2
    exit 2
  fi
  if ! [[ "$seconds" =~ ^[1-9][0-9]*$ ]]; then
    echo "dev.sh fuzz: SECONDS must be a positive integer, not '$seconds'" >&2
    exit 2
  fi
  install_deps "${FUZZ_PACKAGES[@]}"
  configure_and_build build-fuzz "fuzz_$name" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++ -DEVTAPE_FUZZ=ON \
    -DEVTAPE_SANITIZERS="address;undefined" -DEVTAPE_BUILD_TESTS=OFF -DEVTAPE_BUILD_BENCH=OFF \
    -DEVTAPE_WERROR=OFF
  # New inputs go to build-fuzz/corpus/NAME (the committed corpus is only read); findings to
  # build-fuzz/findings/. A finding makes libFuzzer exit non-zero, and so this script.
  local work=build-fuzz/corpus/$name findings=build-fuzz/findings
  mkdir -p "$work" "$findings"
  local rc=0
  ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
    "./build-fuzz/fuzz/fuzz_$name" -max_total_time="$seconds" -timeout=30 -rss_limit_mb=2560 \
    -print_final_stats=1 -artifact_prefix="$findings/$name-" "$work" "fuzz/corpus/$name" || rc=$?
  if ((rc != 0)); then
    echo "dev.sh fuzz: $name found a problem (exit $rc); the input is in $findings/." >&2
    echo "Commit it as fuzz/corpus/$name/regression-<what> with the fix (docs/reliability.md)." >&2
  fi
  return $rc
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
      [ -n "$area" ] && target=$(area_targets "$area")
      configure_and_build build-asan "$target" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
        -DEVTAPE_SANITIZERS="address;undefined" -DEVTAPE_BUILD_BENCH=OFF
      ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 UBSAN_OPTIONS=print_stacktrace=1 \
        run_tests build-asan $area
    elif [ "${1:-}" = "--tsan" ]; then
      shift
      if (($# == 0)); then
        echo "dev.sh test --tsan: name the areas (e.g. record replay format)" >&2
        exit 2
      fi
      configure_and_build build-tsan "$(area_targets "$@")" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
        -DEVTAPE_SANITIZERS=thread -DEVTAPE_BUILD_BENCH=OFF
      # nats.c is not instrumented: tests/tsan.supp names its frames (and why).
      TSAN_OPTIONS="suppressions=$PWD/tests/tsan.supp halt_on_error=1 second_deadlock_stack=1" \
        run_tests build-tsan "$@"
    else
      configure_and_build build all -DCMAKE_BUILD_TYPE=Release
      run_tests build ${1:-}
    fi
    ;;
  fuzz)
    if [ "${1:-}" = "--list" ]; then
      fuzz_targets
    elif (($# == 2)); then
      run_fuzz "$1" "$2"
    else
      echo "dev.sh fuzz: usage: ./tools/dev.sh fuzz --list | ./tools/dev.sh fuzz NAME SECONDS" >&2
      exit 2
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
    sed -n '2,16p' "$0" | sed 's/^# \{0,1\}//'
    exit 2
    ;;
esac
