#!/usr/bin/env bash
# Twenty simulated editors at once for two minutes (issue 10), on a PostGIS atlas and on a
# SpatiaLite file: every accepted edit must be in the final state and every refused one reported
# (bench/editors_sim.h says how that is checked). Exit 1 when an update was lost.
#   bash bench/bench_editors.sh [SECONDS] [EDITORS]
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_RUN=${1:-120}
EDITORS=${2:-20}
OUT=${OUT:-/tmp/gridatlas-bench}
CLI=${CLI:-build/bin/gridatlas-cli}
BENCH=${BENCH:-build/bin/gridatlas-bench-editors}
mkdir -p "$OUT"
ATLAS=$OUT/editors_demo.sqlite
rm -f "$ATLAS"
"$CLI" demo --out "$ATLAS" >/dev/null 2>&1
STATE=$(mktemp /tmp/gridatlas-bench-pg.XXXXXX)
bash scripts/pg_cluster.sh start "$STATE"
trap 'bash scripts/pg_cluster.sh stop "$STATE" >/dev/null' EXIT INT TERM
# shellcheck disable=SC1090
source "$STATE"
if [[ -n "${GRIDATLAS_PG_MISSING:-}" ]]; then echo "skipped: $GRIDATLAS_PG_MISSING"; exit 0; fi
psql -X -q "$GRIDATLAS_PG_URL" -c "CREATE DATABASE editors"
PG=${GRIDATLAS_PG_URL%/*}/editors
for c in $(sqlite3 "$ATLAS" "SELECT code FROM communities ORDER BY id"); do
  "$CLI" publish --atlas "$ATLAS" --to "$PG" --community "$c" >/dev/null 2>&1
done
status=0
echo "== PostGIS: $EDITORS editors, $SECONDS_RUN s, 12 hot buildings"
"$BENCH" "$PG" --editors "$EDITORS" --seconds "$SECONDS_RUN" --rows 12 || status=1
echo "== SpatiaLite file: $EDITORS editors, $SECONDS_RUN s, 12 hot buildings"
"$BENCH" "$ATLAS" --editors "$EDITORS" --seconds "$SECONDS_RUN" --rows 12 || status=1
exit $status
