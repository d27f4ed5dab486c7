# shellcheck shell=bash disable=SC2034
# Readiness probes read a pipe to the end (grep -c, not grep -q): with pipefail, grep -q exiting early
# would SIGPIPE the writer and fail a probe of a service that is ready.
# Helpers shared by scripts/services/*.sh. Sourced, never run.

SERVICES_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
export DOCMESH_CACHE="${DOCMESH_CACHE:-$HOME/.cache/docmesh}"
RUN_DIR="$DOCMESH_CACHE/run"
LOG_DIR="$RUN_DIR/logs"
DATA_DIR="$DOCMESH_CACHE/data"
BIN_DIR="$DOCMESH_CACHE/bin"
INSTALL_LOG_DIR="$DOCMESH_CACHE/install-logs"
ENV_FILE="$RUN_DIR/services.env"
mkdir -p "$RUN_DIR" "$LOG_DIR" "$DATA_DIR" "$BIN_DIR" "$INSTALL_LOG_DIR"

# Port defaults: ports.env, unless the variable is already set in the environment.
while IFS='=' read -r key value; do
  [[ -z "$key" || "$key" == \#* ]] && continue
  if [[ -z "${!key:-}" ]]; then export "$key=$value"; fi
done <"$SERVICES_DIR/ports.env"

# Credentials for MinIO (local development only).
export DOCMESH_S3_ACCESS_KEY="${DOCMESH_S3_ACCESS_KEY:-docmesh}"
export DOCMESH_S3_SECRET_KEY="${DOCMESH_S3_SECRET_KEY:-docmesh-secret}"
export DOCMESH_S3_BUCKET="${DOCMESH_S3_BUCKET:-docmesh}"

log() { printf '[services] %s\n' "$*" >&2; }
die() { printf '[services] ERROR: %s\n' "$*" >&2; exit 1; }
now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }

pidfile() { echo "$RUN_DIR/$1.pid"; }
logfile() { echo "$LOG_DIR/$1.log"; }

# Start time of a process (clock ticks since boot), to tell our process from a reused pid.
proc_start() {
  local stat
  stat="$(cat "/proc/$1/stat" 2>/dev/null)" || return 1
  stat="${stat##*) }"
  awk '{ print $20 }' <<<"$stat"
}

# The pid of a service we started, if that very process is still alive.
running_pid() {
  local f pid started
  f="$(pidfile "$1")"
  [[ -f "$f" ]] || return 1
  read -r pid started <"$f" || true
  [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null || return 1
  if [[ -n "$started" && "$(proc_start "$pid")" != "$started" ]]; then return 1; fi
  echo "$pid"
}

# Fails when something that is not ours listens on a port we need. Our default ports lie in Linux's
# ephemeral range, so a client socket (often in TIME-WAIT after a test) may hold one for up to 60 s:
# wait for those to go rather than let the server die with "Address already in use".
port_free() {
  ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}
# Sockets on the port other than TIME-WAIT ones (servers bind over those with SO_REUSEADDR).
port_sockets() { ss -Htan exclude time-wait "( sport = :$1 )" 2>/dev/null | grep -c . || true; }
require_free_port() {
  local svc="$1" port i
  shift
  for port in "$@"; do
    port_free "$port" || die "$svc: port $port on 127.0.0.1 is already in use by another process (set its DOCMESH_*_PORT to move it)"
    for ((i = 0; i < 130; i++)); do
      [[ "$(port_sockets "$port")" -eq 0 ]] && break
      ((i == 0)) && log "$svc: port $port is held by a client socket; waiting up to 65 s"
      sleep 0.5
    done
  done
}

# Starts "$@" in its own session, output to the service's log, and records the pid.
spawn() {
  local svc="$1"
  shift
  local lf
  lf="$(logfile "$svc")"
  printf '\n===== %s start %s =====\n' "$svc" "$(date -Is)" >>"$lf"
  stat -c %s "$lf" >"$RUN_DIR/$svc.logoffset"
  setsid "$@" >>"$lf" 2>&1 </dev/null 9>&- &
  local pid=$!
  echo "$pid $(proc_start "$pid")" >"$(pidfile "$svc")"
}

# Polls "$2..." until it succeeds; fails naming the service after $DOCMESH_READY_TIMEOUT (or 180) seconds.
wait_ready() {
  local svc="$1" timeout="${DOCMESH_READY_TIMEOUT:-180}" start
  shift
  start=$(date +%s)
  until "$@" >/dev/null 2>&1; do
    if ! running_pid "$svc" >/dev/null; then
      tail -n 40 "$(logfile "$svc")" >&2 || true
      die "$svc exited before it was ready; log: $(logfile "$svc")"
    fi
    if (($(date +%s) - start > timeout)); then
      tail -n 40 "$(logfile "$svc")" >&2 || true
      die "$svc not ready after ${timeout}s; log: $(logfile "$svc")"
    fi
    sleep 0.5
  done
}

# The part of the service's log written since its last start.
log_since_start() { tail -c +"$(($(cat "$RUN_DIR/$1.logoffset" 2>/dev/null || echo 0) + 1))" "$(logfile "$1")"; }
port_open() { ! port_free "$1"; }

http_ok() { curl -fsS -o /dev/null --max-time 5 "$1"; }

# Resident memory (kB) of a process and all its descendants.
tree_rss_kb() {
  local pid="$1" total=0 child
  total=$(ps -o rss= -p "$pid" 2>/dev/null | tr -d ' ')
  total=${total:-0}
  for child in $(pgrep -P "$pid" 2>/dev/null); do
    total=$((total + $(tree_rss_kb "$child")))
  done
  echo "$total"
}

# Stops a service we started: TERM (or $2), then KILL after 30 s.
stop_pid() {
  local svc="$1" sig="${2:-TERM}" pid i
  pid="$(running_pid "$svc")" || { rm -f "$(pidfile "$svc")"; return 0; }
  log "$svc: stopping pid $pid"
  kill "-$sig" "$pid" 2>/dev/null || true
  for ((i = 0; i < 60; i++)); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.5
  done
  if kill -0 "$pid" 2>/dev/null; then
    log "$svc: still alive after 30 s, sending KILL"
    kill -KILL "$pid" 2>/dev/null || true
  fi
  rm -f "$(pidfile "$svc")"
}

# Records how long an install took, for docs/development.md.
record_install() { echo "$2" >"$INSTALL_LOG_DIR/$1.seconds"; }

# A java binary of at least major version $1: $DOCMESH_JAVA<n>, then java on PATH, then /usr/lib/jvm/*.
find_java() {
  local min="$1" var="DOCMESH_JAVA$1" cand major
  if [[ -n "${!var:-}" ]]; then echo "${!var}"; return 0; fi
  for cand in "$(command -v java 2>/dev/null)" /usr/lib/jvm/*/bin/java; do
    [[ -x "$cand" ]] || continue
    major="$("$cand" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p')"
    if [[ -n "$major" && "${major%%.*}" -ge "$min" ]]; then echo "$cand"; return 0; fi
  done
  return 1
}
