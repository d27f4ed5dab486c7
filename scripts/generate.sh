#!/usr/bin/env bash
# Everything generated from the contracts (npm run generate): gen/ for the services, the SDKs'
# copies (sdk/typescript/src/gen, sdk/go/gen, sdk/python/gen) and the OpenAPI document (docs/openapi).
# CI (scripts/check-contracts.sh) runs it and fails when the committed files differ.
set -euo pipefail
cd "$(dirname "$0")/.."
npx buf generate
npx buf generate --template buf.gen.sdk.yaml
bash scripts/openapi/generate.sh
bash scripts/sdk/generate-go.sh
bash scripts/sdk/generate-python.sh
