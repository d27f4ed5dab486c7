#!/usr/bin/env bash
# The Python SDK's venv, outside the repository: the code generators (grpcio-tools' protoc with its
# python/pyi builtins, protoc-gen-connectrpc) and the SDK's runtime (connectrpc, protobuf,
# googleapis-common-protos; confluent-kafka for the event-consumer example). Pinned versions; a
# stamp file makes it idempotent. Prints the venv's folder (its bin/ holds python and the tools).
# Used by scripts/sdk/generate-python.sh and test/integration/sdk/python-example.test.ts.
set -euo pipefail
cd "$(dirname "$0")/../.."
CACHE="${DOCMESH_CACHE:-$HOME/.cache/docmesh}"
VENV="$CACHE/py-sdk"
PACKAGES=(
  "grpcio-tools==1.76.0"
  "protobuf==6.33.6"
  "googleapis-common-protos==1.76.0"
  "connectrpc==0.13.0"
  "protoc-gen-connectrpc==0.13.0"
  "confluent-kafka[protobuf]==2.12.2"
)
STAMP="$VENV/.docmesh-stamp"
if [[ ! -x "$VENV/bin/python" ]]; then
  command -v python3 >/dev/null || { echo "python sdk: python3 (3.11+) is needed" >&2; exit 1; }
  python3 -m venv "$VENV"
fi
if [[ "$(cat "$STAMP" 2>/dev/null)" != "${PACKAGES[*]}" ]]; then
  echo "python sdk: installing ${PACKAGES[*]} into $VENV" >&2
  "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check --only-binary=:all: "${PACKAGES[@]}" >&2
  # buf runs `protoc` for the python/pyi builtins: the one inside grpcio-tools (a PyPI wheel).
  printf '#!/usr/bin/env bash\nexec "%s" -m grpc_tools.protoc "$@"\n' "$VENV/bin/python" >"$VENV/bin/protoc"
  chmod +x "$VENV/bin/protoc"
  echo "${PACKAGES[*]}" >"$STAMP"
fi
echo "$VENV"
