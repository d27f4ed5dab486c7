#!/usr/bin/env bash
# Regenerates sdk/python/gen from the contracts (and buf/validate, which they import) with the
# Python generators of the cached venv (scripts/sdk/python-env.sh).
set -euo pipefail
cd "$(dirname "$0")/../.."
VENV="$(bash scripts/sdk/python-env.sh)"
PATH="$VENV/bin:$PATH" npx buf generate --template buf.gen.python.yaml \
  --path proto/docmesh --path third_party/proto/buf/validate/validate.proto
