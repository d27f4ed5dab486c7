#!/usr/bin/env bash
# Regenerates sdk/go/gen from the contracts with the cached Go generators.
set -euo pipefail
cd "$(dirname "$0")/../.."
BIN="$(bash scripts/sdk/go-plugins.sh)"
PATH="$BIN:$PATH" npx buf generate --template buf.gen.go.yaml --path proto/docmesh
