#!/usr/bin/env bash
# Installs, builds and runs the whole test suite (ctest). Exit code is ctest's.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
cd build
# Widget tests need a display: run everything under Xvfb when none is present.
if [[ -z "${DISPLAY:-}" ]] && command -v xvfb-run >/dev/null; then
  exec xvfb-run -a ctest --output-on-failure -j"$(nproc)" --timeout 600 "$@"
fi
exec ctest --output-on-failure -j"$(nproc)" --timeout 600 "$@"
