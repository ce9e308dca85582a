#!/usr/bin/env bash
# A whole city on one PostGIS server (issue 10): ~10M households in ~2,500 communities.
#   bash bench/bench_city.sh [COPIES]        (default 10: ten copies of the L district, ~10.5M households)
# 1. the L demo district (gridatlas-cli demo --scale L: 253 communities, 1.05M households), published
#    community by community with gridatlas-cli publish;
# 2. grown on the server into COPIES districts side by side (bench/city_clone.sql: every row copied
#    with new ids, codes and shifted geometry; indexes kept by the server as for any insert);
# 3. measured: a neighbourhood view (one community's extent, 1280x800, every layer of the
#    member-location chart, read from the server by bounding box as the viewer reads a big atlas),
#    and one grid's statistics (gridatlas-cli grids stats --grid CODE), each as the median of 5 and
#    against the same on the L district's SpatiaLite file.
# The cluster is kept between runs when CITY_STATE names a state file of a running one (the
# city takes a while to build); otherwise a throw-away one is started and stopped.
set -euo pipefail
cd "$(dirname "$0")/.."
COPIES=${1:-10}
OUT=${OUT:-/tmp/gridatlas-bench}
CLI=${CLI:-build/bin/gridatlas-cli}
BENCH=${BENCH:-build/bin/gridatlas-bench-render}
MAP=${MAP:-maps/member-residence.json}
mkdir -p "$OUT"
ATLAS=${ATLAS:-$OUT/city_L.sqlite}
now() { date +%s.%N; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", b - a }'; }
[[ -f "$ATLAS" ]] || { echo "== generating the L district ($ATLAS)"; "$CLI" demo --scale L --out "$ATLAS" >/dev/null 2>&1; }
export QT_QPA_PLATFORM=offscreen

if [[ -n "${CITY_STATE:-}" && -f "$CITY_STATE" ]]; then
  # shellcheck disable=SC1090
  source "$CITY_STATE"
else
  CITY_STATE=$(mktemp /tmp/gridatlas-city-pg.XXXXXX)
  GRIDATLAS_PG_OPTIONS="-c shared_buffers=2GB -c maintenance_work_mem=1GB -c work_mem=64MB -c max_wal_size=8GB" \
    bash scripts/pg_cluster.sh start "$CITY_STATE"
  trap 'bash scripts/pg_cluster.sh stop "$CITY_STATE" >/dev/null' EXIT INT TERM
  # shellcheck disable=SC1090
  source "$CITY_STATE"
fi
if [[ -n "${GRIDATLAS_PG_MISSING:-}" ]]; then echo "skipped: $GRIDATLAS_PG_MISSING"; exit 0; fi
PG=${GRIDATLAS_PG_URL%/*}/city
if [[ "$(psql -X -qtA "$PG" -c "SELECT count(*) FROM communities" 2>/dev/null || echo 0)" -lt "$(sqlite3 "$ATLAS" 'SELECT count(*) FROM communities')" ]]; then
  psql -X -qtA "$GRIDATLAS_PG_URL" -c "SELECT 1 FROM pg_database WHERE datname = 'city'" | grep -q 1 ||
    psql -X -q "$GRIDATLAS_PG_URL" -c "CREATE DATABASE city"
  echo "== publishing the L district's $(sqlite3 "$ATLAS" 'SELECT count(*) FROM communities') communities"
  t0=$(now)
  have=" $(psql -X -qtA "$PG" -c "SELECT string_agg(code, ' ') FROM communities" 2>/dev/null) "
  for code in $(sqlite3 "$ATLAS" "SELECT code FROM communities ORDER BY id"); do
    [[ "$have" == *" $code "* ]] && continue # published by an interrupted run
    "$CLI" publish --atlas "$ATLAS" --to "$PG" --community "$code" >"$OUT/city_publish.log" 2>&1 || {
      echo "publish of community $code failed:"; cat "$OUT/city_publish.log"; exit 1; }
  done
  echo "  in $(secs "$t0" "$(now)") s"
  echo "== growing it into $COPIES districts on the server"
  t0=$(now)
  psql -X -q -v ON_ERROR_STOP=1 -v copies="$COPIES" -v cols=5 -v dx=9000 -v dy=12000 "$PG" -f bench/city_clone.sql >/dev/null
  echo "  in $(secs "$t0" "$(now)") s"
fi
psql -X -qtA "$PG" -c "SELECT 'communities ' || (SELECT count(*) FROM communities) || ', grids ' || (SELECT count(*) FROM grids) ||
  ', buildings ' || (SELECT count(*) FROM buildings) || ', households ' || (SELECT count(*) FROM households) ||
  ', residents ' || (SELECT count(*) FROM residents) || ', database ' || pg_size_pretty(pg_database_size(current_database()))" |
  sed 's/^/== city: /'

json() { /usr/bin/python3 -c "import json,sys; d=json.load(sys.stdin); print(' '.join('%s=%s' % (k, d[k]) for k in sys.argv[1:]))" "$@"; }
# The neighbourhood: the extent of a community in the middle of the last district (ids of copy k
# are k * 100000000 + the original's).
last=$((COPIES - 1))
cid=$(psql -X -qtA "$PG" -c "SELECT id FROM communities WHERE id / 100000000 = $last ORDER BY id OFFSET 126 LIMIT 1")
view=$(psql -X -qtA "$PG" -c "SELECT concat_ws(',', ST_XMin(geom), ST_YMin(geom), ST_XMax(geom), ST_YMax(geom)) FROM communities WHERE id = $cid")
lcid=$((cid % 100000000))
lview=$(sqlite3 -separator , "$ATLAS" "SELECT MbrMinX(geom), MbrMinY(geom), MbrMaxX(geom), MbrMaxY(geom) FROM communities WHERE id = $lcid" 2>/dev/null ||
  psql -X -qtA "$PG" -c "SELECT concat_ws(',', ST_XMin(geom), ST_YMin(geom), ST_XMax(geom), ST_YMax(geom)) FROM communities WHERE id = $lcid")
echo "== neighbourhood view: community $cid ($view), $MAP, 1280x800, median of 5"
pg=$("$BENCH" "$PG" "$MAP" --direct --view "$view" --size 1280x800 --repeat 5 --out "$OUT" 2>/dev/null)
echo "  PostGIS city, read by bounding box: $(echo "$pg" | json view_s view_min_s view_first_s drawn peak_rss_mib)"
lite=$("$BENCH" "$ATLAS" "$MAP" --direct --view "$lview" --size 1280x800 --repeat 5 2>/dev/null)
echo "  SpatiaLite L district, same community, by bounding box: $(echo "$lite" | json view_s view_min_s view_first_s drawn peak_rss_mib)"

gcode=$(psql -X -qtA "$PG" -c "SELECT code FROM grids WHERE community_id = $cid ORDER BY id LIMIT 1")
lgcode=${gcode%-*}
echo "== one grid's statistics: gridatlas-cli grids stats --grid $gcode (whole command, median of 5)"
median_run() {
  local t=()
  for _ in 1 2 3 4 5; do
    local a b
    a=$(now); "$@" >/dev/null 2>&1; b=$(now)
    t+=("$(awk -v a="$a" -v b="$b" 'BEGIN { printf "%.4f", b - a }')")
  done
  printf '%s\n' "${t[@]}" | sort -n | sed -n 3p
}
"$CLI" grids stats --atlas "$PG" --grid "$gcode" | sed 's/^/  /'
echo "  PostGIS city: $(median_run "$CLI" grids stats --atlas "$PG" --grid "$gcode") s"
echo "  SpatiaLite L district: $(median_run "$CLI" grids stats --atlas "$ATLAS" --grid "$lgcode") s"
