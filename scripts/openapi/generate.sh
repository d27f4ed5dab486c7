#!/usr/bin/env bash
# Renders docs/openapi/openapi.yaml from the contracts (npm run openapi). The plugin, gnostic's
# protoc-gen-openapi, is built once with `go install` into the cache outside the repository.
set -euo pipefail
cd "$(dirname "$0")/../.."

VERSION=v0.7.1
CACHE="${DOCMESH_CACHE:-$HOME/.cache/docmesh}"
BIN="$CACHE/tools/protoc-gen-openapi-$VERSION"
if [[ ! -x "$BIN/protoc-gen-openapi" ]]; then
  command -v go >/dev/null || { echo "openapi: Go is needed to build protoc-gen-openapi (go install)" >&2; exit 1; }
  echo "openapi: building protoc-gen-openapi $VERSION into $BIN" >&2
  GOBIN="$BIN" go install "github.com/google/gnostic/cmd/protoc-gen-openapi@$VERSION"
fi

# Only our contracts carry REST routes; third_party/ is left out.
PATH="$BIN:$PATH" npx buf generate --template buf.gen.openapi.yaml --path proto/docmesh
