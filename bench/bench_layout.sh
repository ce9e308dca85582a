#!/usr/bin/env bash
# Print layouts (issue 7): the A3 community plan of the demo community to PDF (target < 1 s) and
# the batch atlas of every grid of the M atlas to one PDF (target < 60 s), plus, when Debian's
# python3-qgis is there, QGIS 3.22's own atlas export of the same grids (one A4 page per grid,
# map + title + scale bar + legend) in the same run, as the peer.
#   bash bench/bench_layout.sh            (generates $OUT/{S,M}.sqlite when missing; OUT=/tmp/gridatlas-bench, CLI=build/bin/gridatlas-cli)
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=${OUT:-/tmp/gridatlas-bench}
mkdir -p "$OUT"
CLI=${CLI:-build/bin/gridatlas-cli}
S=$OUT/S.sqlite
M=$OUT/M.sqlite
[[ -f "$S" ]] || $CLI demo --scale S --out "$S" >/dev/null
[[ -f "$M" ]] || $CLI demo --scale M --out "$M" >/dev/null
export QT_QPA_PLATFORM=offscreen

# Wall time of a command, best of N (seconds).
best_of() {
  local n=$1; shift
  local best=
  for _ in $(seq "$n"); do
    local t0 t1 dt
    t0=$(date +%s.%N)
    "$@" >/dev/null 2>&1
    t1=$(date +%s.%N)
    dt=$(echo "$t1 - $t0" | bc -l)
    if [[ -z "$best" ]] || (( $(echo "$dt < $best" | bc -l) )); then best=$dt; fi
  done
  printf '%.3f' "$best"
}

community=$(sqlite3 "$S" "SELECT name FROM communities ORDER BY code LIMIT 1")
echo "== A3 community plan (maps/community-plan.json) of $community, S atlas, to PDF (best of 5; target < 1 s)"
plan=$(best_of 5 $CLI render --atlas "$S" --layout maps/community-plan.json --only "$community" --out "$OUT/community-plan.pdf")
echo "community plan: $plan s ($(pdfinfo "$OUT/community-plan.pdf" | grep -E '^Page size' | sed 's/  */ /g'))"

grids=$(sqlite3 "$M" "SELECT COUNT(*) FROM grids")
echo "== Batch atlas: maps/grid-sheet.json, every grid of the M atlas ($grids grids) to one PDF (target < 60 s)"
batch=$(best_of 1 $CLI atlas --atlas "$M" --layout maps/grid-sheet.json --each grid --out "$OUT/grids-M.pdf")
pages=$(pdfinfo "$OUT/grids-M.pdf" | awk '/^Pages:/ {print $2}')
size=$(du -m "$OUT/grids-M.pdf" | cut -f1)
echo "grid atlas: $batch s for $pages pages ($(echo "$batch / $pages * 1000" | bc -l | xargs printf '%.0f') ms a page, ${size} MB)"
/usr/bin/time -v $CLI atlas --atlas "$M" --layout maps/grid-sheet.json --each grid --only "$(sqlite3 "$M" 'SELECT MIN(code) FROM grids')" \
  --page A0 --dpi 600 --out "$OUT/grid-A0-600.png" 2>"$OUT/a0.time" >/dev/null
echo "A0 at 600 dpi PNG of one grid sheet: $(grep -E 'Elapsed' "$OUT/a0.time" | sed 's/.*: //') wall, \
max RSS $(( $(grep 'Maximum resident' "$OUT/a0.time" | awk '{print $NF}') / 1024 )) MB, $(du -m "$OUT/grid-A0-600.png" | cut -f1) MB file"

if /usr/bin/python3 -c "import qgis.core" 2>/dev/null; then
  echo "== QGIS 3.22 atlas export of the same grids (A4, map + title + scale bar + legend, one PDF)"
  peer=$( (/usr/bin/python3 bench/layout_qgis_atlas.py "$M" "$OUT/grids-M-qgis.pdf" 2>/dev/null || true) | grep '^{' | tail -1)
  echo "$peer"
  if [[ -n "$peer" ]]; then
    /usr/bin/python3 - "$batch" "$peer" <<'PY'
import json, sys
ours, peer = float(sys.argv[1]), json.loads(sys.argv[2])
print('grid atlas: GridAtlas %.1f s, QGIS %.1f s for %d pages: QGIS/GridAtlas = %.2fx' % (ours, peer['seconds'], peer['pages'], peer['seconds'] / ours))
PY
  fi
else
  echo "(QGIS not installed: apt-get install python3-qgis for the peer figures)"
fi
