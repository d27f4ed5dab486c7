#!/usr/bin/env bash
# The one test command (npm test): brings the real backing services up when they
# are not running, then runs every vitest project. A service that cannot start
# fails the run, naming the service; integration tests are never skipped.
set -euo pipefail
cd "$(dirname "$0")/.."

CACHE="${DOCMESH_CACHE:-$HOME/.cache/docmesh}"

# CI starts from clean engines, so nothing left over by an interrupted earlier run (a backlog of
# events, half-processed documents) shapes the results.
if [[ "${CI:-}" == "true" ]]; then
  bash scripts/services/services.sh reset
fi

# The default stack plus the Ollama tier: the Ollama provider's tests run against the real server.
if ! bash scripts/services/services.sh up || ! bash scripts/services/services.sh up ollama; then
  echo "npm test: the backing services did not come up (see the message above and $CACHE/run/logs/)" >&2
  exit 1
fi
# Debian's Chromium for the console's browser test (test/integration/web/), when missing.
if ! bash scripts/browser/chromium.sh; then
  echo "npm test: Chromium could not be installed (scripts/browser/chromium.sh)" >&2
  exit 1
fi
set -a
# shellcheck disable=SC1091
source "$CACHE/run/services.env"
set +a

exec npx vitest run "$@"
