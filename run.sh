#!/usr/bin/env bash
# simdense's one entry point. Installs what is missing (Debian/Ubuntu: apt-get, with sudo when
# not root), configures with CMake, builds and runs.
#
#   ./run.sh bench [--profile=full] [Google Benchmark flags]   benchmark suite (the main job):
#                                    JSON in results/<cpu>-<date>.json, then a summary table
#   ./run.sh compare A.json B.json ... [--labels a,b] [--filter RE] [--format png|svg] [--out DIR]
#                                    runs side by side: markdown table + gnuplot charts
#   ./run.sh test [--exhaustive]     tests (Release), again under ASan+UBSan, the thread suites
#                                    under TSan, and a short run of every libFuzzer target (clang)
#   ./run.sh train [options]         train an MLP on Fashion-MNIST (--help for options)
#   ./run.sh build                   Release build only (build/release)
#   ./run.sh deps                    install the packages only
set -euo pipefail
cd "$(dirname "$0")"
ROOT=$(pwd)
JOBS=$(nproc 2>/dev/null || echo 2)

# Debian package names; the commands they provide are checked first so a machine that already
# has them (another distribution, a source build) is left alone.
BASE_PKGS=(cmake g++ ninja-build pkgconf libxsimd-dev libbenchmark-dev doctest-dev zlib1g-dev)
# The summary/compare tools (python3, stdlib only), their charts (gnuplot) and Google
# Benchmark's compare.py for A/B statistics (libbenchmark-tools).
TOOL_PKGS=(python3 gnuplot-nox libbenchmark-tools)
# Peer libraries measured in the same benchmark run (bench/peers/; built only when found).
PEER_PKGS=(libeigen3-dev libopenblas-dev libdnnl-dev libxnnpack-dev libpthreadpool-dev)

# The differential fuzz targets need clang and its runtimes (libFuzzer, ASan, UBSan).
FUZZ_PKGS=(clang libclang-rt-14-dev)

have_pkg() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed"; }

install_pkgs() {
  local missing=()
  for p in "$@"; do
    if command -v dpkg-query >/dev/null 2>&1; then
      have_pkg "$p" || missing+=("$p")
    fi
  done
  if ! command -v dpkg-query >/dev/null 2>&1; then
    if ! command -v cmake >/dev/null || ! command -v c++ >/dev/null; then
      echo "run.sh: not a Debian/Ubuntu system; install these (or your system's equivalents):" >&2
      echo "  $*" >&2
      exit 1
    fi
    return 0
  fi
  [ ${#missing[@]} -eq 0 ] && return 0
  echo "run.sh: installing ${missing[*]}"
  local SUDO=""
  if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null; then SUDO="sudo"; else
      echo "run.sh: need root or sudo to install: ${missing[*]}" >&2
      exit 1
    fi
  fi
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq || true
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# Seconds each libFuzzer target runs in `./run.sh test`: about a minute in total across targets
# (SIMDENSE_FUZZ_TOTAL seconds, default 60, at least 5 per target).
fuzz_seconds_per_target() {
  local count total
  count=$(ls "$ROOT"/tests/fuzz/fuzz_*.cpp 2>/dev/null | wc -l)
  total=${SIMDENSE_FUZZ_TOTAL:-60}
  [ "$count" -gt 0 ] || count=1
  local per=$(( total / count ))
  [ "$per" -ge 5 ] || per=5
  echo "$per"
}

generator() { command -v ninja >/dev/null 2>&1 && echo "-GNinja" || true; }

# configure_build DIR [cmake args...]
configure_build() {
  local dir=$1; shift
  if [ ! -f "$dir/CMakeCache.txt" ]; then
    cmake -S "$ROOT" -B "$dir" $(generator) "$@"
  else
    cmake -S "$ROOT" -B "$dir" "$@" >/dev/null
  fi
  cmake --build "$dir" -j"$JOBS"
}

cmd=${1:-help}
[ $# -gt 0 ] && shift
case "$cmd" in
  deps)
    install_pkgs "${BASE_PKGS[@]}" "${TOOL_PKGS[@]}"
    ;;
  build)
    install_pkgs "${BASE_PKGS[@]}"
    configure_build build/release -DCMAKE_BUILD_TYPE=Release
    ;;
  test)
    install_pkgs "${BASE_PKGS[@]}" python3 gnuplot-nox dataset-fashion-mnist
    exclude="exhaustive"
    if [ "${1:-}" = "--exhaustive" ]; then exclude="^$"; shift; fi
    echo "== Release build and tests"
    configure_build build/release -DCMAKE_BUILD_TYPE=Release
    (cd build/release && ctest -j"$JOBS" --output-on-failure -LE "$exclude")
    echo "== AddressSanitizer + UndefinedBehaviorSanitizer build and tests"
    # -O1 -g1: the usual sanitizer setting; halves the compile time of the ISA TUs vs -O2 -g.
    configure_build build/asan -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSIMDENSE_SANITIZE=ON \
      -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -g1"
    (cd build/asan && ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
      UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
      ctest -j"$JOBS" --output-on-failure -LE "exhaustive|install")
    echo "== ThreadSanitizer build: the thread suites (many threads, set_isa and first-use races)"
    configure_build build/tsan -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSIMDENSE_TSAN=ON \
      -DSIMDENSE_BUILD_BENCH=OFF -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -g1"
    (cd build/tsan && TSAN_OPTIONS=halt_on_error=1:second_deadlock_stack=1 \
      ctest -j"$JOBS" --output-on-failure -L threads)
    echo "== libFuzzer differential targets (clang, ASan+UBSan): each SIMD ISA vs the scalar reference"
    install_pkgs "${FUZZ_PKGS[@]}"
    configure_build build/fuzz -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_BUILD_TYPE=RelWithDebInfo \
      -DSIMDENSE_FUZZ=ON -DSIMDENSE_BUILD_TESTS=OFF -DSIMDENSE_BUILD_BENCH=OFF \
      -DSIMDENSE_FUZZ_SECONDS="$(fuzz_seconds_per_target)"
    rm -f build/fuzz/fuzz-work/*/summary.txt
    fuzz_rc=0
    (cd build/fuzz && ctest -j"$JOBS" --output-on-failure -L fuzz) || fuzz_rc=$?
    cat build/fuzz/fuzz-work/*/summary.txt 2>/dev/null || true
    if [ "$fuzz_rc" -ne 0 ]; then
      echo "run.sh: a fuzz target found a problem (log above; reproducer in build/fuzz/fuzz-work/<target>/artifacts)" >&2
      exit "$fuzz_rc"
    fi
    ;;
  bench)
    install_pkgs "${BASE_PKGS[@]}" "${TOOL_PKGS[@]}" "${PEER_PKGS[@]}"
    configure_build build/release -DCMAKE_BUILD_TYPE=Release
    # JSON goes to results/<cpu>-<date>.json unless --benchmark_out is given; a non-JSON
    # --benchmark_out_format or --benchmark_list_tests skips the summary.
    out="" summary=1
    for a in "$@"; do
      case "$a" in
        --benchmark_out=*) out=${a#--benchmark_out=} ;;
        --benchmark_out_format=json) ;;
        --benchmark_out_format=*) summary=0 ;;
        --benchmark_list_tests|--benchmark_list_tests=true) summary=0 out=/dev/null ;;
      esac
    done
    extra=()
    if [ -z "$out" ]; then
      cpu=$(sed -n 's/^model name[[:space:]]*: *//p' /proc/cpuinfo 2>/dev/null | head -n1)
      cpu=$(printf '%s' "${cpu:-unknown-cpu}" | sed -e 's/([RrTtMm]*)//g' -e 's/ CPU//' -e 's/ @.*//' \
            | tr -cs 'A-Za-z0-9._-' '-' | sed -e 's/^-*//' -e 's/-*$//')
      suffix=""
      [ -n "${SIMDENSE_ISA:-}" ] && suffix="-${SIMDENSE_ISA}"
      mkdir -p results
      out="results/${cpu}${suffix}-$(date -u +%Y%m%d-%H%M%S).json"
      extra=(--benchmark_out="$out" --benchmark_out_format=json)
    fi
    start=$(date +%s)
    rc=0
    build/release/bench/simdense_bench "${extra[@]}" "$@" || rc=$?
    [ "$rc" -ne 0 ] && exit "$rc"
    if [ "$summary" -eq 1 ] && [ -f "$out" ] && [ -s "$out" ]; then
      echo
      echo "== Summary ($(( $(date +%s) - start )) s)"
      python3 bench/tools/summary.py "$out"
      echo
      echo "JSON: $out   (side by side with other runs: ./run.sh compare $out OTHER.json ...)"
    fi
    ;;
  train)
    # Fashion-MNIST from Debian's dataset-fashion-mnist; the default configuration must reach
    # 0.88 test accuracy (exit 1 otherwise). SIMDENSE_ISA=scalar gives the reference speed.
    install_pkgs "${BASE_PKGS[@]}" dataset-fashion-mnist
    configure_build build/release -DCMAKE_BUILD_TYPE=Release
    if [ $# -eq 0 ]; then set -- --target 0.88; fi
    exec build/release/bench/simdense_train "$@"
    ;;
  compare)
    install_pkgs python3 gnuplot-nox
    if [ $# -eq 0 ]; then
      echo "usage: ./run.sh compare A.json [B.json ...] [--labels a,b,...] [--filter RE] [--format png|svg] [--out DIR]" >&2
      exit 2
    fi
    exec python3 bench/tools/compare.py "$@"
    ;;
  help|-h|--help)
    sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//'
    ;;
  *)
    echo "run.sh: unknown command '$cmd'" >&2
    sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//' >&2
    exit 2
    ;;
esac
