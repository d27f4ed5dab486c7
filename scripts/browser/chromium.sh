#!/usr/bin/env bash
# Installs Debian's Chromium (/usr/bin/chromium) for the console's browser test, when missing.
# playwright-core drives this binary; `npx playwright install` (which downloads its own) is never used.
# Run by scripts/test.sh; needs root (or passwordless sudo) the first time only.
set -euo pipefail

CHROMIUM="${DOCMESH_CHROMIUM:-/usr/bin/chromium}"
if [[ -x "$CHROMIUM" ]]; then exit 0; fi

SUDO=()
if [[ "$(id -u)" != 0 ]]; then
  command -v sudo >/dev/null || { echo "chromium: $CHROMIUM is missing and installing it needs root" >&2; exit 1; }
  SUDO=(sudo -n)
fi
echo "chromium: installing Debian's chromium package (apt-get)" >&2
export DEBIAN_FRONTEND=noninteractive
"${SUDO[@]}" apt-get update -qq >&2
"${SUDO[@]}" apt-get install -y -qq --no-install-recommends chromium >&2
[[ -x "$CHROMIUM" ]] || { echo "chromium: installed, but $CHROMIUM is still missing" >&2; exit 1; }
