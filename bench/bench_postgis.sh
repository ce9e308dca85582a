#!/usr/bin/env bash
# The same atlas on SpatiaLite and on PostGIS in the same run (issue 10, docs/postgis.md):
# publishing every community, the viewer's renderer (open to first frame, full view, 1 km view),
# grid statistics and a checkout, each engine against the other.
#   bash bench/bench_postgis.sh [S|M|L]     (default M: ~250k households in 63 communities)
# Needs build/bin (bash scripts/setup.sh) and postgresql-15-postgis-3; the throw-away cluster is
# scripts/pg_cluster.sh's (fsync off: figures for reading, not for durability).
set -euo pipefail
cd "$(dirname "$0")/.."
SCALE=${1:-M}
OUT=${OUT:-/tmp/gridatlas-bench}
CLI=${CLI:-build/bin/gridatlas-cli}
BENCH=${BENCH:-build/bin/gridatlas-bench-render}
mkdir -p "$OUT"
ATLAS=$OUT/postgis_$SCALE.sqlite
if [[ -f "$ATLAS" ]] && ! "$CLI" info --atlas "$ATLAS" >/dev/null 2>&1; then rm -f "$ATLAS"; fi
[[ -f "$ATLAS" ]] || "$CLI" demo --scale "$SCALE" --out "$ATLAS" >/dev/null 2>&1
export QT_QPA_PLATFORM=offscreen

STATE=$(mktemp /tmp/gridatlas-bench-pg.XXXXXX)
bash scripts/pg_cluster.sh start "$STATE"
trap 'bash scripts/pg_cluster.sh stop "$STATE" >/dev/null' EXIT INT TERM
# shellcheck disable=SC1090
source "$STATE"
if [[ -n "${GRIDATLAS_PG_MISSING:-}" ]]; then echo "skipped: $GRIDATLAS_PG_MISSING"; exit 0; fi
psql -X -q "$GRIDATLAS_PG_URL" -c "CREATE DATABASE bench"
PG=${GRIDATLAS_PG_URL%/*}/bench
now() { date +%s.%N; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b - a }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "inf" }'; }

echo "== atlas: $ATLAS ($("$CLI" info --atlas "$ATLAS" 2>/dev/null | grep -E '^(households|residents)' | tr '\n' ' '))"
echo "== publish every community to PostGIS (one transaction each; streets and post types merged every time)"
t0=$(now)
n=0
for code in $(sqlite3 "$ATLAS" "SELECT code FROM communities ORDER BY id"); do
  "$CLI" publish --atlas "$ATLAS" --to "$PG" --community "$code" >/dev/null 2>&1
  n=$((n + 1))
done
t1=$(now)
echo "  $n communities in $(secs "$t0" "$t1") s"
"$CLI" info --atlas "$PG" 2>/dev/null | grep -E '^(households|residents):' | sed 's/^/  PostGIS /'

json() { python3 -c "import json,sys; d=json.load(sys.stdin); print(' '.join('%s=%s' % (k, d[k]) for k in sys.argv[1:]))" "$@"; }
echo "== renderer (bench/maps/bench-simple.json, 1920x1080, median of 5; open = load every layer + first frame)"
lite=$("$BENCH" "$ATLAS" bench/maps/bench-simple.json --repeat 5 2>/dev/null)
pg=$("$BENCH" "$PG" bench/maps/bench-simple.json --repeat 5 2>/dev/null)
echo "  SpatiaLite: $(echo "$lite" | json open_to_first_frame_s full_s km1_s cache_mib peak_rss_mib)"
echo "  PostGIS:    $(echo "$pg" | json open_to_first_frame_s full_s km1_s cache_mib peak_rss_mib)"
lo=$(echo "$lite" | json open_to_first_frame_s | cut -d= -f2)
po=$(echo "$pg" | json open_to_first_frame_s | cut -d= -f2)
echo "  open to first frame: PostGIS takes $(ratio "$po" "$lo")x SpatiaLite's time (drawing reads the same in-memory cache)"

echo "== grid statistics (gridatlas-cli grids stats)"
t0=$(now); "$CLI" grids stats --atlas "$ATLAS" >/dev/null 2>&1; t1=$(now)
t2=$(now); "$CLI" grids stats --atlas "$PG" >/dev/null 2>&1 && ok=1 || ok=0; t3=$(now)
if [[ $ok = 1 ]]; then
  echo "  SpatiaLite $(secs "$t0" "$t1") s, PostGIS $(secs "$t2" "$t3") s"
else
  echo "  SpatiaLite $(secs "$t0" "$t1") s, PostGIS: the command is not ported yet"
fi

echo "== checkout of the largest community"
big=$(sqlite3 "$ATLAS" "SELECT c.code FROM communities c JOIN buildings b ON b.community_id = c.id JOIN units u ON u.building_id = b.id JOIN households h ON h.unit_id = u.id GROUP BY c.id ORDER BY COUNT(*) DESC LIMIT 1")
rm -f "$OUT/postgis_checkout.sqlite"
t0=$(now)
"$CLI" checkout --from "$PG" --community "$big" --out "$OUT/postgis_checkout.sqlite" 2>/dev/null | head -1 | sed 's/^/  /'
t1=$(now)
echo "  in $(secs "$t0" "$t1") s"
