# shellcheck shell=bash
# Jaeger v2 (an OpenTelemetry Collector distribution): receives OTLP traces from every Docmesh
# process and answers the query API and UI. Built from source with the Go toolchain. The module
# has replace directives, so `go install pkg@version` refuses it: a throwaway tool module under the
# cache requires it (`go get -tool`) and builds the binary. In-memory storage: traces live as long
# as the process (development and tests).

JAEGER_MODULE_VERSION="${DOCMESH_JAEGER_VERSION:-v1.76.0}"
JAEGER_BIN="$BIN_DIR/jaeger"
JAEGER_BUILD="$DOCMESH_CACHE/jaeger-build"

jaeger_installed() { [[ -x "$JAEGER_BIN" && -f "$BIN_DIR/.jaeger-$JAEGER_MODULE_VERSION" ]]; }
jaeger_install() {
  rm -rf "$JAEGER_BUILD"
  mkdir -p "$JAEGER_BUILD"
  (
    cd "$JAEGER_BUILD"
    go mod init docmesh.local/jaeger-tool
    GOFLAGS=-mod=mod go get -tool "github.com/jaegertracing/jaeger/cmd/jaeger@$JAEGER_MODULE_VERSION"
    CGO_ENABLED=0 GOFLAGS="-buildvcs=false -mod=mod" nice -n 10 go build -trimpath -o "$JAEGER_BIN" github.com/jaegertracing/jaeger/cmd/jaeger
  )
  touch "$BIN_DIR/.jaeger-$JAEGER_MODULE_VERSION"
}
jaeger_version() { echo "github.com/jaegertracing/jaeger/cmd/jaeger@$JAEGER_MODULE_VERSION"; }
jaeger_endpoint() { echo "http://127.0.0.1:$DOCMESH_JAEGER_QUERY_PORT"; }

jaeger_start() {
  require_free_port jaeger "$DOCMESH_JAEGER_OTLP_PORT" "$DOCMESH_JAEGER_QUERY_PORT" "$DOCMESH_JAEGER_HEALTH_PORT"
  local config="$RUN_DIR/jaeger.yaml"
  sed -e "s/@OTLP_PORT@/$DOCMESH_JAEGER_OTLP_PORT/" -e "s/@QUERY_PORT@/$DOCMESH_JAEGER_QUERY_PORT/" \
    -e "s/@HEALTH_PORT@/$DOCMESH_JAEGER_HEALTH_PORT/" "$SERVICES_DIR/jaeger/config.yaml" >"$config"
  spawn jaeger "$JAEGER_BIN" --config "$config"
}
jaeger_ready() { http_ok "$(jaeger_endpoint)/api/services"; }
jaeger_env() {
  echo "DOCMESH_OTLP_ENDPOINT=http://127.0.0.1:$DOCMESH_JAEGER_OTLP_PORT"
  echo "DOCMESH_JAEGER_URL=$(jaeger_endpoint)"
}
