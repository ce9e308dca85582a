#!/usr/bin/env bash
# The whole test suite under AddressSanitizer + UndefinedBehaviorSanitizer (issue 9): builds with
# -DGRIDATLAS_SANITIZE=ON into build-asan/ and runs ctest there. Any report fails the test that
# caused it (UBSan does not recover; LeakSanitizer reports at exit). Library noise is suppressed
# in tests/sanitizers/*.supp, each entry with its reason.
#   bash scripts/sanitize.sh [ctest args...]       e.g.  bash scripts/sanitize.sh -L badinput
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$PWD"
cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=RelWithDebInfo -DGRIDATLAS_SANITIZE=ON >/dev/null
nice -n 10 cmake --build build-asan -j2

export ASAN_OPTIONS="detect_leaks=1:halt_on_error=1:check_initialization_order=1"
export LSAN_OPTIONS="suppressions=$ROOT/tests/sanitizers/lsan.supp:print_suppressions=0"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1:suppressions=$ROOT/tests/sanitizers/ubsan.supp"
start=$(date +%s)
status=0
if [[ -z "${DISPLAY:-}" ]] && command -v xvfb-run >/dev/null; then
  nice -n 10 xvfb-run -a ctest --test-dir build-asan --output-on-failure -j2 --timeout 1500 "$@" || status=$?
else
  nice -n 10 ctest --test-dir build-asan --output-on-failure -j2 --timeout 1500 "$@" || status=$?
fi
echo "[sanitize] ctest under ASan+UBSan: exit $status after $(($(date +%s) - start)) s"
exit $status
