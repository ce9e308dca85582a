#!/usr/bin/env bash
# The newcomer's first command: installs, builds, generates the demo atlas (data/demo.sqlite),
# renders its charts into out/, and opens the viewer when a display is present.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh

bash scripts/demo_charts.sh build/bin/gridatlas-cli data/demo.sqlite out

if [[ -n "${DISPLAY:-}" && -x build/bin/gridatlas ]]; then
  build/bin/gridatlas data/demo.sqlite maps/member-residence.json &
fi
