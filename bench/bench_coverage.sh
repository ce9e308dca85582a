#!/bin/sh
# Coverage speed on the L atlas against SpatiaLite SQL and PostGIS (15 / 3.3) in the same run
# (see shared/peers/RESULTS.md for the queries):
#  1. straight-line coverage of every household by one post type (health_station, its own
#     radius): `gridatlas-cli coverage` (whole process, reading the atlas included) against the
#     peers' SpatialIndex + ST_Distance query (target >= 10x) and the same with ST_DWithin in
#     PostGIS on a throw-away cluster (target >= 3x; needs postgresql-15-postgis-3; PG=0 skips);
#     the counts must be identical;
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
# Opened writable once (a no-op command): an atlas of an older schema is migrated, which also
# builds its household_points blocks.
"$CLI" grids plans --atlas "$ATLAS" >/dev/null 2>&1 || true
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

# PostGIS in the same run: a throw-away cluster in a temp folder (unix socket in it, and
# 127.0.0.1:$PGPORT), the atlas's households, service_posts and post_types loaded by ogr2ogr with
# GiST indexes and ANALYZE, the same query with ST_DWithin (inclusive, as <=). Skipped with a
# note when postgresql-15-postgis-3 is not installed or PG=0.
PGBIN=/usr/lib/postgresql/15/bin
PGPORT=${PGPORT:-55433}
if [ "${PG:-1}" = 0 ]; then
    echo "  PostGIS: skipped (PG=0)"
elif [ ! -x "$PGBIN/initdb" ] || [ ! -f /usr/share/postgresql/15/extension/postgis.control ]; then
    echo "  PostGIS: skipped (apt-get install postgresql-15-postgis-3)"
else
    PGROOT=$(mktemp -d /tmp/gridatlas-pg.XXXXXX)
    # initdb refuses root: the server runs as the postgres user (or as ourselves when not root).
    if [ "$(id -u)" = 0 ]; then chown postgres "$PGROOT"; as_pg() { runuser -u postgres -- "$@"; }; else as_pg() { "$@"; }; fi
    pg_stop() { as_pg "$PGBIN/pg_ctl" -D "$PGROOT/data" -m fast -w stop >/dev/null 2>&1 || true; rm -rf "$PGROOT"; }
    trap 'pg_stop; rm -rf "$TMP"' EXIT INT TERM
    as_pg "$PGBIN/initdb" -D "$PGROOT/data" -U postgres --auth=trust >/dev/null
    as_pg "$PGBIN/pg_ctl" -D "$PGROOT/data" -l "$PGROOT/server.log" -w start -o \
        "-c listen_addresses=127.0.0.1 -c port=$PGPORT -c unix_socket_directories=$PGROOT -c shared_buffers=1GB \
         -c work_mem=256MB -c jit=off -c fsync=off -c synchronous_commit=off" >/dev/null
    PSQL="psql -X -q -A -t -h $PGROOT -p $PGPORT -U postgres"
    $PSQL -d postgres -c "CREATE DATABASE atlas"
    $PSQL -d atlas -c "CREATE EXTENSION postgis"
    ogr2ogr -f PostgreSQL "PG:host=$PGROOT port=$PGPORT user=postgres dbname=atlas" "$ATLAS" \
        households service_posts post_types -lco GEOMETRY_NAME=geom -lco FID=id -preserve_fid -lco SPATIAL_INDEX=GIST
    $PSQL -d atlas -c "VACUUM ANALYZE"
    cat > "$TMP/pg_health.sql" <<EOF
SELECT COUNT(DISTINCT h.id)
FROM service_posts AS p JOIN post_types AS t ON t.type = p.type
JOIN households AS h ON ST_DWithin(h.geom, p.geom, COALESCE(p.radius_m, t.radius_m))
WHERE p.type = 'health_station';
EOF
    pg_count=$($PSQL -d atlas -f "$TMP/pg_health.sql")
    pg_t=$($TIMER $PSQL -d atlas -o /dev/null -f "$TMP/pg_health.sql" 2>/dev/null | tee "$TMP/pg.txt" | median)
    echo "  PostGIS $($PSQL -d atlas -c 'SELECT PostGIS_Lib_Version()'):  $(cat "$TMP/pg.txt")   covered $pg_count (psql's whole process; the work is in the server)"
    [ "$pg_count" = "$ours_count" ] && echo "  counts identical" || echo "  COUNTS DIFFER: PostGIS $pg_count, ours $ours_count"
    echo "  ratio: gridatlas is $(ratio "$pg_t" "$ours_t")x faster than PostGIS in wall time (target >= 3x)"
    pg_stop
    trap 'rm -rf "$TMP"' EXIT INT TERM
fi

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
