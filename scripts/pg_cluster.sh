#!/usr/bin/env bash
# A throw-away PostgreSQL 15 + PostGIS cluster for tests and benchmarks (docs/postgis.md).
#   scripts/pg_cluster.sh start STATE     initdb in a new temp folder, start on a free loopback port,
#                                         write STATE (shell variables, see below); exit 0
#   scripts/pg_cluster.sh stop STATE      stop that cluster and delete its folder and STATE
#   scripts/pg_cluster.sh url STATE       print its postgresql:// URL
# STATE holds PGROOT (the folder), PGPORT, PGHOST (the unix socket folder) and GRIDATLAS_PG_URL
# (postgresql://postgres@127.0.0.1:PORT/postgres, trust authentication, loopback only).
# When the PostgreSQL 15 or PostGIS files are missing, `start` writes STATE with
# GRIDATLAS_PG_MISSING="why" and exits 0, so the tests skip with that reason instead of failing.
# As root the server runs as the postgres user (initdb refuses root), as in bench/bench_coverage.sh.
set -euo pipefail

PGBIN=${PGBIN:-/usr/lib/postgresql/15/bin}
cmd=${1:-}
state=${2:-}
[[ -n "$cmd" && -n "$state" ]] || { echo "usage: $0 start|stop|url STATE_FILE" >&2; exit 2; }

as_pg() {
  if [[ $(id -u) -eq 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi
}

start() {
  if [[ ! -x "$PGBIN/initdb" ]]; then
    printf 'GRIDATLAS_PG_MISSING=%q\n' "no PostgreSQL 15 server ($PGBIN/initdb): apt-get install postgresql-15-postgis-3" >"$state"
    echo "pg_cluster: PostgreSQL 15 not installed; PostGIS tests will be skipped" >&2
    return 0
  fi
  if [[ ! -f /usr/share/postgresql/15/extension/postgis.control ]]; then
    printf 'GRIDATLAS_PG_MISSING=%q\n' "PostGIS is not installed: apt-get install postgresql-15-postgis-3" >"$state"
    echo "pg_cluster: PostGIS not installed; PostGIS tests will be skipped" >&2
    return 0
  fi
  local root
  root=$(mktemp -d /tmp/gridatlas-pgtest.XXXXXX)
  chmod 755 "$root"
  if [[ $(id -u) -eq 0 ]]; then chown postgres "$root"; fi
  as_pg "$PGBIN/initdb" -D "$root/data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >"$root/initdb.log" 2>&1 || {
    cat "$root/initdb.log" >&2
    rm -rf "$root"
    return 1
  }
  # A free port: try a range, since several builds on one machine may run their tests at once.
  local port started=0
  for port in $(seq $((55500 + RANDOM % 200)) 55799) $(seq 55500 55799); do
    if as_pg "$PGBIN/pg_ctl" -D "$root/data" -l "$root/server.log" -w -t 30 start -o \
      "-c listen_addresses=127.0.0.1 -c port=$port -c unix_socket_directories=$root -c fsync=off \
       -c synchronous_commit=off -c full_page_writes=off -c jit=off -c max_connections=100 ${GRIDATLAS_PG_OPTIONS:-}" >/dev/null 2>&1; then
      started=1
      break
    fi
  done
  if [[ $started -ne 1 ]]; then
    cat "$root/server.log" >&2 || true
    rm -rf "$root"
    echo "pg_cluster: could not start PostgreSQL on any port 55500-55799" >&2
    return 1
  fi
  # Every database created from template1 has PostGIS already (tests make one per test).
  as_pg psql -X -q -h "$root" -p "$port" -U postgres -d template1 -c "CREATE EXTENSION IF NOT EXISTS postgis" >/dev/null
  {
    printf 'PGROOT=%q\n' "$root"
    printf 'PGPORT=%q\n' "$port"
    printf 'PGHOST=%q\n' "$root"
    printf 'GRIDATLAS_PG_URL=%q\n' "postgresql://postgres@127.0.0.1:$port/postgres"
  } >"$state"
  echo "pg_cluster: PostgreSQL $("$PGBIN/postgres" --version | awk '{print $3}') on 127.0.0.1:$port ($root)"
}

stop() {
  [[ -f "$state" ]] || return 0
  # shellcheck disable=SC1090
  source "$state"
  if [[ -n "${PGROOT:-}" && -d "$PGROOT" ]]; then
    as_pg "$PGBIN/pg_ctl" -D "$PGROOT/data" -m immediate -w stop >/dev/null 2>&1 || true
    rm -rf "$PGROOT"
    echo "pg_cluster: stopped ($PGROOT)"
  fi
  rm -f "$state"
}

case "$cmd" in
start) start ;;
stop) stop ;;
url)
  # shellcheck disable=SC1090
  source "$state"
  echo "${GRIDATLAS_PG_URL:?no cluster in $state}"
  ;;
*) echo "usage: $0 start|stop|url STATE_FILE" >&2; exit 2 ;;
esac
