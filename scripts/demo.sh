#!/usr/bin/env bash
# The newcomer's first command: installs, builds, generates the demo atlas (data/demo.sqlite),
# renders its charts into out/, and opens the viewer when a display is present.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh

CLI=build/bin/gridatlas-cli
mkdir -p out data
if [[ ! -f data/demo.sqlite ]]; then
  "$CLI" demo --out data/demo.sqlite --scale S --seed 20240601
fi
"$CLI" info --atlas data/demo.sqlite
for map in maps/*.json; do
  name=$(basename "$map" .json)
  for ext in pdf png svg; do
    "$CLI" render --atlas data/demo.sqlite --map "$map" --out "out/$name.$ext"
  done
done
echo "[demo] charts written to out/: $(ls out | tr '\n' ' ')"

if [[ -n "${DISPLAY:-}" && -x build/bin/gridatlas ]]; then
  build/bin/gridatlas data/demo.sqlite maps/member-residence.json &
fi
