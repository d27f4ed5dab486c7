# shellcheck shell=bash
# Ollama: optional tier, only when named (`services.sh up ollama`). Not yet wired.
ollama_installed() { false; }
ollama_install() { echo "ollama: not available yet (see docs/development.md)"; return 1; }
ollama_version() { echo "not installed"; }
ollama_endpoint() { echo "http://127.0.0.1:$DOCMESH_OLLAMA_PORT"; }
ollama_start() { return 1; }
ollama_ready() { return 1; }
ollama_env() { echo "DOCMESH_OLLAMA_URL=$(ollama_endpoint)"; }
