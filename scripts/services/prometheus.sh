# shellcheck shell=bash
# Prometheus (and promtool, which checks deploy/prometheus/rules in CI), built from source with the
# Go toolchain: `go install github.com/prometheus/prometheus/cmd/{prometheus,promtool}@v0.316.0`
# (Prometheus 3.x tags its Go module v0.3xx). A source build embeds no web UI assets: the HTTP API
# and /metrics work, the UI pages answer "not found". It scrapes the Docmesh processes listed in
# $RUN_DIR/prometheus-targets/*.json (file service discovery: whoever starts a process writes its
# metrics address there) and evaluates deploy/prometheus/rules/*.yml.

PROMETHEUS_MODULE_VERSION="${DOCMESH_PROMETHEUS_VERSION:-v0.316.0}"
PROMETHEUS_BIN="$BIN_DIR/prometheus"
PROMTOOL_BIN="$BIN_DIR/promtool"
PROMETHEUS_DATA="$DATA_DIR/prometheus"
PROMETHEUS_TARGETS="$RUN_DIR/prometheus-targets"

prometheus_installed() {
  [[ -x "$PROMETHEUS_BIN" && -x "$PROMTOOL_BIN" && -f "$BIN_DIR/.prometheus-$PROMETHEUS_MODULE_VERSION" ]]
}
prometheus_install() {
  CGO_ENABLED=0 GOBIN="$BIN_DIR" GOFLAGS=-buildvcs=false nice -n 10 go install -trimpath \
    "github.com/prometheus/prometheus/cmd/prometheus@$PROMETHEUS_MODULE_VERSION" \
    "github.com/prometheus/prometheus/cmd/promtool@$PROMETHEUS_MODULE_VERSION"
  touch "$BIN_DIR/.prometheus-$PROMETHEUS_MODULE_VERSION"
}
prometheus_version() { echo "github.com/prometheus/prometheus@$PROMETHEUS_MODULE_VERSION"; }
prometheus_endpoint() { echo "http://127.0.0.1:$DOCMESH_PROMETHEUS_PORT"; }

prometheus_start() {
  require_free_port prometheus "$DOCMESH_PROMETHEUS_PORT"
  local config="$RUN_DIR/prometheus.yml" rules
  rules="$(cd "$SERVICES_DIR/../../deploy/prometheus/rules" && pwd)"
  mkdir -p "$PROMETHEUS_DATA" "$PROMETHEUS_TARGETS"
  sed -e "s|@TARGETS@|$PROMETHEUS_TARGETS|" -e "s|@RULES@|$rules|" \
    -e "s|@INTERVAL@|${DOCMESH_PROMETHEUS_SCRAPE_INTERVAL:-2s}|" "$SERVICES_DIR/prometheus/prometheus.yml" >"$config"
  "$PROMTOOL_BIN" check config "$config" >>"$(logfile prometheus)" 2>&1 ||
    die "prometheus: promtool rejected $config; log: $(logfile prometheus)"
  spawn prometheus "$PROMETHEUS_BIN" --config.file="$config" --storage.tsdb.path="$PROMETHEUS_DATA" \
    --storage.tsdb.retention.time=2d --web.listen-address="127.0.0.1:$DOCMESH_PROMETHEUS_PORT" --web.enable-lifecycle
}
prometheus_ready() { http_ok "$(prometheus_endpoint)/-/ready"; }
prometheus_env() {
  echo "DOCMESH_PROMETHEUS_URL=$(prometheus_endpoint)"
  echo "DOCMESH_PROMETHEUS_TARGETS_DIR=$PROMETHEUS_TARGETS"
}
