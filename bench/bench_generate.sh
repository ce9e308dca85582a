#!/bin/sh
# Times `gridatlas-cli demo --scale M|L` against the Python peer generator
# (../shared/peers/gen_city.py, see shared/peers/RESULTS.md) in the same run on the same
# machine, and prints wall seconds and the ratio. Generated files are deleted afterwards.
#
#   bench/bench_generate.sh [BUILD_DIR]          (default BUILD_DIR: <repo>/build)
#   SCALES="L" RUNS=3 OUT=/tmp/x bench/bench_generate.sh build-demo
#
# The peer needs Debian's /usr/bin/python3 with sqlite3 extension loading and
# libsqlite3-mod-spatialite; without them it is skipped with a message. With RUNS > 1 each
# figure is the median. The machine is shared: note the load average printed first.
set -eu

ROOT=$(git -C "$(dirname "$0")" rev-parse --show-toplevel)
SHARED="$ROOT/../shared"
BUILD=${1:-$ROOT/build}
case "$BUILD" in /*) ;; *) BUILD="$ROOT/$BUILD" ;; esac
CLI=${GRIDATLAS_CLI:-$BUILD/bin/gridatlas-cli}
OUT=${OUT:-/tmp/gridatlas-bench.$$}
SCALES=${SCALES:-"M L"}
RUNS=${RUNS:-1}
PYTHON=/usr/bin/python3
PEER="$SHARED/peers/gen_city.py"

if [ ! -x "$CLI" ]; then
    echo "bench_generate: no gridatlas-cli at $CLI (build it, or give the build folder)" >&2
    exit 1
fi
mkdir -p "$OUT"
trap 'rm -rf "$OUT"' EXIT INT TERM

peer=yes
if [ ! -r "$PEER" ]; then
    echo "peer: $PEER not found: skipping the peer"
    peer=no
elif [ ! -x "$PYTHON" ]; then
    echo "peer: $PYTHON not installed: skipping the peer"
    peer=no
elif ! "$PYTHON" -c "import sqlite3; c = sqlite3.connect(':memory:'); c.enable_load_extension(True); c.load_extension('mod_spatialite')" 2>/dev/null; then
    echo "peer: $PYTHON cannot load mod_spatialite (apt-get install libsqlite3-mod-spatialite): skipping the peer"
    peer=no
fi

# Wall seconds of one run of "$@" (output discarded; a failure stops the benchmark).
wall() {
    start=$(date +%s.%N)
    if ! "$@" > "$OUT/log" 2>&1; then
        echo "bench_generate: failed: $*" >&2
        tail -5 "$OUT/log" >&2
        exit 1
    fi
    end=$(date +%s.%N)
    awk -v a="$start" -v b="$end" 'BEGIN { printf "%.2f\n", b - a }'
}
# Median wall seconds over $RUNS runs; $1 is the output file, removed before each run.
median() {
    file=$1
    shift
    i=0
    : > "$OUT/times"
    while [ "$i" -lt "$RUNS" ]; do
        rm -f "$file" "$file-wal" "$file-shm"
        wall "$@" >> "$OUT/times"
        i=$((i + 1))
    done
    sort -n "$OUT/times" | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'
}

echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)  cpus: $(nproc)  runs: $RUNS"
for scale in $SCALES; do
    ours=$(median "$OUT/ours.sqlite" "$CLI" demo --out "$OUT/ours.sqlite" --scale "$scale")
    households=$(sqlite3 "$OUT/ours.sqlite" "SELECT COUNT(*) FROM households" 2>/dev/null || echo "?")
    size=$(du -m "$OUT/ours.sqlite" | cut -f1)
    rm -f "$OUT/ours.sqlite"
    line="scale $scale: gridatlas-cli demo ${ours} s ($households households, $size MiB)"
    if [ "$peer" = yes ]; then
        theirs=$(median "$OUT/peer.sqlite" "$PYTHON" "$PEER" --scale "$scale" "$OUT/peer.sqlite")
        peerHouseholds=$(sqlite3 "$OUT/peer.sqlite" "SELECT COUNT(*) FROM households" 2>/dev/null || echo "?")
        rm -f "$OUT/peer.sqlite"
        ratio=$(awk -v a="$ours" -v b="$theirs" 'BEGIN { printf "%.2f", b / a }')
        line="$line; gen_city.py ${theirs} s ($peerHouseholds households); ratio ${ratio}x (peer time / ours)"
    fi
    echo "$line"
done
