#!/bin/sh
# Coverage speed on the L atlas against SpatiaLite SQL in the same run (see
# shared/peers/RESULTS.md for the queries and the PostGIS figures):
#  1. straight-line coverage of every household by one post type (health_station, its own
#     radius): `gridatlas-cli coverage` (whole process, reading the atlas included) against the
#     peers' SpatialIndex + ST_Distance query; the counts must be identical; target >= 10x;
#  2. walking coverage (multi-source shortest paths from every door): target < 3 s;
#  3. k = 10 new pioneer posts among every building (about 20k candidates), walking: < 10 s.
#
#   bench/bench_coverage.sh [BUILD_DIR]              (default BUILD_DIR: <repo>/build)
#   RUNS=5 ATLAS=/tmp/gridatlas-bench/L.sqlite bench/bench_coverage.sh build-d
#
# The atlas is generated with `gridatlas-cli demo --scale L` when missing (and kept). Figures
# are medians of RUNS whole-process runs after one warm-up (shared/peers/median_time.py). The
# machine is shared: the load average is printed first; compare ratios, not seconds.
set -eu

ROOT=$(git -C "$(dirname "$0")" rev-parse --show-toplevel)
SHARED="$ROOT/../shared"
BUILD=${1:-$ROOT/build}
case "$BUILD" in /*) ;; *) BUILD="$ROOT/$BUILD" ;; esac
CLI=${GRIDATLAS_CLI:-$BUILD/bin/gridatlas-cli}
ATLAS=${ATLAS:-/tmp/gridatlas-bench/L.sqlite}
RUNS=${RUNS:-5}
TIMER="/usr/bin/python3 $SHARED/peers/median_time.py -n $RUNS"
export QT_QPA_PLATFORM=offscreen

[ -x "$CLI" ] || { echo "bench_coverage: no gridatlas-cli at $CLI (build it, or give the build folder)" >&2; exit 1; }
command -v spatialite >/dev/null || { echo "bench_coverage: needs spatialite (apt-get install spatialite-bin)" >&2; exit 1; }
if [ ! -r "$ATLAS" ]; then
    mkdir -p "$(dirname "$ATLAS")"
    "$CLI" demo --scale L --out "$ATLAS"
fi
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT INT TERM
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg), $(nproc) cores; atlas $ATLAS"
"$CLI" info --atlas "$ATLAS" | grep -E '^(households|service_posts|streets|buildings):' | tr '\n' ' '
echo

SRID=$(sqlite3 "$ATLAS" "SELECT value FROM atlas_meta WHERE key = 'srid'")
# The peers' health query (shared/peers/sql/coverage_health_radius.sql) with the standard taken
# from post_types where the post has no radius of its own, in the atlas's CRS.
cat > "$TMP/health.sql" <<EOF
SELECT COUNT(DISTINCT h.id)
FROM service_posts AS p JOIN post_types AS t ON t.type = p.type
JOIN households AS h ON h.ROWID IN (
    SELECT ROWID FROM SpatialIndex
    WHERE f_table_name = 'households' AND f_geometry_column = 'geom'
      AND search_frame = BuildCircleMbr(ST_X(p.geom), ST_Y(p.geom), COALESCE(p.radius_m, t.radius_m), $SRID))
WHERE p.type = 'health_station' AND ST_Distance(h.geom, p.geom) <= COALESCE(p.radius_m, t.radius_m);
EOF

median() { sed -n "s/.*wall s min [0-9.]* median \([0-9.]*\) .*/\1/p" | head -1; }
cpu() { sed -n "s/.*cpu s median \([0-9.]*\) .*/\1/p" | head -1; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.1f", a / b; else print "inf" }'; }

echo "== 1. straight-line coverage, health_station, every household"
sql_count=$(spatialite -silent "$ATLAS" < "$TMP/health.sql")
ours_count=$("$CLI" coverage --atlas "$ATLAS" --type health_station --euclid 2>/dev/null | sed -n 's/.*: \([0-9]*\) of [0-9]* households covered.*/\1/p')
sql_t=$($TIMER sh -c "exec spatialite -silent '$ATLAS' < '$TMP/health.sql'" 2>/dev/null | tee "$TMP/sql.txt" | median)
ours_t=$($TIMER "$CLI" coverage --atlas "$ATLAS" --type health_station --euclid 2>/dev/null | tee "$TMP/ours.txt" | median)
echo "  SpatiaLite SQL:      $(cat "$TMP/sql.txt")   covered $sql_count"
echo "  gridatlas coverage:  $(cat "$TMP/ours.txt")   covered $ours_count"
[ "$sql_count" = "$ours_count" ] && echo "  counts identical" || echo "  COUNTS DIFFER: SQL $sql_count, ours $ours_count"
echo "  ratio: gridatlas is $(ratio "$sql_t" "$ours_t")x faster than SpatiaLite SQL in wall time (target >= 10x),"
echo "         $(ratio "$(cpu < "$TMP/sql.txt")" "$(cpu < "$TMP/ours.txt")")x in CPU time (SQL uses one core, gridatlas two)"
echo "  (PostGIS 3.3 on the peers' L, RESULTS.md: 1.33 s; ours here $ours_t s: $(ratio 1.33 "$ours_t")x)"

echo "== 2. walking coverage, health_station 15 min (1,125 m), every household"
"$CLI" coverage --atlas "$ATLAS" --type health_station --network 2>/dev/null | head -1 | sed 's/^/  /'
net_t=$($TIMER "$CLI" coverage --atlas "$ATLAS" --type health_station --network 2>/dev/null | tee "$TMP/net.txt" | median)
echo "  $(cat "$TMP/net.txt")"
echo "  walking coverage: $net_t s (target < 3 s): $(ratio 3 "$net_t")x under the target"

echo "== 3. siting: k = 10 pioneer posts, 10 min walk, every building a candidate"
"$CLI" site --atlas "$ATLAS" --type pioneer_post --k 10 --minutes 10 --network --candidates buildings 2>/dev/null | head -1 | sed 's/^/  /'
site_t=$($TIMER "$CLI" site --atlas "$ATLAS" --type pioneer_post --k 10 --minutes 10 --network --candidates buildings 2>/dev/null | tee "$TMP/site.txt" | median)
echo "  $(cat "$TMP/site.txt")"
echo "  siting: $site_t s (target < 10 s): $(ratio 10 "$site_t")x under the target"
