#!/bin/sh
# Roster import benchmark: `gridatlas-cli import-roster` of a 1M-row CSV roster (one row per
# household of the L demo district: name, sex, birth date, ID number, phone, free-text address in
# six shapes, member fields, flags, x/y) against `ogr2ogr` loading the same CSV's rows as points
# into SpatiaLite without any parsing (the peer of ../shared/peers/run_bench.sh), in the same run.
#
#   sh bench/bench_roster.sh            env: SCALE=L RUNS=3 DATA=/tmp/gridatlas-bench BUILD=build
#   ENCRYPT=1 sh bench/bench_roster.sh  the same into an encrypted atlas (gridatlas-cli encrypt;
#                                       phones and ID numbers sealed, matched by the blind index)
#
# Three timings per run, wall seconds, medians reported:
#   first   import into the district with its residents removed (1M residents added)
#   again   the same roster once more into the result (everything unchanged: parse + match only)
#   ogr2ogr CSV -> SpatiaLite points (-gt 65536, spatial index), as the peers ran it
# Needs: gdal-bin, sqlite3, /usr/bin/python3 (for the roster generator).
set -eu
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${BUILD:-$ROOT/build}
CLI=$BUILD/bin/gridatlas-cli
SCALE=${SCALE:-L}
RUNS=${RUNS:-3}
DATA=${DATA:-/tmp/gridatlas-bench}
mkdir -p "$DATA"
ATLAS=$DATA/demo_$SCALE.sqlite
ROSTER=$DATA/roster_$SCALE.csv
EMPTY=$DATA/demo_${SCALE}_noresidents.sqlite

[ -x "$CLI" ] || { echo "no $CLI: build first (cmake --build $BUILD --target gridatlas-cli)" >&2; exit 1; }
[ -f "$ATLAS" ] || "$CLI" demo --out "$ATLAS" --scale "$SCALE" >/dev/null 2>&1
[ -f "$ROSTER" ] || /usr/bin/python3 "$ROOT/bench/roster_gen.py" "$ATLAS" "$ROSTER"
if [ ! -f "$EMPTY" ]; then
    cp "$ATLAS" "$EMPTY.tmp"
    sqlite3 "$EMPTY.tmp" "PRAGMA foreign_keys=OFF; DELETE FROM assignments; UPDATE service_posts SET staffed_by = NULL;
                          DELETE FROM residents; VACUUM;"
    mv "$EMPTY.tmp" "$EMPTY"
fi
if [ "${ENCRYPT:-0}" = 1 ]; then
    # The cost of encryption at rest: the same import into the same atlas with a passphrase.
    export GRIDATLAS_PASSPHRASE=bench-passphrase
    ENC=$DATA/demo_${SCALE}_noresidents_encrypted.sqlite
    if [ ! -f "$ENC" ]; then
        cp "$EMPTY" "$ENC.tmp"
        "$CLI" encrypt --atlas "$ENC.tmp" >/dev/null 2>&1
        mv "$ENC.tmp" "$ENC"
    fi
    EMPTY=$ENC
fi
ROWS=$(($(wc -l < "$ROSTER") - 1))
echo "roster $ROSTER: $ROWS rows, $(du -mL "$ROSTER" | cut -f1) MiB; atlas $(basename "$EMPTY")"

now() { date +%s.%N; }
# cpu FILE COMMAND...: runs COMMAND and appends its user+system CPU seconds to FILE (a load-independent
# figure next to the wall time: the host is shared).
cpu() { f=$1; shift; /usr/bin/time -f "%U %S" -o "$f.time" "$@"; rc=$?; awk '{print $1 + $2}' "$f.time" >> "$f"; return $rc; }
median() { sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }
FIRST=""; AGAIN=""; OGR=""
rm -f "$DATA/cpu_first" "$DATA/cpu_again" "$DATA/cpu_ogr"
RUN=$DATA/run_$SCALE.sqlite
for i in $(seq "$RUNS"); do
    rm -f "$RUN" "$RUN-wal" "$RUN-shm"
    cp "$EMPTY" "$RUN"
    sync
    t0=$(now)
    cpu "$DATA/cpu_first" "$CLI" import-roster --atlas "$RUN" "$ROSTER" >"$DATA/first.out" 2>"$DATA/first.err" || { tail -5 "$DATA/first.err"; exit 1; }
    t1=$(now)
    cpu "$DATA/cpu_again" "$CLI" import-roster --atlas "$RUN" "$ROSTER" >"$DATA/again.out" 2>"$DATA/again.err" || { tail -5 "$DATA/again.err"; exit 1; }
    t2=$(now)
    rm -f "$DATA/ogr_$SCALE.sqlite"
    t3=$(now)
    cpu "$DATA/cpu_ogr" ogr2ogr -f SQLite -dsco SPATIALITE=YES -gt 65536 -a_srs EPSG:4547 -oo X_POSSIBLE_NAMES=x \
        -oo Y_POSSIBLE_NAMES=y -oo AUTODETECT_TYPE=YES -nln households "$DATA/ogr_$SCALE.sqlite" "$ROSTER"
    t4=$(now)
    f=$(echo "$t1 - $t0" | bc); a=$(echo "$t2 - $t1" | bc); o=$(echo "$t4 - $t3" | bc)
    echo "run $i: first import $f s ($(cat "$DATA/first.out")), re-import $a s ($(cat "$DATA/again.out")), ogr2ogr $o s"
    FIRST="$FIRST $f"; AGAIN="$AGAIN $a"; OGR="$OGR $o"
done
mf=$(echo $FIRST | tr ' ' '\n' | median); ma=$(echo $AGAIN | tr ' ' '\n' | median); mo=$(echo $OGR | tr ' ' '\n' | median)
echo "medians over $RUNS runs: first import $mf s, re-import $ma s, ogr2ogr $mo s"
echo "ogr2ogr / first import = $(echo "scale=2; $mo / $mf" | bc)x; ogr2ogr / re-import = $(echo "scale=2; $mo / $ma" | bc)x (target: first import under 5 s and at least 3x)"
cf=$(median < "$DATA/cpu_first"); ca=$(median < "$DATA/cpu_again"); co=$(median < "$DATA/cpu_ogr")
echo "CPU seconds (user+system, medians): first import $cf, re-import $ca, ogr2ogr $co"
echo "load while measuring: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores (wall times stretch with load; ogr2ogr runs on one thread, the import on several)"
