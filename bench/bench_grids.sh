#!/bin/sh
# Grid planning speed (issue 5) against SpatiaLite SQL in the same run:
#  - per-grid statistics on the L demo atlas vs the peers' households-per-grid query
#    (../shared/peers/sql/households_per_grid.sql: SpatialIndex + ST_Contains), also run through
#    the spatialite shell as the peers did; counts must be identical (target: 3x faster);
#  - every grid check on L (target: under 2 s);
#  - a proposal for one community of every building of the M demo atlas (~5,000 buildings;
#    target: under 10 s).
#
#   bench/bench_grids.sh [BUILD_DIR]       (default BUILD_DIR: <repo>/build)
#   RUNS=5 L=/tmp/L.sqlite M=/tmp/M.sqlite bench/bench_grids.sh build-e
#
# Atlases given as L/M are used as they are; otherwise they are generated into OUT and deleted
# afterwards. The machine is shared: the load average is printed first.
set -eu

ROOT=$(git -C "$(dirname "$0")" rev-parse --show-toplevel)
SHARED="$ROOT/../shared"
BUILD=${1:-$ROOT/build}
case "$BUILD" in /*) ;; *) BUILD="$ROOT/$BUILD" ;; esac
CLI=${GRIDATLAS_CLI:-$BUILD/bin/gridatlas-cli}
BENCH=$BUILD/bin/gridatlas-bench-grids
OUT=${OUT:-/tmp/gridatlas-bench-grids.$$}
RUNS=${RUNS:-5}

for exe in "$CLI" "$BENCH"; do
    if [ ! -x "$exe" ]; then
        echo "bench_grids: no $exe (build gridatlas-cli and gridatlas-bench-grids, or give the build folder)" >&2
        exit 1
    fi
done
mkdir -p "$OUT"
trap 'rm -rf "$OUT"' EXIT INT TERM

echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
if [ -z "${L:-}" ]; then
    L="$OUT/L.sqlite"
    "$CLI" demo --out "$L" --scale L >/dev/null 2>&1
fi
if [ -z "${M:-}" ]; then
    M="$OUT/M.sqlite"
    "$CLI" demo --out "$M" --scale M >/dev/null 2>&1
fi

SQL="$SHARED/peers/sql/households_per_grid.sql"
if command -v spatialite >/dev/null 2>&1 && [ -r "$SQL" ]; then
    # The peers' own figure, through the spatialite shell (start-up included, as in RESULTS.md).
    best=""
    i=0
    while [ "$i" -lt "$RUNS" ]; do
        t0=$(date +%s.%N)
        result=$(spatialite -silent "$L" < "$SQL")
        t1=$(date +%s.%N)
        t=$(echo "$t1 - $t0" | bc)
        if [ -z "$best" ] || [ "$(echo "$t < $best" | bc)" = 1 ]; then best=$t; fi
        i=$((i + 1))
    done
    echo "spatialite shell, households_per_grid.sql on L: best of $RUNS ${best} s -> $result"
else
    echo "spatialite shell or $SQL missing: shell figure skipped (the same query still runs in-process below)"
fi

"$BENCH" "$L" "$M" "$RUNS"
