# shellcheck shell=bash
# PostgreSQL 15 from Debian's postgresql-15, in its own data directory, trust auth on loopback.
# The server refuses to run as root: as root it runs as the "postgres" system user, with its
# data directory under /var/lib/docmesh (the postgres user cannot enter root's home).

PG_BIN="${DOCMESH_PG_BIN:-/usr/lib/postgresql/15/bin}"
if [[ $(id -u) -eq 0 ]]; then
  PG_DATA="${DOCMESH_PG_DATA:-/var/lib/docmesh/postgres-$DOCMESH_PG_PORT}"
  PG_AS=(setpriv --reuid=postgres --regid=postgres --init-groups)
else
  PG_DATA="${DOCMESH_PG_DATA:-$DATA_DIR/postgres}"
  PG_AS=()
fi

postgres_installed() { [[ -x "$PG_BIN/postgres" && -x "$PG_BIN/initdb" ]]; }
postgres_install() {
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y --no-install-recommends postgresql-15 || { apt-get update && apt-get install -y --no-install-recommends postgresql-15; }
}
postgres_version() { "$PG_BIN/postgres" --version; }
postgres_endpoint() { echo "postgres://docmesh@127.0.0.1:$DOCMESH_PG_PORT/docmesh"; }
postgres_stop_signal() { echo INT; } # fast shutdown

postgres_start() {
  require_free_port postgres "$DOCMESH_PG_PORT"
  if [[ ! -f "$PG_DATA/PG_VERSION" ]]; then
    mkdir -p "$PG_DATA"
    [[ $(id -u) -eq 0 ]] && chown postgres: "$PG_DATA" && chown postgres: "$(dirname "$PG_DATA")"
    chmod 700 "$PG_DATA"
    log "postgres: initdb $PG_DATA"
    "${PG_AS[@]}" "$PG_BIN/initdb" -D "$PG_DATA" -U docmesh --auth=trust --encoding=UTF8 --locale=C.UTF-8 \
      >>"$(logfile postgres)" 2>&1 || die "postgres: initdb failed; log: $(logfile postgres)"
    # Loopback only, trust (development only).
    printf 'local all all trust\nhost all all 127.0.0.1/32 trust\nhost all all ::1/128 trust\n' >"$PG_DATA/pg_hba.conf"
  fi
  spawn postgres "${PG_AS[@]}" "$PG_BIN/postgres" -D "$PG_DATA" -p "$DOCMESH_PG_PORT" \
    -c listen_addresses=127.0.0.1 -c unix_socket_directories="$PG_DATA" -c fsync=off \
    -c shared_buffers=64MB -c max_connections=100
}
postgres_ready() { "$PG_BIN/pg_isready" -q -h 127.0.0.1 -p "$DOCMESH_PG_PORT" -U docmesh -d postgres; }
postgres_post_start() {
  if ! "$PG_BIN/psql" -h 127.0.0.1 -p "$DOCMESH_PG_PORT" -U docmesh -d postgres -tAc "select 1 from pg_database where datname='docmesh'" | grep -c 1 >/dev/null; then
    "$PG_BIN/createdb" -h 127.0.0.1 -p "$DOCMESH_PG_PORT" -U docmesh docmesh
  fi
}
postgres_reset() { rm -rf "${PG_DATA:?}"; }
postgres_env() { echo "DOCMESH_DATABASE_URL=$(postgres_endpoint)"; }
