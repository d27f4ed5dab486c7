# shellcheck shell=bash
# Ollama: an optional tier, started only when named (`services.sh up ollama`).
# Built from source with cgo: `go install github.com/ollama/ollama@v0.11.4` (later versions need
# network downloads or vendored headers that the Go module proxy strips). CPU only.

OLLAMA_MODULE_VERSION="${DOCMESH_OLLAMA_VERSION:-v0.11.4}"
OLLAMA_BIN="$BIN_DIR/ollama"
OLLAMA_DATA="$DATA_DIR/ollama"

ollama_installed() { [[ -x "$OLLAMA_BIN" && -f "$BIN_DIR/.ollama-$OLLAMA_MODULE_VERSION" ]]; }
ollama_install() {
  CGO_ENABLED=1 GOBIN="$BIN_DIR" GOFLAGS=-buildvcs=false nice -n 10 go install "github.com/ollama/ollama@$OLLAMA_MODULE_VERSION"
  touch "$BIN_DIR/.ollama-$OLLAMA_MODULE_VERSION"
}
ollama_version() { echo "github.com/ollama/ollama@$OLLAMA_MODULE_VERSION"; }
ollama_endpoint() { echo "http://127.0.0.1:$DOCMESH_OLLAMA_PORT"; }
ollama_start() {
  require_free_port ollama "$DOCMESH_OLLAMA_PORT"
  mkdir -p "$OLLAMA_DATA/models"
  OLLAMA_HOST="127.0.0.1:$DOCMESH_OLLAMA_PORT" OLLAMA_MODELS="$OLLAMA_DATA/models" OLLAMA_NOPRUNE=1 \
    spawn ollama "$OLLAMA_BIN" serve
}
ollama_ready() { http_ok "$(ollama_endpoint)/api/version"; }
ollama_env() { echo "DOCMESH_OLLAMA_URL=$(ollama_endpoint)"; }
