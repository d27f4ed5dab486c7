#!/usr/bin/env bash
# Docmesh backing services on 127.0.0.1, without Docker.
#
#   npm run services -- up [name...]      install what is missing, start, wait for readiness, write services.env
#   npm run services -- down [name...]    stop what this script started (by pid file)
#   npm run services -- status [name...]  pid, port, resident memory
#   npm run services -- logs name [-f]    the service's log file
#   npm run services -- install [name...] install only
#   npm run services -- reset [name...]   stop, then wipe the data directories
#   npm run services -- env               print the env file
#
# Services: postgres kafka apicurio minio opensearch jaeger prometheus envoy (default set), ollama (optional,
# only when named).
# Everything lives under ${DOCMESH_CACHE:-$HOME/.cache/docmesh}; ports come from ports.env.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

DEFAULT_SERVICES=(postgres kafka apicurio minio opensearch jaeger prometheus envoy)
ALL_SERVICES=(postgres kafka apicurio minio opensearch jaeger prometheus envoy ollama)

for s in "${ALL_SERVICES[@]}"; do
  # shellcheck source=/dev/null
  source "$SERVICES_DIR/$s.sh"
done

valid() {
  local s
  for s in "${ALL_SERVICES[@]}"; do [[ "$s" == "$1" ]] && return 0; done
  return 1
}

# Envoy is installed, not run: it counts as "up" when its binary validates.
is_up() {
  if [[ "$1" == envoy ]]; then envoy_installed; else running_pid "$1" >/dev/null; fi
}

write_env() {
  local tmp="$ENV_FILE.tmp" s
  {
    echo "# Written by scripts/services/services.sh on $(date -Is). Source it: set -a; . $ENV_FILE; set +a"
    for s in "${ALL_SERVICES[@]}"; do
      if is_up "$s"; then "${s}_env"; fi
    done
  } >"$tmp"
  mv "$tmp" "$ENV_FILE"
  log "wrote $ENV_FILE"
}

svc_install() {
  local s="$1" t
  if "${s}_installed"; then return 0; fi
  log "$s: installing (log: $INSTALL_LOG_DIR/$s.log)"
  t=$(now)
  if ! "${s}_install" >>"$INSTALL_LOG_DIR/$s.log" 2>&1; then
    tail -n 30 "$INSTALL_LOG_DIR/$s.log" >&2 || true
    die "$s: install failed; log: $INSTALL_LOG_DIR/$s.log"
  fi
  "${s}_installed" || die "$s: install finished but the service is still not installed; log: $INSTALL_LOG_DIR/$s.log"
  record_install "$s" "$(elapsed "$t")"
  log "$s: installed in $(cat "$INSTALL_LOG_DIR/$s.seconds") s"
}

# Starts a service unless it runs already; echoes nothing. Readiness is awaited by svc_wait.
declare -A STARTED_AT=()
svc_start() {
  local s="$1" pid
  [[ "$s" == envoy ]] && return 0
  if pid="$(running_pid "$s")"; then
    log "$s: already running (pid $pid)"
    STARTED_AT[$s]=already
    return 0
  fi
  STARTED_AT[$s]=$(now)
  "${s}_start"
}

svc_wait() {
  local s="$1"
  if [[ "$s" == envoy ]]; then
    log "envoy: $(envoy_version) at $(envoy_bin)"
    return 0
  fi
  [[ -n "${STARTED_AT[$s]:-}" ]] || return 0
  wait_ready "$s" "${s}_ready"
  # Already running (maybe still starting, from a concurrent `up`): ready is all we need.
  [[ "${STARTED_AT[$s]}" == already ]] && return 0
  if declare -F "${s}_post_start" >/dev/null; then "${s}_post_start"; fi
  elapsed "${STARTED_AT[$s]}" >"$RUN_DIR/$s.ready-seconds"
  log "$s: ready in $(cat "$RUN_DIR/$s.ready-seconds") s (pid $(running_pid "$s"))"
}

svc_down() {
  local s="$1"
  [[ "$s" == envoy ]] && return 0
  stop_pid "$s" "$(declare -F "${s}_stop_signal" >/dev/null && "${s}_stop_signal" || echo TERM)"
}

svc_status() {
  local s="$1" pid rss
  if [[ "$s" == envoy ]]; then
    if envoy_installed; then printf '%-11s installed  %s (%s)\n' envoy "$(envoy_bin)" "$(envoy_version)"; else printf '%-11s not installed\n' envoy; fi
    return 0
  fi
  if pid="$(running_pid "$s")"; then
    rss=$(tree_rss_kb "$pid")
    printf '%-11s running    pid %-8s rss %5d MiB  %s\n' "$s" "$pid" $((rss / 1024)) "$("${s}_endpoint")"
  elif "${s}_installed"; then
    printf '%-11s stopped\n' "$s"
  else
    printf '%-11s not installed\n' "$s"
  fi
}

cmd="${1:-status}"
shift || true
names=("$@")
if [[ ${#names[@]} -eq 0 ]]; then
  case "$cmd" in
    status | down | reset) names=("${ALL_SERVICES[@]}") ;;
    *) names=("${DEFAULT_SERVICES[@]}") ;;
  esac
fi
for s in "${names[@]}"; do
  [[ "$cmd" == logs && "$s" == -f ]] && continue
  valid "$s" || die "unknown service '$s' (known: ${ALL_SERVICES[*]})"
done

# One `up`/`down`/`reset` at a time (two test runs may start together).
case "$cmd" in
  up | down | reset | install)
    exec 9>"$RUN_DIR/.lock"
    if ! flock -n 9; then
      log "waiting for another services.sh $cmd to finish"
      flock 9
    fi
    ;;
esac

case "$cmd" in
  up)
    # Install one at a time (builds are heavy on 2 cores), then start everything at once and wait
    # for each: the JVMs overlap their start-up.
    for s in "${names[@]}"; do svc_install "$s"; done
    t_up=$(now)
    for s in "${names[@]}"; do svc_start "$s"; done
    for s in "${names[@]}"; do svc_wait "$s"; done
    write_env
    log "all requested services ready ($(elapsed "$t_up") s after start)"
    ;;
  install)
    for s in "${names[@]}"; do svc_install "$s"; done
    ;;
  down)
    # Reverse order: dependants first.
    for ((i = ${#names[@]} - 1; i >= 0; i--)); do svc_down "${names[i]}"; done
    write_env
    ;;
  status)
    for s in "${names[@]}"; do svc_status "$s"; done
    ;;
  logs)
    s="${names[0]}"
    if [[ " ${names[*]} " == *" -f "* ]]; then tail -n 100 -F "$(logfile "$s")"; else cat "$(logfile "$s")"; fi
    ;;
  reset)
    for ((i = ${#names[@]} - 1; i >= 0; i--)); do svc_down "${names[i]}"; done
    for s in "${names[@]}"; do
      if declare -F "${s}_reset" >/dev/null; then "${s}_reset"; fi
      rm -rf "${DATA_DIR:?}/$s"
      log "$s: data wiped"
    done
    write_env
    ;;
  env)
    cat "$ENV_FILE"
    ;;
  *)
    die "usage: services.sh up|down|status|logs|install|reset|env [name...]"
    ;;
esac
