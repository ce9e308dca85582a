#!/usr/bin/env bash
# Viewer rendering against QGIS 3.22 in the same run, on the same atlas (issue: the map viewer).
#   bash bench/bench_render.sh [ATLAS]     (default: generates /tmp/gridatlas-bench/L.sqlite)
# Needs build/bin (bash scripts/setup.sh) and, for the peer, Debian's python3-qgis.
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=${OUT:-/tmp/gridatlas-bench}
mkdir -p "$OUT"
ATLAS=${1:-$OUT/L.sqlite}
if [[ -z "${1:-}" && -f "$ATLAS" ]] && ! build/bin/gridatlas-cli info --atlas "$ATLAS" >/dev/null 2>&1; then
  # The default atlas was made by an older build (an older schema opens read-only and is refused).
  echo "== regenerating $ATLAS for this build's schema"
  rm -f "$ATLAS"
fi
if [[ ! -f "$ATLAS" ]]; then
  build/bin/gridatlas-cli demo --scale L --out "$ATLAS"
fi
export QT_QPA_PLATFORM=offscreen
echo "== GridAtlas, the peer's layers and symbols (bench/maps/bench-simple.json)"
ours=$(build/bin/gridatlas-bench-render "$ATLAS" bench/maps/bench-simple.json --repeat 5 --out "$OUT" 2>/dev/null)
echo "$ours"
echo "== GridAtlas, the demo styles (maps/member-residence.json)"
build/bin/gridatlas-bench-render "$ATLAS" maps/member-residence.json --repeat 5 2>/dev/null
if /usr/bin/python3 -c "import qgis.core" 2>/dev/null; then
  echo "== QGIS 3.22, same layers and symbols"
  # QGIS may crash while exiting after printing its figures: keep what it printed.
  peer=$( (/usr/bin/python3 bench/render_qgis_atlas.py "$ATLAS" --repeat 5 --out "$OUT" 2>/dev/null || true) | grep "^{" | tail -1)
  echo "$peer"
  /usr/bin/python3 - "$ours" "$peer" <<'PY'
import json, sys
o, p = json.loads(sys.argv[1]), json.loads(sys.argv[2])
for v in ('full', 'km1'):
    print('%-5s GridAtlas %.4f s  QGIS %.4f s  ratio %.1fx' % (v, o[v + '_s'], p[v + '_s'], p[v + '_s'] / o[v + '_s']))
PY
else
  echo "(QGIS not installed: apt-get install python3-qgis qgis-providers for the peer figures)"
fi
