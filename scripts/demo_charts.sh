#!/usr/bin/env bash
# The demo's main job, without installing anything: the demo atlas (generated when missing) and a
# chart of every map document in maps/ as PDF, PNG and SVG, and every layout template in maps/
# printed once per grid, building or community into one PDF. scripts/demo.sh runs it on data/ and
# out/; a test (tests/cli, demo_charts) runs it into the build folder, so the README's first
# command keeps working.
#   bash scripts/demo_charts.sh [CLI] [ATLAS] [OUT]
set -euo pipefail
cd "$(dirname "$0")/.."
CLI=${1:-build/bin/gridatlas-cli}
ATLAS=${2:-data/demo.sqlite}
OUT=${3:-out}
mkdir -p "$OUT" "$(dirname "$ATLAS")"
if [[ ! -f "$ATLAS" ]]; then
  "$CLI" demo --out "$ATLAS" --scale S --seed 20240601
fi
"$CLI" info --atlas "$ATLAS"
written=0
for map in maps/*.json; do
  name=$(basename "$map" .json)
  if grep -qE '^ {0,2}"layout"[[:space:]]*:' "$map"; then # a layout template (docs/layouts.md)
    "$CLI" atlas --atlas "$ATLAS" --layout "$map" --out "$OUT/$name.pdf"
    written=$((written + 1))
  else # a map document
    for ext in pdf png svg; do
      "$CLI" render --atlas "$ATLAS" --map "$map" --out "$OUT/$name.$ext"
      written=$((written + 1))
    done
  fi
done
echo "[demo] $written charts written to $OUT/: $(ls "$OUT" | tr '\n' ' ')"
