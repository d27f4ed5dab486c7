#!/usr/bin/env bash
# Builds the descriptor set for Envoy's gRPC-JSON transcoder, renders an Envoy config from the
# contracts and settings, and validates it with the real Envoy (`envoy --mode validate`).
#   bash scripts/edge/check.sh                 build + render deploy/envoy/envoy.yaml (defaults) + validate
#   bash scripts/edge/check.sh --no-write      validate the committed files only
#   bash scripts/edge/check.sh --out FILE [render.ts options]
#                                              render FILE from THIS shell's DOCMESH_* settings
#                                              (DOCMESH_EDGE_UPSTREAMS, DOCMESH_JWKS, ...) + validate;
#                                              the committed file is left alone
set -euo pipefail
cd "$(dirname "$0")/../.."

CACHE="${DOCMESH_CACHE:-$HOME/.cache/docmesh}"
if [[ -z "${DOCMESH_ENVOY_BIN:-}" && -f "$CACHE/run/services.env" ]]; then
  # Only the Envoy binary: the engines' settings must not leak into a rendered config.
  DOCMESH_ENVOY_BIN="$(sed -n 's/^DOCMESH_ENVOY_BIN=//p' "$CACHE/run/services.env" | tr -d "\"'")"
fi
ENVOY="${DOCMESH_ENVOY_BIN:-envoy}"

case "${1:-}" in
  --no-write)
    config=deploy/envoy/envoy.yaml
    ;;
  --out)
    config="${2:?--out needs a file}"
    shift 2
    npx buf build --exclude-source-info --as-file-descriptor-set -o deploy/envoy/docmesh.binpb
    # Rendered from this shell's settings, as the services read them.
    npx tsx scripts/edge/render.ts --out "$config" "$@"
    ;;
  "")
    config=deploy/envoy/envoy.yaml
    npx buf build --exclude-source-info --as-file-descriptor-set -o deploy/envoy/docmesh.binpb
    # The committed file is rendered from the defaults only, never from this shell's DOCMESH_* values.
    env -i PATH="$PATH" HOME="$HOME" npx tsx scripts/edge/render.ts
    ;;
  *)
    echo "usage: $0 [--no-write | --out FILE [render options]]" >&2
    exit 2
    ;;
esac
"$ENVOY" --mode validate -c "$config" --log-level warn
