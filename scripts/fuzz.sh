#!/usr/bin/env bash
# Builds the libFuzzer targets of tests/fuzz with clang (ASan + UBSan + libFuzzer) into build-fuzz/
# and runs each for SECONDS (default 600), at most two at a time, at low priority.
#   bash scripts/fuzz.sh [SECONDS] [TARGET...]      e.g.  bash scripts/fuzz.sh 60 fuzz_filter
# New inputs go to build-fuzz/corpus/<target>/; afterwards the ones that add coverage are merged
# into the committed seed corpus tests/fuzz/corpus/<target>/ (libFuzzer -merge=1, so it stays
# small). Crashes, leaks and sanitizer reports are saved in build-fuzz/artifacts/<target>/ and
# make the script exit 1; a summary line per target gives seconds, executions and corpus size.
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_PER_TARGET="${1:-600}"
shift || true
ALL_TARGETS=(fuzz_address fuzz_filter fuzz_style fuzz_map_document fuzz_roster_csv fuzz_layout)
TARGETS=("$@")
((${#TARGETS[@]})) || TARGETS=("${ALL_TARGETS[@]}")
JOBS="${GRIDATLAS_FUZZ_JOBS:-2}"

# libFuzzer's runtime comes with clang (Debian: clang-14, libclang-rt-14-dev).
if ! command -v clang++ >/dev/null || ! ls /usr/lib/llvm-*/lib/clang/*/lib/linux/libclang_rt.fuzzer-x86_64.a >/dev/null 2>&1; then
  SUDO=""; [[ $(id -u) -ne 0 ]] && SUDO="sudo"
  $SUDO apt-get update -q
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends clang libclang-rt-14-dev
fi

if [[ -z "${GRIDATLAS_FUZZ_NO_BUILD:-}" ]]; then # set it to run targets already built
  CC=clang CXX=clang++ cmake -S . -B build-fuzz -DCMAKE_BUILD_TYPE=RelWithDebInfo -DGRIDATLAS_FUZZ=ON \
    -DGRIDATLAS_BUILD_APP=OFF >/dev/null
  nice -n 10 cmake --build build-fuzz -j2 --target "${TARGETS[@]}"
fi

export ASAN_OPTIONS="detect_leaks=1:abort_on_error=1:symbolize=1"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
export QT_QPA_PLATFORM=offscreen

run_one() {
  local t="$1" seeds="tests/fuzz/corpus/$1" work="build-fuzz/corpus/$1" art="build-fuzz/artifacts/$1"
  mkdir -p "$seeds" "$work" "$art" build-fuzz/logs
  local log="build-fuzz/logs/$t.log"
  local rc=0
  touch "$art/.start" # findings are the artifacts of this run only
  nice -n 15 "build-fuzz/fuzz/$t" -max_total_time="$SECONDS_PER_TARGET" -timeout=20 -rss_limit_mb=2560 \
    -artifact_prefix="$art/" -print_final_stats=1 "$work" "$seeds" >"$log" 2>&1 || rc=$?
  # Keep only inputs that add coverage to the committed corpus.
  nice -n 15 "build-fuzz/fuzz/$t" -merge=1 "$seeds" "$work" >>"$log" 2>&1 || true
  local execs secs files bytes findings
  execs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' | tail -1)
  secs=$(grep -o 'Done [0-9]* runs in [0-9]* second' "$log" | grep -o 'in [0-9]*' | grep -o '[0-9]*' | tail -1)
  files=$(find "$seeds" -type f | wc -l)
  bytes=$(cat "$seeds"/* 2>/dev/null | wc -c)
  findings=$(find "$art" -type f -newer "$art/.start" | wc -l)
  printf '%-18s %6ss %12s execs  corpus %5s files %7s bytes  findings %s  (exit %s, log %s)\n' \
    "$t" "${secs:-?}" "${execs:-?}" "$files" "$bytes" "$findings" "$rc" "$log" | tee -a build-fuzz/summary.txt
  [[ $rc -eq 0 && $findings -eq 0 ]]
}

rm -f build-fuzz/failed
for t in "${TARGETS[@]}"; do
  while (($(jobs -rp | wc -l) >= JOBS)); do sleep 2; done
  (run_one "$t" || echo "$t" >>build-fuzz/failed) &
done
wait
if [[ -s build-fuzz/failed ]]; then
  echo "fuzzing found problems in: $(tr '\n' ' ' <build-fuzz/failed)" >&2
  exit 1
fi
