#!/usr/bin/env bash
# Python peer for the Confluent wire-format acceptance test (test/integration/bus/confluent-interop.test.ts).
#
#   bash scripts/python-interop.sh          create/refresh the venv and generate the Python protobuf classes
#   bash scripts/python-interop.sh --print  print the venv's python path (after setup)
#
# A venv under ${DOCMESH_CACHE:-$HOME/.cache/docmesh}/py with PyPI confluent-kafka (its ProtobufDeserializer is the
# "deserializer none of us wrote") and grpcio-tools, which compiles proto/ + third_party/proto into Python classes
# under <venv>/gen. Idempotent: a stamp file records the installed versions.
set -euo pipefail
cd "$(dirname "$0")/.."
CACHE="${DOCMESH_CACHE:-$HOME/.cache/docmesh}"
VENV="$CACHE/py"
PY="$VENV/bin/python"
if [[ "${1:-}" == --print ]]; then echo "$PY"; exit 0; fi

CONFLUENT_KAFKA_VERSION="${CONFLUENT_KAFKA_VERSION:-2.12.2}"
GRPCIO_TOOLS_VERSION="${GRPCIO_TOOLS_VERSION:-1.76.0}"
STAMP="$VENV/.docmesh-stamp"
WANT="confluent-kafka==$CONFLUENT_KAFKA_VERSION grpcio-tools==$GRPCIO_TOOLS_VERSION"

if [[ ! -x "$PY" ]]; then python3 -m venv "$VENV"; fi
if [[ "$(cat "$STAMP" 2>/dev/null)" != "$WANT" ]]; then
  "$PY" -m pip install --quiet --disable-pip-version-check --only-binary=:all: \
    "confluent-kafka[protobuf,schemaregistry]==$CONFLUENT_KAFKA_VERSION" "grpcio-tools==$GRPCIO_TOOLS_VERSION"
  echo "$WANT" >"$STAMP"
fi

# Python classes for our contracts (and the google/api options document.proto imports).
OUT="$VENV/gen"
rm -rf "$OUT.tmp" && mkdir -p "$OUT.tmp"
mapfile -t PROTOS < <(cd proto && find docmesh -name '*.proto' | sort)
"$PY" -m grpc_tools.protoc -Iproto -Ithird_party/proto --python_out="$OUT.tmp" "${PROTOS[@]}" \
  google/api/field_behavior.proto google/api/resource.proto google/api/http.proto google/api/annotations.proto \
  buf/validate/validate.proto
rm -rf "$OUT" && mv "$OUT.tmp" "$OUT"
echo "python interop ready: $PY (classes in $OUT)" >&2
