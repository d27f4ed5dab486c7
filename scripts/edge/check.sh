#!/usr/bin/env bash
# Builds the descriptor set for Envoy's gRPC-JSON transcoder, renders deploy/envoy/envoy.yaml from
# the contracts and settings, and validates it with the real Envoy (`envoy --mode validate`).
#   bash scripts/edge/check.sh            build + render + validate
#   bash scripts/edge/check.sh --no-write validate the committed files only
set -euo pipefail
cd "$(dirname "$0")/../.."

CACHE="${DOCMESH_CACHE:-$HOME/.cache/docmesh}"
if [[ -z "${DOCMESH_ENVOY_BIN:-}" && -f "$CACHE/run/services.env" ]]; then
  # shellcheck disable=SC1091
  set -a && source "$CACHE/run/services.env" && set +a
fi
ENVOY="${DOCMESH_ENVOY_BIN:-envoy}"

if [[ "${1:-}" != "--no-write" ]]; then
  npx buf build --exclude-source-info --as-file-descriptor-set -o deploy/envoy/docmesh.binpb
  # The committed file is rendered from the defaults only, never from this shell's DOCMESH_* values.
  env -i PATH="$PATH" HOME="$HOME" npx tsx scripts/edge/render.ts
fi
"$ENVOY" --mode validate -c deploy/envoy/envoy.yaml --log-level warn
