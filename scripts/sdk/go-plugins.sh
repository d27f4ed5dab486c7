#!/usr/bin/env bash
# Builds the Go code generators once (go install) into the cache outside the repository and prints
# the folder to put on PATH. Used by scripts/sdk/generate-go.sh.
set -euo pipefail
PROTOBUF=v1.36.12
CONNECT=v1.21.1
CACHE="${DOCMESH_CACHE:-$HOME/.cache/docmesh}"
BIN="$CACHE/tools/go-sdk-plugins-protobuf-$PROTOBUF-connect-$CONNECT"
if [[ ! -x "$BIN/protoc-gen-go" || ! -x "$BIN/protoc-gen-connect-go" ]]; then
  command -v go >/dev/null || { echo "go sdk: Go is needed (go install of the generators)" >&2; exit 1; }
  echo "go sdk: building protoc-gen-go $PROTOBUF and protoc-gen-connect-go $CONNECT into $BIN" >&2
  GOBIN="$BIN" go install "google.golang.org/protobuf/cmd/protoc-gen-go@$PROTOBUF"
  GOBIN="$BIN" go install "connectrpc.com/connect/cmd/protoc-gen-connect-go@$CONNECT"
fi
echo "$BIN"
